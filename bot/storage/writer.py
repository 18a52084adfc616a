"""Write transactions that always end: begin, commit, or roll back on any error.

Another process (a DB browser, a backup, ``python -m bot forget``) may hold SQLite's write
lock; on PostgreSQL another bot process may win a serialisation conflict or a deadlock,
or the server may be restarting. A failed write must never leave the shared connection
inside a transaction: its old read snapshot would make every later write fail with
"database is locked" for good. So each write runs as one unit here, retried with bounded
backoff while the database is busy, and the health of storage is kept for the stats surface.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from bot import metrics
from bot.clock import utcnow
from bot.storage.engine import Connection, Engine

log = logging.getLogger(__name__)

T = TypeVar("T")

def is_busy(exc: BaseException) -> bool:
    """True for the errors that clear by themselves once another process lets go."""
    if isinstance(exc, StorageBusyError):
        return True
    from bot.storage.sqlite_engine import is_locked

    if is_locked(exc):
        return True
    if type(exc).__module__.startswith("asyncpg") or isinstance(exc, ConnectionError):
        from bot.storage.pg import is_transient

        return is_transient(exc)
    return False


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
    """Serialises the process's writes; each is a whole transaction of the engine."""

    def __init__(self, engine: Engine, retry: RetryPolicy | None = None) -> None:
        self._engine = engine
        self._lock = asyncio.Lock()
        self.retry = retry or RetryPolicy()
        self.health = StorageHealth()

    async def run(self, body: Callable[[Connection], Awaitable[T]]) -> T:
        """Run ``body`` in one transaction, retrying while the database is busy.

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
                        metrics.STORAGE_ERRORS.labels(kind="error").inc()
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

    async def alone(self, body: Callable[[Connection], Awaitable[T]]) -> T:
        """Run ``body`` outside a transaction with no other write in flight."""
        async with self._lock:
            return await body(self._engine.conn)

    async def reclaim(self, tables: Sequence[str]) -> None:
        """After erasing text, drop the engine's old copies of it (best effort)."""
        async with self._lock:
            try:
                await self._engine.reclaim(tables)
            except Exception as exc:  # a reader holding a checkpoint back must not fail it
                log.warning("could not reclaim erased space: %s", exc)

    async def _once(self, body: Callable[[Connection], Awaitable[T]]) -> T:
        async with self._engine.transaction() as conn:
            return await body(conn)

    def _failed(self, exc: BaseException) -> None:
        metrics.STORAGE_ERRORS.labels(kind="busy").inc()
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
