"""SQL for messages recorded as skipped: not scored into storage while it was locked."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.storage.engine import Connection
from bot.storage.writer import Writer


@dataclass(frozen=True, slots=True)
class MessageRef:
    """Which message, without its text: what a skip record keeps."""

    message_id: int
    guild_id: int
    channel_id: int
    author_id: int
    created_at: datetime


@dataclass(frozen=True, slots=True)
class Skipped:
    message: MessageRef
    reason: str
    recorded_at: datetime


class SkippedRepository:
    def __init__(self, conn: Connection, writer: Writer) -> None:
        self._conn = conn
        self._writer = writer

    async def save(self, skipped: Sequence[Skipped]) -> None:
        """Write a batch in one transaction."""
        rows = [
            (s.message.message_id, s.message.guild_id, s.message.channel_id,
             s.message.author_id, s.message.created_at.isoformat(), s.reason,
             s.recorded_at.isoformat())
            for s in skipped
        ]

        async def insert(conn: Connection) -> None:
            await conn.executemany(
                """INSERT INTO skipped_messages (message_id, guild_id, channel_id, author_id,
                   created_at, reason, recorded_at) VALUES (?,?,?,?,?,?,?)""",
                rows,
            )

        await self._writer.run(insert)

    async def all(self, guild_id: int | None = None) -> list[Skipped]:
        query = "SELECT * FROM skipped_messages"
        params: tuple[int, ...] = ()
        if guild_id is not None:
            query, params = query + " WHERE guild_id = ?", (guild_id,)
        async with self._conn.execute(query + " ORDER BY id", params) as cursor:
            rows = await cursor.fetchall()
        return [
            Skipped(MessageRef(r["message_id"], r["guild_id"], r["channel_id"], r["author_id"],
                               datetime.fromisoformat(r["created_at"])),
                    r["reason"], datetime.fromisoformat(r["recorded_at"]))
            for r in rows
        ]
