"""Reading policy files and merging a server's file over the default.

A server's policy is ``default.yaml`` deep-merged with ``guilds/<guild_id>.yaml``: mappings
merge key by key, lists and plain values replace. The merged data is validated as a whole;
each error names the file that holds the key (the server's when it sets it, otherwise the
default), the line and the key. ``version`` is the hash of the files that made the policy:
the default's, then ``+`` the server file's, so a case says which files decided it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from bot import policy_yaml
from bot.policy_config import Policy, PolicyBase, PolicyConfigError, describe_error

#: Sections one process shares: a server file may not set them (one scorer, one purge).
PROCESS_WIDE = ("model", "retention")


@dataclass(frozen=True, slots=True)
class PolicyFile:
    """One policy file as read: its text (for the hash), data and node tree (for lines)."""

    path: Path
    source: str
    data: dict[str, Any]
    root: yaml.Node | None

    @property
    def digest(self) -> str:
        """The first 12 hex digits of the file's SHA-256 (``sha256sum`` shows the same)."""
        return hashlib.sha256(self.source.encode("utf-8", "surrogatepass")).hexdigest()[:12]

    def holds(self, dotted: str) -> bool:
        """Does the file set this key (``discord.review``, ``flood``, ``shadow_mode``)?"""
        node: Any = self.data
        for part in dotted.split("."):
            if not isinstance(node, Mapping) or part not in node:
                return False
            node = node[part]
        return True


def read_policy_file(path: Path, *, server_file: bool = False) -> PolicyFile:
    """Read and parse ``path`` (not validated yet); :class:`PolicyConfigError` with lines.

    A server file may be empty (the server then runs the default) and may not set the
    process-wide sections."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise PolicyConfigError(path, [f"cannot read file: {exc.strerror or exc}"]) from exc
    try:
        source = policy_yaml.decode(raw)
        data, root = policy_yaml.load(source)
    except policy_yaml.YamlError as exc:
        raise PolicyConfigError(path, [f"{path}: {exc}"]) from exc
    if data is None and server_file:
        data = {}
    if not isinstance(data, dict):
        raise PolicyConfigError(path, [f"{path}: line 1: expected a mapping of policy keys"])
    if server_file:
        shared = [key for key in PROCESS_WIDE if key in data]
        if shared:
            raise PolicyConfigError(path, [
                f"{path}: line {policy_yaml.line_of(root, [key])}: {key}: one process shares "
                "this section; set it in default.yaml" for key in shared])
    return PolicyFile(path, source, data, root)


def deep_merge(base: Mapping[str, Any], over: Mapping[str, Any]) -> dict[str, Any]:
    """``base`` with ``over`` on top: mappings merge recursively, everything else replaces."""
    merged = dict(base)
    for key, value in over.items():
        below = merged.get(key)
        if isinstance(value, Mapping) and isinstance(below, Mapping):
            merged[key] = deep_merge(below, value)
        else:
            merged[key] = value
    return merged


def merged_policy(default: PolicyFile, own: PolicyFile | None = None,
                  model: type[PolicyBase] = Policy) -> Policy:
    """The default with ``own`` merged over it, validated; errors name the file that holds
    the key (the server file when both do: it is the one that changed it)."""
    data = deep_merge(default.data, own.data) if own is not None else default.data
    try:
        policy = model.model_validate(data)
    except ValidationError as exc:
        blamed = own if own is not None and _blames_own(exc, default, own) else default
        problems = [describe_error(error, _file_of(error, default, own).root,
                                   _file_of(error, default, own).path)
                    for error in exc.errors()]
        raise PolicyConfigError(blamed.path, problems) from exc
    version = default.digest if own is None else f"{default.digest}+{own.digest}"
    return policy.model_copy(update={"version": version})


def _file_of(error: Any, default: PolicyFile, own: PolicyFile | None) -> PolicyFile:
    if own is None:
        return default
    loc = [part for part in error["loc"] if not _is_tag(part)]
    mine = policy_yaml.matched_depth(own.root, loc)
    return own if mine > 0 and mine >= policy_yaml.matched_depth(default.root, loc) else default


def _blames_own(exc: ValidationError, default: PolicyFile, own: PolicyFile) -> bool:
    return any(_file_of(error, default, own) is own for error in exc.errors())


def _is_tag(part: Any) -> bool:
    # pydantic's union/validator tags ('function-before[...]') are no keys of the file.
    return isinstance(part, str) and ("[" in part or part in {"str", "int", "float"})
