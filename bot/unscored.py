"""Messages the scorer could not score (a remote service down): held and retried.

The pipeline records each such message as skipped with the reason (``skipped_messages``,
ids only) and hands it here; a background task retries the held messages with backoff
until the scorer answers, then they go through the pipeline as if they had just
arrived. Nothing is decided on missing scores. Bounded: past ``capacity`` held, or after
``max_age`` of retrying, a message is given up on, and that is recorded with its reason.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from bot.event import MessageEvent
from models.api import ScorerUnavailableError

log = logging.getLogger(__name__)

#: Scores and handles held messages; raises ScorerUnavailableError while the scorer is down.
Handle = Callable[[list[MessageEvent]], Awaitable[Sequence[object]]]
#: Records that a message was not scored, with the reason.
Record = Callable[[MessageEvent, str], None]


@dataclass(slots=True)
class _Held:
    event: MessageEvent
    since: float


class UnscoredQueue:
    def __init__(
        self, handle: Handle, record: Record, *, capacity: int = 1000, batch: int = 64,
        first_delay: float = 1.0, max_delay: float = 60.0, max_age: float = 3600.0,
    ) -> None:
        self._handle = handle
        self._record = record
        self.capacity = capacity
        self.batch = batch
        self.first_delay = first_delay
        self.max_delay = max_delay
        self.max_age = max_age
        self._held: deque[_Held] = deque()
        self._task: asyncio.Task[None] | None = None
        self.retried = 0
        self.given_up = 0
        self.last_error: str | None = None

    @property
    def held(self) -> int:
        return len(self._held)

    def add(self, event: MessageEvent, reason: str) -> None:
        """Hold ``event`` (already recorded as not scored) for the next retry."""
        self.last_error = reason
        if len(self._held) >= self.capacity:
            oldest = self._held.popleft()
            self._give_up(oldest.event, f"retry queue full ({self.capacity})")
        self._held.append(_Held(event, asyncio.get_running_loop().time()))
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(self._run(), name="unscored")

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        if self._held:
            log.error("closing with %d messages never scored", len(self._held))

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        delay = self.first_delay
        while self._held:
            await asyncio.sleep(delay)
            while self._held and loop.time() - self._held[0].since > self.max_age:
                self._give_up(self._held.popleft().event, f"still unscored after "
                              f"{self.max_age:.0f}s ({self.last_error})")
            chunk = [self._held[i] for i in range(min(self.batch, len(self._held)))]
            if not chunk:
                break
            try:
                await self._handle([held.event for held in chunk])
            except ScorerUnavailableError as exc:
                self.last_error = str(exc)
                delay = min(delay * 2, self.max_delay)
                log.info("scorer still unavailable (%s); %d messages held, next try in %.0fs",
                         exc, len(self._held), delay)
                continue
            except Exception:  # a bug, not the outage: retrying would repeat it
                log.exception("handling %d held messages failed", len(chunk))
                for held in chunk:
                    self._give_up(held.event, "error while handling after a retry")
            else:
                self.retried += len(chunk)
            for held in chunk:
                with contextlib.suppress(ValueError):
                    self._held.remove(held)
            delay = self.first_delay

    def _give_up(self, event: MessageEvent, why: str) -> None:
        self.given_up += 1
        log.error("message %d given up on: %s", event.id, why)
        self._record(event, f"not scored, given up: {why}"[:300])
