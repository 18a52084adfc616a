"""Message text is not kept forever: a retention purge (``retention.message_text_days``).

Stored text older than the retention becomes ``[erased]`` through
:class:`~bot.storage.retention.RetentionRepository`; the facts of every case stay. The
running bot purges at start and then daily (:func:`purge_daily`);
``python -m bot purge`` does it once from the command line.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import timedelta

from bot.clock import Clock, utcnow
from bot.storage.retention import PurgeCounts, RetentionRepository

log = logging.getLogger(__name__)

#: Seconds between purges in the running bot.
PURGE_INTERVAL = 24 * 60 * 60.0


def count_lines(counts: PurgeCounts) -> list[tuple[str, int]]:
    """What a purge did, as (label, count) rows for people."""
    return [
        ("case excerpts redacted", counts.cases),
        ("appeal statements redacted", counts.appeals),
        ("campaign records redacted", counts.campaigns),
    ]


async def purge_old_text(
    repo: RetentionRepository, days: int, *, clock: Clock = utcnow
) -> PurgeCounts:
    """Redact message text stored more than ``days`` days before now."""
    now = clock()
    return await repo.purge_text(now - timedelta(days=days), at=now)


async def purge_daily(
    repo: RetentionRepository, days: Callable[[], int], *, clock: Clock = utcnow,
    interval: float = PURGE_INTERVAL,
) -> None:
    """Purge now and then every ``interval`` seconds until cancelled; ``days`` is read
    each time, so a policy reload applies from the next purge."""
    while True:
        try:
            counts = await purge_old_text(repo, days(), clock=clock)
            if counts.total:
                log.info("retention purge: %s", ", ".join(
                    f"{label} {n}" for label, n in count_lines(counts)))
        except asyncio.CancelledError:
            raise
        except Exception:
            # A locked or failing database must not end the loop; try again next time.
            log.exception("retention purge failed")
        await asyncio.sleep(interval)
