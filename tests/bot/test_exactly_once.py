"""Exactly once: one case per decision on a message, and a resumed case never repeats a
step it recorded (issue 11 item 1). Runs on SQLite and PostgreSQL (see tests/conftest.py)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import timedelta

import pytest

from bot.actions import ActionOutcome
from bot.cases import CaseService
from bot.storage import Database, open_database
from bot.storage.records import Case, CaseStatus, NewCase
from tests.conftest import NewDatabase
from tests.fakes import FrozenClock, RecordingExecutor


def insult(message_id: int = 500, text: str = "you are an idiot", *, action: str = "delete",
           reason: str = "insult 0.93 >= act 0.85") -> NewCase:
    return NewCase(guild_id=1, target_id=7, action=action, reason=reason,
                   status=CaseStatus.PENDING, labels=("insult", "toxicity"), channel_id=3,
                   message_id=message_id, excerpt=text, strike=True)


class Killed(BaseException):
    """Stands for the process dying at this point: nothing after it runs."""


@dataclass
class Discordish(RecordingExecutor):
    """Remembers what it did, as Discord would; ``die_after`` kills the run after a call
    (the call itself went through). On a resumed apply it checks its state first."""

    die_after: str | None = None
    done: set[tuple[str, int]] = field(default_factory=set)
    resumed_applies: list[int] = field(default_factory=list)

    async def notify(self, case: Case) -> ActionOutcome:
        outcome = await super().notify(case)
        if self.die_after == "notify":
            raise Killed
        return outcome

    async def apply(self, case: Case, *, told: bool = False,
                    resumed: bool = False) -> ActionOutcome:
        if resumed:
            self.resumed_applies.append(case.number)
            if (case.action, case.target_id) in self.done:
                return ActionOutcome.success(already_applied=True)
        outcome = await super().apply(case, told=told, resumed=resumed)
        self.done.add((case.action, case.target_id))
        if self.die_after == "apply":
            raise Killed
        return outcome


async def test_recording_one_decision_twice_gives_one_case_carried_out_once(
    db: Database, clock: FrozenClock
) -> None:
    executor = RecordingExecutor()
    service = CaseService(db.cases, executor, clock=clock)
    first = await service.open(insult())
    again = await service.open(insult())  # a retry, a replayed event
    assert again.id == first.id
    assert executor.calls == [("notify", 1), ("delete", 1)]
    assert [c.number for c in await db.cases.all(1)] == [1]


async def test_escalated_wording_is_the_same_decision_an_edit_is_another(
    db: Database, clock: FrozenClock
) -> None:
    service = CaseService(db.cases, RecordingExecutor(), clock=clock)
    first = await service.record(insult())
    # A second process saw the first one's strike and escalated: same message, same grounds.
    escalated = await service.record(insult(action="timeout",
                                            reason="insult 0.93 >= act 0.85; escalated"))
    edited = await service.record(insult(text="you are an absolute idiot"))
    other_message = await service.record(insult(message_id=501))
    assert escalated.id == first.id
    assert len({first.id, edited.id, other_message.id}) == 3


async def test_manual_cases_are_never_merged(db: Database, clock: FrozenClock) -> None:
    service = CaseService(db.cases, RecordingExecutor(), clock=clock)
    warn = replace(insult(), moderator_id=42, action="warn")
    assert (await service.record(warn)).id != (await service.record(warn)).id


async def test_two_processes_on_one_database_record_one_case_per_message(
    new_database: NewDatabase, clock: FrozenClock
) -> None:
    target = new_database("shared")
    first_db = await open_database(target)
    second_db = await open_database(target)
    try:
        first = CaseService(first_db.cases, RecordingExecutor(), clock=clock)
        second_executor = RecordingExecutor()
        second = CaseService(second_db.cases, second_executor, clock=clock)
        for message_id in (500, 501, 502):
            await first.open(insult(message_id))
            await second.open(insult(message_id))
        assert [c.number for c in await first_db.cases.all(1)] == [1, 2, 3]
        assert second_executor.calls == []  # found recorded: not announced nor acted again
    finally:
        await first_db.close()
        await second_db.close()


@pytest.mark.parametrize("die_after", ["notify", "apply"])
async def test_a_resumed_case_repeats_no_recorded_step(
    db: Database, clock: FrozenClock, die_after: str
) -> None:
    before = Discordish(die_after=die_after)
    with pytest.raises(Killed):
        await CaseService(db.cases, before, clock=clock).open(insult())
    assert (await db.cases.all(1))[0].status is CaseStatus.PENDING

    after = Discordish(done=set(before.done))  # Discord's state outlives the process
    (resumed,) = await CaseService(db.cases, after, clock=clock).reconcile()

    assert resumed.status is CaseStatus.APPLIED
    assert ("notify", 1) not in after.calls  # the DM went out (or may have): never again
    assert before.calls.count(("notify", 1)) == 1
    acted = before.calls.count(("delete", 1)) + after.calls.count(("delete", 1))
    assert acted == 1
    assert after.resumed_applies == ([1] if die_after == "apply" else [])
    kinds = [e.kind for e in await db.cases.events(resumed.id)]
    if die_after == "notify":  # stopped between the DM and its record
        assert kinds == ["opened", "notify_started", "notify_unknown", "apply_started",
                         "reconciled"]
    else:  # the second start is recorded too, checked against Discord, not repeated
        assert kinds == ["opened", "notify_started", "member_notified", "apply_started",
                         "apply_started", "reconciled"]


async def test_a_ban_pending_too_long_goes_to_review_instead(
    db: Database, clock: FrozenClock
) -> None:
    announced: list[tuple[str, int]] = []
    old = await db.cases.create(NewCase(1, 9, "ban", "spam ring", CaseStatus.PENDING,
                                        moderator_id=99), clock() - timedelta(hours=7))
    recent = await db.cases.create(NewCase(1, 10, "ban", "spam ring", CaseStatus.PENDING,
                                           moderator_id=99), clock() - timedelta(hours=1))
    executor = RecordingExecutor()
    service = CaseService(db.cases, executor, clock=clock,
                          on_event=lambda name, case: announced.append((name, case.number)))
    done = {c.id: c for c in await service.reconcile(review_after=lambda _g: timedelta(hours=6))}

    assert done[old.id].status is CaseStatus.OPEN
    assert done[old.id].action == "review"
    assert "confirm it from the review queue" in done[old.id].reason
    assert done[recent.id].status is CaseStatus.APPLIED
    assert executor.calls == [("notify", 2), ("ban", 2)]
    assert announced == [("case_opened", 1), ("case_updated", 2)]
    history = await db.cases.events(old.id)
    assert history[-1].kind == "held_for_review"
    assert history[-1].detail["was"] == "ban"


async def test_without_the_lease_nothing_is_acted_on(db: Database, clock: FrozenClock) -> None:
    executor = RecordingExecutor()
    service = CaseService(db.cases, executor, clock=clock, may_act=lambda: False)
    case = await service.open(insult())
    assert case.status is CaseStatus.PENDING
    assert executor.calls == []
    assert await service.reconcile() == []
