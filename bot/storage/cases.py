"""SQL for cases and their append-only events."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Any

from bot.storage.engine import Connection
from bot.storage.records import Case, CaseEvent, CaseKind, CaseStatus, NewCase
from bot.storage.writer import Writer


def dedupe_key(new: NewCase) -> str | None:
    """What makes two automatic cases on one message the same decision: the message, the
    labels and rules that fired and the text judged. Not the action or the reason's
    wording, which escalation changes when a second process sees the first one's strikes.
    An edit changes the text, so the case its new wording opens is a different one."""
    if new.kind is not CaseKind.MESSAGE or new.message_id is None or new.moderator_id:
        return None
    grounds = json.dumps([new.message_id, sorted(new.labels), new.excerpt], ensure_ascii=False)
    return hashlib.sha256(grounds.encode("utf-8", "surrogatepass")).hexdigest()[:32]


class CaseRepository:
    def __init__(self, conn: Connection, writer: Writer) -> None:
        self._conn = conn
        # One connection is shared by every coroutine: writes go through one writer.
        self._writer = writer

    async def create(self, new: NewCase, at: datetime) -> Case:
        """Insert with the next per-guild number, and its 'opened' event, atomically."""
        case, _ = await self.create_once(new, at)
        return case

    async def create_once(self, new: NewCase, at: datetime) -> tuple[Case, bool]:
        """Like :meth:`create`; when the same decision on the same message is already
        recorded (:func:`dedupe_key`), that case instead. (case, whether it is new)."""
        stamp = at.isoformat()
        key = dedupe_key(new)
        case_id, created = await self._writer.run(
            lambda conn: self._insert_case(conn, new, at, stamp, key))
        case = await self.get(case_id)
        assert case is not None
        return case, created

    async def _insert_case(
        self, conn: Connection, new: NewCase, at: datetime, stamp: str,
        key: str | None,
    ) -> tuple[int, bool]:
        # Writers in other processes (PostgreSQL) take the same per-server lock, so the
        # dedupe check and MAX(number) + 1 see every case committed before; the unique
        # (guild_id, number) and dedupe indexes stay the backstop.
        await conn.lock("cases", new.guild_id)
        if key is not None:
            async with conn.execute(
                "SELECT id FROM cases WHERE guild_id = ? AND dedupe_key = ?", (new.guild_id, key)
            ) as cursor:
                found = await cursor.fetchone()
            if found is not None:
                return int(found[0]), False
        async with conn.execute(
            "SELECT COALESCE(MAX(number), 0) + 1 FROM cases WHERE guild_id = ?",
            (new.guild_id,),
        ) as cursor:
            row = await cursor.fetchone()
        number = int(row[0]) if row else 1
        async with conn.execute(
            """INSERT INTO cases (guild_id, number, kind, target_id, target_name,
               moderator_id, action, duration_minutes, reason, status, labels, scores,
               model_version, policy_version, channel_id, message_id, excerpt, jump_url,
               strike, created_at, updated_at, dedupe_key)
               VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) RETURNING id""",
            (
                new.guild_id, number, new.kind.value, new.target_id, new.target_name,
                new.moderator_id, new.action, new.duration_minutes, new.reason,
                new.status.value, json.dumps(list(new.labels)),
                json.dumps(new.scores, sort_keys=True), new.model_version,
                new.policy_version, new.channel_id, new.message_id, new.excerpt,
                new.jump_url, int(new.strike), stamp, stamp, key,
            ),
        ) as cursor:
            inserted = await cursor.fetchone()
        case_id = int(inserted["id"])
        await self._insert_event(conn, case_id, at, "opened", new.moderator_id,
                                 {"status": new.status.value, "action": new.action})
        return case_id, True

    async def update(
        self,
        case_id: int,
        at: datetime,
        event: str,
        actor_id: int | None = None,
        detail: dict[str, Any] | None = None,
        **fields: Any,
    ) -> Case:
        """Change columns of a case and append the event explaining why, in one transaction."""
        allowed = {"status", "reason", "last_error", "action", "duration_minutes"}
        unknown = set(fields) - allowed
        if unknown:
            raise ValueError(f"cannot update {sorted(unknown)}")
        values = {k: (v.value if isinstance(v, CaseStatus) else v) for k, v in fields.items()}
        assignments = ", ".join(f"{column} = ?" for column in values)

        async def change(conn: Connection) -> None:
            if values:
                await conn.execute(
                    f"UPDATE cases SET {assignments}, updated_at = ? WHERE id = ?",
                    (*values.values(), at.isoformat(), case_id),
                )
            await self._insert_event(conn, case_id, at, event, actor_id,
                                     {**values, **(detail or {})})

        await self._writer.run(change)
        case = await self.get(case_id)
        if case is None:
            raise LookupError(f"no case with id {case_id}")
        return case

    @staticmethod
    async def _insert_event(
        conn: Connection, case_id: int, at: datetime, kind: str,
        actor_id: int | None, detail: dict[str, Any],
    ) -> None:
        await conn.execute(
            "INSERT INTO case_events (case_id, at, kind, actor_id, detail) VALUES (?,?,?,?,?)",
            (case_id, at.isoformat(), kind, actor_id, json.dumps(detail, default=str)),
        )

    async def get(self, case_id: int) -> Case | None:
        async with self._conn.execute("SELECT * FROM cases WHERE id = ?", (case_id,)) as cursor:
            row = await cursor.fetchone()
        return Case.from_row(row) if row else None

    async def by_number(self, guild_id: int, number: int) -> Case | None:
        async with self._conn.execute(
            "SELECT * FROM cases WHERE guild_id = ? AND number = ?", (guild_id, number)
        ) as cursor:
            row = await cursor.fetchone()
        return Case.from_row(row) if row else None

    async def for_target(self, guild_id: int, target_id: int, limit: int = 25) -> list[Case]:
        async with self._conn.execute(
            "SELECT * FROM cases WHERE guild_id = ? AND target_id = ? ORDER BY number DESC LIMIT ?",
            (guild_id, target_id, limit),
        ) as cursor:
            rows = await cursor.fetchall()
        return [Case.from_row(r) for r in rows]

    async def guilds_of_target(self, target_id: int) -> list[int]:
        """The servers where ``target_id`` has cases, whichever process runs them."""
        async with self._conn.execute(
            "SELECT DISTINCT guild_id FROM cases WHERE target_id = ? ORDER BY guild_id",
            (target_id,),
        ) as cursor:
            rows = await cursor.fetchall()
        return [int(r[0]) for r in rows]

    async def for_message(self, guild_id: int, message_id: int) -> list[Case]:
        """Every case opened on one message, oldest first."""
        async with self._conn.execute(
            "SELECT * FROM cases WHERE guild_id = ? AND message_id = ? ORDER BY id",
            (guild_id, message_id),
        ) as cursor:
            rows = await cursor.fetchall()
        return [Case.from_row(r) for r in rows]

    async def with_status(self, *statuses: CaseStatus) -> list[Case]:
        marks = ",".join("?" * len(statuses))
        async with self._conn.execute(
            f"SELECT * FROM cases WHERE status IN ({marks}) ORDER BY id",
            tuple(s.value for s in statuses),
        ) as cursor:
            rows = await cursor.fetchall()
        return [Case.from_row(r) for r in rows]

    async def count_strikes(self, guild_id: int, target_id: int, since: datetime) -> int:
        """Live strikes: automatic or manual strike cases in the window that were carried
        out (APPLIED) or are being carried out (PENDING: a burst of messages must escalate
        while the first case's DM is still in flight). A FAILED case did nothing to the
        member and a SHADOW one was only recorded; neither counts, nor a reversed one."""
        async with self._conn.execute(
            """SELECT COUNT(*) FROM cases WHERE guild_id = ? AND target_id = ? AND strike = 1
               AND created_at >= ? AND status IN ('applied', 'pending')""",
            (guild_id, target_id, since.isoformat()),
        ) as cursor:
            row = await cursor.fetchone()
        return int(row[0]) if row else 0

    async def events(self, case_id: int) -> list[CaseEvent]:
        async with self._conn.execute(
            "SELECT * FROM case_events WHERE case_id = ? ORDER BY id", (case_id,)
        ) as cursor:
            rows = await cursor.fetchall()
        return [
            CaseEvent(r["id"], r["case_id"], datetime.fromisoformat(r["at"]), r["kind"],
                      r["actor_id"], json.loads(r["detail"]))
            for r in rows
        ]

    async def all(self, guild_id: int | None = None) -> list[Case]:
        query = "SELECT * FROM cases ORDER BY id"
        params: tuple[int, ...] = ()
        if guild_id is not None:
            query, params = "SELECT * FROM cases WHERE guild_id = ? ORDER BY id", (guild_id,)
        async with self._conn.execute(query, params) as cursor:
            rows = await cursor.fetchall()
        return [Case.from_row(r) for r in rows]

    async def stats(self, guild_id: int) -> dict[str, dict[str, int]]:
        """Counts by action and by status, for /vigil stats and the replay summary."""
        out: dict[str, dict[str, int]] = {"action": {}, "status": {}}
        for column in out:
            async with self._conn.execute(
                f"SELECT {column}, COUNT(*) FROM cases WHERE guild_id = ? GROUP BY {column}",
                (guild_id,),
            ) as cursor:
                out[column] = {row[0]: row[1] for row in await cursor.fetchall()}
        return out
