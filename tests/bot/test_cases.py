"""CaseService: record first, act second, record the outcome; reconcile after a crash."""

from __future__ import annotations

from datetime import timedelta

from bot.actions import ActionOutcome
from bot.cases import CaseService
from bot.storage import Database
from bot.storage.records import Case, CaseStatus, NewCase
from tests.fakes import FrozenClock, RecordingExecutor


def ban(target: int = 5) -> NewCase:
    return NewCase(guild_id=1, target_id=target, action="ban", reason="spam ring",
                   status=CaseStatus.PENDING, moderator_id=99)


async def test_case_recorded_before_action_then_applied(
    db: Database, executor: RecordingExecutor, clock: FrozenClock
) -> None:
    seen_status: list[CaseStatus] = []

    class Spy(RecordingExecutor):
        async def apply(self, case: Case, *, told: bool = False,
                        resumed: bool = False) -> ActionOutcome:
            stored = await db.cases.get(case.id)
            assert stored is not None
            seen_status.append(stored.status)
            return await super().apply(case, told=told, resumed=resumed)

    spy = Spy()
    events: list[tuple[str, int]] = []
    service = CaseService(db.cases, spy, clock=clock,
                          on_event=lambda n, c: events.append((n, c.number)))
    case = await service.open(ban())
    assert seen_status == [CaseStatus.PENDING]
    assert case.status is CaseStatus.APPLIED
    assert spy.calls == [("notify", 1), ("ban", 1)]
    assert events == [("case_opened", 1), ("case_updated", 1)]
    kinds = [e.kind for e in await db.cases.events(case.id)]
    assert kinds == ["opened", "notify_started", "member_notified", "apply_started", "applied"]


async def test_discord_failure_leaves_case_recorded_with_error(
    db: Database, clock: FrozenClock
) -> None:
    executor = RecordingExecutor(fail={
        "ban": ActionOutcome.failure("403 Forbidden: Missing Permissions", code=50013),
        "notify": ActionOutcome.failure("403 Forbidden: Cannot send messages", code=50007),
    })
    case = await CaseService(db.cases, executor, clock=clock).open(ban())
    assert case.status is CaseStatus.FAILED
    assert "Missing Permissions" in (case.last_error or "")
    events = await db.cases.events(case.id)
    assert [e.kind for e in events] == [
        "opened", "notify_started", "notify_failed", "apply_started", "failed"]
    assert events[2].detail["code"] == 50007
    assert events[4].detail["code"] == 50013


async def test_event_handler_failure_does_not_lose_case(
    db: Database, executor: RecordingExecutor, clock: FrozenClock
) -> None:
    def broken(name: str, case: Case) -> None:
        raise RuntimeError("mod log down")

    case = await CaseService(db.cases, executor, clock=clock, on_event=broken).open(ban())
    assert case.status is CaseStatus.APPLIED


async def test_reconcile_finishes_pending_cases_after_crash(
    db: Database, executor: RecordingExecutor, clock: FrozenClock
) -> None:
    # A crash between "recorded" and "acted": the rows exist, nothing was carried out.
    pending_ban = await db.cases.create(ban(5), clock())
    old_timeout = await db.cases.create(
        NewCase(1, 6, "timeout", "r", CaseStatus.PENDING, duration_minutes=10), clock()
    )
    done = await db.cases.create(
        NewCase(1, 7, "warn", "r", CaseStatus.APPLIED), clock()
    )
    clock.advance(minutes=30)
    service = CaseService(db.cases, executor, clock=clock)
    reconciled = {c.id: c for c in await service.reconcile()}
    assert reconciled[pending_ban.id].status is CaseStatus.APPLIED
    assert reconciled[old_timeout.id].status is CaseStatus.CLOSED  # already over: not applied
    assert done.id not in reconciled
    assert executor.calls == [("notify", pending_ban.number), ("ban", pending_ban.number)]
    assert "reconciled" in [e.kind for e in await db.cases.events(pending_ban.id)]
    assert await db.cases.with_status(CaseStatus.PENDING) == []


async def test_reconcile_leaves_other_processes_servers_alone(
    db: Database, executor: RecordingExecutor, clock: FrozenClock
) -> None:
    # Two processes on different shards share the database: at start each finishes only
    # its own servers' pending cases; the other's may be in flight in the other process.
    mine = await db.cases.create(ban(5), clock())
    theirs = await db.cases.create(
        NewCase(guild_id=2, target_id=6, action="ban", reason="r", status=CaseStatus.PENDING),
        clock())
    service = CaseService(db.cases, executor, clock=clock)
    reconciled = await service.reconcile(owns=lambda guild_id: guild_id == 1)
    assert [c.id for c in reconciled] == [mine.id]
    assert executor.calls == [("notify", mine.number), ("ban", mine.number)]
    untouched = await db.cases.get(theirs.id)
    assert untouched is not None
    assert untouched.status is CaseStatus.PENDING
    assert [e.kind for e in await db.cases.events(theirs.id)] == ["opened"]


async def test_resolve_with_reverse_undoes_action(
    db: Database, executor: RecordingExecutor, clock: FrozenClock
) -> None:
    events: list[str] = []
    service = CaseService(db.cases, executor, clock=clock, on_event=lambda n, c: events.append(n))
    case = await service.open(ban())
    resolved, outcome = await service.resolve(case, actor_id=99, note="mistake", reverse=True)
    assert outcome is not None
    assert outcome.ok
    assert resolved.status is CaseStatus.REVERSED
    assert ("reverse ban", case.number) in executor.calls
    assert events == ["case_opened", "case_updated", "case_resolved"]


async def test_failed_reversal_keeps_case_applied(db: Database, clock: FrozenClock) -> None:
    executor = RecordingExecutor(fail={"reverse": ActionOutcome.failure("404 Unknown Ban")})
    service = CaseService(db.cases, executor, clock=clock)
    case = await service.open(ban())
    resolved, outcome = await service.resolve(case, actor_id=99, note="", reverse=True)
    assert outcome is not None
    assert not outcome.ok
    assert resolved.status is CaseStatus.APPLIED
    assert resolved.last_error == "404 Unknown Ban"


async def test_live_strikes_window(
    db: Database, executor: RecordingExecutor, clock: FrozenClock
) -> None:
    service = CaseService(db.cases, executor, clock=clock)
    await service.open(NewCase(1, 5, "delete", "r", CaseStatus.PENDING, strike=True))
    clock.advance(hours=2)
    assert await service.live_strikes(1, 5, timedelta(hours=3)) == 1
    assert await service.live_strikes(1, 5, timedelta(hours=1)) == 0


async def test_resolving_with_an_undo_records_what_the_undo_found(
    db: Database, clock: FrozenClock
) -> None:
    executor = RecordingExecutor(fail={"reverse": ActionOutcome.success(member_gone=True)})
    service = CaseService(db.cases, executor, clock=clock)
    case = await service.open(NewCase(1, 5, "timeout", "spam", CaseStatus.PENDING,
                                      moderator_id=99, duration_minutes=60))
    resolved, outcome = await service.resolve(case, actor_id=99, note="appeal granted",
                                              reverse=True)
    assert outcome is not None
    assert resolved.status is CaseStatus.REVERSED
    last = (await db.cases.events(case.id))[-1]
    assert last.kind == "resolved"
    assert last.actor_id == 99
    assert last.detail["undo"] == {"ok": True, "member_gone": True}
