"""Skip records: written in a batch, read back, erased with the member's scores."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.storage import Database
from bot.storage.skipped import MessageRef, Skipped

AT = datetime(2026, 3, 1, tzinfo=UTC)


async def test_skip_records_round_trip_and_forget_erases_them(db: Database) -> None:
    mine = Skipped(MessageRef(1, 1, 2, 42, AT), "storage busy", AT)
    other = Skipped(MessageRef(2, 1, 2, 43, AT), "storage busy", AT)
    await db.skipped.save([mine, other])
    assert await db.skipped.all(1) == [mine, other]

    erasure = await db.erasures.erase_member(1, 42, actor_id=None, source="cli", at=AT)
    assert erasure.counts.message_scores == 1
    assert await db.skipped.all() == [other]
