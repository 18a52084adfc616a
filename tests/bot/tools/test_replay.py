"""Offline replay over transcripts, including malformed input."""

from __future__ import annotations

import io
import json
from collections.abc import Sequence
from pathlib import Path

import pytest

from bot.event import MessageEvent
from bot.policy_config import PolicyHolder
from bot.storage import open_database
from bot.storage.records import CaseStatus
from bot.tools import transcript
from bot.tools.replay import replay, summary_table
from bot.tools.report import report_data, write_report
from bot.tools.transcript import read_transcript
from models.api import ScoreRequest, ScoreResult
from tests.fakes import FakeScorer

EXAMPLE = Path(__file__).resolve().parents[3] / "examples" / "community-thread.jsonl"
LINE = {
    "guild_id": 1, "channel_id": 10, "reply_to": None,
    "author": {"id": 5, "name": "ann", "created_at": "2020-01-01T00:00:00Z",
               "joined_at": "2021-01-01T00:00:00Z", "roles": []},
}


def line(id: int, content: str, minute: int = 0, **extra: object) -> str:
    return json.dumps({**LINE, "id": id, "ts": f"2026-03-01T12:{minute:02d}:00Z",
                       "content": content, **extra})


def write(tmp_path: Path, lines: list[str]) -> Path:
    path = tmp_path / "t.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


async def test_malformed_lines_are_reported_and_skipped(
    tmp_path: Path, policy_holder: PolicyHolder
) -> None:
    path = write(tmp_path, [
        line(1, "good morning"),
        "{not json",
        json.dumps({"id": 3, "content": "missing fields"}),
        line(4, "you idiot", minute=1),
        json.dumps({**json.loads(line(5, "x")), "ts": "yesterday"}),
        "",
        line(6, "bye", minute=2),
    ])
    errors = io.StringIO()
    result = await replay(path, policy_holder, FakeScorer(), tmp_path / "r.db",
                          progress=False, errors=errors)
    assert [o.event.id for o in result.outcomes] == [1, 4, 6]
    assert [b.number for b in result.bad_lines] == [2, 3, 5]
    printed = errors.getvalue()
    assert "line 2: skipped: not valid JSON" in printed
    assert "line 3: skipped:" in printed
    assert "ts" in printed
    assert "line 5: skipped: ts" in printed


async def test_replay_records_shadow_cases_and_reports(
    tmp_path: Path, policy_holder: PolicyHolder
) -> None:
    path = write(tmp_path, [
        line(1, "good morning"),
        line(2, "you idiot", minute=1, reply_to=1),
        line(3, "no, you are wrong and rude", minute=2, reply_to=2),
    ])
    db_path = tmp_path / "r.db"
    result = await replay(path, policy_holder, FakeScorer(), db_path, progress=False,
                          errors=io.StringIO())
    db = await open_database(db_path)
    try:
        cases = await db.cases.all()
    finally:
        await db.close()
    assert [c.status for c in cases] == [CaseStatus.SHADOW, CaseStatus.SHADOW]
    assert result.cases_recorded == 2
    data = report_data(result)
    messages = {m["id"]: m for m in data["messages"]}
    assert messages[1]["action"] == "none"
    assert messages[1]["labels"] == []
    assert messages[2]["action"] == "delete"
    assert "insult" in messages[2]["labels"]
    assert set(messages[2]["scores"]) == {
        "toxicity", "insult", "identity_attack", "profanity", "threat", "spam"
    }
    assert "stance" not in messages[1]
    assert messages[3]["stance"]["parent"]["disagree"] > 0.5
    assert data["campaigns"] == []
    out = tmp_path / "report.json"
    write_report(result, out)
    assert json.loads(out.read_text())["messages"][1]["id"] == 2
    table = summary_table(result)
    assert "messages replayed        3" in table
    assert "#2" in table or "#1" in table


async def test_replay_of_the_bundled_example_parses_every_line(
    tmp_path: Path, policy_holder: PolicyHolder
) -> None:
    lines = EXAMPLE.read_text(encoding="utf-8").splitlines()
    result = await replay(EXAMPLE, policy_holder, FakeScorer(), tmp_path / "e.db",
                          progress=False, errors=io.StringIO())
    assert result.bad_lines == []
    assert len(result.outcomes) == len(lines)


def _author(**extra: object) -> dict[str, object]:
    return {**LINE["author"], **extra}  # type: ignore[dict-item]


async def test_out_of_range_values_are_refused_with_the_reason(
    tmp_path: Path, policy_holder: PolicyHolder
) -> None:
    good = json.loads(line(1, "x"))
    bad = {
        "id": {**good, "id": 2**63},
        "negative": {**good, "id": -1},
        "reply_to": {**good, "reply_to": 2**64},
        "guild_id": {**good, "guild_id": 10**30},
        "ts": {**good, "ts": "0001-01-01T00:00:00Z"},
        "late": {**good, "ts": "9999-12-31T23:59:59+00:00"},
        "created_at": {**good, "author": _author(created_at="0001-01-01T00:00:00-05:00")},
        "content": {**good, "content": "x" * 4001},
        "name": {**good, "author": _author(name="n" * 101)},
        "roles": {**good, "author": _author(roles=[2**70])},
    }
    lines = [json.dumps(v) for v in bad.values()]
    lines += ["[" * 50_000, '{"id": ' + "9" * 5000 + "}", line(99, "still replayed")]
    errors = io.StringIO()
    result = await replay(write(tmp_path, lines), policy_holder, FakeScorer(),
                          tmp_path / "r.db", progress=False, errors=errors)
    assert [o.event.id for o in result.outcomes] == [99]
    assert [b.number for b in result.bad_lines] == list(range(1, len(lines)))
    problems = [b.problem for b in result.bad_lines]
    for problem, field in zip(problems, bad, strict=False):
        assert field.replace("late", "ts").replace("negative", "id") in problem, problem
    assert "timestamp outside 1970-2099" in problems[4]
    assert "longer than 4000 characters" in problems[7]
    assert problems[-2:] == ["not valid JSON (RecursionError)", "not valid JSON (ValueError)"]
    assert result.failed_lines == []


