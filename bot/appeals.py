"""Members appeal their own cases; moderators grant (action reversed) or deny."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from bot.action_kinds import action_spec
from bot.actions import ActionOutcome
from bot.cases import CaseService
from bot.policy_config import Policy
from bot.storage.appeals import AppealAlreadyOpenError, AppealRepository
from bot.storage.records import Appeal, AppealStatus, Case, CaseStatus

#: Case states a member can appeal: something was done (or attempted) to them.
APPEALABLE = frozenset({CaseStatus.APPLIED, CaseStatus.FAILED})


class AppealError(Exception):
    """Why an appeal cannot be filed or decided; the text is shown to the user."""


@dataclass(frozen=True, slots=True)
class AppealDecision:
    appeal: Appeal
    case: Case
    #: Outcome of undoing the action (None when denied or nothing to undo).
    reversal: ActionOutcome | None
    #: Whether the member could be told by DM.
    member_told: bool


class AppealService:
    def __init__(
        self, cases: CaseService, appeals: AppealRepository, policy: Callable[[int], Policy]
    ) -> None:
        """``policy`` gives a server's policy by its id (its appeal limits)."""
        self.cases = cases
        self._appeals = appeals
        self._policy = policy

    async def file(self, guild_id: int, case_number: int, member_id: int, text: str) -> Appeal:
        settings = self._policy(guild_id).appeals
        if not settings.enabled:
            raise AppealError("appeals are closed in this server")
        case = await self.cases.get(guild_id, case_number)
        if case.target_id != member_id:
            raise AppealError("only the member a case is about can appeal it")
        if case.status not in APPEALABLE or not action_spec(case.action).acts:
            raise AppealError(f"case #{case.number} has nothing to appeal ({case.status})")
        text = text.strip()
        if len(text) < settings.min_length:
            raise AppealError(f"please explain in at least {settings.min_length} characters")
        denied = sum(a.status is AppealStatus.DENIED
                     for a in await self._appeals.for_case(case.id))
        if denied > settings.after_denial:
            raise AppealError(f"case #{case.number} was already reviewed on appeal; "
                              "its decision is final")
        now = self.cases.clock()
        recent = await self._appeals.count_since(member_id, now - timedelta(days=1))
        if recent >= settings.per_day:
            raise AppealError(f"you can file {settings.per_day} appeals a day; try again later")
        try:
            appeal = await self._appeals.create(case.id, member_id, text, now)
        except AppealAlreadyOpenError as exc:
            raise AppealError(f"case #{case.number} already has an appeal waiting") from exc
        await self.cases.note(case, "appeal_filed", member_id, {"appeal": appeal.id})
        return appeal

    async def decide(
        self, appeal_id: int, moderator_id: int, *, grant: bool, note: str = ""
    ) -> AppealDecision:
        appeal = await self._appeals.get(appeal_id)
        if appeal is None:
            raise AppealError(f"there is no appeal {appeal_id}")
        case = await self.cases.by_id(appeal.case_id)
        assert case is not None  # foreign key
        if moderator_id == case.target_id:
            raise AppealError("you cannot decide an appeal of your own case")
        status = AppealStatus.GRANTED if grant else AppealStatus.DENIED
        decided = await self._appeals.decide(appeal_id, status, moderator_id, note,
                                             self.cases.clock())
        if decided is None:
            raise AppealError(f"appeal {appeal_id} was already decided")
        reversal = None
        before = case
        if grant:
            case, reversal = await self.cases.resolve(
                case, actor_id=moderator_id, note=f"appeal granted: {note}".strip(), reverse=True
            )
            message = grant_message(before, case, reversal)
        else:
            case = await self.cases.note(case, "appeal_denied", moderator_id, {"note": note})
            message = f"Your appeal of case #{case.number} was denied."
        if note:
            message += f"\nModerator's note: {note}"
        told = await self.cases.tell(case, message)
        return AppealDecision(decided, case, reversal, told)


def grant_message(before: Case, after: Case, reversal: ActionOutcome | None) -> str:
    """What a granted appeal did, in the member's terms: never "reversed" unless it was."""
    spec = action_spec(before.action)
    head = f"Your appeal of case #{before.number} was granted"
    if reversal is not None and not reversal.ok:
        return (f"{head}, but undoing {spec.name} failed, so it is still in place. "
                "The moderators have been told.")
    cleared = after.status is CaseStatus.REVERSED
    tail = " The case no longer counts against you." if cleared else ""
    if before.status is not CaseStatus.APPLIED:
        return (f"{head}. {spec.name.capitalize()} had not been carried out, "
                f"so nothing needed undoing.{tail}")
    if reversal is not None:
        if reversal.detail.get("member_gone"):
            return f"{head}. You had left the server, so nothing remained to undo.{tail}"
        if spec.undone:
            return f"{head}: {spec.undone}.{tail}"
    if spec.permanent:
        return f"{head}. {spec.permanent}.{tail}"
    return f"{head}.{tail}"
