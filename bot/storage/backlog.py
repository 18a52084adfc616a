"""Writes held in memory while the database is locked, written in order once it clears.

A message is recorded as a job of steps (save its scores, record its case, carry the case
out, ...). When a step meets a busy database past the writer's patience, the job waits
here from that step and a background task retries with backoff; later messages queue
behind it so cases keep their order. The queue is bounded: a new message that finds it
full is kept only as a skip record (ids and the reason, no text), written to
``skipped_messages`` when storage returns. Jobs already started and the record of an
action already carried out are always kept: dropping them would lose what happened.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field

from bot.clock import Clock, utcnow
from bot.storage.skipped import MessageRef, Skipped, SkippedRepository
from bot.storage.writer import StorageHealth, is_busy

log = logging.getLogger(__name__)

#: One write (or a few in one transaction); returns the steps that must follow it.
Step = Callable[[], Awaitable[Sequence["Step"]]]

DEFAULT_CAPACITY = 1000
#: Skip records are a few ints each; past this many even they are only counted.
SKIP_CAPACITY = 50_000
_SKIP_BATCH = 500


@dataclass(slots=True)
class _Job:
    steps: deque[Step]
    #: The message it records (None: a held case outcome, never skipped).
    message: MessageRef | None


@dataclass(frozen=True, slots=True)
class StorageStatus:
    """Storage as the stats surface reports it."""

    ok: bool
    failing_since: str | None
    last_error: str | None
    held: int
    capacity: int
    recorded_late: int
    skipped_waiting: int
    skipped_recorded: int
    unrecorded: int
    busy_retries: int

    def summary(self) -> str:
        """One line for ``/vigil stats``."""
        if self.ok:
            text = "writable"
        elif self.failing_since:
            text = f"FAILING since {self.failing_since} ({self.last_error})"
        else:
            text = "catching up"
        text += f"; {self.held}/{self.capacity} records held"
        if self.recorded_late or self.skipped_recorded or self.skipped_waiting:
            text += (f"; {self.recorded_late} recorded late, "
                     f"{self.skipped_recorded + self.skipped_waiting} skipped")
        if self.unrecorded:
            text += f"; {self.unrecorded} lost"
        return text


@dataclass(slots=True)
class _Counters:
    recorded_late: int = 0
    skipped_recorded: int = 0
    #: Skips beyond SKIP_CAPACITY: logged and counted, nothing else is left of them.
    unrecorded: int = 0
    waiters: list[asyncio.Future[None]] = field(default_factory=list)


class Backlog:
    def __init__(
        self,
        health: StorageHealth,
        skipped: SkippedRepository,
        *,
        capacity: int = DEFAULT_CAPACITY,
        clock: Clock = utcnow,
        first_delay: float = 0.05,
        max_delay: float = 1.0,
    ) -> None:
        self._health = health
        self._skipped_repo = skipped
        self.capacity = capacity
        self._clock = clock
        self._first_delay = first_delay
        self._max_delay = max_delay
        self._jobs: deque[_Job] = deque()
        self._skipped: deque[Skipped] = deque()
        self._counts = _Counters()
        self._task: asyncio.Task[None] | None = None

    # ------------------------------------------------------------ callers

    async def run(self, steps: Sequence[Step], message: MessageRef | None = None) -> bool:
        """Run ``steps`` now; True when all are written, False when held (or skipped)."""
        job = _Job(deque(steps), message)
        if self._jobs:  # behind what is held: keeps order and does not wait on the lock
            self._hold(job, fresh=True)
            return False
        try:
            await _advance(job)
        except Exception as exc:
            if not is_busy(exc):
                raise
            self._hold(job, fresh=False)
            return False
        return True

    def hold(self, write: Callable[[], Awaitable[object]]) -> None:
        """Keep ``write`` (the record of something already done) until storage returns."""
        async def step() -> Sequence[Step]:
            await write()
            return ()

        self._hold(_Job(deque([step]), None), fresh=False)

    def skip(self, message: MessageRef, reason: str) -> None:
        """Record that ``message`` was not recorded now, and why (written in the background)."""
        self._skip(message, reason)
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(self._drain())

    async def flush(self, seconds: float | None = None) -> bool:
        """Wait until everything held is written; False if ``seconds`` passed first."""
        if self.idle:
            return True
        waiter = asyncio.get_running_loop().create_future()
        self._counts.waiters.append(waiter)
        try:
            await asyncio.wait_for(asyncio.shield(waiter), seconds)
        except TimeoutError:
            return False
        return True

    async def close(self, seconds: float) -> None:
        """Write what is held if storage allows within ``seconds``; say what is lost."""
        if not await self.flush(seconds):
            log.error("closing with %d jobs and %d skip records unwritten (storage busy)",
                      len(self._jobs), len(self._skipped))
        if self._task is not None:
            self._task.cancel()

    @property
    def idle(self) -> bool:
        return not self._jobs and not self._skipped

    def status(self) -> StorageStatus:
        health = self._health
        return StorageStatus(
            ok=health.ok and self.idle,
            failing_since=health.failing_since.isoformat() if health.failing_since else None,
            last_error=health.last_error, held=len(self._jobs), capacity=self.capacity,
            recorded_late=self._counts.recorded_late, skipped_waiting=len(self._skipped),
            skipped_recorded=self._counts.skipped_recorded,
            unrecorded=self._counts.unrecorded, busy_retries=health.busy_retries,
        )

    # ------------------------------------------------------------ holding

    def _hold(self, job: _Job, *, fresh: bool) -> None:
        full = sum(1 for j in self._jobs if j.message is not None) >= self.capacity
        if fresh and full and job.message is not None:
            self._skip(job.message, f"storage busy and record queue full ({self.capacity})")
        else:
            self._jobs.append(job)
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(self._drain())

    def _skip(self, message: MessageRef, reason: str) -> None:
        if len(self._skipped) >= SKIP_CAPACITY:
            self._counts.unrecorded += 1
            log.error("message %d not recorded and not even kept as skipped: %s",
                      message.message_id, reason)
            return
        self._skipped.append(Skipped(message, reason, self._clock()))

    async def _drain(self) -> None:
        delay = self._first_delay
        while not self.idle:
            await asyncio.sleep(delay)
            try:
                await self._write_held()
            except Exception as exc:
                if not is_busy(exc):  # skip records failing to save: keep them, retry
                    log.exception("writing held records failed")
                delay = min(delay * 2, self._max_delay)
                continue
            delay = self._first_delay
        for waiter in self._counts.waiters:
            if not waiter.done():
                waiter.set_result(None)
        self._counts.waiters.clear()

    async def _write_held(self) -> None:
        while self._jobs:
            job = self._jobs[0]
            try:
                await _advance(job)
            except Exception as exc:
                if is_busy(exc):
                    raise
                # A bug, not the lock: it would fail again. Record that it was skipped.
                log.exception("a held record failed")
                if job.message is not None:
                    self._skip(job.message, f"error while recording: {exc!r}"[:300])
            else:
                if job.message is not None:
                    self._counts.recorded_late += 1
            self._jobs.popleft()
        while self._skipped:
            batch = [self._skipped[i] for i in range(min(_SKIP_BATCH, len(self._skipped)))]
            await self._skipped_repo.save(batch)
            for _ in batch:
                self._skipped.popleft()
            self._counts.skipped_recorded += len(batch)


async def _advance(job: _Job) -> None:
    """Run the job's steps in order; a step's follow-ups run before the rest."""
    while job.steps:
        follow = await job.steps[0]()
        job.steps.popleft()
        job.steps.extendleft(reversed(follow))
