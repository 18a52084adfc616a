"""Only sanctions that reached the member count toward escalation (issue 11, item 4)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.actions import ActionOutcome
from bot.services import Services
from bot.storage import Database
from bot.storage.records import CaseStatus, NewCase
from tests.conftest import make_event
from tests.fakes import FrozenClock, RecordingExecutor

AT = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


async def test_failed_shadow_open_and_closed_cases_are_not_strikes(db: Database) -> None:
    for status in (CaseStatus.FAILED, CaseStatus.SHADOW, CaseStatus.OPEN, CaseStatus.CLOSED,
                   CaseStatus.REVERSED):
        await db.cases.create(NewCase(1, 5, "delete", "r", status, strike=True), AT)
    assert await db.cases.count_strikes(1, 5, AT - timedelta(hours=1)) == 0

    await db.cases.create(NewCase(1, 5, "delete", "r", CaseStatus.APPLIED, strike=True), AT)
    # Being carried out: a burst of messages escalates before the first DM has gone out.
    await db.cases.create(NewCase(1, 5, "delete", "r", CaseStatus.PENDING, strike=True), AT)
    assert await db.cases.count_strikes(1, 5, AT - timedelta(hours=1)) == 2


async def test_a_failed_removal_does_not_escalate_the_next_offence(
    services: Services, executor: RecordingExecutor, clock: FrozenClock
) -> None:
    executor.fail["delete"] = ActionOutcome.failure("403 Missing Permissions")
    first = await services.pipeline.handle(make_event("you idiot", id=11, at=clock.now))
    assert first.case is not None
    assert first.case.status is CaseStatus.FAILED

    del executor.fail["delete"]
    second = await services.pipeline.handle(
        make_event("idiot again", id=12, at=clock.now + timedelta(minutes=5)))
    assert second.case is not None
    assert (second.case.action, second.case.status) == ("delete", CaseStatus.APPLIED)
    assert "escalated" not in second.case.reason


async def test_shadow_cases_do_not_escalate_once_live(
    services: Services, clock: FrozenClock
) -> None:
    live = services.policy.current
    services.policy.current = live.model_copy(update={"shadow_mode": True})
    shadow = await services.pipeline.handle(make_event("you idiot", id=13, at=clock.now))
    assert shadow.case is not None
    assert shadow.case.status is CaseStatus.SHADOW

    services.policy.current = live
    second = await services.pipeline.handle(
        make_event("idiot again", id=14, at=clock.now + timedelta(minutes=5)))
    assert second.case is not None
    assert second.case.action == "delete"
