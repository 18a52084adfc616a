"""``python -m bot score``: JSON lines in, one JSON line of scores out per input line.

Input ``{"text", "parent"?, "target"?}``; output ``{"scores": {label: p}}`` plus
``"stance": {"agree", "disagree", "neutral"}`` when a parent or target is given (toward the
target when both are). Evaluation scripts depend on this shape: keep it stable.

Every input line gets exactly one output line, in order: a blank, malformed or unscorable
line gets ``{"error": "..."}``. Input is read as bytes and decoded as UTF-8 with
replacement, whatever the locale; output is ASCII JSON.
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Iterable, Iterator, Sequence
from typing import IO, TextIO

from bot.normalize import normalize
from bot.tools.transcript import clean_text
from models.api import Scorer, ScoreRequest, ScoreResult

log = logging.getLogger(__name__)

BATCH = 64
#: Characters per field; the models read the first few hundred tokens anyway.
MAX_TEXT = 100_000


def input_lines(stream: IO[str] | IO[bytes]) -> Iterator[str]:
    """Lines of ``stream`` decoded leniently (bytes split on newline only)."""
    raw = getattr(stream, "buffer", stream)
    for line in raw:
        yield line.decode("utf-8", "replace") if isinstance(line, bytes) else line


def _parse(line: str) -> ScoreRequest | str:
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
    if any(len(v) > MAX_TEXT for v in (item["text"], parent or "", target or "")):
        return f"a field is longer than {MAX_TEXT} characters"
    return ScoreRequest(
        _normal(item["text"]),
        parent=_normal(parent) if parent else None,
        targets=(_normal(target),) if target else (),
    )


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


def score_lines(lines: Iterable[str], scorer: Scorer) -> Iterator[dict[str, object]]:
    for chunk in _chunks(lines):
        parsed = [_parse(line) for line in chunk]
        requests = [p for p in parsed if isinstance(p, ScoreRequest)]
        results = iter(_score(scorer, requests))
        for item in parsed:
            result = item if isinstance(item, str) else next(results)
            if isinstance(result, str):
                yield {"error": result}
                continue
            out: dict[str, object] = {
                "scores": {k: round(float(v), 6) for k, v in result.scores.items()}
            }
            stance = result.target_stances[0] if result.target_stances else result.parent_stance
            if stance is not None:
                out["stance"] = {k: round(float(v), 6) for k, v in stance.items()}
            yield out


def score_stream(lines: IO[str] | IO[bytes], out: TextIO, scorer: Scorer) -> int:
    failures = 0
    for record in score_lines(input_lines(lines), scorer):
        failures += "error" in record
        out.write(json.dumps(record) + "\n")
        out.flush()
    if failures:
        print(f"{failures} input line(s) could not be scored", file=sys.stderr)
    return 0
