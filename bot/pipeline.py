"""The path of one message through the core: score -> decide -> record -> act.

Discord (cogs/automod) and the offline replay both call :meth:`ModerationPipeline.handle`.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot import metrics, rescore
from bot.cases import CaseService
from bot.coordination import CoordinationAlert, CoordinationDetector
from bot.event import MessageEvent
from bot.labels import LABEL_GROUPS
from bot.policy import NO_ACTION, Band, Context, MemberHistory, Verdict, decide
from bot.policy_config import ActionKind, Policy
from bot.rules import REGISTRY, Rule
from bot.rules.flood import FloodRule, FloodTracker
from bot.scoring import MicroBatcher
from bot.storage.backlog import Backlog, Step
from bot.storage.campaigns import CampaignRepository
from bot.storage.records import Case, CaseKind, CaseStatus, MessageScore, NewCase
from bot.storage.score_batches import ScoreWrites
from bot.storage.scores import ScoreRepository
from bot.storage.skipped import MessageRef
from bot.storage.writer import is_busy
from bot.unscored import UnscoredQueue
from models.api import ScoreRequest, ScoreResult, ScorerUnavailableError

log = logging.getLogger(__name__)

EXCERPT_CHARS = 300
HOSTILE_LABELS = LABEL_GROUPS.hostile


@dataclass(frozen=True, slots=True)
class _Plan:
    requests: list[ScoreRequest]
    raw_too: bool
    score_parent: bool
    parent_toxicity: float | None


@dataclass(frozen=True, slots=True)
class MessageOutcome:
    event: MessageEvent
    scores: dict[str, float]
    verdict: Verdict
    parent_stance: dict[str, float] | None
    claim_stances: dict[str, dict[str, float]]
    case: Case | None
    alerts: tuple[CoordinationAlert, ...] = ()
    alert_cases: tuple[Case, ...] = field(default_factory=tuple)
    #: False: the database was locked; the record (and any case) is held in the backlog
    #: and written, in order, when it clears. ``case`` is None until then.
    recorded: bool = True
    #: False: the scorer was unavailable; recorded as skipped with the reason and held
    #: for a retry (``scores`` empty, nothing decided).
    scored: bool = True


class ModerationPipeline:
    def __init__(
        self,
        batcher: MicroBatcher,
        cases: CaseService,
        policy: Callable[[int], Policy],
        *,
        scores: ScoreRepository,
        campaigns: CampaignRepository,
        backlog: Backlog,
        detector: CoordinationDetector | None = None,
        live: bool = True,
        retry_unscored: bool | None = None,
    ) -> None:
        """``live=False`` (replay) records every case as SHADOW: nothing is carried out.

        Cases go through ``cases``; the repositories hold what is not a case: per-message
        scores and campaign evidence. What cannot be written while the database is locked
        waits in ``backlog``. ``policy`` gives a server's policy by its id: each message is
        judged by its own server's."""
        self.batcher = batcher
        self.cases = cases
        self._scores = scores
        self._campaigns = campaigns
        self.backlog = backlog
        #: Score records go one transaction per scored batch (bot.storage.score_batches).
        self.score_writes = ScoreWrites(scores, backlog)
        self._policy = policy
        self.detector = detector
        self.live = live
        #: Messages the scorer could not score, retried (the live bot; replay fails them).
        self.unscored = (UnscoredQueue(self._handle_scored, self._record_unscored)
                         if (live if retry_unscored is None else retry_unscored) else None)
        #: This pipeline's rule instances: stateful rules keep their memory here.
        self.rules: tuple[Rule, ...] = tuple(rule() for rule in REGISTRY)

    @property
    def flood(self) -> FloodTracker:
        """The flood rule's per-member history."""
        return next(r for r in self.rules if isinstance(r, FloodRule)).tracker

    def forget(self, guild_id: int, user_id: int) -> int:
        """Drop a member's recent messages from memory (stateful rules, campaign detector);
        returns how many were held (the same message sits in each: the largest count)."""
        held = max((rule.forget(guild_id, user_id) for rule in self.rules), default=0)
        if self.detector is not None:
            held = max(held, self.detector.forget(guild_id, user_id))
        return held

    @property
    def model_version(self) -> str:
        return self.batcher.scorer.version

    async def handle(self, event: MessageEvent) -> MessageOutcome:
        return (await self.handle_many([event]))[0]

    async def handle_many(self, events: list[MessageEvent]) -> list[MessageOutcome]:
        """Score ``events`` together (one batch), then decide and record them in order.

        A scorer that cannot answer (ScorerUnavailableError) gets them recorded as not scored,
        with the reason, and held for a retry: nothing is decided without scores."""
        try:
            async with self.score_writes.window():
                return await self._handle_scored(events)
        except ScorerUnavailableError as exc:
            if self.unscored is None:
                raise
            return [self._not_scored(event, f"not scored: {exc}") for event in events]

    def _not_scored(self, event: MessageEvent, reason: str) -> MessageOutcome:
        log.warning("message %d %s; held for a retry", event.id, reason)
        self._record_unscored(event, reason)
        assert self.unscored is not None
        self.unscored.add(event, reason)
        verdict = Verdict(NO_ACTION, Band.NONE, reasons=(reason,))
        return MessageOutcome(event, {}, verdict, None, {}, None, recorded=False, scored=False)

    def _record_unscored(self, event: MessageEvent, reason: str) -> None:
        self.backlog.skip(MessageRef(event.id, event.guild_id, event.channel_id,
                                     event.author.id, event.created_at), reason[:300])

    async def close(self) -> None:
        if self.unscored is not None:
            await self.unscored.close()

    async def _handle_scored(self, events: list[MessageEvent]) -> list[MessageOutcome]:
        policies = [self._policy(event.guild_id) for event in events]
        plans = [await self._plan(event, policy)
                 for event, policy in zip(events, policies, strict=True)]
        flat = [request for plan in plans for request in plan.requests]
        results = await self.batcher.score_many(flat)
        outcomes, offset = [], 0
        for event, plan, policy in zip(events, plans, policies, strict=True):
            chunk = results[offset: offset + len(plan.requests)]
            offset += len(plan.requests)
            outcomes.append(await self._finish(event, plan, chunk, policy))
        return outcomes

    async def _plan(self, event: MessageEvent, policy: Policy) -> _Plan:
        targets = tuple(claim.text for claim in policy.claims)
        parent = event.parent_text
        # A new account's message keeps its embedding: campaigns are matched by it.
        young = policy.campaigns.enabled and event.author.is_new(
            event.created_at, policy.campaigns.new_account_days)
        requests = [ScoreRequest(event.text.text, parent=parent, targets=targets,
                                 needs_embedding=young)]
        # Obfuscated text: score what was written too, and keep the worse of the two.
        raw_too = event.text.evasion > 0 and event.text.raw.strip() != event.text.text
        if raw_too:
            requests.append(ScoreRequest(event.text.raw, parent=parent))
        parent_toxicity = None
        if event.reply_to_id is not None:
            stored = await self._stored_parent(event.reply_to_id)
            if stored is not None:
                parent_toxicity = max(stored.scores.get(k, 0.0) for k in HOSTILE_LABELS)
        score_parent = parent_toxicity is None and bool(parent)
        if score_parent:
            requests.append(ScoreRequest(parent or ""))
        return _Plan(requests, raw_too, score_parent, parent_toxicity)

    async def _stored_parent(self, message_id: int) -> MessageScore | None:
        try:
            return await self._scores.get(message_id)
        except Exception as exc:  # a locked file: score the parent's text instead
            if not is_busy(exc):
                raise
            return None

    async def _finish(
        self, event: MessageEvent, plan: _Plan, results: list[ScoreResult], policy: Policy
    ) -> MessageOutcome:
        metrics.MESSAGES_SCORED.inc()
        result = results[0]
        scores = dict(result.scores)
        if plan.raw_too:
            for label, value in results[1].scores.items():
                scores[label] = max(scores.get(label, 0.0), value)
        parent_toxicity = plan.parent_toxicity
        if plan.score_parent:
            parent_toxicity = max(results[-1].scores.get(k, 0.0) for k in HOSTILE_LABELS)
        claim_stances = {
            claim.id: stance
            for claim, stance in zip(policy.claims, result.target_stances, strict=False)
        }
        window = timedelta(hours=policy.escalation.window_hours)
        context = Context(parent_toxicity=parent_toxicity, parent_stance=result.parent_stance)
        observed = {rule.id: rule.observe(event, rule.settings(policy))
                    for rule in self.rules if rule.stateful}

        async def judge() -> Verdict:
            strikes = await self.cases.live_strikes(
                event.guild_id, event.author.id, window, at=event.created_at
            )
            return decide(scores, event, MemberHistory(strikes), policy, context,
                          claim_stances, rules=self.rules, observed=observed)

        verdict = await judge()
        opened: list[Case] = []
        tries = 0

        async def record() -> Sequence[Step]:
            nonlocal verdict, tries
            tries += 1
            if tries > 1:  # held: cases recorded meanwhile may change the strike count
                verdict = await judge()
            await self._record_scores(event, scores, verdict, result, claim_stances, policy,
                                      batched=not verdict.needs_case and not event.edited)
            new = self._case_for(event, verdict, scores, policy) if verdict.needs_case else None
            if event.edited:  # the cases already on the message decide what opens now
                return (self._rescore_step(event, new, opened),)
            return () if new is None else (self._case_step(new, event.created_at, opened),)

        steps: list[Step] = [record]
        alerts: list[CoordinationAlert] = []
        alert_cases: list[Case] = []
        if self.detector is not None and policy.campaigns.enabled:
            alerts = self.detector.observe(event, result, verdict, policy)
            for alert in alerts:
                steps.extend(self._alert_steps(alert, policy, alert_cases))
        ref = MessageRef(event.id, event.guild_id, event.channel_id, event.author.id,
                         event.created_at)
        recorded = await self.backlog.run(steps, ref)
        case = opened[0] if opened and recorded else None
        return MessageOutcome(event, scores, verdict, result.parent_stance, claim_stances, case,
                              tuple(alerts), tuple(alert_cases) if recorded else (),
                              recorded=recorded)

    def _rescore_step(self, event: MessageEvent, new: NewCase | None,
                      opened: list[Case]) -> Step:
        async def settle_earlier() -> Sequence[Step]:
            kept = await rescore.settle(self.cases, event.guild_id, event.id, new)
            return () if kept is None else (self._case_step(kept, event.created_at, opened),)

        return settle_earlier

    def _case_step(
        self, new: NewCase, at: datetime, opened: list[Case],
        attach: Callable[[Case], Awaitable[None]] | None = None,
    ) -> Step:
        """Record the case, then (as separate steps, so a retry never records it twice)
        attach its evidence and carry it out; ``opened`` gets the case as it ends up."""
        async def record() -> Sequence[Step]:
            case = await self.cases.record(new, at=at)
            index = len(opened)
            opened.append(case)

            async def attach_evidence() -> Sequence[Step]:
                if attach is not None:
                    await attach(case)
                return ()

            async def start() -> Sequence[Step]:
                opened[index] = await self.cases.start(case)
                return ()

            return (attach_evidence, start)

        return record

    async def _record_scores(
        self,
        event: MessageEvent,
        scores: dict[str, float],
        verdict: Verdict,
        result: ScoreResult,
        claim_stances: dict[str, dict[str, float]],
        policy: Policy,
        batched: bool = False,
    ) -> None:
        stance: dict[str, object] | None = None
        if result.parent_stance is not None or claim_stances:
            stance = {"parent": result.parent_stance, "claims": claim_stances}
        # Only a record with no case after it waits for the batch: one that opens a
        # case (or settles an edit) is written first, in the message's own job.
        save = self.score_writes.save if batched else self._scores.save
        await save(MessageScore(
            message_id=event.id, guild_id=event.guild_id, channel_id=event.channel_id,
            author_id=event.author.id, created_at=event.created_at,
            scores={k: round(v, 5) for k, v in scores.items()}, stance=stance,
            labels=verdict.labels, action=str(verdict.action), band=verdict.band.value,
            evasion=event.text.evasion, model_version=self.model_version,
            policy_version=policy.version,
            rules={rule: verdict.labels_of(rule) for rule in verdict.rules},
        ))

    def _status(self, verdict: Verdict) -> CaseStatus:
        if verdict.shadow or not self.live:
            return CaseStatus.SHADOW
        if verdict.action.kind is ActionKind.REVIEW:
            return CaseStatus.OPEN
        return CaseStatus.PENDING

    def _case_for(
        self, event: MessageEvent, verdict: Verdict, scores: dict[str, float], policy: Policy
    ) -> NewCase:
        return NewCase(
            guild_id=event.guild_id, target_id=event.author.id, target_name=event.author.name,
            action=verdict.action.kind.value, duration_minutes=verdict.action.minutes,
            reason="; ".join(verdict.reasons), status=self._status(verdict),
            kind=CaseKind.MESSAGE, labels=verdict.labels,
            scores={k: round(v, 4) for k, v in scores.items()},
            model_version=self.model_version, policy_version=policy.version,
            channel_id=event.channel_id, message_id=event.id,
            excerpt=event.text.raw[:EXCERPT_CHARS], jump_url=event.jump_url,
            strike=verdict.strike and verdict.acts,
        )

    async def open_alert(self, alert: CoordinationAlert, policy: Policy) -> list[Case]:
        """One review case per alert; quarantine cases for new accounts if policy says so.

        Returns the cases opened; none when the database is locked (they are held)."""
        opened: list[Case] = []
        recorded = await self.backlog.run(self._alert_steps(alert, policy, opened))
        return opened if recorded else []

    def _alert_steps(
        self, alert: CoordinationAlert, policy: Policy, opened: list[Case]
    ) -> list[Step]:
        kind = CaseKind(alert.kind)
        shadow = policy.shadow_mode or not self.live
        status = CaseStatus.SHADOW if shadow else CaseStatus.OPEN

        async def save_evidence(case: Case) -> None:
            await self._campaigns.save(
                guild_id=alert.guild_id, kind=alert.kind, score=alert.score,
                accounts=alert.accounts, message_ids=alert.message_ids, evidence=alert.evidence,
                case_id=case.id, at=alert.detected_at,
            )

        review = NewCase(
            guild_id=alert.guild_id, target_id=alert.target_id or 0,
            target_name=f"{len(alert.accounts)} accounts", action="review",
            reason=alert.summary(), status=status, kind=kind,
            scores={"campaign": round(alert.score, 4)}, model_version=self.model_version,
            policy_version=policy.version, channel_id=alert.channel_id,
            excerpt=str(alert.evidence.get("text", ""))[:EXCERPT_CHARS],
        )
        review_cases: list[Case] = []

        async def record_review() -> Sequence[Step]:
            # Through a list of its own: the quarantine reasons name the review's number.
            follow = await self._case_step(review, alert.detected_at, review_cases,
                                           attach=save_evidence)()
            opened.extend(review_cases)
            return follow

        steps: list[Step] = [record_review]
        action = policy.campaigns.action
        if alert.kind == "campaign" and action.enforces:
            for account in alert.evidence.get("new_accounts", []):
                steps.append(self._quarantine_step(alert, policy, int(account), review_cases,
                                                   opened, shadow))
        return steps

    def _quarantine_step(
        self, alert: CoordinationAlert, policy: Policy, account: int, review: list[Case],
        opened: list[Case], shadow: bool,
    ) -> Step:
        action = policy.campaigns.action

        async def record() -> Sequence[Step]:
            new = NewCase(
                guild_id=alert.guild_id, target_id=account, action=action.kind.value,
                duration_minutes=action.minutes,
                status=CaseStatus.SHADOW if shadow else CaseStatus.PENDING,
                kind=CaseKind(alert.kind),
                reason=f"new account in campaign (case #{review[0].number})",
                model_version=self.model_version, policy_version=policy.version,
            )
            return await self._case_step(new, alert.detected_at, opened)()

        return record
