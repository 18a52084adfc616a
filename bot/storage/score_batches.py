"""Per-message score records written one transaction per scored batch, not per message.

Each transaction costs a lock and, in WAL mode, a sync at commit: per message that was
most of the core's time once scoring got cheap. Two things gather records:

* a **window** (:meth:`ScoreWrites.window`) around one ``handle_many`` call (a replay
  chunk): records of the messages finished inside it are kept and written together when
  it closes, in one ``save_many``;
* **group commit** across callers: windows that close while a write is in flight (the
  live bot's concurrent ``handle`` calls, which share one micro-batch) join the next
  transaction, and each caller returns once its own records are written or held.

A record saved outside any window (a step the backlog retries later, in the background)
is written on its own, as before. A batch that meets a locked database is held by the
backlog, in order, like any other write.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
from collections.abc import AsyncIterator, Sequence

from bot.storage.backlog import Backlog, Step
from bot.storage.records import MessageScore
from bot.storage.scores import ScoreRepository


class _Window:
    __slots__ = ("open", "records")

    def __init__(self) -> None:
        self.records: list[MessageScore] = []
        self.open = True


class ScoreWrites:
    def __init__(self, scores: ScoreRepository, backlog: Backlog) -> None:
        self._scores = scores
        self._backlog = backlog
        # Per task (asyncio copies the context into each task): concurrent handle calls
        # each gather their own records.
        self._current: contextvars.ContextVar[_Window | None] = contextvars.ContextVar(
            "vigil_score_window", default=None)
        self._queue: list[MessageScore] = []
        self._waiters: list[asyncio.Future[None]] = []
        self._writing = False
        #: Transactions written and records in them (the bench and tests read these).
        self.transactions = 0
        self.records = 0

    @contextlib.asynccontextmanager
    async def window(self) -> AsyncIterator[None]:
        """Gather the score records saved inside; write them together on the way out."""
        window = _Window()
        token = self._current.set(window)
        try:
            yield
        finally:
            window.open = False
            self._current.reset(token)
            if window.records:
                await self.write(window.records)

    async def save(self, record: MessageScore) -> None:
        """Keep ``record`` for the open window; without one, write it now."""
        window = self._current.get()
        # While anything is held (a locked database) records keep the per-message path,
        # so the backlog's bound and order stay exactly what they were.
        if window is not None and window.open and self._backlog.idle:
            window.records.append(record)
            return
        await self._scores.save(record)

    async def write(self, records: Sequence[MessageScore]) -> None:
        """Write ``records`` in the next transaction (shared with other callers waiting)."""
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._queue.extend(records)
        self._waiters.append(waiter)
        if not self._writing:
            self._writing = True
            try:
                while self._queue:
                    await self._write_queued()
            finally:
                self._writing = False
        await waiter

    async def _write_queued(self) -> None:
        batch, waiters = self._queue, self._waiters
        self._queue, self._waiters = [], []

        async def save_all() -> Sequence[Step]:
            await self._scores.save_many(batch)
            return ()

        try:
            await self._backlog.run([save_all])
        except Exception as exc:
            for waiter in waiters:
                if not waiter.done():
                    waiter.set_exception(exc)
            return
        self.transactions += 1
        self.records += len(batch)
        for waiter in waiters:
            if not waiter.done():
                waiter.set_result(None)
