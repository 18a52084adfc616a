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
from bot.policy_config import PolicyHolder
from bot.privacy import DataService
from bot.review import ReviewService
from bot.scoring import MicroBatcher
from bot.storage import Database, open_database
from models.api import Scorer


@dataclass
class Services:
    db: Database
    policy: PolicyHolder
    batcher: MicroBatcher
    cases: CaseService
    appeals: AppealService
    pipeline: ModerationPipeline
    privacy: DataService
    review: ReviewService

    async def close(self) -> None:
        await self.batcher.close()
        await self.db.close()


async def build_services(
    *,
    db_path: Path | str,
    policy: PolicyHolder,
    scorer: Scorer,
    executor: ActionExecutor,
    clock: Clock = utcnow,
    on_event: EventSink | None = None,
    detector: CoordinationDetector | None = None,
    live: bool = True,
    max_batch: int = 32,
    max_wait: float = 0.015,
    queue_size: int = 1024,
) -> Services:
    db = await open_database(db_path)
    batcher = MicroBatcher(scorer, max_batch=max_batch, max_wait=max_wait, queue_size=queue_size)
    # Services get the repositories they need, never the database: cases are written
    # through CaseService only.
    cases = CaseService(db.cases, executor, clock=clock, on_event=on_event)
    appeals = AppealService(cases, db.appeals, lambda: policy.current)
    pipeline = ModerationPipeline(
        batcher, cases, lambda: policy.current, scores=db.scores, campaigns=db.campaigns,
        detector=detector, live=live,
    )
    privacy = DataService(db.erasures, clock=clock, memory=(pipeline,))
    review = ReviewService(cases, batcher, lambda: policy.current, scores=db.scores,
                           appeals=db.appeals, campaigns=db.campaigns)
    return Services(db, policy, batcher, cases, appeals, pipeline, privacy, review)
