"""The pure policy: scores + event + member history + policy -> Verdict. No I/O here.

``decide`` runs the exemptions, then every rule of the registry (``bot.rules``), merges
their hits (the most severe action wins, every reason is kept), then escalation.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from bot.event import MessageEvent
from bot.policy_config import Action, ActionKind, LabelRule, Policy
from bot.rules import REGISTRY, Hit, Rule, RuleContext
from bot.rules.bands import Band as Band
from bot.rules.flood import FloodRule, FloodSignals

NO_ACTION = Action(kind=ActionKind.NONE)
REVIEW = Action(kind=ActionKind.REVIEW)
#: Rule instances for callers that keep no rule state (tests, tools): stateful rules then
#: judge only what the caller observed and passes in.
STATELESS_RULES: tuple[Rule, ...] = tuple(rule() for rule in REGISTRY)


@dataclass(frozen=True, slots=True)
class MemberHistory:
    """What the policy needs to know of the member's past: live strikes in the window."""

    strikes: int = 0


@dataclass(frozen=True, slots=True)
class Context:
    """Scores of the conversation around the message, when known."""

    parent_toxicity: float | None = None
    parent_stance: dict[str, float] | None = None


@dataclass(frozen=True, slots=True)
class Verdict:
    action: Action
    band: Band
    #: Labels at or above their act band (ACT) or review band (REVIEW).
    labels: tuple[str, ...] = ()
    reasons: tuple[str, ...] = ()
    #: Score and record, never act.
    shadow: bool = False
    #: Counts toward escalation.
    strike: bool = False
    #: Claims the message favours (claim id -> agree probability).
    claims: dict[str, float] = field(default_factory=dict)
    #: What each rule that fired found, in registry order (``rules`` names them).
    hits: tuple[Hit, ...] = ()

    @property
    def rules(self) -> tuple[str, ...]:
        """Ids of the rules that fired."""
        return tuple(hit.rule for hit in self.hits)

    def labels_of(self, rule_id: str) -> tuple[str, ...]:
        """Labels one rule acted on or sent to review (calibration reads the bands')."""
        found = [h for h in self.hits if h.rule == rule_id]
        return tuple(dict.fromkeys(
            label for h in found for label in (*(a.label for a in h.acts), *h.reviews)))

    @property
    def acts(self) -> bool:
        return self.band is Band.ACT and self.action.kind is not ActionKind.NONE

    @property
    def needs_case(self) -> bool:
        return self.action.kind is not ActionKind.NONE


def effective_rules(policy: Policy, event: MessageEvent) -> dict[str, LabelRule]:
    """Global label rules with channel overrides, then role overrides, applied in order."""
    rules = dict(policy.labels)
    overrides = [o for key, o in policy.channels.items() if key in event.channel_keys]
    overrides += [o for key, o in policy.roles.items() if key in event.author.roles]
    for override in overrides:
        for label, change in override.labels.items():
            base = rules.get(label, LabelRule())
            update = {k: getattr(change, k) for k in ("review", "act", "action")}
            update = {k: v for k, v in update.items() if v is not None}
            rules[label] = base.model_copy(update=update)
    return rules


def is_exempt(policy: Policy, event: MessageEvent) -> str | None:
    if event.author.roles & set(policy.exempt.roles):
        return "author has an exempt role"
    if event.channel_keys & set(policy.exempt.channels):
        return "channel is exempt"
    for key, override in (*policy.channels.items(), *policy.roles.items()):
        if override.exempt and (key in event.channel_keys or key in event.author.roles):
            return f"exempt by override {key}"
    return None


def is_shadow(policy: Policy, event: MessageEvent) -> bool:
    for key, override in policy.channels.items():
        if key in event.channel_keys and override.shadow_mode is not None:
            return override.shadow_mode
    return policy.shadow_mode


