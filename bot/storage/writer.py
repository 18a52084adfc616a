"""Write transactions that always end: BEGIN IMMEDIATE, commit, or roll back on any error.

Another process (a DB browser, a backup, ``python -m bot forget``) may hold SQLite's write
lock. A failed write must never leave the shared connection inside a transaction: its old
read snapshot would make every later write fail with "database is locked" for good. So
each write runs as one unit here, retried with bounded backoff while the database is busy,
and the health of storage is kept for the stats surface.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

import aiosqlite

from bot.clock import utcnow

log = logging.getLogger(__name__)

T = TypeVar("T")

#: SQLite's primary result codes for "another connection holds the lock".
_BUSY_CODES = frozenset({5, 6})  # SQLITE_BUSY, SQLITE_LOCKED


def is_busy(exc: BaseException) -> bool:
    """True for the errors that clear by themselves once another process lets go."""
    if isinstance(exc, StorageBusyError):
        return True
    if not isinstance(exc, sqlite3.OperationalError):
        return False
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in _BUSY_CODES
    message = str(exc).lower()
    return "locked" in message or "busy" in message


class StorageBusyError(Exception):
    """The database stayed locked for longer than a write may wait."""


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How long one write waits for the lock, sleeping between attempts (not blocking)."""

    patience: float = 2.0
    first_delay: float = 0.02
    max_delay: float = 0.5


@dataclass(slots=True)
class StorageHealth:
    """What the stats surface shows about writes."""

    failing_since: datetime | None = None
    last_error: str | None = None
    busy_retries: int = 0
    failed_writes: int = 0

    @property
    def ok(self) -> bool:
        return self.failing_since is None


class Writer:
    """Serialises the shared connection's writes; each is a whole transaction."""

    def __init__(self, conn: aiosqlite.Connection, retry: RetryPolicy | None = None) -> None:
        self._conn = conn
        self._lock = asyncio.Lock()
        self.retry = retry or RetryPolicy()
        self.health = StorageHealth()

    async def run(self, body: Callable[[aiosqlite.Connection], Awaitable[T]]) -> T:
        """Run ``body`` in BEGIN IMMEDIATE ... COMMIT, retrying while the database is busy.

        While storage is failing (a write already used up its patience) a write tries once,
        so a backlog of callers does not each wait the whole patience.
        """
        async with self._lock:
            patience = 0.0 if not self.health.ok else self.retry.patience
            deadline = time.monotonic() + patience
            delay = self.retry.first_delay
            while True:
                try:
                    result = await self._once(body)
                except Exception as exc:
                    if not is_busy(exc):
                        raise
                    if time.monotonic() + delay > deadline:
                        self._failed(exc)
                        raise StorageBusyError(str(exc)) from exc
                    self.health.busy_retries += 1
                    await asyncio.sleep(delay)
                    delay = min(delay * 2, self.retry.max_delay)
                    continue
                self._recovered()
                return result

    async def alone(self, body: Callable[[aiosqlite.Connection], Awaitable[T]]) -> T:
        """Run ``body`` outside a transaction with no other write in flight (a checkpoint)."""
        async with self._lock:
            return await body(self._conn)

    async def _once(self, body: Callable[[aiosqlite.Connection], Awaitable[T]]) -> T:
        try:
            # Inside the try: a BEGIN that fails must not leave an old transaction open.
            await self._conn.execute("BEGIN IMMEDIATE")
            result = await body(self._conn)
            await self._conn.commit()
        except BaseException:
            await self._rollback()
            raise
        return result

    async def _rollback(self) -> None:
        if not self._conn.in_transaction:
            return
        try:
            await self._conn.rollback()
        except Exception:  # the original error matters more; the next BEGIN tries again
            log.exception("rollback failed")

    def _failed(self, exc: BaseException) -> None:
        self.health.failed_writes += 1
        self.health.last_error = str(exc)
        if self.health.failing_since is None:
            self.health.failing_since = utcnow()
            log.warning("storage failing (%s): writes are held until the lock clears", exc)

    def _recovered(self) -> None:
        if self.health.failing_since is not None:
            log.warning("storage writable again (failing since %s)",
                        self.health.failing_since.isoformat())
            self.health.failing_since = None
