"""ReviewService: review-queue decisions and guild-scoped look-ups, without Discord."""

from __future__ import annotations

import pytest

from bot.review import ReviewDecision, ReviewError, ReviewService
from bot.services import Services
from bot.storage.records import CaseStatus
from tests.conftest import make_event
from tests.fakes import RecordingExecutor


@pytest.fixture
def review(services: Services) -> ReviewService:
    db = services.db
    return ReviewService(services.cases, services.batcher, services.policy.for_guild,
                         scores=db.scores, appeals=db.appeals, campaigns=db.campaigns)


async def queued(services: Services, message_id: int) -> int:
    outcome = await services.pipeline.handle(make_event("that was rude", id=message_id))
    assert outcome.case is not None
    assert outcome.case.status is CaseStatus.OPEN
    return outcome.case.id


async def test_cases_are_only_found_from_their_own_guild(
    services: Services, review: ReviewService
) -> None:
    case_id = await queued(services, 1)
    assert (await review.get(case_id, 1)) is not None
    assert await review.get(case_id, 2) is None  # a click relayed from another server
    assert await review.get(case_id, None) is None  # or from a DM
    assert await review.get(999, 1) is None


async def test_keep_closes_the_case_and_feeds_calibration(
    services: Services, review: ReviewService, executor: RecordingExecutor
) -> None:
    case_id = await queued(services, 2)
    case = await review.decide(case_id, ReviewDecision.KEEP, moderator_id=99)
    assert case.status is CaseStatus.CLOSED
    assert executor.calls == []
    stored = await services.db.scores.get(2)
    assert stored is not None
    assert stored.review_decision == "keep"


async def test_remove_carries_out_a_delete_once(
    services: Services, review: ReviewService, executor: RecordingExecutor
) -> None:
    case_id = await queued(services, 3)
    case = await review.decide(case_id, ReviewDecision.REMOVE, moderator_id=99)
    assert case.action == "delete"
    assert case.status is CaseStatus.APPLIED
    assert ("delete", case.number) in executor.calls
    with pytest.raises(ReviewError, match="already decided"):
        await review.decide(case_id, ReviewDecision.KEEP, moderator_id=98)


async def test_alert_decisions_do_not_apply_to_message_cases(
    services: Services, review: ReviewService
) -> None:
    case_id = await queued(services, 4)
    with pytest.raises(ReviewError, match="does not apply"):
        await review.decide(case_id, ReviewDecision.CONFIRM, moderator_id=99)


def test_the_score_preview_bands_agree_with_decide() -> None:
    from bot.policy_types import Action, ActionKind, LabelRule
    from bot.rules.bands import Band, band_of

    # An act band whose action is none never acts, in decide and in /vigil score alike.
    rule = LabelRule(review=0.4, act=0.8, action=Action(kind=ActionKind.NONE))
    assert band_of("spam", 0.9, rule) is Band.REVIEW
    acting = rule.model_copy(update={"action": Action(kind=ActionKind.DELETE)})
    assert band_of("spam", 0.9, acting) is Band.ACT
