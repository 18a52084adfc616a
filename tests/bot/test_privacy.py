"""Erasing a member's data: gone or redacted, others untouched, the audit trail intact."""

from __future__ import annotations

import dataclasses
import glob
import json
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import asyncpg
import pytest

from bot.campaigns import CampaignDetector
from bot.coordination import CoordinationAlert
from bot.services import Services
from bot.storage.records import ERASED, CaseStatus, ErasureCounts, MessageScore, NewCase
from tests.conftest import make_event
from tests.fakes import FrozenClock

ALICE, BOB, ADMIN = 42, 7, 99
T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
INSULT = "you idiot, honestly nobody here wants your opinion"
APPEAL = "I was quoting a film line to my friend, please reconsider this"
CAMPAIGN_TEXT = "everyone join the new server at once, this one is dying fast"
#: The append-only triggers' refusal: SQLite's RAISE(ABORT) or PL/pgSQL's RAISE EXCEPTION.
REFUSED = (sqlite3.IntegrityError, asyncpg.RaiseError)


async def populate(services: Services) -> None:
    """Alice: an acted-on message, a harmless one, a denied appeal, a campaign post.
    Bob: an acted-on message and a campaign of his own. Alice in another guild too."""
    pipeline = services.pipeline
    await pipeline.handle(make_event(INSULT, id=1, author_id=ALICE, at=T0))
    await pipeline.handle(make_event("the weather is lovely in the park today friends", id=2,
                                     author_id=ALICE, at=T0 + timedelta(minutes=1)))
    await pipeline.handle(make_event("you idiot, bob says so loudly and proudly", id=3,
                                     author_id=BOB, at=T0 + timedelta(minutes=2)))
    appeal = await services.appeals.file(1, 1, ALICE, APPEAL)
    await services.appeals.decide(appeal.id, ADMIN, grant=False, note="still abusive")
    policy = services.policy.current
    await pipeline.open_alert(alert((ALICE, 8, 9), CAMPAIGN_TEXT), policy)
    await pipeline.open_alert(alert((BOB, 8, 9), "bob's ring says buy coins here today"), policy)
    await services.db.scores.save(MessageScore(
        message_id=900, guild_id=2, channel_id=5, author_id=ALICE, created_at=T0,
        scores={"toxicity": 0.9}, stance=None, labels=(), action="none", band="none",
        evasion=0.0, model_version="m", policy_version="p"))
    await services.db.cases.create(NewCase(2, ALICE, "warn", "elsewhere", CaseStatus.APPLIED,
                                           excerpt="text in another server"), T0)


def alert(accounts: tuple[int, ...], text: str) -> CoordinationAlert:
    return CoordinationAlert(
        kind="campaign", guild_id=1, score=0.8, accounts=accounts,
        message_ids=tuple(500 + a for a in accounts), detected_at=T0,
        evidence={"text": text, "samples": [text, text + "!"],
                  "accounts": [{"id": a, "name": f"user{a}"} for a in accounts],
                  "new_accounts": list(accounts)},
    )


def texts_in(path: Path) -> bytes:
    """Every byte of the database file and its WAL."""
    return b"".join(Path(f).read_bytes() for f in sorted(glob.glob(f"{path}*")))


async def test_forget_removes_and_redacts_the_members_data(services: Services) -> None:
    await populate(services)
    db = services.db
    before = {c.number: c for c in await db.cases.all(1)}
    assert before[1].excerpt.startswith("you idiot")

    erasure = await services.privacy.forget_member(1, ALICE, ADMIN)

    # Case 1 (her message), case 3 (the campaign she posted into); 2 flood entries in memory.
    assert erasure.counts == ErasureCounts(message_scores=2, cases=2, appeals=1, campaigns=1,
                                           in_memory=2)
    assert (erasure.guild_id, erasure.user_id, erasure.actor_id) == (1, ALICE, ADMIN)
    assert await db.scores.get(1) is None
    assert await db.scores.get(2) is None
    assert await db.scores.get(3) is not None  # Bob's
    assert await db.scores.get(900) is not None  # another server's
    after = {c.number: c for c in await db.cases.all(1)}
    # Only the words and the name changed: number, action, status, reason, moderator,
    # scores and both timestamps are what they were.
    assert after[1] == dataclasses.replace(before[1], excerpt=ERASED, target_name=ERASED)
    assert after[2] == before[2]  # Bob's case
    assert after[3] == dataclasses.replace(before[3], excerpt=ERASED)
    assert after[4] == before[4]  # Bob's campaign
    [appeal] = await db.appeals.for_case(after[1].id)
    assert (appeal.text, appeal.status.value, appeal.decision_note) == (
        ERASED, "denied", "still abusive")
    mine, bobs = await db.campaigns.all(1)
    assert mine.evidence["text"] == ERASED
    assert mine.evidence["samples"] == []
    assert mine.evidence["accounts"][0] == {"id": ALICE, "name": ERASED}
    assert mine.evidence["accounts"][1] == {"id": 8, "name": "user8"}
    assert mine.accounts == (ALICE, 8, 9)
    assert bobs.evidence["text"].startswith("bob's ring")
    [elsewhere] = await db.cases.all(2)
    assert elsewhere.excerpt == "text in another server"


