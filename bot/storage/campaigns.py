"""SQL for detected campaigns, pile-ons and raids."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from bot.storage.engine import Connection
from bot.storage.records import CampaignRecord
from bot.storage.writer import Writer


class CampaignRepository:
    def __init__(self, conn: Connection, writer: Writer) -> None:
        self._conn = conn
        self._writer = writer

    async def save(
        self,
        *,
        guild_id: int,
        kind: str,
        score: float,
        accounts: tuple[int, ...],
        message_ids: tuple[int, ...],
        evidence: dict[str, Any],
        case_id: int | None,
        at: datetime,
    ) -> int:
        async def insert(conn: Connection) -> int:
            async with conn.execute(
                """INSERT INTO campaigns (guild_id, kind, score, accounts, message_ids, evidence,
                   case_id, created_at) VALUES (?,?,?,?,?,?,?,?) RETURNING id""",
                (guild_id, kind, float(score), json.dumps(list(accounts)),
                 json.dumps(list(message_ids)), json.dumps(evidence, default=str), case_id,
                 at.isoformat()),
            ) as cursor:
                row = await cursor.fetchone()
            return int(row["id"])

        return await self._writer.run(insert)

    async def all(self, guild_id: int | None = None) -> list[CampaignRecord]:
        query = "SELECT * FROM campaigns ORDER BY id"
        params: tuple[int, ...] = ()
        if guild_id is not None:
            query, params = "SELECT * FROM campaigns WHERE guild_id = ? ORDER BY id", (guild_id,)
        async with self._conn.execute(query, params) as cursor:
            rows = await cursor.fetchall()
        return [_record(r) for r in rows]

    async def for_case(self, case_id: int) -> CampaignRecord | None:
        async with self._conn.execute(
            "SELECT * FROM campaigns WHERE case_id = ? ORDER BY id DESC LIMIT 1", (case_id,)
        ) as cursor:
            row = await cursor.fetchone()
        return _record(row) if row else None


def _record(r: Any) -> CampaignRecord:
    return CampaignRecord(
        id=r["id"], guild_id=r["guild_id"], kind=r["kind"], score=r["score"],
        accounts=tuple(json.loads(r["accounts"])),
        message_ids=tuple(json.loads(r["message_ids"])),
        evidence=json.loads(r["evidence"]), case_id=r["case_id"],
        created_at=datetime.fromisoformat(r["created_at"]),
    )
