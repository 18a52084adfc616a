"""A granted appeal tells the member what actually happened, per action kind."""

from __future__ import annotations

import pytest

from bot.action_kinds import ACTION_KINDS
from bot.actions import ActionOutcome
from bot.appeals import AppealService
from bot.cases import CaseService
from bot.policy_config import Policy
from bot.storage import Database
from bot.storage.records import CaseStatus, NewCase
from tests.fakes import FrozenClock, RecordingExecutor

REASON = "I was quoting the insult to report it, not insulting anyone."
UNDO_FAILED = ActionOutcome.failure("503 Service Unavailable", code=503)
GONE = ActionOutcome.success(member_gone=True)
APPLY_FAILED = ActionOutcome.failure("403 Forbidden", code=50013)

CASES = [
    # action, executor failures, what the member reads, whether the case still counts
    ("ban", {}, "granted: you are no longer banned.", False),
    ("ban", {"reverse": UNDO_FAILED}, "but undoing the ban failed, so it is still in place", True),
    ("ban", {"ban": APPLY_FAILED}, "The ban had not been carried out", False),
    ("timeout", {}, "granted: your timeout has been lifted.", False),
    ("timeout", {"reverse": GONE}, "You had left the server, so nothing remained to undo", False),
    ("timeout", {"reverse": UNDO_FAILED}, "undoing the timeout failed", True),
    ("quarantine", {}, "granted: you are out of quarantine.", False),
    ("delete", {}, "A removed message cannot be restored.", False),
    ("warn", {}, "A warning cannot be taken back.", False),
    ("kick", {}, "A kick cannot be undone.", False),
    ("kick", {"kick": APPLY_FAILED}, "The kick had not been carried out", False),
]


@pytest.mark.parametrize(("action", "fail", "expected", "still_counts"), CASES)
async def test_grant_says_what_happened(
    db: Database, clock: FrozenClock, default_policy: Policy,
    action: str, fail: dict[str, ActionOutcome], expected: str, still_counts: bool,
) -> None:
    executor = RecordingExecutor(fail=fail)
    service = AppealService(CaseService(db.cases, executor, clock=clock), db.appeals,
                            lambda _guild: default_policy)
    case = await service.cases.open(
        NewCase(1, 5, action, "abuse", CaseStatus.PENDING, moderator_id=99,
                duration_minutes=60 if action == "timeout" else None))
    appeal = await service.file(1, case.number, 5, REASON)

    decision = await service.decide(appeal.id, 98, grant=True)

    [(member, text)] = executor.told
    assert member == 5
    assert text.startswith(f"Your appeal of case #{case.number} was granted")
    assert expected in text
    assert "reversed" not in text  # the old blanket claim
    assert ("no longer counts against you" in text) is (not still_counts)
    if still_counts:
        assert decision.case.status is CaseStatus.APPLIED
    else:
        assert decision.case.status is CaseStatus.REVERSED


def test_every_member_facing_kind_has_grant_and_correction_wording() -> None:
    for action, spec in ACTION_KINDS.items():
        if not spec.notifies:
            continue
        assert spec.name != "the action", action
        assert (spec.undone is not None) is spec.reversible, action
        assert (spec.permanent is not None) is (not spec.reversible), action
        if action != "warn":  # a warning is the DM itself: nothing can fail after it
            assert spec.correction, action
