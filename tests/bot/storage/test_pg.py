"""PostgreSQL with many writers: case numbers, the advisory lease, URLs (a real server)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

import asyncpg
import pytest

from bot.storage import Database, open_database
from bot.storage.engine import Connection, describe_target, is_postgres_url, to_numbered
from bot.storage.lease import LeaseTakenError
from bot.storage.records import CaseStatus, NewCase
from bot.storage.schema import migration_scripts
from tests.pg_server import PgServer

AT = datetime(2026, 3, 1, tzinfo=UTC)
TTL = timedelta(seconds=60)


def test_urls_choose_postgres_and_paths_stay_sqlite() -> None:
    assert is_postgres_url("postgresql://vigil@db:5432/vigil")
    assert is_postgres_url("postgres://vigil@db/vigil")
    assert not is_postgres_url("vigil.db")
    assert not is_postgres_url("/var/lib/vigil/postgresql.db")
    assert describe_target("postgresql://vigil:s3cret@db:5432/vigil") == \
        "postgresql://vigil@db:5432/vigil"


def test_placeholders_are_numbered_outside_quoted_text() -> None:
    assert to_numbered("SELECT ? WHERE a = '?' AND b = ?") == "SELECT $1 WHERE a = '?' AND b = $2"


async def test_many_writers_in_one_server_get_distinct_consecutive_numbers(
    pg_server: PgServer,
) -> None:
    """Four processes' worth of pools writing cases into the same two servers at once."""
    url = pg_server.fresh_database()
    writers = [await open_database(url) for _ in range(4)]
    try:
        async def burst(db: Database, member: int) -> None:
            for i in range(16):
                await db.cases.create(
                    NewCase(1 + i % 2, member, "warn", f"r{i}", CaseStatus.APPLIED), AT)

        await asyncio.gather(*(burst(db, 100 + n) for n, db in enumerate(writers)))
        for guild in (1, 2):
            numbers = sorted(c.number for c in await writers[0].cases.all(guild))
            assert numbers == list(range(1, 33))
        assert sum(db.writer.health.failed_writes for db in writers) == 0
    finally:
        for db in writers:
            await db.close()


async def test_the_lease_is_one_session_per_name_and_frees_when_its_holder_dies(
    pg_server: PgServer,
) -> None:
    url = pg_server.fresh_database()
    first, second = await open_database(url), await open_database(url)
    try:
        held = await first.leases.acquire("actor:shards=0-3/16", "first", AT, TTL)
        assert held.holder == "first"
        with pytest.raises(LeaseTakenError, match="another Vigil"):
            await second.leases.acquire("actor:shards=0-3/16", "second", AT, TTL)
        # Another shard range is another lease: both run side by side.
        assert (await second.leases.acquire("actor:shards=4-7/16", "second", AT, TTL)).holder \
            == "second"
        assert await first.leases.renew("actor:shards=0-3/16", "first", AT, TTL)

        # The holder's session dies (a crash, a kill): the lock goes at once, no expiry wait,
        # although its row still says it is valid for another minute.
        admin = await asyncpg.connect(url)
        try:
            await admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                "WHERE application_name = 'vigil lease actor:shards=0-3/16'")
        finally:
            await admin.close()
        await asyncio.sleep(0.2)
        assert not await first.leases.renew("actor:shards=0-3/16", "first", AT, TTL)
        taken = await second.leases.acquire("actor:shards=0-3/16", "second", AT, TTL)
        assert (taken.holder, taken.expires_at) == ("second", AT + TTL)
    finally:
        await first.close()
        await second.close()


async def test_a_released_lease_is_free_for_the_next_process(pg_server: PgServer) -> None:
    url = pg_server.fresh_database()
    first = await open_database(url)
    await first.leases.acquire("actor", "first", AT, TTL)
    await first.leases.release("actor", "first")
    await first.close()
    second = await open_database(url)
    try:
        assert (await second.leases.acquire("actor", "second", AT, TTL)).holder == "second"
        assert (await second.leases.current("actor")) is not None
    finally:
        await second.close()


async def test_a_write_outlives_its_connection_being_killed(pg_server: PgServer) -> None:
    """The server drops the session in the middle of a write (a restart, a failover): the
    writer runs the transaction again on a fresh connection instead of failing."""
    url = pg_server.fresh_database()
    db = await open_database(url)
    admin = await asyncpg.connect(url)
    attempts = 0

    async def body(conn: Connection) -> None:
        nonlocal attempts
        attempts += 1
        await conn.execute("INSERT INTO erasures (guild_id, user_id, source, at) "
                           "VALUES (1, 2, 'cli', ?)", (AT.isoformat(),))
        if attempts == 1:
            async with conn.execute("SELECT pg_backend_pid() AS pid") as cursor:
                pid = (await cursor.fetchone())["pid"]
            await admin.execute("SELECT pg_terminate_backend($1)", pid)
            await conn.execute("SELECT 1")  # the session is gone
    try:
        await db.writer.run(body)
        assert attempts == 2
        assert db.writer.health.busy_retries == 1
        assert db.writer.health.ok
        assert len(await db.erasures.log(1)) == 1  # the first attempt left nothing behind
    finally:
        await admin.close()
        await db.close()


async def test_a_deadlock_between_two_processes_is_retried(pg_server: PgServer) -> None:
    """Two writers lock the same two rows in opposite orders: PostgreSQL aborts one with a
    deadlock, its writer runs the whole transaction again, and both writes land."""
    url = pg_server.fresh_database()
    first, second = await open_database(url), await open_database(url)
    try:
        one = await first.cases.create(NewCase(1, 5, "warn", "a", CaseStatus.APPLIED), AT)
        two = await first.cases.create(NewCase(1, 6, "warn", "b", CaseStatus.APPLIED), AT)
        both_hold_one = asyncio.Barrier(2)
        attempts = {"first": 0, "second": 0}

        def crossing(name: str, lock: int, then: int) -> Callable[[Connection], Awaitable[None]]:
            async def body(conn: Connection) -> None:
                attempts[name] += 1
                await conn.execute("UPDATE cases SET reason = ? WHERE id = ?", (name, lock))
                if attempts[name] == 1:
                    await both_hold_one.wait()
                await conn.execute("UPDATE cases SET reason = ? WHERE id = ?", (name, then))
            return body

        await asyncio.gather(first.writer.run(crossing("first", one.id, two.id)),
                             second.writer.run(crossing("second", two.id, one.id)))
        assert sorted(attempts.values()) == [1, 2]  # one of them ran twice
        assert first.writer.health.busy_retries + second.writer.health.busy_retries == 1
        reasons = {c.reason for c in await first.cases.all(1)}
        assert len(reasons) == 1  # whoever committed last wrote both rows
    finally:
        await first.close()
        await second.close()


async def test_processes_starting_together_migrate_a_new_database_once(
    pg_server: PgServer,
) -> None:
    url = pg_server.empty_database()
    opened = await asyncio.gather(*(open_database(url) for _ in range(4)))
    try:
        versions = {await db.schema_version() for db in opened}
        assert versions == {len(migration_scripts("postgresql"))}
    finally:
        for db in opened:
            await db.close()
    conn = await asyncpg.connect(url)
    try:
        rows = [r[0] for r in await conn.fetch(
            "SELECT number FROM vigil_schema_migrations ORDER BY number")]
    finally:
        await conn.close()
    assert rows == list(range(1, len(migration_scripts("postgresql")) + 1))
