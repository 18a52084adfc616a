"""Wiring of the core services, shared by the Discord app and the offline replay."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bot.actions import ActionExecutor
from bot.appeals import AppealService
from bot.cases import CaseService, EventSink
from bot.clock import Clock, utcnow
from bot.coordination import CoordinationDetector
from bot.pipeline import ModerationPipeline
from bot.policy_book import PolicyBook, as_book
from bot.policy_config import PolicyHolder
from bot.privacy import DataService
from bot.review import ReviewService
from bot.scoring import MicroBatcher
from bot.server_settings import ServerSettings
from bot.storage import Database, open_database
from bot.storage.backlog import DEFAULT_CAPACITY, Backlog, StorageStatus
from bot.storage.guild_settings import GuildSettingsRepository
from bot.storage.writer import RetryPolicy
from models.api import Scorer

#: How long closing waits for held records to be written before giving up on them.
CLOSE_FLUSH_SECONDS = 10.0


@dataclass
class Services:
    db: Database
    #: Each server's policy (``for_guild``); ``current`` is the default.
    policy: PolicyBook
    batcher: MicroBatcher
    cases: CaseService
    appeals: AppealService
    pipeline: ModerationPipeline
    privacy: DataService
    review: ReviewService
    backlog: Backlog
    #: Each server's channels and switches set from Discord.
    settings: ServerSettings

    def storage(self) -> StorageStatus:
        """Whether writes succeed, and what is held or was skipped meanwhile."""
        return self.backlog.status()

    async def close(self) -> None:
        await self.pipeline.close()
        await self.batcher.close()
        await self.backlog.close(CLOSE_FLUSH_SECONDS)
        await self.db.close()


async def build_services(
    *,
    db_path: Path | str,
    policy: PolicyBook | PolicyHolder,
    scorer: Scorer,
    executor: ActionExecutor,
    clock: Clock = utcnow,
    on_event: EventSink | None = None,
    detector: CoordinationDetector | None = None,
    live: bool = True,
    max_batch: int = 32,
    max_wait: float = 0.015,
    queue_size: int = 1024,
    backlog_size: int = DEFAULT_CAPACITY,
    retry: RetryPolicy | None = None,
) -> Services:
    book = as_book(policy)  # a one-file holder: every server runs that file
    db = await open_database(db_path, retry)
    # Records that meet a locked database wait here and are written when it clears.
    backlog = Backlog(db.writer.health, db.skipped, capacity=backlog_size, clock=clock)
    batcher = MicroBatcher(scorer, max_batch=max_batch, max_wait=max_wait, queue_size=queue_size)
    # Services get the repositories they need, never the database: cases are written
    # through CaseService only.
    cases = CaseService(db.cases, executor, clock=clock, on_event=on_event, hold=backlog.hold)
    appeals = AppealService(cases, db.appeals, book.for_guild)
    pipeline = ModerationPipeline(
        batcher, cases, book.for_guild, scores=db.scores, campaigns=db.campaigns,
        backlog=backlog, detector=detector, live=live,
    )
    privacy = DataService(db.erasures, clock=clock, memory=(pipeline,))
    review = ReviewService(cases, batcher, book.for_guild, scores=db.scores,
                           appeals=db.appeals, campaigns=db.campaigns)
    settings = ServerSettings(book, GuildSettingsRepository(db.conn, db.writer), clock=clock)
    await settings.load()  # what admins set from Discord before the restart
    return Services(db, book, batcher, cases, appeals, pipeline, privacy, review, backlog,
                    settings)
