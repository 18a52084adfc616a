"""Shared fixtures: a migrated SQLite database on a temp file, fake scorer, clock."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.event import AuthorFacts, MessageEvent
from bot.policy_config import Policy, PolicyHolder, load_policy
from bot.services import Services, build_services
from bot.settings import DEFAULT_CONFIG
from bot.storage import Database, open_database
from tests.fakes import FakeScorer, FrozenClock, RecordingExecutor


@pytest.fixture
def default_policy() -> Policy:
    return load_policy(DEFAULT_CONFIG)


@pytest.fixture
def policy_holder(default_policy: Policy) -> PolicyHolder:
    return PolicyHolder(DEFAULT_CONFIG, default_policy)


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = await open_database(tmp_path / "vigil.db")
    yield database
    await database.close()


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock()


@pytest.fixture
def scorer() -> FakeScorer:
    return FakeScorer()


@pytest.fixture
def executor() -> RecordingExecutor:
    return RecordingExecutor()


@pytest.fixture
async def services(
    tmp_path: Path, policy_holder: PolicyHolder, scorer: FakeScorer,
    executor: RecordingExecutor, clock: FrozenClock,
) -> AsyncIterator[Services]:
    """The core services on a real SQLite file, with the fake scorer and recording executor."""
    built = await build_services(db_path=tmp_path / "v.db", policy=policy_holder, scorer=scorer,
                                 executor=executor, clock=clock, max_wait=0.001)
    yield built
    await built.close()


def make_event(
    text: str,
    *,
    id: int = 1,
    author_id: int = 42,
    roles: frozenset[str] = frozenset(),
    channel_id: int = 10,
    at: datetime = datetime(2026, 3, 1, 12, 0, tzinfo=UTC),
    **extra: object,
) -> MessageEvent:
    author = AuthorFacts(
        id=author_id, name=f"user{author_id}", created_at=datetime(2020, 1, 1, tzinfo=UTC),
        roles=roles,
    )
    return MessageEvent.build(
        id=id, guild_id=1, channel_id=channel_id, author=author, content=text, created_at=at,
        **extra,
    )