async def test_lone_surrogates_are_replaced_and_the_message_recorded(
    tmp_path: Path, policy_holder: PolicyHolder
) -> None:
    path = write(tmp_path, [line(1, "you idiot \ud800 x", author=_author(name="a\udc80"))])
    result = await replay(path, policy_holder, FakeScorer(), tmp_path / "r.db",
                          progress=False, errors=io.StringIO())
    (outcome,) = result.outcomes
    assert outcome.event.content == "you idiot \ufffd x"
    assert outcome.event.author.name == "a\ufffd"
    assert outcome.case is not None
    assert result.cases_recorded == 1


async def test_an_over_long_line_is_refused_and_reading_goes_on(
    tmp_path: Path, policy_holder: PolicyHolder
) -> None:
    path = tmp_path / "t.jsonl"
    path.write_bytes(line(1, "a").encode() + b"\n" + b"x" * (2 << 20) + b"\n"
                     + line(3, "b\r c").replace(", ", ",\r ").encode() + b"\n")
    result = await replay(path, policy_holder, FakeScorer(), tmp_path / "r.db",
                          progress=False, errors=io.StringIO())
    assert [o.event.id for o in result.outcomes] == [1, 3]
    assert [(b.number, b.problem) for b in result.bad_lines] == [
        (2, f"line longer than {1 << 20} bytes")]


async def test_skipped_lines_are_counted_with_their_reason(
    tmp_path: Path, policy_holder: PolicyHolder
) -> None:
    path = write(tmp_path, [
        line(1, "hello"),
        line(2, "beep", author=_author(id=8, bot=True)),
        line(3, "beep", author=_author(id=8, bot=True)),
        line(4, "welcome!", author=_author(id=9, system=True)),
        json.dumps({"type": "pin", "id": 5, "ts": "2026-03-01T12:00:00Z"}),
        line(6, "reply", type="reply", reply_to=2),
        line(7, "default", type=0),
    ])
    result = await replay(path, policy_holder, FakeScorer(), tmp_path / "r.db",
                          progress=False, errors=io.StringIO())
    assert [o.event.id for o in result.outcomes] == [1, 6, 7]
    assert result.outcomes[1].event.parent_text == "beep"  # a reply to a bot keeps context
    assert result.skipped == {"bot author": 2, "system message (system author)": 1,
                              "system message (type pin)": 1}
    data = report_data(result)
    assert data["skipped_lines"] == {"bot author": 2, "system message (system author)": 1,
                                     "system message (type pin)": 1}
    table = summary_table(result)
    assert "skipped lines            4" in table
    assert "  bot author             2" in table
    html = tmp_path / "r.html"
    write_report(result, html)
    assert "Skipped lines (4)" in html.read_text(encoding="utf-8")
    # The older reader keeps its items: bot messages as events, system lines left out.
    items = list(read_transcript(path))
    assert [i.id for i in items if isinstance(i, MessageEvent)] == [1, 2, 3, 6, 7]


class PoisonScorer(FakeScorer):
    def score_batch(self, requests: Sequence[ScoreRequest]) -> list[ScoreResult]:
        if any("poison" in r.text for r in requests):
            raise ValueError("the tokenizer fell over")
        return super().score_batch(requests)


async def test_a_line_the_pipeline_fails_on_is_reported_and_the_replay_goes_on(
    tmp_path: Path, policy_holder: PolicyHolder
) -> None:
    path = write(tmp_path, [line(1, "hello"), line(2, "poison"), line(3, "you idiot")])
    errors = io.StringIO()
    result = await replay(path, policy_holder, PoisonScorer(), tmp_path / "r.db",
                          progress=False, errors=errors)
    assert [o.event.id for o in result.outcomes] == [1, 3]
    assert [b.number for b in result.failed_lines] == [2]
    assert "ValueError: the tokenizer fell over" in result.failed_lines[0].problem
    assert "line 2: failed in the pipeline" in errors.getvalue()
    assert result.cases_recorded == 1
    assert report_data(result)["failed_lines"][0]["line"] == 2
    assert "failed lines             1" in summary_table(result)


async def test_reply_context_is_remembered_for_recent_messages_only(
    tmp_path: Path, policy_holder: PolicyHolder, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(transcript, "MAX_PARENTS", 2)
    path = write(tmp_path, [line(1, "first"), line(2, "second"), line(3, "third"),
                            line(4, "to the second", reply_to=2),
                            line(5, "to the first", reply_to=1)])
    result = await replay(path, policy_holder, FakeScorer(), tmp_path / "r.db",
                          progress=False, errors=io.StringIO())
    parents = {o.event.id: o.event.parent_text for o in result.outcomes}
    assert parents[4] == "second"
    assert parents[5] is None  # forgotten: memory stays bounded however long the file
