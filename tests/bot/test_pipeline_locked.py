"""The pipeline while a second process holds the SQLite write lock for seconds.

A DB browser with unsaved edits, a backup or ``python -m bot forget`` in another process:
messages keep arriving (concurrently, as discord.py delivers them). Nothing may be lost:
each is recorded, with its case carried out, once the lock clears, and the connection
works afterwards.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.pipeline import MessageOutcome
from bot.policy_config import PolicyHolder
from bot.services import Services, build_services
from bot.storage.records import CaseStatus, NewCase
from bot.storage.writer import RetryPolicy
from tests.bot.storage import lock_holder
from tests.conftest import make_event
from tests.fakes import FakeScorer, FrozenClock, RecordingExecutor

MESSAGES = 30
#: Patience short next to the lock, so the backlog (not the retry) carries the test.
RETRY = RetryPolicy(patience=0.5, first_delay=0.02, max_delay=0.2)


@pytest.fixture
async def locked_services(
    tmp_path: Path, policy_holder: PolicyHolder, scorer: FakeScorer,
    executor: RecordingExecutor, clock: FrozenClock,
) -> AsyncIterator[Services]:
    built = await build_services(db_path=tmp_path / "v.db", policy=policy_holder, scorer=scorer,
                                 executor=executor, clock=clock, max_wait=0.001, retry=RETRY)
    yield built
    await built.close()


def text(i: int) -> str:
    return "you idiot" if i % 3 == 0 else f"hello there number {i}"


async def deliver(services: Services, seconds: float) -> list[MessageOutcome]:
    """MESSAGES messages spread over ``seconds``, each handled in its own task."""
    tasks = []
    for i in range(MESSAGES):
        event = make_event(text(i), id=100 + i, author_id=1000 + i)
        tasks.append(asyncio.create_task(services.pipeline.handle(event)))
        await asyncio.sleep(seconds / MESSAGES)
    return list(await asyncio.gather(*tasks))


@pytest.mark.parametrize(("mode", "write", "seconds"),
                         [("immediate", True, 7.0), ("exclusive", False, 3.0)])
async def test_nothing_is_lost_while_another_process_holds_the_lock(
    locked_services: Services, executor: RecordingExecutor, mode: str, write: bool,
    seconds: float,
) -> None:
    services = locked_services
    path = Path(services.db.path)
    holder = lock_holder.start(path, seconds, mode=mode, write=write)
    started = time.monotonic()
    outcomes = await deliver(services, seconds * 0.9)
    assert not services.storage().ok  # the stats surface shows storage failing
    assert services.storage().summary().startswith("FAILING since")
    assert services.storage().held > 0
    assert holder.wait(timeout=seconds + 10) == 0
    assert await services.backlog.flush(10)
    survived = time.monotonic() - started

    held = sum(not o.recorded for o in outcomes)
    status = services.storage()
    print(f"lock {mode}{'+write' if write else ''}: held {survived:.1f}s, "
          f"{held}/{MESSAGES} messages held, all recorded after")
    assert held > 0
    assert status.ok
    assert (status.held, status.skipped_waiting) == (0, 0)
    assert status.recorded_late == held
    assert await services.db.scores.count() == MESSAGES + int(write)
    cases = await services.cases.all()
    abusive = [100 + i for i in range(MESSAGES) if i % 3 == 0]
    assert sorted(c.message_id for c in cases if c.message_id) == abusive
    assert [c.number for c in cases] == list(range(1, len(cases) + 1))
    assert all(c.status is CaseStatus.APPLIED for c in cases)
    assert sorted(n for kind, n in executor.calls if kind == "delete") == \
        [c.number for c in cases]  # each carried out exactly once
    assert await services.db.skipped.all() == []

    # /warn-style case creation works afterwards, and so do new messages.
    warn = await services.cases.open(NewCase(1, 77, "warn", "manual", CaseStatus.PENDING))
    assert warn.status is CaseStatus.APPLIED
    after = await services.pipeline.handle(make_event("you idiot", id=999, author_id=5))
    assert after.recorded
    assert after.case is not None
    assert after.case.status is CaseStatus.APPLIED


async def test_a_full_queue_records_skipped_messages_with_the_reason(
    tmp_path: Path, policy_holder: PolicyHolder, scorer: FakeScorer,
    executor: RecordingExecutor, clock: FrozenClock,
) -> None:
    services = await build_services(db_path=tmp_path / "v.db", policy=policy_holder,
                                    scorer=scorer, executor=executor, clock=clock,
                                    max_wait=0.001, retry=RETRY, backlog_size=3)
    try:
        holder = lock_holder.start(Path(services.db.path), 2.0, write=True)
        for i in range(8):
            await services.pipeline.handle(make_event(text(i), id=100 + i, author_id=1000 + i))
        status = services.storage()
        assert (status.held, status.skipped_waiting) == (3, 5)
        assert holder.wait(timeout=10) == 0
        assert await services.backlog.flush(10)

        skipped = await services.db.skipped.all()
        assert [s.message.message_id for s in skipped] == [103, 104, 105, 106, 107]
        assert all("record queue full" in s.reason for s in skipped)
        assert await services.db.scores.count() == 3 + 1  # the held ones and the probe
        assert services.storage().skipped_recorded == 5
    finally:
        await services.close()


async def test_an_action_taken_when_the_lock_arrives_is_recorded_later(
    locked_services: Services, executor: RecordingExecutor,
) -> None:
    """The case was written, then the lock came: the ban happens, its record waits."""
    services = locked_services
    case = await services.cases.record(NewCase(1, 9, "ban", "spam", CaseStatus.PENDING))
    holder = lock_holder.start(Path(services.db.path), 1.5, write=True)
    done = await services.cases.start(case)
    assert done.status is CaseStatus.APPLIED  # as it stands, though not yet written
    assert executor.calls == [("notify", 1), ("ban", 1)]
    assert services.storage().held == 4  # both steps, their starts and outcomes
    assert holder.wait(timeout=10) == 0
    assert await services.backlog.flush(10)

    stored = await services.cases.by_id(case.id)
    assert stored is not None
    assert stored.status is CaseStatus.APPLIED
    assert [e.kind for e in await services.cases.history(stored)] == \
        ["opened", "notify_started", "member_notified", "apply_started", "applied"]
