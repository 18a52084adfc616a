"""SQL for per-message scores (shadow mode, calibration, review feedback)."""

from __future__ import annotations

import json
from collections.abc import Sequence

from bot.storage.engine import Connection
from bot.storage.records import MessageScore
from bot.storage.writer import Writer

_COLUMNS = ("message_id", "guild_id", "channel_id", "author_id", "created_at", "scores",
            "stance", "labels", "action", "band", "evasion", "model_version",
            "policy_version", "review_decision", "rules")
#: Every column but the key takes the new row's value, as a replace would.
_REPLACE = ", ".join(f"{c} = excluded.{c}" for c in _COLUMNS[1:])
_UPSERT = (f"INSERT INTO message_scores ({', '.join(_COLUMNS)}) "
           f"VALUES ({', '.join('?' * len(_COLUMNS))}) "
           f"ON CONFLICT (message_id) DO UPDATE SET {_REPLACE}")


def _row(record: MessageScore) -> tuple[object, ...]:
    return (
        record.message_id, record.guild_id, record.channel_id, record.author_id,
        record.created_at.isoformat(), json.dumps(record.scores, sort_keys=True),
        json.dumps(record.stance) if record.stance is not None else None,
        json.dumps(list(record.labels)), record.action, record.band,
        float(record.evasion), record.model_version, record.policy_version,
        record.review_decision,
        json.dumps({k: list(v) for k, v in record.rules.items()}, sort_keys=True),
    )


class ScoreRepository:
    def __init__(self, conn: Connection, writer: Writer) -> None:
        self._conn = conn
        self._writer = writer

    async def save(self, record: MessageScore) -> None:
        """Insert or replace (an edit re-scores the same message id)."""
        await self.save_many([record])

    async def save_many(self, records: Sequence[MessageScore]) -> None:
        """Insert or replace ``records`` in one transaction (bot.storage.score_batches)."""
        if not records:
            return
        rows = [_row(record) for record in records]

        async def insert(conn: Connection) -> None:
            await conn.executemany(_UPSERT, rows)

        await self._writer.run(insert)

    async def get(self, message_id: int) -> MessageScore | None:
        async with self._conn.execute(
            "SELECT * FROM message_scores WHERE message_id = ?", (message_id,)
        ) as cursor:
            row = await cursor.fetchone()
        return MessageScore.from_row(row) if row else None

    async def set_review_decision(self, message_id: int, decision: str) -> bool:
        async def update(conn: Connection) -> int:
            cursor = await conn.execute(
                "UPDATE message_scores SET review_decision = ? WHERE message_id = ?",
                (decision, message_id),
            )
            return cursor.rowcount

        return await self._writer.run(update) > 0

    async def count(self, guild_id: int | None = None) -> int:
        query = "SELECT COUNT(*) FROM message_scores"
        params: tuple[int, ...] = ()
        if guild_id is not None:
            query, params = query + " WHERE guild_id = ?", (guild_id,)
        async with self._conn.execute(query, params) as cursor:
            row = await cursor.fetchone()
        return int(row[0]) if row else 0

    async def labelled(self) -> list[MessageScore]:
        """Messages a moderator decided on: the calibration set."""
        async with self._conn.execute(
            "SELECT * FROM message_scores WHERE review_decision IS NOT NULL ORDER BY created_at"
        ) as cursor:
            rows = await cursor.fetchall()
        return [MessageScore.from_row(r) for r in rows]
