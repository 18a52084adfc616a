"""SQLite behind the engine interface: one aiosqlite connection with WAL and foreign keys.

``PRAGMA user_version`` holds the last migration applied. A write transaction is
``BEGIN IMMEDIATE``: it takes the write lock up front, so it excludes every other writer
(and :meth:`SqliteConnection.lock` has nothing left to do).
"""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import aiosqlite

from bot.storage.engine import SQLITE, Connection, Result, Rows
from bot.storage.schema import migration_scripts

#: SQLite's primary result codes for "another connection holds the lock".
_BUSY_CODES = frozenset({5, 6})  # SQLITE_BUSY, SQLITE_LOCKED

#: How long SQLite itself waits for a lock per attempt. Short: the wait blocks the
#: connection's thread (reads queue behind it); the writer retries in asyncio instead.
BUSY_TIMEOUT_MS = 100


def is_locked(exc: BaseException) -> bool:
    """True for SQLite's "another process holds the lock" errors."""
    if not isinstance(exc, sqlite3.OperationalError):
        return False
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in _BUSY_CODES
    message = str(exc).lower()
    return "locked" in message or "busy" in message


class SqliteConnection:
    """The shared aiosqlite connection, statement by statement."""

    dialect = SQLITE

    def __init__(self, raw: aiosqlite.Connection) -> None:
        self.raw = raw

    @property
    def in_transaction(self) -> bool:
        return self.raw.in_transaction

    def execute(self, sql: str, parameters: Sequence[Any] = ()) -> Result:
        return Result(self._run(sql, parameters))

    async def _run(self, sql: str, parameters: Sequence[Any]) -> Rows:
        async with self.raw.execute(sql, tuple(parameters)) as cursor:
            rows = list(await cursor.fetchall())
            return Rows(rows, cursor.rowcount)

    async def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        await self.raw.executemany(sql, [tuple(r) for r in rows])

    async def lock(self, space: str, key: int) -> None:
        return None  # BEGIN IMMEDIATE already holds the only write lock


class SqliteEngine:
    dialect = SQLITE

    def __init__(self, raw: aiosqlite.Connection) -> None:
        self.raw = raw
        self.conn: Connection = SqliteConnection(raw)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Connection]:
        try:
            # Inside the try: a BEGIN that fails must not leave an old transaction open.
            await self.raw.execute("BEGIN IMMEDIATE")
            yield self.conn
            await self.raw.commit()
        except BaseException:
            await self._rollback()
            raise

    async def _rollback(self) -> None:
        if not self.raw.in_transaction:
            return
        try:
            await self.raw.rollback()
        except Exception:  # the original error matters more; the next BEGIN tries again
            import logging

            logging.getLogger(__name__).exception("rollback failed")

    def is_transient(self, exc: BaseException) -> bool:
        return is_locked(exc)

    async def reclaim(self, tables: Sequence[str]) -> None:
        # Old page images holding erased text leave the WAL (best effort: a reader may
        # hold the checkpoint back); secure_delete already zeroed them in the main file.
        async with self.raw.execute("PRAGMA wal_checkpoint(TRUNCATE)") as cursor:
            await cursor.fetchone()

    async def schema_version(self) -> int:
        async with self.raw.execute("PRAGMA user_version") as cursor:
            row = await cursor.fetchone()
        return int(row[0]) if row else 0

    async def migrate(self) -> list[int]:
        """Apply pending migrations, each in its own transaction; return those applied."""
        applied = []
        for number, sql in migration_scripts(SQLITE):
            if number <= await self.schema_version():
                continue
            # executescript commits first; wrap explicitly so a failure leaves no half schema.
            try:
                await self.raw.executescript(
                    f"BEGIN IMMEDIATE;\n{sql}\nPRAGMA user_version = {number};\nCOMMIT;"
                )
            except sqlite3.Error:
                if self.raw.in_transaction:
                    await self.raw.rollback()
                # Two processes opening a new file at once: the other one got there first.
                if await self.schema_version() >= number:
                    continue
                raise
            applied.append(number)
        return applied

    async def close(self) -> None:
        await self.raw.close()


async def open_sqlite(path: Path | str) -> SqliteEngine:
    """Open (creating if needed) and migrate the SQLite file at ``path``."""
    if str(path) != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    raw = await aiosqlite.connect(str(path))
    raw.row_factory = aiosqlite.Row
    engine = SqliteEngine(raw)
    try:
        await raw.execute("PRAGMA journal_mode = WAL")
        await raw.execute("PRAGMA foreign_keys = ON")
        # Migrations run at start, before the bot writes: they may wait longer for the lock.
        await raw.execute("PRAGMA busy_timeout = 5000")
        # Deleted and overwritten content is zeroed, so erased text (bot.privacy) leaves it.
        await raw.execute("PRAGMA secure_delete = ON")
        await engine.migrate()
        await raw.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    except Exception:
        await raw.close()
        raise
    return engine
