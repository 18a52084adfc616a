"""The single chokepoint that opens, carries out and resolves cases.

Automod, moderator commands, the review queue, appeals and campaign detection all come
here, so every action is numbered, recorded before it happens and announced once.
Order: record (PENDING) -> notify member -> act -> record outcome (APPLIED / FAILED).
Other services read and annotate cases through this class only; none holds the case
repository, so no case event is written around it.
"""

from __future__ import annotations

import asyncio
import dataclasses
import inspect
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any

from bot import metrics
from bot.action_kinds import action_spec
from bot.actions import ActionExecutor, ActionOutcome
from bot.clock import Clock, utcnow
from bot.policy_config import ActionKind
from bot.storage.cases import CaseRepository
from bot.storage.records import Case, CaseEvent, CaseStatus, NewCase
from bot.storage.writer import StorageBusyError

log = logging.getLogger(__name__)

#: Events after which a case is carried out afresh: its steps are counted from there.
_STARTS = frozenset({"opened", "escalated"})
#: Sanctions too heavy to carry out long after the fact without a moderator's look.
_REVIEW_WHEN_STALE = frozenset({"ban", "kick"})
_NOTIFY_STEPS = frozenset({"notify_started", "member_notified", "notify_failed"})

EventSink = Callable[[str, Case], Awaitable[None] | None]
#: Keeps a write for later (``Backlog.hold``): the record of an action already carried out.
HoldWrite = Callable[[Callable[[], Awaitable[object]]], None]


class CaseError(Exception):
    """A request about a case that cannot be honoured (unknown case, wrong state)."""


