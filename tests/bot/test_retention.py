"""The retention policy key and the running bot's purge loop."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.policy_config import PolicyConfigError, load_policy, parse_policy
from bot.retention import purge_daily
from bot.settings import DEFAULT_CONFIG
from bot.storage import open_database
from bot.storage.records import ERASED, CaseStatus, NewCase
from tests.fakes import FrozenClock

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


def test_default_retention_is_thirty_days() -> None:
    assert load_policy(DEFAULT_CONFIG).retention.message_text_days == 30
    assert parse_policy("labels: {}\n", Path("p.yaml")).retention.message_text_days == 30


@pytest.mark.parametrize("days", ["0", "3651", "-1", "ten"])
def test_retention_days_are_bounded(days: str) -> None:
    with pytest.raises(PolicyConfigError) as info:
        parse_policy(f"labels: {{}}\nretention: {{message_text_days: {days}}}\n",
                     Path("policy.yaml"))
    assert "line 2: retention.message_text_days" in str(info.value)


async def test_purge_daily_purges_at_start_and_again_after_the_interval(tmp_path: Path) -> None:
    db = await open_database(tmp_path / "bot.db")
    clock = FrozenClock(NOW)
    first = await db.cases.create(NewCase(1, 42, "warn", "rude", CaseStatus.APPLIED,
                                          excerpt="first words"), NOW - timedelta(days=40))
    second = await db.cases.create(NewCase(1, 42, "warn", "rude", CaseStatus.APPLIED,
                                           excerpt="second words"), NOW - timedelta(days=20))
    days = [30]
    task = asyncio.create_task(purge_daily(db.retention, lambda: days[0], clock=clock,
                                           interval=0.05))
    try:
        async def excerpt(case_id: int) -> str:
            case = await db.cases.get(case_id)
            assert case is not None
            return case.excerpt

        for _ in range(100):
            if await excerpt(first.id) == ERASED:
                break
            await asyncio.sleep(0.01)
        assert (await excerpt(first.id), await excerpt(second.id)) == (ERASED, "second words")
        days[0] = 10  # a reloaded policy applies from the next purge
        for _ in range(100):
            if await excerpt(second.id) == ERASED:
                break
            await asyncio.sleep(0.01)
        assert await excerpt(second.id) == ERASED
    finally:
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        await db.close()
