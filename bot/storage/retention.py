"""SQL for purging stored message text older than the retention, in one transaction.

The same redaction as a member's erasure (:mod:`bot.storage.erasure`), applied by age
rather than by member: case excerpts, appeal statements and campaign sample texts
become :data:`ERASED`. Ids, labels, scores, actions, statuses, names, timestamps and
moderators' notes stay; ``message_scores`` never holds text, so it is untouched.
Every case changed gets a ``text_purged`` event, so its history explains the excerpt.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from bot.storage.engine import Connection
from bot.storage.records import ERASED
from bot.storage.writer import Writer


@dataclass(frozen=True)
class PurgeCounts:
    #: Cases whose message excerpt was redacted.
    cases: int = 0
    #: Appeal statements redacted.
    appeals: int = 0
    #: Campaign records whose sample texts were redacted.
    campaigns: int = 0

    @property
    def total(self) -> int:
        return self.cases + self.appeals + self.campaigns


class RetentionRepository:
    def __init__(self, conn: Connection, writer: Writer) -> None:
        self._conn = conn
        self._writer = writer

    async def purge_text(self, before: datetime, *, at: datetime) -> PurgeCounts:
        """Redact message text stored before ``before``; a second run finds nothing."""
        cutoff = before.isoformat()

        async def purge(conn: Connection) -> PurgeCounts:
            async with conn.execute(
                "SELECT id FROM cases WHERE created_at < ? AND excerpt NOT IN ('', ?)",
                (cutoff, ERASED),
            ) as cursor:
                case_ids = [row["id"] for row in await cursor.fetchall()]
            for case_id in case_ids:
                # updated_at stays: a pending timeout runs from it (CaseService.reconcile).
                await conn.execute(  # the dedupe key digests the text: it goes too
                    "UPDATE cases SET excerpt = ?, dedupe_key = NULL WHERE id = ?",
                    (ERASED, case_id))
                await conn.execute(
                    """INSERT INTO case_events (case_id, at, kind, actor_id, detail)
                       VALUES (?,?,?,?,?)""",
                    (case_id, at.isoformat(), "text_purged", None,
                     json.dumps({"redacted": ["excerpt"], "before": cutoff})),
                )
            appeals = await conn.execute(
                "UPDATE appeals SET text = ? WHERE created_at < ? AND text != ?",
                (ERASED, cutoff, ERASED),
            )
            campaigns = await self._purge_campaigns(conn, cutoff)
            return PurgeCounts(len(case_ids), appeals.rowcount, campaigns)

        counts = await self._writer.run(purge)
        if counts.total:
            # Old copies holding the text go too (best effort, as for erasure).
            await self._writer.reclaim(("cases", "appeals", "campaigns"))
        return counts

    @staticmethod
    async def _purge_campaigns(conn: Connection, cutoff: str) -> int:
        async with conn.execute(
            "SELECT id, evidence FROM campaigns WHERE created_at < ?", (cutoff,)
        ) as cursor:
            rows = await cursor.fetchall()
        changed = 0
        for row in rows:
            evidence = json.loads(row["evidence"])
            redacted = dict(evidence)
            if redacted.get("text") not in (None, "", ERASED):
                redacted["text"] = ERASED
            if redacted.get("samples"):
                redacted["samples"] = []
            if redacted != evidence:
                await conn.execute("UPDATE campaigns SET evidence = ? WHERE id = ?",
                                   (json.dumps(redacted, default=str), row["id"]))
                changed += 1
        return changed
