"""Holds the single-instance lease while the bot runs, and says whether it may act.

The bot takes the lease before it acts on anything (a second process started on the same
database is refused with who holds it) and renews it every third of its lifetime. If a
renewal finds the lease taken by another process, or the database stays unwritable until
the lease would have lapsed, the keeper stops vouching: :meth:`may_act` turns False, the
case service leaves cases PENDING for whoever holds the lease, and ``on_lost`` is told.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from bot.clock import Clock, utcnow
from bot.storage.lease import LeaseHolder, LeaseRepository, new_holder_token

log = logging.getLogger(__name__)

DEFAULT_TTL = timedelta(seconds=60)


class LeaseKeeper:
    def __init__(
        self,
        repository: LeaseRepository,
        name: str = "actor",
        *,
        ttl: timedelta = DEFAULT_TTL,
        clock: Clock = utcnow,
        on_lost: Callable[[str], None] | None = None,
    ) -> None:
        self._repo = repository
        self.name = name
        self.ttl = ttl
        self._clock = clock
        self._on_lost = on_lost
        self.token = new_holder_token()
        self._expires: datetime | None = None
        self.lost_reason: str | None = None

    async def acquire(self) -> LeaseHolder:
        """Take the lease or raise :class:`bot.storage.lease.LeaseTakenError`."""
        now = self._clock()
        held = await self._repo.acquire(self.name, self.token, now, self.ttl)
        self._expires = held.expires_at
        self.lost_reason = None
        log.info("holding the %s lease until %s", self.name, held.expires_at.isoformat())
        return held

    def may_act(self) -> bool:
        """True while this process provably holds the lease."""
        return self._expires is not None and self._clock() < self._expires

    async def renew_once(self) -> bool:
        if self._expires is None:
            return False
        now = self._clock()
        try:
            renewed = await self._repo.renew(self.name, self.token, now, self.ttl)
        except Exception as exc:  # busy or broken storage: retry until the lease would lapse
            log.warning("could not renew the %s lease: %s", self.name, exc)
            if not self.may_act():
                self._lose("the database stayed unwritable until the lease lapsed")
            return self.may_act()
        if not renewed:
            self._lose("another process took the lease over")
            return False
        self._expires = now + self.ttl
        return True

    async def run(self) -> None:
        """Renew until cancelled or lost."""
        while self._expires is not None:
            await asyncio.sleep(self.ttl.total_seconds() / 3)
            await self.renew_once()

    async def release(self) -> None:
        if self._expires is None:
            return
        self._expires = None
        try:
            await self._repo.release(self.name, self.token)
        except Exception as exc:  # it lapses by itself after the ttl
            log.warning("could not release the %s lease: %s", self.name, exc)

    def _lose(self, reason: str) -> None:
        self._expires = None
        self.lost_reason = reason
        log.error("lost the %s lease (%s): no longer acting on cases", self.name, reason)
        if self._on_lost is not None:
            self._on_lost(reason)
