"""The ``python -m bot score`` contract: one JSON line out per JSON line in."""

from __future__ import annotations

import io
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from bot.policy_config import Policy, load_policy
from bot.settings import DEFAULT_CONFIG
from bot.tools.score_cli import score_stream
from bot.tools.score_explain import Explainer
from models.api import LABELS, ScoreRequest, ScoreResult
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


class PoisonScorer(FakeScorer):
    """Fails any batch that holds the text "poison"."""

    def score_batch(self, requests: Sequence[ScoreRequest]) -> list[ScoreResult]:
        if any(r.text == "poison" for r in requests):
            raise ValueError("cannot encode")
        return super().score_batch(requests)


def test_every_input_line_gets_exactly_one_output_line() -> None:
    lines = ["", json.dumps({"text": "hi"}), "   ", "[" * 100_000, json.dumps({"text": 3}),
             '{"text": "x", "parent": 5}', json.dumps({"text": "a\ud800b"}), "\t", "null"]
    out = io.StringIO()
    score_stream(io.StringIO("\n".join(lines) + "\n"), out, FakeScorer())
    records = [json.loads(line) for line in out.getvalue().splitlines()]
    assert len(records) == len(lines)
    assert [sorted(r) for r in records] == [
        ["error"], ["scores"], ["error"], ["error"], ["error"], ["error"], ["scores"],
        ["error"], ["error"]]
    assert records[0]["error"] == "blank line"
    assert "nested too deeply" in str(records[3]["error"])


def test_one_unscorable_line_fails_alone() -> None:
    out = io.StringIO()
    lines = [json.dumps({"text": t}) for t in ("one", "poison", "three")]
    score_stream(io.StringIO("\n".join(lines)), out, PoisonScorer())
    records = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [sorted(r) for r in records] == [["scores"], ["error"], ["scores"]]
    assert "scoring failed" in str(records[1]["error"])


def test_bytes_are_read_leniently_whatever_the_stream_encoding() -> None:
    raw = b'{"text": "caf\xe9"}\n\xff\xfe\n{"text": "ok"}\r\n'
    strict = io.TextIOWrapper(io.BytesIO(raw), encoding="ascii", errors="strict")
    out = io.StringIO()
    score_stream(strict, out, FakeScorer())
    records = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [sorted(r) for r in records] == [["scores"], ["error"], ["scores"]]
    assert out.getvalue().isascii()


def test_score_command_on_non_utf8_stdin(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import bot.scoring
    from bot.cli import main

    monkeypatch.setattr(bot.scoring, "load_scorer", lambda spec: FakeScorer())
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(
        io.BytesIO(b'{"text": "\xe9 idiot"}\n\n'), encoding="ascii", errors="strict"))
    assert main(["score"]) == 0
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    # The command explains under the default policy: rules and decision join the scores.
    assert [sorted(r) for r in records] == [["decision", "rules", "scores"], ["error"]]


def explained(lines: list[dict[str, object]], policy: Policy | None = None,
              ) -> list[dict[str, Any]]:
    out = io.StringIO()
    explainer = Explainer(policy or load_policy(DEFAULT_CONFIG))
    source = io.StringIO("\n".join(json.dumps(line) for line in lines) + "\n")
    assert score_stream(source, out, FakeScorer(), explainer) == 0
    return [json.loads(line) for line in out.getvalue().splitlines()]


def test_threat_wording_shows_the_rule_and_its_reason_at_a_low_threat_score() -> None:
    (record,) = explained([{"text": "I will find where you live and hurt you"}])
    assert record["scores"]["threat"] < 0.1  # the keyword scorer sees no threat word
    assert [r["rule"] for r in record["rules"]] == ["threats"]
    (hit,) = record["rules"]
    assert hit["labels"] == ["threat"]
    assert "I will find where you live" in hit["reasons"][0]
    assert record["decision"] == {"action": "review", "band": "review",
                                  "reasons": hit["reasons"]}


def test_a_scam_link_and_a_score_band_both_fire_and_the_decision_takes_the_worst() -> None:
    (record,) = explained([{"text": "FREE NITRO https://dlscord-gift.com/claim"}])
    fired = {r["rule"]: r for r in record["rules"]}
    assert set(fired) == {"bands", "scam_links"}
    assert "dlscord-gift.com" in fired["scam_links"]["reasons"][0]
    assert fired["bands"]["reasons"] == ["spam 0.70 >= review 0.50"]
    assert record["decision"]["action"] == "delete"
    assert record["decision"]["band"] == "act"


def test_a_harmless_line_fires_nothing() -> None:
    (record,) = explained([{"text": "thanks for the help"}])
    assert record["rules"] == []
    assert record["decision"] == {"action": "none", "band": "none", "reasons": []}


def test_the_policy_given_decides(tmp_path: Path) -> None:
    path = tmp_path / "policy.yaml"
    path.write_text("threats: {enabled: false}\n"
                    "labels:\n  insult: {review: 0.2, act: 0.99, action: kick}\n")
    lines = [{"text": "I will find where you live and hurt you"}, {"text": "you idiot"}]
    threat, insult = explained(lines, load_policy(path))
    assert threat["rules"] == []
    # Only the labels the file names have bands: insult 0.93 is under its act line 0.99.
    assert insult["decision"] == {"action": "review", "band": "review",
                                  "reasons": ["insult 0.93 >= review 0.20"]}


def test_parent_and_target_stance_and_named_claims() -> None:
    parent_and_target, target_only, targets = explained([
        {"text": "no, wrong", "parent": "the launch was great", "target": "the earth is flat"},
        {"text": "yes exactly", "target": "the earth is flat"},
        {"text": "no", "targets": ["claim one", "claim two"], "target": "claim zero"},
    ])
    # stance: toward the parent when given, else toward the (first) target
    assert parent_and_target["stance"]["disagree"] > 0.5
    assert parent_and_target["claims"] == {"the earth is flat": parent_and_target["stance"]}
    assert target_only["stance"]["agree"] > 0.5
    assert set(target_only["claims"]) == {"the earth is flat"}
    assert list(targets["claims"]) == ["claim zero", "claim one", "claim two"]


def test_counter_speech_toward_an_abusive_parent_is_named_in_the_decision() -> None:
    (record,) = explained([{"text": "no, stop that", "parent": "you idiot"}])
    assert "counter-speech" in record["decision"]["reasons"][0]


def test_bad_targets_are_an_error_line() -> None:
    records = explained([{"text": "x", "targets": "not a list"},
                         {"text": "x", "targets": [f"t{i}" for i in range(40)]}])
    assert [sorted(r) for r in records] == [["error"], ["error"]]
