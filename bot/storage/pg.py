"""PostgreSQL behind the engine interface (asyncpg), chosen by a ``postgresql://`` URL.

Reads go through a small pool, one statement per borrowed connection; a write
transaction borrows one connection for its whole body. Many bot processes may share the
database: the migrations take an advisory lock so two starting at once apply each once,
and :meth:`PgConnection.lock` is a transaction-scoped advisory lock (per-server case
numbers). Serialisation failures, deadlocks and a restarting server are transient: the
writer retries them as it retries SQLite's "database is locked".
"""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from functools import lru_cache
from typing import Any

import asyncpg

from bot.storage.engine import (
    POSTGRESQL,
    Connection,
    DatabaseUnavailableError,
    Result,
    Rows,
    describe_target,
    to_numbered,
)
from bot.storage.schema import migration_scripts

#: Errors that clear by themselves: serialisation failure, deadlock, lock not available,
#: too many connections, and the server shutting down or starting up.
_TRANSIENT_STATES = frozenset({"40001", "40P01", "55P03", "53300", "57P01", "57P02", "57P03"})
_MIGRATIONS_TABLE = "vigil_schema_migrations"
POOL_SIZE = 4


class SessionLostError(ConnectionError):
    """The connection went away inside a transaction, before its commit (transient)."""


class CommitUnknownError(RuntimeError):
    """The connection failed during COMMIT: the transaction may or may not have landed."""


def advisory_key(space: str, key: int | str = "") -> int:
    """A stable signed 64-bit advisory-lock key for ``(space, key)``."""
    digest = hashlib.blake2b(f"vigil:{space}:{key}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


@lru_cache(maxsize=512)
def _numbered(sql: str) -> str:
    return to_numbered(sql)


def _rowcount(status: str | None) -> int:
    """The count at the end of a command tag ("UPDATE 3", "INSERT 0 1"); -1 when none."""
    tail = (status or "").rsplit(" ", 1)[-1]
    return int(tail) if tail.isdigit() else -1


class PgConnection:
    """A pool (each statement on whichever connection is free) or one borrowed connection."""

    dialect = POSTGRESQL

    def __init__(self, target: asyncpg.Pool | asyncpg.Connection) -> None:
        self._target = target

    def execute(self, sql: str, parameters: Sequence[Any] = ()) -> Result:
        return Result(self._run(_numbered(sql), tuple(parameters)))

    async def _run(self, sql: str, parameters: tuple[Any, ...]) -> Rows:
        if isinstance(self._target, asyncpg.Pool):
            async with self._target.acquire() as raw:
                return await self._on(raw, sql, parameters)
        return await self._on(self._target, sql, parameters)

    @staticmethod
    async def _on(raw: Any, sql: str, parameters: tuple[Any, ...]) -> Rows:
        statement = await raw.prepare(sql)  # cached per connection by asyncpg
        rows = await statement.fetch(*parameters)
        return Rows(list(rows), _rowcount(statement.get_statusmsg()))

    async def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        await self._target.executemany(_numbered(sql), [tuple(r) for r in rows])

    async def lock(self, space: str, key: int) -> None:
        await self.execute("SELECT pg_advisory_xact_lock(?)", (advisory_key(space, key),))


def _gone(raw: Any) -> bool:
    """The borrowed connection's session ended (asyncpg may already have taken it back)."""
    try:
        return bool(raw.is_closed())
    except asyncpg.InterfaceError:
        return True


class PgEngine:
    dialect = POSTGRESQL

    def __init__(self, pool: asyncpg.Pool, url: str) -> None:
        self.pool = pool
        self.url = url
        self.conn: Connection = PgConnection(pool)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Connection]:
        async with self.pool.acquire() as raw:
            transaction = raw.transaction()
            await transaction.start()
            try:
                yield PgConnection(raw)
            except Exception as exc:
                if _gone(raw):
                    # The server dropped the session (a restart, a failover): nothing of
                    # the transaction landed, so running it again is safe.
                    raise SessionLostError(str(exc)) from exc
                await transaction.rollback()
                raise
            except BaseException:
                if not _gone(raw):
                    await transaction.rollback()
                raise
            try:
                await transaction.commit()
            except Exception as exc:
                # The commit may have landed before the connection went: not retried, so
                # a write is never applied twice.
                raise CommitUnknownError(f"commit outcome unknown: {exc}") from exc

    def is_transient(self, exc: BaseException) -> bool:
        return is_transient(exc)

    async def reclaim(self, tables: Sequence[str]) -> None:
        # Erased text lives on in dead row versions until a vacuum prunes them.
        names = ", ".join(t for t in tables if t.isidentifier())
        if names:
            async with self.pool.acquire() as raw:
                await raw.execute(f"VACUUM {names}")

    async def schema_version(self) -> int:
        async with self.pool.acquire() as raw:
            return await _version(raw)

    async def migrate(self) -> list[int]:
        """Apply pending migrations, each in its own transaction; return those applied."""
        applied = []
        async with self.pool.acquire() as raw:
            for number, sql in migration_scripts(POSTGRESQL):
                async with raw.transaction():
                    # Two processes starting together: the second waits, then skips.
                    await raw.execute("SELECT pg_advisory_xact_lock($1)",
                                      advisory_key("migrations"))
                    await raw.execute(
                        f"CREATE TABLE IF NOT EXISTS {_MIGRATIONS_TABLE} "
                        "(number INTEGER PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL "
                        "DEFAULT now())")
                    if number <= await _version(raw):
                        continue
                    await raw.execute(sql)
                    await raw.execute(f"INSERT INTO {_MIGRATIONS_TABLE} (number) VALUES ($1)",
                                      number)
                applied.append(number)
        return applied

    async def close(self) -> None:
        await self.pool.close()


async def _version(raw: asyncpg.Connection) -> int:
    exists = await raw.fetchval("SELECT to_regclass($1) IS NOT NULL", _MIGRATIONS_TABLE)
    if not exists:
        return 0
    value = await raw.fetchval(f"SELECT COALESCE(MAX(number), 0) FROM {_MIGRATIONS_TABLE}")
    return int(value)


def is_transient(exc: BaseException) -> bool:
    """True for PostgreSQL errors a retry outlives (see ``_TRANSIENT_STATES``)."""
    state = getattr(exc, "sqlstate", None)
    if isinstance(state, str) and (state in _TRANSIENT_STATES or state.startswith("08")):
        return True
    return isinstance(exc, asyncpg.exceptions.ConnectionDoesNotExistError | ConnectionError)


async def _keep_session(conn: asyncpg.Connection) -> None:
    """Nothing to reset when a connection goes back to the pool: Vigil's sessions set no
    options, listen to nothing and take only transaction-scoped locks (the lease has its
    own connection). asyncpg's default reset is a round trip after every statement."""


async def open_postgres(url: str) -> PgEngine:
    """Connect to ``url`` and apply pending migrations."""
    try:
        pool = await asyncpg.create_pool(url, min_size=1, max_size=POOL_SIZE,
                                         reset=_keep_session,
                                         server_settings={"application_name": "vigil"})
    except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
        raise DatabaseUnavailableError(
            f"cannot open the PostgreSQL database {describe_target(url)}: {exc}") from exc
    engine = PgEngine(pool, url)
    try:
        await engine.migrate()
    except BaseException:
        await pool.close()
        raise
    return engine
