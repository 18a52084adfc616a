"""Write transactions against a second process holding the lock (real files, no mocks)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import aiosqlite
import pytest

from bot.storage import open_database
from bot.storage.records import CaseStatus, MessageScore, NewCase
from bot.storage.writer import RetryPolicy, StorageBusyError
from tests.bot.storage import lock_holder

AT = datetime(2026, 3, 1, tzinfo=UTC)
#: Gives up quickly, so a test sees the failure instead of waiting the lock out.
IMPATIENT = RetryPolicy(patience=0.2, first_delay=0.02, max_delay=0.05)


def score(message_id: int) -> MessageScore:
    return MessageScore(message_id=message_id, guild_id=1, channel_id=2, author_id=3,
                        created_at=AT, scores={"toxicity": 0.1}, stance=None, labels=(),
                        action="none", band="none", evasion=0.0, model_version=None,
                        policy_version=None)


async def test_a_failing_body_rolls_back_and_the_connection_goes_on(tmp_path: Path) -> None:
    db = await open_database(tmp_path / "v.db")
    try:
        async def half(conn: aiosqlite.Connection) -> None:
            await conn.execute("INSERT INTO erasures (guild_id, user_id, source, at, counts) "
                               "VALUES (1, 2, 'cli', 'x', '{}')")
            raise ValueError("boom")

        with pytest.raises(ValueError, match="boom"):
            await db.writer.run(half)
        assert not db.conn.in_transaction
        assert await db.erasures.log(1) == []  # the half-done insert is gone
        await db.scores.save(score(1))
        assert await db.scores.count() == 1
    finally:
        await db.close()


async def test_after_a_writing_lock_holder_every_write_works_again(tmp_path: Path) -> None:
    """The wedge: the holder writes, so a snapshot left open would fail for good."""
    path = tmp_path / "v.db"
    db = await open_database(path, IMPATIENT)
    try:
        holder = lock_holder.start(path, 1.5, mode="immediate", write=True)
        with pytest.raises(StorageBusyError):
            await db.scores.save(score(1))
        with pytest.raises(StorageBusyError):  # BEGIN IMMEDIATE fails inside its try
            await db.cases.create(NewCase(1, 5, "warn", "r", CaseStatus.APPLIED), AT)
        assert not db.conn.in_transaction
        assert not db.writer.health.ok
        assert holder.wait(timeout=10) == 0

        await db.scores.save(score(1))
        case = await db.cases.create(NewCase(1, 5, "warn", "r", CaseStatus.APPLIED), AT)
        assert case.number == 1
        assert await db.scores.count() == 2  # ours and the holder's probe row
        assert db.writer.health.ok
    finally:
        await db.close()


@pytest.mark.parametrize("mode", ["immediate", "exclusive"])
async def test_a_write_waits_out_a_short_lock(tmp_path: Path, mode: str) -> None:
    path = tmp_path / "v.db"
    db = await open_database(path, RetryPolicy(patience=5.0))
    try:
        holder = lock_holder.start(path, 0.6, mode=mode, write=False)
        await db.scores.save(score(1))  # retried with backoff, no error
        assert db.writer.health.busy_retries > 0
        assert db.writer.health.ok
        assert holder.wait(timeout=10) == 0
        assert (await db.scores.get(1)) is not None
    finally:
        await db.close()
