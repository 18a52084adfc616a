"""Shared fixtures: a migrated database on each backend, fake scorer, clock.

``db`` and ``services`` run every test that uses them twice: on a SQLite file and on a
fresh database of a real PostgreSQL server started for the session (``tests.pg_server``).
A test of SQLite itself is marked ``sqlite_only``.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.event import AuthorFacts, MessageEvent
from bot.policy_config import Policy, PolicyHolder, load_policy
from bot.services import Services, build_services
from bot.settings import DEFAULT_CONFIG
from bot.storage import Database, open_database
from tests import pg_server as pg
from tests.fakes import FakeScorer, FrozenClock, RecordingExecutor

BACKENDS = ("sqlite", "postgres")
#: Names a database to create: a SQLite path or a PostgreSQL URL.
NewDatabase = Callable[[str], "Path | str"]


@pytest.fixture
def default_policy() -> Policy:
    return load_policy(DEFAULT_CONFIG)


@pytest.fixture
def policy_holder(default_policy: Policy) -> PolicyHolder:
    return PolicyHolder(DEFAULT_CONFIG, default_policy)


@pytest.fixture(scope="session")
def pg_server() -> Iterator[pg.PgServer]:
    """One PostgreSQL server for the session; skipped without binaries, except in CI."""
    try:
        server = pg.start()
    except pg.PostgresUnavailableError as exc:
        if os.environ.get(pg.REQUIRE_ENV) == "1":
            pytest.fail(f"PostgreSQL is required here ({pg.REQUIRE_ENV}=1): {exc}")
        pytest.skip(f"PostgreSQL half skipped: {exc}")
    yield server
    server.stop()


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    if request.param == "postgres" and request.node.get_closest_marker("sqlite_only"):
        pytest.skip("tests SQLite itself")
    return str(request.param)


@pytest.fixture
def new_database(
    backend: str, tmp_path: Path, request: pytest.FixtureRequest
) -> Iterator[NewDatabase]:
    """Makes an empty, migrated database of the test's backend; returns where it is."""
    if backend == "sqlite":
        yield lambda name: tmp_path / f"{name}.db"
        return
    server: pg.PgServer = request.getfixturevalue("pg_server")
    made: list[str] = []

    def make(name: str) -> str:
        made.append(server.fresh_database())
        return made[-1]

    yield make
    for url in made:  # after the test's own fixtures closed their connections
        server.drop_database(url)


@pytest.fixture
async def db(new_database: NewDatabase) -> AsyncIterator[Database]:
    database = await open_database(new_database("vigil"))
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
    new_database: NewDatabase, policy_holder: PolicyHolder, scorer: FakeScorer,
    executor: RecordingExecutor, clock: FrozenClock,
) -> AsyncIterator[Services]:
    """The core services on each backend, with the fake scorer and recording executor."""
    built = await build_services(db_path=new_database("v"), policy=policy_holder, scorer=scorer,
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
