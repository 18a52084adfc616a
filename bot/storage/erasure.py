"""SQL for erasing one member's data in one guild, in one transaction, and the erasure log.

What is removed and what is kept is explained in :mod:`bot.privacy`. In short: the
member's score rows are deleted; their words (case excerpts, their name on cases, appeal
statements, campaign sample texts) become :data:`ERASED`; every case touched gets a
``data_erased`` event and the request one row in the append-only ``erasures`` table.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import asdict
from datetime import datetime
from typing import Any

from bot.storage.engine import Connection
from bot.storage.records import ERASED, CaseKind, Erasure, ErasureCounts
from bot.storage.writer import Writer

#: Cases raised by the coordination detector: their excerpt is a campaign sample, which
#: is the member's only when they posted into the campaign (see ``redact_evidence``).
_ALERT_KINDS = tuple(k.value for k in (CaseKind.CAMPAIGN, CaseKind.PILE_ON, CaseKind.RAID))
#: Where an erasure changes or deletes rows holding text.
_ERASED_TABLES = ("message_scores", "skipped_messages", "cases", "appeals", "campaigns")


def redact_evidence(
    evidence: dict[str, Any], accounts: Iterable[int], message_ids: Iterable[int], user_id: int
) -> tuple[dict[str, Any], bool]:
    """``evidence`` without the member's words and name, and whether they were an author.

    Samples are not attributed to their authors, so when the member posted into the
    campaign every sample goes; the account ids and the scores stay.
    """
    out = dict(evidence)
    similar = out.get("similar_accounts") or []
    authored = bool(list(message_ids)) and (user_id in set(accounts) or user_id in similar)
    if authored:
        if out.get("text") not in (None, "", ERASED):
            out["text"] = ERASED
        if out.get("samples"):
            out["samples"] = []
    if isinstance(out.get("accounts"), list):
        out["accounts"] = [_unnamed(a, user_id) for a in out["accounts"]]
    return out, authored


def _unnamed(account: Any, user_id: int) -> Any:
    """An evidence account entry, its name erased when it is the member's."""
    if isinstance(account, dict) and account.get("id") == user_id \
            and account.get("name") not in (None, ERASED):
        return {**account, "name": ERASED}
    return account