class CaseService:
    def __init__(
        self,
        repository: CaseRepository,
        executor: ActionExecutor,
        *,
        clock: Clock = utcnow,
        on_event: EventSink | None = None,
        hold: HoldWrite | None = None,
        may_act: Callable[[], bool] | None = None,
    ) -> None:
        self._repo = repository
        self.executor = executor
        self.clock = clock
        self._on_event = on_event
        self._hold = hold
        #: False while another process holds the single-instance lease: nothing is acted on.
        self.may_act = may_act or (lambda: True)
        #: Cases :meth:`record` found already recorded (a retry, another process): this
        #: process does not announce or carry them out again; reconcile finishes them.
        self._recorded_before: set[int] = set()
        #: Held by whatever decides an OPEN case (a review click, an edit re-scoring the
        #: message), so two of them never both act on one case.
        self.decisions = asyncio.Lock()

    async def _emit(self, name: str, case: Case) -> None:
        if self._on_event is None:
            return
        try:
            result = self._on_event(name, case)
            if inspect.isawaitable(result):
                await result
        except Exception:  # a mod-log hiccup must never undo a recorded case
            log.exception("event handler for %s failed (case %s)", name, case.number)

    async def open(
        self,
        new: NewCase,
        *,
        at: datetime | None = None,
        attach: Callable[[Case], Awaitable[None]] | None = None,
    ) -> Case:
        """Record ``new``; carry it out when its status is PENDING.

        ``attach`` stores evidence that refers to the case (a campaign record) before the
        case is announced, so listeners of ``case_opened`` always find it.
        """
        case = await self.record(new, at=at)
        if attach is not None:
            await attach(case)
        return await self.start(case)

    async def record(self, new: NewCase, *, at: datetime | None = None) -> Case:
        """Only write the case (one transaction); :meth:`start` announces and carries it out.

        The pipeline takes the two steps apart so that a retry after a locked database
        never records the case twice. The same decision on the same message is one case:
        recording it again returns the case already there."""
        case, created = await self._repo.create_once(new, at or self.clock())
        if not created:
            log.info("case #%d already records this decision on message %s", case.number,
                     new.message_id)
            self._recorded_before.add(case.id)
        return case

    async def start(self, case: Case) -> Case:
        """Announce a recorded case; carry it out when its status is PENDING."""
        if case.id in self._recorded_before:
            self._recorded_before.discard(case.id)
            return case
        await self._emit("case_opened", case)
        if case.status is CaseStatus.PENDING:
            case = await self.carry_out(case)
        return case

    async def carry_out(self, case: Case, *, event: str = "", resumed: bool = False) -> Case:
        """Notify the member, act, and record the outcome, each step exactly once.

        Before each step its start is recorded (``notify_started``, ``apply_started``), so
        a run resumed after a crash (``resumed``) knows how far the last one got: a DM
        that may have gone out is never sent again, and an action that may have run is
        checked against Discord's state before it is tried (the executor's ``resumed``).
        What was done is recorded even when the database is locked at that moment: the
        write is held (``hold``) and made when the lock clears, in order."""
        done = await self._steps_done(case) if resumed else set()
        held = False
        told = "member_notified" in done
        if action_spec(case.action).notifies and not done & _NOTIFY_STEPS:
            if not self.may_act():
                return self._not_acting(case)
            case, held = await self._record_outcome(case, "notify_started", held, detail={})
            notified = await self.executor.notify(case)
            told = notified.ok
            case, held = await self._record_outcome(
                case, "member_notified" if notified.ok else "notify_failed", held,
                detail=_outcome_detail(notified),
            )
        elif "notify_started" in done and not done & {"member_notified", "notify_failed"}:
            # Stopped between starting the DM and recording it: it may have gone out.
            case, held = await self._record_outcome(
                case, "notify_unknown", held, detail={"resent": False})
        if not self.may_act():
            return self._not_acting(case)
        case, held = await self._record_outcome(case, "apply_started", held, detail={})
        outcome = await self.executor.apply(
            case, told=told, resumed=resumed and "apply_started" in done)
        metrics.count_action(case.action, outcome.ok)
        status = CaseStatus.APPLIED if outcome.ok else CaseStatus.FAILED
        case, _ = await self._record_outcome(
            case, event or status.value, held, detail=_outcome_detail(outcome),
            status=status, last_error=outcome.error,
        )
        await self._emit("case_updated", case)  # the mod-log entry shows the outcome
        return case

    async def _steps_done(self, case: Case) -> set[str]:
        """The steps recorded since the case was last set going (opened or escalated)."""
        kinds: list[str] = []
        for entry in await self._repo.events(case.id):
            kinds = [] if entry.kind in _STARTS else [*kinds, entry.kind]
        return set(kinds)

    def _not_acting(self, case: Case) -> Case:
        log.warning("case #%d left pending: this process does not hold the lease", case.number)
        return case

    async def _record_outcome(
        self, case: Case, event: str, held: bool, *, detail: dict[str, object], **fields: Any
    ) -> tuple[Case, bool]:
        """Write an outcome event; (the case as it now stands, whether writes are held)."""
        at = self.clock()

        async def write() -> Case:
            return await self._repo.update(case.id, at, event, detail=detail, **fields)

        if not held:
            try:
                return await write(), False
            except StorageBusyError:
                if self._hold is None:
                    raise
        assert self._hold is not None
        # Later outcomes of this case queue behind this one so its history stays in order.
        self._hold(write)
        log.warning("case #%d: %s held until storage is writable", case.number, event)
        return dataclasses.replace(case, updated_at=at, **fields), True

    async def get(self, guild_id: int, number: int) -> Case:
        case = await self._repo.by_number(guild_id, number)
        if case is None:
            raise CaseError(f"there is no case #{number} in this server")
        return case

    async def set_reason(self, case: Case, reason: str, actor_id: int) -> Case:
        return await self._repo.update(
            case.id, self.clock(), "reason_changed", actor_id, {"old": case.reason}, reason=reason
        )

    async def resolve(
        self, case: Case, *, actor_id: int | None, note: str, reverse: bool
    ) -> tuple[Case, ActionOutcome | None]:
        """Close a case; with ``reverse`` undo its action first. Announces ``case_resolved``."""
        outcome: ActionOutcome | None = None
        if reverse and action_spec(case.action).reversible and case.status is CaseStatus.APPLIED:
            outcome = await self.executor.reverse(case)
            if not outcome.ok:
                case = await self._repo.update(
                    case.id, self.clock(), "reverse_failed", actor_id,
                    {"note": note, **_outcome_detail(outcome)}, last_error=outcome.error,
                )
                await self._emit("case_updated", case)
                return case, outcome
        status = CaseStatus.REVERSED if reverse else CaseStatus.CLOSED
        # What the undo found (member gone, nothing to undo) stays on the record with it.
        undo = {"undo": _outcome_detail(outcome)} if outcome is not None else {}
        case = await self._repo.update(
            case.id, self.clock(), "resolved", actor_id, {"note": note, **undo}, status=status
        )
        await self._emit("case_resolved", case)
        return case, outcome

    async def escalate(self, case: Case, action: ActionKind, actor_id: int, minutes: int | None,
                       note: str) -> Case:
        """A moderator turns a review case into an action (review queue buttons)."""
        case = await self._repo.update(
            case.id, self.clock(), "escalated", actor_id, {"note": note},
            action=action.value, duration_minutes=minutes, status=CaseStatus.PENDING,
        )
        case = await self.carry_out(case)
        await self._emit("case_resolved", case)
        return case

    async def note(
        self, case: Case, event: str, actor_id: int | None = None,
        detail: dict[str, object] | None = None,
    ) -> Case:
        """Append ``event`` to the case's history without changing it (an appeal filed)."""
        return await self._repo.update(case.id, self.clock(), event, actor_id, detail)

    async def tell(self, case: Case, message: str) -> bool:
        """DM the case's member (a decision); a failed DM is recorded on the case. True if sent."""
        told = await self.executor.tell(case.target_id, message)
        if not told.ok:
            await self.note(case, "decision_dm_failed",
                            detail={"error": told.error, "code": told.code})
        return told.ok

    # -------------------------------------------------------------- look-ups

    async def by_id(self, case_id: int) -> Case | None:
        return await self._repo.get(case_id)

    async def find(self, guild_id: int, number: int) -> Case | None:
        """Like :meth:`get`, but None instead of an error for an unknown number."""
        return await self._repo.by_number(guild_id, number)

    async def for_member(self, guild_id: int, member_id: int, limit: int = 25) -> list[Case]:
        """The member's cases, newest first."""
        return await self._repo.for_target(guild_id, member_id, limit)

    async def guilds_of_member(self, member_id: int) -> list[int]:
        """Every server in the database where the member has cases."""
        return await self._repo.guilds_of_target(member_id)

    async def for_message(self, guild_id: int, message_id: int) -> list[Case]:
        """The cases opened on one message, oldest first."""
        return await self._repo.for_message(guild_id, message_id)

    async def history(self, case: Case) -> list[CaseEvent]:
        return await self._repo.events(case.id)

    async def all(self, guild_id: int | None = None) -> list[Case]:
        return await self._repo.all(guild_id)

    async def stats(self, guild_id: int) -> dict[str, dict[str, int]]:
        """Counts by action and by status."""
        return await self._repo.stats(guild_id)

    async def live_strikes(self, guild_id: int, member_id: int, window: timedelta,
                           at: datetime | None = None) -> int:
        since = (at or self.clock()) - window
        return await self._repo.count_strikes(guild_id, member_id, since)

    async def reconcile(
        self, *, review_after: Callable[[int], timedelta | None] | None = None,
        owns: Callable[[int], bool] | None = None,
    ) -> list[Case]:
        """At start: finish cases recorded as PENDING before a crash or restart.

        Each resumes from its last recorded step (:meth:`carry_out` with ``resumed``). A
        ban or kick pending for longer than ``review_after(guild_id)`` is not carried out
        days late without a look: it goes to the review queue instead. ``owns`` limits it
        to the servers this process runs: a pending case of a server on another process's
        shards may be in that process's hands at this moment."""
        done = []
        now = self.clock()
        for case in await self._repo.with_status(CaseStatus.PENDING):
            if not self.may_act():
                break
            if owns is not None and not owns(case.guild_id):
                continue
            # A timeout runs from when it was decided (updated_at), as the executor applies it.
            ends = case.updated_at + timedelta(minutes=case.duration_minutes or 0)
            if case.action == "timeout" and ends <= now:
                done.append(await self._repo.update(
                    case.id, now, "reconciled", detail={"outcome": "timeout already over"},
                    status=CaseStatus.CLOSED,
                ))
                continue
            limit = review_after(case.guild_id) if review_after else None
            if case.action in _REVIEW_WHEN_STALE and limit is not None \
                    and now - case.updated_at > limit:
                done.append(await self._to_review(case, now - case.updated_at))
                continue
            log.info("reconciling pending case #%d (%s)", case.number, case.action)
            done.append(await self.carry_out(case, event="reconciled", resumed=True))
        return done

    async def _to_review(self, case: Case, age: timedelta) -> Case:
        hours = age.total_seconds() / 3600
        log.warning("case #%d: a %s pending for %.1f h goes to review instead", case.number,
                    case.action, hours)
        case = await self._repo.update(
            case.id, self.clock(), "held_for_review",
            detail={"was": case.action, "pending_hours": round(hours, 1)},
            status=CaseStatus.OPEN, action=ActionKind.REVIEW.value, duration_minutes=None,
            reason=f"{case.reason} (a {case.action} not carried out for {hours:.0f} h: "
                   "confirm it from the review queue)"[:1000],
        )
        await self._emit("case_opened", case)
        return case


def _outcome_detail(outcome: ActionOutcome) -> dict[str, object]:
    detail: dict[str, object] = {"ok": outcome.ok, **outcome.detail}
    if outcome.error:
        detail["error"] = outcome.error
    if outcome.code is not None:
        detail["code"] = outcome.code
    return detail
