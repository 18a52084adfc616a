"""The ``python -m bot score`` contract: one JSON line out per JSON line in."""

from __future__ import annotations

import io
import json

from bot.tools.score_cli import score_stream
from models.api import LABELS
from tests.fakes import FakeScorer


def run(lines: list[str]) -> list[dict[str, object]]:
    out = io.StringIO()
    assert score_stream(io.StringIO("\n".join(lines) + "\n"), out, FakeScorer()) == 0
    return [json.loads(line) for line in out.getvalue().splitlines()]


def test_shape_without_and_with_context() -> None:
    records = run([
        json.dumps({"text": "you idiot"}),
        json.dumps({"text": "yes exactly", "parent": "the launch was great"}),
        json.dumps({"text": "no, wrong", "target": "the launch was faked"}),
    ])
    assert len(records) == 3
    for record in records:
        scores = record["scores"]
        assert isinstance(scores, dict)
        assert set(scores) == set(LABELS)
        assert all(0.0 <= v <= 1.0 for v in scores.values())
    assert "stance" not in records[0]
    assert records[0]["scores"]["insult"] > 0.9  # type: ignore[index]
    assert set(records[1]["stance"]) == {"agree", "disagree", "neutral"}  # type: ignore[arg-type]
    assert records[1]["stance"]["agree"] > 0.5  # type: ignore[index]
    assert records[2]["stance"]["disagree"] > 0.5  # type: ignore[index]


def test_obfuscated_input_is_normalised_before_scoring() -> None:
    plain, leet = run([json.dumps({"text": "idiot"}), json.dumps({"text": "1d10t"})])
    assert plain["scores"] == leet["scores"]


def test_bad_lines_keep_alignment() -> None:
    records = run(["{nope", json.dumps({"txt": "x"}), json.dumps({"text": "fine"})])
    assert "error" in records[0]
    assert "error" in records[1]
    assert "scores" in records[2]


def test_many_lines_are_batched() -> None:
    scorer = FakeScorer()
    out = io.StringIO()
    lines = "\n".join(json.dumps({"text": f"message {i}"}) for i in range(100))
    score_stream(io.StringIO(lines), out, scorer)
    assert len(out.getvalue().splitlines()) == 100
    assert [len(b) for b in scorer.batches] == [64, 36]
