"""The single-instance lease on PostgreSQL: an advisory lock on a dedicated connection.

``pg_try_advisory_lock`` on a key derived from the lease name (which names the shard
range when shards run in several processes) is held by one session only, and the server
lets go the moment that session ends: a crashed or killed holder frees its lease at once,
with no expiry to wait out. The ``leases`` row is still written, so a refused process can
say who holds the lease; the lock, not the row, decides.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

import asyncpg

from bot.storage.engine import Connection
from bot.storage.lease import LeaseHolder, LeaseRepository, LeaseTakenError
from bot.storage.pg import advisory_key
from bot.storage.writer import Writer

log = logging.getLogger(__name__)


class AdvisoryLeaseRepository(LeaseRepository):
    def __init__(self, conn: Connection, writer: Writer, url: str) -> None:
        super().__init__(conn, writer)
        self._url = url
        #: Lease name -> the session holding its advisory lock.
        self._sessions: dict[str, asyncpg.Connection] = {}

    async def acquire(self, name: str, holder: str, at: datetime, ttl: timedelta) -> LeaseHolder:
        if name not in self._sessions:
            session = await asyncpg.connect(
                self._url, server_settings={"application_name": f"vigil lease {name}"})
            taken = await session.fetchval("SELECT pg_try_advisory_lock($1)",
                                           advisory_key("lease", name))
            if not taken:
                await session.close()
                current = await self.current(name)
                raise LeaseTakenError(current or LeaseHolder(
                    name, "?", 0, "another session (no lease row yet)", at, at, at + ttl))
            self._sessions[name] = session
        await self._record(name, holder, at, ttl)
        held = await self.current(name)
        assert held is not None
        return held

    async def _record(self, name: str, holder: str, at: datetime, ttl: timedelta) -> None:
        """Write who holds ``name``: the lock is ours, so any older row is stale."""
        async def upsert(conn: Connection) -> None:
            await self._write_holder(conn, name, holder, at, at, ttl)

        await self._writer.run(upsert)

    async def renew(self, name: str, holder: str, at: datetime, ttl: timedelta) -> bool:
        """True while the session holding the lock is alive (and the row is ours)."""
        session = self._sessions.get(name)
        if session is None:
            return False
        try:
            await session.fetchval("SELECT 1")
        except (asyncpg.PostgresError, asyncpg.InterfaceError, OSError) as exc:
            log.warning("the %s lease's session is gone (%s): the lock is lost", name, exc)
            self._sessions.pop(name, None)
            return False
        return await super().renew(name, holder, at, ttl)

    async def release(self, name: str, holder: str) -> None:
        session = self._sessions.pop(name, None)
        if session is not None:
            try:
                await session.fetchval("SELECT pg_advisory_unlock($1)",
                                       advisory_key("lease", name))
            finally:
                await session.close()
        await super().release(name, holder)

    async def close(self) -> None:
        """Let go of every lock still held (closing the session releases it)."""
        sessions, self._sessions = list(self._sessions.values()), {}
        for session in sessions:
            await session.close()