def decide(
    scores: dict[str, float],
    event: MessageEvent,
    history: MemberHistory,
    policy: Policy,
    context: Context = Context(),
    claim_stances: dict[str, dict[str, float]] | None = None,
    flood: FloodSignals | None = None,
    *,
    rules: Sequence[Rule] = STATELESS_RULES,
    observed: Mapping[str, Any] | None = None,
) -> Verdict:
    """``observed``: what stateful rules saw before this message, by rule id (``flood`` is
    the flood rule's, kept as a keyword of its own for callers that pass it directly)."""
    shadow = is_shadow(policy, event)
    claims = _favoured_claims(policy, claim_stances or {})
    exempt = is_exempt(policy, event)
    if exempt:
        return Verdict(NO_ACTION, Band.NONE, reasons=(exempt,), shadow=shadow, claims=claims)
    lowered = event.text.text.lower()
    allowed = next((p for p in policy.allow_phrases if p.lower() in lowered), None)
    if allowed:
        return Verdict(
            NO_ACTION, Band.NONE, reasons=(f"allow-listed phrase {allowed!r}",), shadow=shadow,
            claims=claims,
        )

    reasons: list[str] = []
    margin = 0.0
    obfuscated = event.text.evasion >= policy.context.evasion_threshold
    # Obfuscated "counter-speech" is more likely abuse dressed up: no leniency then.
    if _is_counter_speech(policy, context) and not obfuscated:
        margin = policy.context.counter_speech_margin
        reasons.append("counter-speech: disagrees with an abusive parent")

    seen = dict(observed or {})
    if flood is not None:
        seen[FloodRule.id] = flood
    rule_context = RuleContext(
        scores=scores, sections=policy, label_rules=effective_rules(policy, event),
        abuse_margin=margin, observed=seen,
    )
    hits = tuple(hit for rule in rules if (hit := rule.check(event, rule_context)) is not None)
    reasons.extend(reason for hit in hits for reason in hit.reasons)
    acts = [act for hit in hits for act in hit.acts]
    acted = tuple(dict.fromkeys(act.label for act in acts))
    # A label one rule acts on is not also queued for review by another.
    reviews = tuple(label for label in dict.fromkeys(r for hit in hits for r in hit.reviews)
                    if label not in acted)

    if obfuscated and (acts or reviews):
        reasons.append(f"obfuscated text (evasion {event.text.evasion:.2f})")

    if acts:
        action = max((act.action for act in acts), key=lambda a: a.severity)
        strike = any(act.strike for act in acts)
        if strike:
            action, step_reason = _escalate(policy, action, history.strikes + 1)
            if step_reason:
                reasons.append(step_reason)
        return Verdict(action, Band.ACT, acted + reviews, tuple(reasons), shadow, strike, claims,
                       hits)
    if reviews:
        return Verdict(REVIEW, Band.REVIEW, reviews, tuple(reasons), shadow, False, claims, hits)
    return Verdict(NO_ACTION, Band.NONE, (), tuple(reasons), shadow, False, claims, hits)


def _is_counter_speech(policy: Policy, context: Context) -> bool:
    if context.parent_toxicity is None or context.parent_stance is None:
        return False
    return (
        context.parent_toxicity >= policy.context.counter_speech_parent_toxicity
        and context.parent_stance.get("disagree", 0.0) >= policy.context.counter_speech_disagree
    )


def _escalate(policy: Policy, action: Action, strikes: int) -> tuple[Action, str | None]:
    steps = [step for step in policy.escalation.ladder if step.strikes <= strikes]
    if not steps:
        return action, None
    step = steps[-1]
    if step.action.severity > action.severity or (
        step.action.kind is action.kind is ActionKind.TIMEOUT
        and (step.action.minutes or 0) > (action.minutes or 0)
    ):
        return step.action, f"escalated to {step.action} at {strikes} strikes"
    return action, None


def _favoured_claims(
    policy: Policy, claim_stances: dict[str, dict[str, float]]
) -> dict[str, float]:
    favoured = {}
    for claim in policy.claims:
        agree = claim_stances.get(claim.id, {}).get("agree", 0.0)
        if agree >= claim.agree_threshold:
            favoured[claim.id] = round(agree, 4)
    return favoured
