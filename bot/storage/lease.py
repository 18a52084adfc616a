"""The single-instance lease: which process may act on Discord for one database.

Two bot processes on one database would both carry out the same cases. The lease is a row
per name (``actor``; one per shard range when shards run in several processes) that a
process takes when it is free or expired and renews well before it expires; everyone else
is refused with who holds it. A crashed holder stops renewing, so its lease lapses after
``ttl`` and the next start takes it over (at once when the holder was on this host and its
process is gone).
"""

from __future__ import annotations

import os
import socket
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.storage.engine import Connection
from bot.storage.writer import Writer


@dataclass(frozen=True, slots=True)
class LeaseHolder:
    name: str
    holder: str
    pid: int
    host: str
    acquired_at: datetime
    renewed_at: datetime
    expires_at: datetime

    def describe(self) -> str:
        return (f"process {self.pid} on {self.host} (since {self.acquired_at:%Y-%m-%d %H:%M:%S} "
                f"UTC, lease expires {self.expires_at:%H:%M:%S} UTC unless renewed)")


class LeaseTakenError(Exception):
    """Another live process holds the lease."""

    def __init__(self, current: LeaseHolder) -> None:
        super().__init__(f"another Vigil is acting on this database: {current.describe()}")
        self.current = current


def new_holder_token() -> str:
    return uuid.uuid4().hex


def _holder_gone(current: LeaseHolder) -> bool:
    """A holder on this host whose process no longer runs left its lease behind (a crash):
    it need not be waited out. The same pid as ours with another token is a previous run
    (a container restarts its main process with the same pid); elsewhere, wait for expiry."""
    if current.host != socket.gethostname():
        return False
    if current.pid == os.getpid():
        return True
    try:
        os.kill(current.pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # alive, another user's
        return False
    return False


class LeaseRepository:
    def __init__(self, conn: Connection, writer: Writer) -> None:
        self._conn = conn
        self._writer = writer

    async def acquire(self, name: str, holder: str, at: datetime, ttl: timedelta) -> LeaseHolder:
        """Take ``name`` for ``holder`` until ``at + ttl``; :class:`LeaseTakenError` if held."""

        async def take(conn: Connection) -> LeaseHolder:
            current = await self._read(conn, name)
            if current is not None and current.holder != holder and current.expires_at > at \
                    and not _holder_gone(current):
                raise LeaseTakenError(current)
            acquired = current.acquired_at if current and current.holder == holder else at
            await self._write_holder(conn, name, holder, acquired, at, ttl)
            taken = await self._read(conn, name)
            assert taken is not None
            return taken

        return await self._writer.run(take)

    @staticmethod
    async def _write_holder(conn: Connection, name: str, holder: str, acquired: datetime,
                            at: datetime, ttl: timedelta) -> None:
        """Record this process as the holder of ``name`` until ``at + ttl``."""
        await conn.execute(
            """INSERT INTO leases (name, holder, pid, host, acquired_at, renewed_at,
                                   expires_at) VALUES (?,?,?,?,?,?,?)
               ON CONFLICT (name) DO UPDATE SET holder = excluded.holder,
                   pid = excluded.pid, host = excluded.host,
                   acquired_at = excluded.acquired_at, renewed_at = excluded.renewed_at,
                   expires_at = excluded.expires_at""",
            (name, holder, os.getpid(), socket.gethostname(), acquired.isoformat(),
             at.isoformat(), (at + ttl).isoformat()),
        )

    async def renew(self, name: str, holder: str, at: datetime, ttl: timedelta) -> bool:
        """Extend the lease; False when ``holder`` no longer has it (it lapsed and was taken)."""

        async def extend(conn: Connection) -> bool:
            cursor = await conn.execute(
                "UPDATE leases SET renewed_at = ?, expires_at = ? WHERE name = ? AND holder = ?",
                (at.isoformat(), (at + ttl).isoformat(), name, holder),
            )
            return cursor.rowcount == 1

        return await self._writer.run(extend)

    async def release(self, name: str, holder: str) -> None:
        async def drop(conn: Connection) -> None:
            await conn.execute("DELETE FROM leases WHERE name = ? AND holder = ?", (name, holder))

        await self._writer.run(drop)

    async def current(self, name: str) -> LeaseHolder | None:
        return await self._read(self._conn, name)

    @staticmethod
    async def _read(conn: Connection, name: str) -> LeaseHolder | None:
        async with conn.execute("SELECT * FROM leases WHERE name = ?", (name,)) as cursor:
            row = await cursor.fetchone()
        if row is None:
            return None
        return LeaseHolder(
            row["name"], row["holder"], row["pid"], row["host"],
            datetime.fromisoformat(row["acquired_at"]), datetime.fromisoformat(row["renewed_at"]),
            datetime.fromisoformat(row["expires_at"]),
        )
