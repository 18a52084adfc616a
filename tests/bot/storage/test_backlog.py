"""The backlog on its own: order, flush deadlines, and a held record that is a bug."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from bot.storage import open_database
from bot.storage.backlog import Backlog, Step
from bot.storage.skipped import MessageRef
from bot.storage.writer import RetryPolicy, StorageBusyError
from tests.bot.storage import lock_holder

AT = datetime(2026, 3, 1, tzinfo=UTC)


def ref(message_id: int) -> MessageRef:
    return MessageRef(message_id, 1, 2, 3, AT)


async def test_held_jobs_run_in_order_and_flush_waits_for_the_lock(tmp_path: Path) -> None:
    path = tmp_path / "v.db"
    db = await open_database(path, RetryPolicy(patience=0.1))
    backlog = Backlog(db.writer.health, db.skipped, first_delay=0.02, max_delay=0.1)
    ran: list[int] = []

    def step(n: int) -> Step:
        async def write() -> Sequence[Step]:
            await db.writer.run(lambda conn: conn.execute("SELECT 1"))
            ran.append(n)
            return ()
        return write

    try:
        holder = lock_holder.start(path, 1.0, write=False)
        assert not await backlog.run([step(1)], ref(1))
        assert not await backlog.run([step(2)], ref(2))  # behind the first, not tried
        assert not await backlog.flush(0.2)  # still locked
        assert holder.wait(timeout=10) == 0
        assert await backlog.flush(10)
        assert ran == [1, 2]
        assert backlog.status().recorded_late == 2
    finally:
        await backlog.close(1)
        await db.close()


async def test_a_held_job_that_fails_for_another_reason_is_recorded_as_skipped(
    tmp_path: Path,
) -> None:
    db = await open_database(tmp_path / "v.db")
    backlog = Backlog(db.writer.health, db.skipped, first_delay=0.01)
    calls = 0

    async def flaky() -> Sequence[Step]:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise StorageBusyError("database is locked")
        raise ValueError("bad row")

    try:
        assert not await backlog.run([flaky], ref(7))
        assert await backlog.flush(5)
        [skipped] = await db.skipped.all()
        assert skipped.message == ref(7)
        assert "bad row" in skipped.reason
    finally:
        await backlog.close(1)
        await db.close()
