"""SQL for appeals. The partial unique index allows one open appeal per case."""

from __future__ import annotations

from datetime import datetime

from bot.storage.engine import Connection, is_unique_violation
from bot.storage.records import Appeal, AppealStatus
from bot.storage.writer import Writer


class AppealAlreadyOpenError(Exception):
    """The case already has an appeal waiting for a decision."""


class AppealRepository:
    def __init__(self, conn: Connection, writer: Writer) -> None:
        self._conn = conn
        self._writer = writer

    async def create(self, case_id: int, member_id: int, text: str, at: datetime) -> Appeal:
        async def insert(conn: Connection) -> int:
            async with conn.execute(
                "INSERT INTO appeals (case_id, member_id, text, created_at) VALUES (?,?,?,?)"
                " RETURNING id",
                (case_id, member_id, text, at.isoformat()),
            ) as cursor:
                row = await cursor.fetchone()
            return int(row["id"])

        try:
            appeal_id = await self._writer.run(insert)
        except Exception as exc:
            if not is_unique_violation(exc):
                raise
            raise AppealAlreadyOpenError(f"case {case_id} already has an open appeal") from exc
        appeal = await self.get(appeal_id)
        assert appeal is not None
        return appeal

    async def decide(
        self, appeal_id: int, status: AppealStatus, moderator_id: int, note: str, at: datetime
    ) -> Appeal | None:
        """Close an open appeal; None when it was already decided (a double click)."""
        async def close(conn: Connection) -> int:
            cursor = await conn.execute(
                """UPDATE appeals SET status = ?, moderator_id = ?, decision_note = ?,
                   decided_at = ? WHERE id = ? AND status = 'open'""",
                (status.value, moderator_id, note, at.isoformat(), appeal_id),
            )
            return cursor.rowcount

        if await self._writer.run(close) == 0:
            return None
        return await self.get(appeal_id)

    async def get(self, appeal_id: int) -> Appeal | None:
        async with self._conn.execute("SELECT * FROM appeals WHERE id = ?", (appeal_id,)) as cur:
            row = await cur.fetchone()
        return Appeal.from_row(row) if row else None

    async def for_case(self, case_id: int) -> list[Appeal]:
        async with self._conn.execute(
            "SELECT * FROM appeals WHERE case_id = ? ORDER BY id", (case_id,)
        ) as cursor:
            rows = await cursor.fetchall()
        return [Appeal.from_row(r) for r in rows]

    async def count_since(self, member_id: int, since: datetime) -> int:
        async with self._conn.execute(
            "SELECT COUNT(*) FROM appeals WHERE member_id = ? AND created_at >= ?",
            (member_id, since.isoformat()),
        ) as cursor:
            row = await cursor.fetchone()
        return int(row[0]) if row else 0
