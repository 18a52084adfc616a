"""AppealService: who may appeal, how often, and what a decision does."""

from __future__ import annotations

import pytest

from bot.actions import ActionOutcome
from bot.appeals import AppealError, AppealService
from bot.cases import CaseService
from bot.policy_config import Policy
from bot.storage import Database
from bot.storage.records import AppealStatus, CaseStatus, NewCase
from tests.fakes import FrozenClock, RecordingExecutor

REASON = "I was quoting the insult to report it, not insulting anyone."


@pytest.fixture
def service(db: Database, executor: RecordingExecutor, clock: FrozenClock,
            default_policy: Policy) -> AppealService:
    return AppealService(CaseService(db.cases, executor, clock=clock), db.appeals,
                         lambda _guild: default_policy)


async def banned(service: AppealService, member: int = 5) -> int:
    case = await service.cases.open(
        NewCase(1, member, "ban", "abuse", CaseStatus.PENDING, moderator_id=99)
    )
    return case.number


async def test_granted_appeal_reverses_and_tells_member(
    service: AppealService, executor: RecordingExecutor
) -> None:
    number = await banned(service)
    appeal = await service.file(1, number, 5, REASON)
    decision = await service.decide(appeal.id, 99, grant=True, note="fair enough")
    assert decision.appeal.status is AppealStatus.GRANTED
    assert decision.case.status is CaseStatus.REVERSED
    assert ("reverse ban", number) in executor.calls
    assert executor.told
    assert executor.told[0][0] == 5
    assert "granted" in executor.told[0][1]
    assert "fair enough" in executor.told[0][1]


async def test_denied_appeal_keeps_action(
    service: AppealService, executor: RecordingExecutor
) -> None:
    number = await banned(service)
    appeal = await service.file(1, number, 5, REASON)
    decision = await service.decide(appeal.id, 99, grant=False)
    assert decision.case.status is CaseStatus.APPLIED
    assert not any(call[0].startswith("reverse") for call in executor.calls)
    assert "denied" in executor.told[0][1]


async def test_only_the_affected_member_may_appeal(service: AppealService) -> None:
    number = await banned(service, member=5)
    with pytest.raises(AppealError, match="only the member"):
        await service.file(1, number, 6, REASON)


async def test_one_open_appeal_per_case_and_no_double_decision(service: AppealService) -> None:
    number = await banned(service)
    appeal = await service.file(1, number, 5, REASON)
    with pytest.raises(AppealError, match="already has an appeal"):
        await service.file(1, number, 5, REASON)
    await service.decide(appeal.id, 99, grant=False)
    with pytest.raises(AppealError, match="already decided"):
        await service.decide(appeal.id, 98, grant=True)


async def test_appeals_are_rate_limited(service: AppealService, default_policy: Policy) -> None:
    numbers = [await banned(service) for _ in range(default_policy.appeals.per_day + 1)]
    for number in numbers[:-1]:
        await service.file(1, number, 5, REASON)
    with pytest.raises(AppealError, match="a day"):
        await service.file(1, numbers[-1], 5, REASON)


async def test_short_appeal_and_unknown_case_refused(service: AppealService) -> None:
    number = await banned(service)
    with pytest.raises(AppealError, match="at least"):
        await service.file(1, number, 5, "pls")
    with pytest.raises(Exception, match="no case #404"):
        await service.file(1, 404, 5, REASON)


async def test_member_cannot_decide_own_appeal(service: AppealService) -> None:
    number = await banned(service)
    appeal = await service.file(1, number, 5, REASON)
    with pytest.raises(AppealError, match="own case"):
        await service.decide(appeal.id, 5, grant=True)


async def test_closed_dms_on_decision_recorded(
    db: Database, clock: FrozenClock, default_policy: Policy
) -> None:
    executor = RecordingExecutor(fail={"tell": ActionOutcome.failure("closed DMs", code=50007)})
    service = AppealService(CaseService(db.cases, executor, clock=clock), db.appeals,
                         lambda _guild: default_policy)
    number = await banned(service)
    appeal = await service.file(1, number, 5, REASON)
    decision = await service.decide(appeal.id, 99, grant=False)
    assert not decision.member_told
    events = await db.cases.events(decision.case.id)
    assert events[-1].kind == "decision_dm_failed"
    assert events[-1].detail["code"] == 50007


async def test_a_denied_case_may_be_appealed_again_only_as_often_as_configured(
    service: AppealService, default_policy: Policy
) -> None:
    assert default_policy.appeals.after_denial == 1
    number = await banned(service)
    for _ in range(2):  # the first appeal and the one re-appeal allowed after its denial
        appeal = await service.file(1, number, 5, REASON)
        await service.decide(appeal.id, 99, grant=False)
    with pytest.raises(AppealError, match="decision is final"):
        await service.file(1, number, 5, REASON)


async def test_after_denial_zero_makes_the_first_denial_final(
    db: Database, executor: RecordingExecutor, clock: FrozenClock, default_policy: Policy
) -> None:
    appeals = default_policy.appeals.model_copy(update={"after_denial": 0})
    policy = default_policy.model_copy(update={"appeals": appeals})
    service = AppealService(CaseService(db.cases, executor, clock=clock), db.appeals,
                            lambda _guild: policy)
    number = await banned(service)
    appeal = await service.file(1, number, 5, REASON)
    await service.decide(appeal.id, 99, grant=False)
    with pytest.raises(AppealError, match="decision is final"):
        await service.file(1, number, 5, REASON)
