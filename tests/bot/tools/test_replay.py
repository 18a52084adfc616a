"""Offline replay over transcripts, including malformed input."""

from __future__ import annotations

import io
import json
from pathlib import Path

from bot.policy_config import PolicyHolder
from bot.storage import open_database
from bot.storage.records import CaseStatus
from bot.tools.replay import replay, summary_table
from bot.tools.report import report_data, write_report
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
