""""Did you mean ...?" for policy keys and label names an admin mistyped.

The keys a location allows are read from the pydantic model itself (walking through
optional values, dicts and lists), so every section, a rule's own included, gets hints.
"""

from __future__ import annotations

import difflib
import types
from collections.abc import Iterable, Sequence
from typing import Any, Union, get_args, get_origin

from pydantic import BaseModel


def closest(word: str, choices: Iterable[str]) -> str | None:
    """The choice ``word`` most likely meant (case and ``-``/``_`` ignored), or None."""
    options = {c.lower().replace("-", "_"): c for c in choices}
    found = difflib.get_close_matches(word.lower().replace("-", "_"), list(options), n=1,
                                      cutoff=0.75)
    return options[found[0]] if found else None


def allowed_keys(model: type[BaseModel], loc: Sequence[Any]) -> list[str]:
    """The keys the mapping at ``loc`` (a pydantic error location, minus the bad key) takes."""
    current: Any = model
    for part in loc:
        current = _step(current, part)
        if current is None:
            return []
    target = _model_in(current)
    return list(target.model_fields) if target is not None else []


def did_you_mean(model: type[BaseModel], loc: Sequence[Any]) -> str | None:
    """For an unknown key at ``loc`` (its last part), the known key it resembles."""
    if not loc:
        return None
    return closest(str(loc[-1]), allowed_keys(model, loc[:-1]))


def _step(annotation: Any, part: Any) -> Any:
    target = _model_in(annotation)
    if target is not None and isinstance(part, str) and part in target.model_fields:
        return target.model_fields[part].annotation
    for option in _options(annotation):
        origin = get_origin(option)
        if origin is dict:
            return get_args(option)[1]
        if origin in (list, tuple) and isinstance(part, int):
            return get_args(option)[0]
    return None


def _options(annotation: Any) -> list[Any]:
    if get_origin(annotation) in (Union, types.UnionType):
        return [a for a in get_args(annotation) if a is not type(None)]
    return [annotation]


def _model_in(annotation: Any) -> type[BaseModel] | None:
    for option in _options(annotation):
        if isinstance(option, type) and issubclass(option, BaseModel):
            return option
    return None
