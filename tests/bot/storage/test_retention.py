"""Retention purge: old message text redacted, recent text and every fact kept."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.retention import purge_old_text
from bot.storage import Database, open_database
from bot.storage.records import ERASED, CaseStatus, NewCase
from bot.storage.retention import PurgeCounts
from tests.fakes import FrozenClock

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
OLD = NOW - timedelta(days=31)
RECENT = NOW - timedelta(days=29)


async def populate(db: Database, at: datetime, words: str) -> int:
    """One case with an appeal and a campaign record, all stamped ``at``."""
    case = await db.cases.create(NewCase(
        1, 42, "warn", "insulting another member", CaseStatus.APPLIED, target_name="alice",
        labels=("insult",), scores={"insult": 0.9}, excerpt=words), at)
    await db.appeals.create(case.id, 42, f"appeal about {words}", at)
    await db.campaigns.save(
        guild_id=1, kind="campaign", score=0.8, accounts=(42, 8), message_ids=(500, 508),
        evidence={"text": words, "samples": [words, words + "!"],
                  "accounts": [{"id": 42, "name": "alice"}]}, case_id=case.id, at=at)
    return case.id


async def test_old_text_is_redacted_recent_kept_facts_kept(tmp_path: Path) -> None:
    path = tmp_path / "bot.db"
    db = await open_database(path)
    old_id = await populate(db, OLD, "old words")
    recent_id = await populate(db, RECENT, "recent words")

    counts = await purge_old_text(db.retention, 30, clock=FrozenClock(NOW))

    assert counts == PurgeCounts(cases=1, appeals=1, campaigns=1)
    old, recent = await db.cases.get(old_id), await db.cases.get(recent_id)
    assert old is not None
    assert recent is not None
    assert (old.excerpt, recent.excerpt) == (ERASED, "recent words")
    # The facts of the case stay.
    assert (old.number, old.action, old.reason, old.status, old.labels, old.scores,
            old.target_name, old.created_at) == (
        1, "warn", "insulting another member", CaseStatus.APPLIED, ("insult",),
        {"insult": 0.9}, "alice", OLD)
    events = await db.cases.events(old_id)
    assert events[-1].kind == "text_purged"
    assert "old words" not in json.dumps(events[-1].detail)
    await db.close()

    with sqlite3.connect(path) as conn:
        appeals = conn.execute("SELECT text, status FROM appeals ORDER BY id").fetchall()
        evidence = [json.loads(e) for (e,) in
                    conn.execute("SELECT evidence FROM campaigns ORDER BY id")]
        scores = conn.execute("SELECT score, accounts FROM campaigns ORDER BY id").fetchall()
    assert appeals == [(ERASED, "open"), ("appeal about recent words", "open")]
    assert evidence[0] == {"text": ERASED, "samples": [],
                           "accounts": [{"id": 42, "name": "alice"}]}
    assert evidence[1]["text"] == "recent words"
    assert scores == [(0.8, "[42, 8]"), (0.8, "[42, 8]")]
    assert b"old words" not in stored_bytes(tmp_path)


def stored_bytes(folder: Path) -> bytes:
    """The database file and its WAL, as bytes: the redacted text must leave them."""
    return b"".join(p.read_bytes() for p in folder.iterdir())


async def test_purge_is_idempotent(tmp_path: Path) -> None:
    db = await open_database(tmp_path / "bot.db")
    case_id = await populate(db, OLD, "old words")
    clock = FrozenClock(NOW)

    first = await purge_old_text(db.retention, 30, clock=clock)
    events = len(await db.cases.events(case_id))
    second = await purge_old_text(db.retention, 30, clock=clock)

    assert first.total == 3
    assert second == PurgeCounts()
    assert len(await db.cases.events(case_id)) == events  # no new event for nothing done
    await db.close()


async def test_a_longer_retention_keeps_the_text(tmp_path: Path) -> None:
    db = await open_database(tmp_path / "bot.db")
    await populate(db, OLD, "old words")
    assert await purge_old_text(db.retention, 60, clock=FrozenClock(NOW)) == PurgeCounts()
    await db.close()