@pytest.mark.sqlite_only  # reads the text left in the SQLite file and its WAL
async def test_the_erasure_is_logged_without_the_text(services: Services,
                                                      clock: FrozenClock) -> None:
    await populate(services)
    db = services.db
    case = await db.cases.by_number(1, 1)
    assert case is not None
    assert INSULT.encode() in texts_in(Path(db.path))

    erasure = await services.privacy.forget_member(1, ALICE, ADMIN)

    assert await services.privacy.log(1, ALICE) == [erasure]
    assert (erasure.source, erasure.at) == ("discord", clock.now)
    events = await db.cases.events(case.id)
    assert [e.kind for e in events][:3] == ["opened", "notify_started", "member_notified"]
    last = events[-1]
    assert (last.kind, last.actor_id) == ("data_erased", ADMIN)
    assert last.detail == {"erasure": erasure.id, "redacted": ["appeal", "excerpt",
                                                                "target_name"]}
    async with db.conn.execute("SELECT detail FROM case_events") as cursor:
        details = " ".join(row[0] for row in await cursor.fetchall())
    assert "idiot" not in details
    assert "film" not in details
    # Not only hidden from queries: gone from the file and its WAL.
    raw = texts_in(Path(db.path))
    for words in (INSULT, APPEAL, CAMPAIGN_TEXT, "weather is lovely"):
        assert words.encode() not in raw
    assert b"bob says so loudly" in raw


async def test_a_second_request_finds_nothing_and_is_logged_too(services: Services) -> None:
    await populate(services)
    first = await services.privacy.forget_member(1, ALICE, ADMIN)
    cases = await services.db.cases.all(1)

    second = await services.privacy.forget_member(1, ALICE, ADMIN)

    assert second.counts == ErasureCounts()
    assert await services.db.cases.all(1) == cases
    assert await services.privacy.log(1) == [first, second]


async def test_a_member_without_data_is_logged_with_zero_counts(services: Services) -> None:
    erasure = await services.privacy.forget_member(1, 12345, ADMIN)
    assert erasure.counts.total == 0
    assert [e.user_id for e in await services.privacy.log(1)] == [12345]


async def test_append_only_still_holds_for_history_and_erasure_log(services: Services) -> None:
    await populate(services)
    await services.privacy.forget_member(1, ALICE, ADMIN)
    conn = services.db.conn
    for table in ("case_events", "erasures"):
        with pytest.raises(REFUSED, match=f"{table} is append-only"):
            await conn.execute(f"UPDATE {table} SET at = 'x'")
        with pytest.raises(REFUSED, match=f"{table} is append-only"):
            await conn.execute(f"DELETE FROM {table}")
    async with conn.execute("SELECT COUNT(*) FROM case_events WHERE kind = 'data_erased'") as c:
        assert (await c.fetchone())[0] == 2


async def test_recent_messages_are_forgotten_in_memory(services: Services) -> None:
    detector = CampaignDetector()
    services.pipeline.detector = detector
    await populate(services)
    flood = services.pipeline.flood
    assert len(flood) == 2  # Alice and Bob
    assert detector.window_size(1) == 3

    erasure = await services.privacy.forget_member(1, ALICE, ADMIN)

    assert erasure.counts.in_memory == 2
    assert len(flood) == 1
    assert detector.window_size(1) == 1
    # Her next message starts a fresh history: no repeats remembered.
    await services.pipeline.handle(make_event(INSULT, id=4, author_id=ALICE,
                                              at=T0 + timedelta(minutes=3)))
    assert flood.observe(make_event(INSULT, id=5, author_id=ALICE, at=T0 + timedelta(
        minutes=4)), timedelta(minutes=10)).repeats == 2


async def test_erasure_counts_are_stored_as_json(services: Services) -> None:
    await services.privacy.forget_member(1, ALICE, None, source="cli")
    async with services.db.conn.execute("SELECT actor_id, source, counts FROM erasures") as c:
        actor, source, counts = await c.fetchone()
    assert (actor, source) == (None, "cli")
    assert json.loads(counts) == dataclasses.asdict(ErasureCounts())
