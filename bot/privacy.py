"""Erasing a member's data on request (GDPR article 17 requests reach self-hosters).

:meth:`DataService.forget_member` is the one entry point, used by ``/vigil forget`` and
``python -m bot forget``. Within one guild it:

* **deletes** the member's ``message_scores`` rows (scores, stance, review decisions): they
  exist for calibration and statistics, which do not need this member;
* **redacts** the member's words where they are part of a moderation record: the message
  excerpt and the member's name on cases about them, their appeal statements, and the
  sample texts (and their name) in campaign records they posted into, plus the excerpt of
  that campaign's case. Samples are not attributed to authors, so all samples of such a
  campaign go. Redacted text becomes :data:`~bot.storage.records.ERASED`;
* **keeps** what moderation accountability needs: case numbers, kinds, actions, reasons
  and notes written by moderators, statuses, scores on the case, timestamps, who acted and
  the outcome, appeal outcomes, and the member's id on all of them (it is what the record
  is about, and what a later request is matched against);
* **forgets** the member in this process's memory (flood history, campaign window,
  pile-on and raid trackers), through the pipeline;
* **logs** the request: one row in the append-only ``erasures`` table (who, when, counts,
  never the erased text) and a ``data_erased`` event on every case it changed, so a case
  history still explains why its excerpt reads ``[erased]``.

Why no trigger changes: ``case_events`` never holds a member's words (its details are
statuses, action outcomes, moderators' notes and appeal ids), so the erasure only appends
to it and its append-only triggers stay exactly as migration 0001 made them. Migration
0002 adds the ``erasures`` log with the same triggers. The database part runs in one
transaction; a second request for the same member finds nothing left and logs zeros.
The text leaves the file too: connections run with ``secure_delete`` (freed space is
zeroed) and a checkpoint after the erasure moves old page images out of the WAL. Copies in
backups are the host's to handle.

Posts Vigil already made in Discord (review queue, appeals channel) are Discord messages,
not stored here; moderators delete those by hand if needed.
"""

from __future__ import annotations

from typing import Protocol

from bot.clock import Clock, utcnow
from bot.storage.erasure import ErasureRepository
from bot.storage.records import Erasure, ErasureCounts


class MemoryHolder(Protocol):
    """Something holding recent member data in memory (the moderation pipeline)."""

    def forget(self, guild_id: int, user_id: int) -> int: ...


def count_lines(counts: ErasureCounts, *, memory: bool = True) -> list[tuple[str, int]]:
    """What an erasure did, as (label, count) rows for people (CLI, Discord, mod log);
    ``memory=False`` leaves out the in-memory row (the CLI has no bot memory to clear)."""
    rows = [
        ("message scores deleted", counts.message_scores),
        ("cases redacted", counts.cases),
        ("appeal statements redacted", counts.appeals),
        ("campaign records redacted", counts.campaigns),
    ]
    if memory:
        rows.append(("recent messages dropped from memory", counts.in_memory))
    return rows


class DataService:
    def __init__(
        self,
        erasures: ErasureRepository,
        *,
        clock: Clock = utcnow,
        memory: tuple[MemoryHolder, ...] = (),
    ) -> None:
        self._erasures = erasures
        self.clock = clock
        self._memory = memory

    async def forget_member(
        self, guild_id: int, user_id: int, actor_id: int | None, *, source: str = "discord"
    ) -> Erasure:
        """Erase ``user_id``'s data in ``guild_id``; ``actor_id`` None means the CLI."""
        in_memory = max((m.forget(guild_id, user_id) for m in self._memory), default=0)
        return await self._erasures.erase_member(
            guild_id, user_id, actor_id=actor_id, source=source, at=self.clock(),
            in_memory=in_memory,
        )

    async def log(self, guild_id: int, user_id: int | None = None) -> list[Erasure]:
        return await self._erasures.log(guild_id, user_id)