class ErasureRepository:
    def __init__(self, conn: Connection, writer: Writer) -> None:
        self._conn = conn
        self._writer = writer

    async def erase_member(
        self, guild_id: int, user_id: int, *, actor_id: int | None, source: str, at: datetime,
        in_memory: int = 0,
    ) -> Erasure:
        """Erase the member's data in ``guild_id`` and log the request, atomically."""
        async def erase(conn: Connection) -> tuple[int, ErasureCounts]:
            touched: dict[int, set[str]] = {}
            scores = await self._delete_scores(conn, guild_id, user_id)
            cases = await self._redact_cases(conn, guild_id, user_id, touched)
            appeals = await self._redact_appeals(conn, guild_id, user_id, touched)
            campaigns, alert_cases = await self._redact_campaigns(conn, guild_id, user_id,
                                                                  touched)
            counts = ErasureCounts(scores, cases + alert_cases, appeals, campaigns, in_memory)
            async with conn.execute(
                """INSERT INTO erasures (guild_id, user_id, actor_id, source, at, counts)
                   VALUES (?,?,?,?,?,?) RETURNING id""",
                (guild_id, user_id, actor_id, source, at.isoformat(), json.dumps(asdict(counts))),
            ) as cursor:
                row = await cursor.fetchone()
            erasure_id = int(row["id"])
            # Every change to a case is explained by an event; this one names no text.
            for case_id, fields in sorted(touched.items()):
                await conn.execute(
                    """INSERT INTO case_events (case_id, at, kind, actor_id, detail)
                       VALUES (?,?,?,?,?)""",
                    (case_id, at.isoformat(), "data_erased", actor_id,
                     json.dumps({"erasure": erasure_id, "redacted": sorted(fields)})),
                )
            return erasure_id, counts

        erasure_id, counts = await self._writer.run(erase)
        # Old copies still holding the text (SQLite's WAL pages, PostgreSQL's dead rows)
        # go now (best effort: another reader may hold them back).
        await self._writer.reclaim(_ERASED_TABLES)
        return Erasure(erasure_id, guild_id, user_id, actor_id, source, at, counts)

    @staticmethod
    async def _delete_scores(conn: Connection, guild_id: int, user_id: int) -> int:
        """Score rows and skipped-message records (ids only, no text) of the member."""
        removed = 0
        for table in ("message_scores", "skipped_messages"):
            cursor = await conn.execute(
                f"DELETE FROM {table} WHERE guild_id = ? AND author_id = ?", (guild_id, user_id)
            )
            removed += cursor.rowcount
        return removed

    @staticmethod
    async def _redact_cases(
        conn: Connection, guild_id: int, user_id: int, touched: dict[int, set[str]]
    ) -> int:
        marks = ",".join("?" * len(_ALERT_KINDS))
        async with conn.execute(
            f"""SELECT id, excerpt, target_name FROM cases
                WHERE guild_id = ? AND target_id = ? AND kind NOT IN ({marks})""",
            (guild_id, user_id, *_ALERT_KINDS),
        ) as cursor:
            rows = await cursor.fetchall()
        count = 0
        for row in rows:
            fields = {name for name in ("excerpt", "target_name") if row[name] not in ("", ERASED)}
            if not fields:
                continue
            # updated_at stays: a pending timeout runs from it (CaseService.reconcile).
            assignments = ", ".join(f"{name} = ?" for name in sorted(fields))
            # The dedupe key digests the text too: it goes with the text.
            await conn.execute(
                f"UPDATE cases SET {assignments}, dedupe_key = NULL WHERE id = ?",
                (*[ERASED] * len(fields), row["id"]))
            touched.setdefault(row["id"], set()).update(fields)
            count += 1
        return count

    @staticmethod
    async def _redact_appeals(
        conn: Connection, guild_id: int, user_id: int, touched: dict[int, set[str]]
    ) -> int:
        async with conn.execute(
            """SELECT a.id, a.case_id FROM appeals a JOIN cases c ON c.id = a.case_id
               WHERE c.guild_id = ? AND a.member_id = ? AND a.text != ?""",
            (guild_id, user_id, ERASED),
        ) as cursor:
            rows = list(await cursor.fetchall())
        for row in rows:
            await conn.execute("UPDATE appeals SET text = ? WHERE id = ?",
                                     (ERASED, row["id"]))
            touched.setdefault(row["case_id"], set()).add("appeal")
        return len(rows)

    @staticmethod
    async def _redact_campaigns(
        conn: Connection, guild_id: int, user_id: int, touched: dict[int, set[str]]
    ) -> tuple[int, int]:
        """(campaign records changed, alert cases whose excerpt was redacted)."""
        async with conn.execute(
            "SELECT id, accounts, message_ids, evidence, case_id FROM campaigns WHERE guild_id = ?",
            (guild_id,),
        ) as cursor:
            rows = await cursor.fetchall()
        records = cases = 0
        for row in rows:
            evidence = json.loads(row["evidence"])
            redacted, authored = redact_evidence(
                evidence, json.loads(row["accounts"]), json.loads(row["message_ids"]), user_id
            )
            if redacted != evidence:
                await conn.execute("UPDATE campaigns SET evidence = ? WHERE id = ?",
                                         (json.dumps(redacted, default=str), row["id"]))
                records += 1
            if authored and row["case_id"] is not None:
                cursor = await conn.execute(
                    "UPDATE cases SET excerpt = ? WHERE id = ? AND excerpt NOT IN ('', ?)",
                    (ERASED, row["case_id"], ERASED),
                )
                if cursor.rowcount:
                    touched.setdefault(row["case_id"], set()).add("excerpt")
                    cases += 1
        return records, cases

    async def log(self, guild_id: int, user_id: int | None = None) -> list[Erasure]:
        """Erasures in ``guild_id`` (of one member when ``user_id`` is given), oldest first."""
        query = "SELECT * FROM erasures WHERE guild_id = ?"
        params: tuple[int, ...] = (guild_id,)
        if user_id is not None:
            query, params = query + " AND user_id = ?", (guild_id, user_id)
        async with self._conn.execute(query + " ORDER BY id", params) as cursor:
            rows = await cursor.fetchall()
        return [Erasure.from_row(r) for r in rows]

