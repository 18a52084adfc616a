"""Score records: one transaction per scored batch (a real SQLite file, the real pipeline)."""

from __future__ import annotations

import asyncio
from pathlib import Path

from bot.policy_config import PolicyHolder
from bot.services import build_services
from tests.conftest import make_event
from tests.fakes import FakeScorer, FrozenClock, RecordingExecutor


async def _services(tmp_path: Path, policy_holder: PolicyHolder, scorer: FakeScorer,
                    executor: RecordingExecutor, clock: FrozenClock):
    return await build_services(db_path=tmp_path / "v.db", policy=policy_holder,
                                scorer=scorer, executor=executor, clock=clock,
                                max_wait=0.005)


async def test_a_chunk_of_messages_is_one_transaction(
    tmp_path: Path, policy_holder: PolicyHolder, scorer: FakeScorer,
    executor: RecordingExecutor, clock: FrozenClock,
) -> None:
    services = await _services(tmp_path, policy_holder, scorer, executor, clock)
    try:
        events = [make_event(f"nice game everyone {i}", id=500 + i, author_id=10 + i)
                  for i in range(20)]
        outcomes = await services.pipeline.handle_many(events)
        writes = services.pipeline.score_writes
        assert (writes.transactions, writes.records) == (1, 20)
        assert await services.db.scores.count() == 20
        stored = await services.db.scores.get(507)
        assert stored is not None
        assert stored.scores == {k: round(v, 5) for k, v in outcomes[7].scores.items()}
    finally:
        await services.close()


async def test_a_message_that_opens_a_case_is_recorded_in_its_own_job(
    tmp_path: Path, policy_holder: PolicyHolder, scorer: FakeScorer,
    executor: RecordingExecutor, clock: FrozenClock,
) -> None:
    services = await _services(tmp_path, policy_holder, scorer, executor, clock)
    try:
        events = [make_event("hello there", id=1, author_id=1),
                  make_event("you idiot", id=2, author_id=2),
                  make_event("see you later", id=3, author_id=3)]
        outcomes = await services.pipeline.handle_many(events)
        assert outcomes[1].case is not None
        writes = services.pipeline.score_writes
        assert (writes.transactions, writes.records) == (1, 2)  # the two without a case
        assert await services.db.scores.count() == 3
    finally:
        await services.close()


async def test_concurrent_messages_share_transactions(
    tmp_path: Path, policy_holder: PolicyHolder, scorer: FakeScorer,
    executor: RecordingExecutor, clock: FrozenClock,
) -> None:
    """The live path: one ``handle`` per message, as Discord delivers them."""
    services = await _services(tmp_path, policy_holder, scorer, executor, clock)
    try:
        events = [make_event(f"good morning {i}", id=900 + i, author_id=40 + i)
                  for i in range(30)]
        await asyncio.gather(*(services.pipeline.handle(e) for e in events))
        writes = services.pipeline.score_writes
        assert writes.records == 30
        assert writes.transactions < 30
        assert await services.db.scores.count() == 30
    finally:
        await services.close()


async def test_save_many_replaces_like_save(
    tmp_path: Path, policy_holder: PolicyHolder, scorer: FakeScorer,
    executor: RecordingExecutor, clock: FrozenClock,
) -> None:
    services = await _services(tmp_path, policy_holder, scorer, executor, clock)
    try:
        await services.pipeline.handle(make_event("first version", id=77, author_id=1))
        first = await services.db.scores.get(77)
        assert first is not None
        edited = make_event("second version, edited", id=77, author_id=1)
        await services.db.scores.save_many([first, first])  # the same row twice: one row
        assert await services.db.scores.count() == 1
        await services.pipeline.handle(edited)
        assert await services.db.scores.count() == 1
    finally:
        await services.close()
