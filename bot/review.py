"""What moderators ask of the core from Discord, besides opening cases.

Review-queue decisions (remove / keep / timeout / ban on a grey-band message, confirm or
dismiss a campaign alert), case look-ups for ``/case``, stats for ``/vigil stats`` and a
score preview for ``/vigil score``. Cogs call this instead of the repositories, so no SQL
and no model code reaches them. No Discord imports here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from bot.cases import CaseError, CaseService
from bot.normalize import normalize
from bot.policy_config import ActionKind, Policy
from bot.rescore import live_sanction
from bot.rules.bands import Band, band_of
from bot.scoring import MicroBatcher
from bot.storage.appeals import AppealRepository
from bot.storage.campaigns import CampaignRepository
from bot.storage.records import Appeal, CampaignRecord, Case, CaseEvent, CaseKind, CaseStatus
from bot.storage.scores import ScoreRepository
from models.api import ScoreRequest

#: Case kinds raised by the coordination detector.
ALERT_KINDS = frozenset({CaseKind.CAMPAIGN, CaseKind.PILE_ON, CaseKind.RAID})
DEFAULT_REVIEW_TIMEOUT_MINUTES = 60


class ReviewDecision(StrEnum):
    REMOVE = "remove"
    KEEP = "keep"
    TIMEOUT = "timeout"
    BAN = "ban"
    #: Campaign alerts: a moderator agrees it is coordinated (recorded, nothing done).
    CONFIRM = "confirm"
    #: Campaign alerts: a false alarm.
    DISMISS = "dismiss"


#: What a review decision carries out, for the decisions that act.
_ACTIONS: dict[ReviewDecision, ActionKind] = {
    ReviewDecision.REMOVE: ActionKind.DELETE,
    ReviewDecision.TIMEOUT: ActionKind.TIMEOUT,
    ReviewDecision.BAN: ActionKind.BAN,
}


class ReviewError(CaseError):
    """A review decision that cannot be taken (already decided, wrong kind of case)."""


@dataclass(frozen=True, slots=True)
class LabelPreview:
    label: str
    score: float
    review: float
    act: float
    action: str

    #: Where decide's bands place the score (``"-"``: neither band).
    band: str = "-"


@dataclass(frozen=True, slots=True)
class ScorePreview:
    normalized: str
    evasion: float
    labels: tuple[LabelPreview, ...]
    model_version: str


@dataclass(frozen=True, slots=True)
class GuildStats:
    by_action: dict[str, int]
    by_status: dict[str, int]
    messages_scored: int


class ReviewService:
    def __init__(
        self,
        cases: CaseService,
        batcher: MicroBatcher,
        policy: Callable[[int], Policy],
        *,
        scores: ScoreRepository,
        appeals: AppealRepository,
        campaigns: CampaignRepository,
    ) -> None:
        self.cases = cases
        self._scores = scores
        self._appeals = appeals
        self._campaigns = campaigns
        self.batcher = batcher
        self._policy = policy

    # ------------------------------------------------------------- decisions

    async def decide(
        self,
        case_id: int,
        decision: ReviewDecision,
        moderator_id: int,
        *,
        minutes: int | None = None,
    ) -> Case:
        """Record a moderator's decision on an OPEN review case and carry it out."""
        # Two moderators clicking at once (or a click and an edit) never both act.
        async with self.cases.decisions:
            case = await self.cases.by_id(case_id)
            if case is None:
                raise ReviewError(f"there is no case with id {case_id}")
            if case.status is not CaseStatus.OPEN:
                raise ReviewError(
                    f"case #{case.number} was already decided (status {case.status.value})"
                )
            alert = case.kind in ALERT_KINDS
            if alert != (decision in (ReviewDecision.CONFIRM, ReviewDecision.DISMISS)):
                raise ReviewError(f"{decision.value} does not apply to a {case.kind.value} case")
            note = f"review: {decision.value}"
            if decision in _ACTIONS and case.message_id is not None and not alert:
                await self._refuse_second_sanction(case, moderator_id)
            if decision in _ACTIONS:
                action = _ACTIONS[decision]
                if action is ActionKind.TIMEOUT:
                    minutes = minutes or DEFAULT_REVIEW_TIMEOUT_MINUTES
                else:
                    minutes = None
                case = await self.cases.escalate(case, action, moderator_id, minutes, note)
            else:
                case, _ = await self.cases.resolve(
                    case, actor_id=moderator_id, note=note, reverse=False
                )
            if case.message_id is not None and not alert:
                # Moderator decisions on grey-band messages are the calibration set.
                await self._scores.set_review_decision(case.message_id, decision.value)
            return case

    async def _refuse_second_sanction(self, case: Case, moderator_id: int) -> None:
        """One message, one live sanction: a review item whose message was acted on since
        (an edit scored into the act band) is closed instead of acting again."""
        assert case.message_id is not None
        others = await self.cases.for_message(case.guild_id, case.message_id)
        sanction = live_sanction(others, besides=case)
        if sanction is None:
            return
        await self.cases.resolve(case, actor_id=moderator_id, reverse=False,
                                 note=f"review: the message already carries case "
                                      f"#{sanction.number}")
        raise ReviewError(f"the message already carries case #{sanction.number} "
                          f"({sanction.action}); nothing more was done")

    # -------------------------------------------------------------- look-ups

    async def get(self, case_id: int, guild_id: int | None) -> Case | None:
        """The case, only if it belongs to ``guild_id``: a button click from another server
        (or from a DM, ``guild_id`` None) must never reach it."""
        case = await self.cases.by_id(case_id)
        if case is None or guild_id is None or case.guild_id != guild_id:
            return None
        return case

    async def by_number(self, guild_id: int, number: int) -> Case | None:
        return await self.cases.find(guild_id, number)

    async def for_member(self, guild_id: int, member_id: int, limit: int = 15) -> list[Case]:
        return await self.cases.for_member(guild_id, member_id, limit)

    async def guilds_of_member(self, member_id: int) -> list[int]:
        return await self.cases.guilds_of_member(member_id)

    async def history(self, case: Case) -> list[CaseEvent]:
        return await self.cases.history(case)

    async def latest_active(self, guild_id: int, member_id: int, action: str) -> Case | None:
        """The member's most recent APPLIED case with ``action`` (what /unban undoes)."""
        for case in await self.cases.for_member(guild_id, member_id, 50):
            if case.action == action and case.status is CaseStatus.APPLIED:
                return case
        return None

    async def appeal(self, appeal_id: int) -> tuple[Appeal, Case] | None:
        appeal = await self._appeals.get(appeal_id)
        if appeal is None:
            return None
        case = await self.cases.by_id(appeal.case_id)
        return (appeal, case) if case is not None else None

    async def campaign_for(self, case: Case) -> CampaignRecord | None:
        return await self._campaigns.for_case(case.id)

    async def stats(self, guild_id: int) -> GuildStats:
        counts = await self.cases.stats(guild_id)
        scored = await self._scores.count(guild_id)
        return GuildStats(counts["action"], counts["status"], scored)

    # --------------------------------------------------------------- preview

    async def preview(self, text: str, guild_id: int) -> ScorePreview:
        """Score ``text`` through the batcher and place each label in the bands of the
        server's policy."""
        policy = self._policy(guild_id)
        normalized = normalize(text)
        result = await self.batcher.score(ScoreRequest(normalized.text))
        labels = []
        for label, score in sorted(result.scores.items(), key=lambda kv: -kv[1]):
            rule = policy.labels.get(label)
            if rule is None:
                labels.append(LabelPreview(label, score, 1.0, 1.0, "none"))
                continue
            band = band_of(label, score, rule)  # decide's own band logic
            labels.append(LabelPreview(
                label, score, rule.review, rule.act, str(rule.action),
                "-" if band is Band.NONE else band.value,
            ))
        return ScorePreview(normalized.text, normalized.evasion, tuple(labels),
                            self.batcher.scorer.version)
