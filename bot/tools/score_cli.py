"""``python -m bot score``: JSON lines in, one JSON line of scores out per input line.

Input ``{"text", "parent"?, "target"?}``; output ``{"scores": {label: p}}`` plus
``"stance": {"agree", "disagree", "neutral"}`` when a parent or target is given (toward the
target when both are). Evaluation scripts depend on this shape: keep it stable.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Iterator
from typing import TextIO

from bot.normalize import normalize
from models.api import Scorer, ScoreRequest

BATCH = 64


def _parse(line: str) -> ScoreRequest | str:
    try:
        item = json.loads(line)
    except json.JSONDecodeError as exc:
        return f"not valid JSON: {exc.msg}"
    if not isinstance(item, dict) or not isinstance(item.get("text"), str):
        return 'expected an object with a "text" string'
    parent, target = item.get("parent"), item.get("target")
    if parent is not None and not isinstance(parent, str):
        return '"parent" must be a string'
    if target is not None and not isinstance(target, str):
        return '"target" must be a string'
    return ScoreRequest(
        normalize(item["text"]).text,
        parent=normalize(parent).text if parent else None,
        targets=(normalize(target).text,) if target else (),
    )


def _chunks(lines: Iterable[str]) -> Iterator[list[str]]:
    chunk: list[str] = []
    for line in lines:
        if not line.strip():
            continue
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
        results = iter(scorer.score_batch(requests) if requests else [])
        for item in parsed:
            if isinstance(item, str):
                yield {"error": item}
                continue
            result = next(results)
            out: dict[str, object] = {
                "scores": {k: round(float(v), 6) for k, v in result.scores.items()}
            }
            stance = result.target_stances[0] if result.target_stances else result.parent_stance
            if stance is not None:
                out["stance"] = {k: round(float(v), 6) for k, v in stance.items()}
            yield out


def score_stream(lines: TextIO, out: TextIO, scorer: Scorer) -> int:
    failures = 0
    for record in score_lines(lines, scorer):
        failures += "error" in record
        out.write(json.dumps(record) + "\n")
        out.flush()
    if failures:
        print(f"{failures} input line(s) could not be scored", file=sys.stderr)
    return 0
