"""``python -m bot score``: JSON lines in, one JSON line of scores out per input line.

Input ``{"text", "parent"?, "target"?}`` (or ``"targets": [...]``); output
``{"scores": {label: p}}`` plus ``"stance": {"agree", "disagree", "neutral"}`` when a parent
or target is given (toward the parent, or toward the target when no parent is given).
Evaluation scripts depend on this shape: keep it stable, extend it only.

With an :class:`~bot.tools.score_explain.Explainer` (the command always has one: the
policy of ``--policy``, default the default policy) each line also gets ``rules`` (each
rule that fired with its reasons) and ``decision`` (``action``, ``band``, ``reasons``);
lines with targets get ``claims: {target text: stance}``.

Every input line gets exactly one output line, in order: a blank, malformed or unscorable
line gets ``{"error": "..."}``. Input is read as bytes and decoded as UTF-8 with
replacement, whatever the locale; output is ASCII JSON.
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import IO, TextIO

from bot.normalize import normalize
from bot.tools.score_explain import Explainer, explain
from bot.tools.transcript import clean_text
from models.api import Scorer, ScoreRequest, ScoreResult

log = logging.getLogger(__name__)

BATCH = 64
#: Characters per field; the models read the first few hundred tokens anyway.
MAX_TEXT = 100_000
#: Targets per line (each costs one pair pass).
MAX_TARGETS = 16


@dataclass(frozen=True, slots=True)
class _Line:
    request: ScoreRequest
    #: What was sent, before normalisation (the rules read it as a message would be read).
    text: str
    parent: str | None
    #: The targets as given: they name the ``claims`` entries.
    targets: tuple[str, ...]


def input_lines(stream: IO[str] | IO[bytes]) -> Iterator[str]:
    """Lines of ``stream`` decoded leniently (bytes split on newline only)."""
    raw = getattr(stream, "buffer", stream)
    for line in raw:
        yield line.decode("utf-8", "replace") if isinstance(line, bytes) else line


def _parse(line: str) -> _Line | str:
    if not line.strip():
        return "blank line"
    try:
        item = json.loads(line)
    except json.JSONDecodeError as exc:
        return f"not valid JSON: {exc.msg}"
    except RecursionError:
        return "not valid JSON: nested too deeply"
    if not isinstance(item, dict) or not isinstance(item.get("text"), str):
        return 'expected an object with a "text" string'
    parent, target = item.get("parent"), item.get("target")
    if parent is not None and not isinstance(parent, str):
        return '"parent" must be a string'
    if target is not None and not isinstance(target, str):
        return '"target" must be a string'
    targets = _targets(item.get("targets"), target)
    if isinstance(targets, str):
        return targets
    if any(len(v) > MAX_TEXT for v in (item["text"], parent or "", *targets)):
        return f"a field is longer than {MAX_TEXT} characters"
    text = clean_text(item["text"])
    return _Line(
        ScoreRequest(
            _normal(text),
            parent=_normal(parent) if parent else None,
            targets=tuple(_normal(t) for t in targets),
        ),
        text=text,
        parent=clean_text(parent) if parent else None,
        targets=tuple(clean_text(t) for t in targets),
    )


def _targets(many: object, one: str | None) -> tuple[str, ...] | str:
    """``target`` first, then ``targets``; empty strings dropped, duplicates once."""
    if many is not None and (
            not isinstance(many, list) or not all(isinstance(t, str) for t in many)):
        return '"targets" must be a list of strings'
    found = tuple(dict.fromkeys(t for t in (one, *(many or ())) if t))
    if len(found) > MAX_TARGETS:
        return f"at most {MAX_TARGETS} targets"
    return found


def _normal(text: str) -> str:
    return normalize(clean_text(text)).text


def _score(scorer: Scorer, requests: Sequence[ScoreRequest]) -> list[ScoreResult | str]:
    """Results in order; a failed batch is retried one by one so only the bad line fails."""
    if not requests:
        return []
    try:
        results = list(scorer.score_batch(requests))
        if len(results) == len(requests):
            return list(results)
        raise RuntimeError(f"scorer returned {len(results)} results for {len(requests)}")
    except Exception:
        if len(requests) == 1:
            log.exception("scoring failed")
            return ["scoring failed (see the log)"]
    out: list[ScoreResult | str] = []
    for request in requests:
        out.extend(_score(scorer, [request]))
    return out


def _chunks(lines: Iterable[str]) -> Iterator[list[str]]:
    chunk: list[str] = []
    for line in lines:
        chunk.append(line)
        if len(chunk) >= BATCH:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def score_lines(
    lines: Iterable[str], scorer: Scorer, explainer: Explainer | None = None
) -> Iterator[dict[str, object]]:
    for chunk in _chunks(lines):
        parsed = [_parse(line) for line in chunk]
        requests: list[ScoreRequest] = []
        for item in parsed:
            if isinstance(item, _Line):
                requests.append(item.request)
                # Counter-speech protection reads how hostile the parent itself is.
                if explainer is not None and item.request.parent:
                    requests.append(ScoreRequest(item.request.parent))
        results = iter(_score(scorer, requests))
        for item in parsed:
            if isinstance(item, str):
                yield {"error": item}
                continue
            result = next(results)
            parent_result = (next(results) if explainer is not None and item.request.parent
                             else None)
            if isinstance(result, str):
                yield {"error": result}
                continue
            yield _record(item, result, parent_result, explainer)


def _record(
    line: _Line, result: ScoreResult, parent: ScoreResult | str | None,
    explainer: Explainer | None,
) -> dict[str, object]:
    out: dict[str, object] = {"scores": _rounded(result.scores)}
    stance = result.parent_stance
    if stance is None and result.target_stances:
        stance = result.target_stances[0]
    if stance is not None:
        out["stance"] = _rounded(stance)
    if line.targets and result.target_stances:
        out["claims"] = {text: _rounded(s)
                         for text, s in zip(line.targets, result.target_stances, strict=False)}
    if explainer is not None:
        parent_scores = dict(parent.scores) if isinstance(parent, ScoreResult) else None
        verdict = explainer.verdict(
            line.text, dict(result.scores), parent=line.parent, parent_scores=parent_scores,
            parent_stance=result.parent_stance)
        out.update(explain(verdict))
    return out


def _rounded(values: Mapping[str, float]) -> dict[str, float]:
    return {k: round(float(v), 6) for k, v in values.items()}


def score_stream(
    lines: IO[str] | IO[bytes], out: TextIO, scorer: Scorer, explainer: Explainer | None = None
) -> int:
    if hasattr(scorer, "measure_every_target"):  # the cascade (models.cascade): a target a
        scorer.measure_every_target = True  # line names is always measured, near or not
    failures = 0
    for record in score_lines(input_lines(lines), scorer, explainer):
        failures += "error" in record
        out.write(json.dumps(record) + "\n")
        out.flush()
    if failures:
        print(f"{failures} input line(s) could not be scored", file=sys.stderr)
    return 0
