"""An edited message is scored again without a second live case (issue 11, item 4)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.event import MessageEvent
from bot.review import ReviewDecision, ReviewError
from bot.services import Services
from bot.storage.records import CaseStatus, NewCase
from tests.conftest import make_event
from tests.fakes import FrozenClock, RecordingExecutor

GREY = "that was rude"  # review band
ABUSE = "you idiot"     # act band: delete


def edit(text: str, clock: FrozenClock, id: int = 30) -> MessageEvent:
    return make_event(text, id=id, at=clock.now + timedelta(minutes=1), edited=True)


async def queued(services: Services, clock: FrozenClock, id: int = 30) -> int:
    outcome = await services.pipeline.handle(make_event(GREY, id=id, at=clock.now))
    assert outcome.case is not None
    assert outcome.case.status is CaseStatus.OPEN
    return outcome.case.id


async def test_edit_into_abuse_closes_the_review_item_and_acts_once(
    services: Services, executor: RecordingExecutor, clock: FrozenClock
) -> None:
    review_id = await queued(services, clock)

    outcome = await services.pipeline.handle(edit(ABUSE, clock))

    assert outcome.case is not None
    assert (outcome.case.action, outcome.case.status) == ("delete", CaseStatus.APPLIED)
    review = await services.cases.by_id(review_id)
    assert review is not None
    assert review.status is CaseStatus.CLOSED
    history = await services.cases.history(review)
    assert history[-1].detail["note"] == "edited: the new text was scored as delete"
    # The stale queue item's Remove: refused, nothing sent or done a second time.
    with pytest.raises(ReviewError, match="already decided"):
        await services.review.decide(review_id, ReviewDecision.REMOVE, 99)
    assert executor.calls == [("notify", outcome.case.number), ("delete", outcome.case.number)]
    assert await services.cases.live_strikes(1, 42, timedelta(hours=1), at=clock.now) == 1


async def test_edit_still_grey_replaces_the_review_item(
    services: Services, executor: RecordingExecutor, clock: FrozenClock
) -> None:
    review_id = await queued(services, clock)

    outcome = await services.pipeline.handle(edit("still rude, really", clock))

    assert outcome.case is not None
    assert outcome.case.status is CaseStatus.OPEN
    assert outcome.case.excerpt == "still rude, really"
    cases = await services.cases.for_message(1, 30)
    assert [c.status for c in cases] == [CaseStatus.CLOSED, CaseStatus.OPEN]
    assert cases[0].id == review_id
    await services.review.decide(outcome.case.id, ReviewDecision.REMOVE, 99)
    assert executor.calls == [("notify", outcome.case.number), ("delete", outcome.case.number)]


async def test_edit_into_civil_text_closes_the_review_item(
    services: Services, clock: FrozenClock
) -> None:
    review_id = await queued(services, clock)

    outcome = await services.pipeline.handle(edit("thanks for the help", clock))

    assert outcome.case is None
    review = await services.cases.by_id(review_id)
    assert review is not None
    assert review.status is CaseStatus.CLOSED
    assert review.excerpt == GREY  # moderators still see what was first written


async def test_a_sanctioned_message_gets_no_second_case_from_an_edit(
    services: Services, executor: RecordingExecutor, clock: FrozenClock
) -> None:
    first = await services.pipeline.handle(make_event(ABUSE, id=31, at=clock.now))
    assert first.case is not None
    calls = list(executor.calls)

    again = await services.pipeline.handle(edit("idiot idiot vermin", clock, id=31))

    assert again.case is None
    assert [c.id for c in await services.cases.for_message(1, 31)] == [first.case.id]
    assert executor.calls == calls
    history = await services.cases.history(first.case)
    assert history[-1].kind == "rescored"
    assert await services.cases.live_strikes(1, 42, timedelta(hours=1), at=clock.now) == 1


async def test_remove_on_a_review_item_whose_message_was_acted_on_does_nothing_twice(
    services: Services, executor: RecordingExecutor, clock: FrozenClock
) -> None:
    review_id = await queued(services, clock, id=32)
    # Another path removed the message meanwhile (a second instance, an older build).
    other = await services.cases.open(NewCase(1, 42, "delete", "r", CaseStatus.PENDING,
                                              message_id=32, strike=True))
    calls = list(executor.calls)

    with pytest.raises(ReviewError, match=f"already carries case #{other.number}"):
        await services.review.decide(review_id, ReviewDecision.REMOVE, 99)

    assert executor.calls == calls
    review = await services.cases.by_id(review_id)
    assert review is not None
    assert (review.status, review.action) == (CaseStatus.CLOSED, "review")
    assert await services.cases.live_strikes(1, 42, timedelta(hours=1), at=clock.now) == 1
