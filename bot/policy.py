"""The pure policy: scores + event + member history + policy -> Verdict. No I/O here."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from bot.event import MessageEvent
from bot.flood import FloodSignals
from bot.policy_config import Action, ActionKind, LabelRule, Policy
from bot.scam_links import find_scam_links
from bot.threat_wording import find_threat_wording

NO_ACTION = Action(kind=ActionKind.NONE)
REVIEW = Action(kind=ActionKind.REVIEW)
#: Labels whose act band counter-speech protection raises.
ABUSE_LABELS = frozenset({"toxicity", "insult", "profanity", "identity_attack"})


class Band(StrEnum):
    NONE = "none"
    REVIEW = "review"
    ACT = "act"


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
) -> Verdict:
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

    rules = effective_rules(policy, event)
    act_hits: list[tuple[str, LabelRule]] = []
    review_hits: list[str] = []
    for label, rule in rules.items():
        score = scores.get(label, 0.0)
        act_at = min(1.0, rule.act + margin) if label in ABUSE_LABELS else rule.act
        if rule.action.kind is not ActionKind.NONE and score >= act_at and rule.act < 1.0:
            act_hits.append((label, rule))
            reasons.append(f"{label} {score:.2f} >= act {act_at:.2f}")
        elif score >= rule.review and rule.review < 1.0:
            review_hits.append(label)
            reasons.append(f"{label} {score:.2f} >= review {rule.review:.2f}")

    for rule_reason, rule_action in _spam_rules(policy, event, flood):
        # Repetition and phishing links are spam whatever the spam head says of one message.
        act_hits.append(("spam", LabelRule(review=0.0, act=0.0, action=rule_action,
                                           strike=False)))
        review_hits = [label for label in review_hits if label != "spam"]
        reasons.append(rule_reason)

    threat_reason = _threat_reason(policy, event)
    if threat_reason:
        # Explicit threat wording the threat head misses. Added on top of the model's hits,
        # so the stronger outcome stands: a review never replaces an act-band hit.
        reasons.append(threat_reason)
        rule_action = policy.threats.action
        if rule_action.enforces:
            act_hits.append(("threat", LabelRule(review=0.0, act=0.0, action=rule_action,
                                                 strike=False)))
            review_hits = [label for label in review_hits if label != "threat"]
        elif "threat" not in review_hits and all(label != "threat" for label, _ in act_hits):
            review_hits.append("threat")

    if obfuscated and (act_hits or review_hits):
        reasons.append(f"obfuscated text (evasion {event.text.evasion:.2f})")

    if act_hits:
        action = max((rule.action for _, rule in act_hits), key=lambda a: a.severity)
        strike = any(rule.strike for _, rule in act_hits)
        if strike:
            action, step_reason = _escalate(policy, action, history.strikes + 1)
            if step_reason:
                reasons.append(step_reason)
        labels = tuple(dict.fromkeys(label for label, _ in act_hits)) + tuple(review_hits)
        return Verdict(action, Band.ACT, labels, tuple(reasons), shadow, strike, claims)
    if review_hits:
        labels = tuple(review_hits)
        return Verdict(REVIEW, Band.REVIEW, labels, tuple(reasons), shadow, False, claims)
    return Verdict(NO_ACTION, Band.NONE, (), tuple(reasons), shadow, False, claims)


def _spam_rules(
    policy: Policy, event: MessageEvent, flood: FloodSignals | None
) -> list[tuple[str, Action]]:
    """Reasons and actions of the rules that need no model: flood and scam links."""
    hits = []
    flood_reason = _flood_reason(policy, flood) if flood is not None else None
    if flood_reason:
        hits.append((flood_reason, policy.flood.action))
    scam_reason = _scam_reason(policy, event)
    if scam_reason:
        hits.append((scam_reason, policy.scam_links.action))
    return hits


def _scam_reason(policy: Policy, event: MessageEvent) -> str | None:
    rule = policy.scam_links
    if not rule.enabled:
        return None
    findings = find_scam_links(
        event.text, protected=rule.protected_domains, allowed=rule.allowed_domains,
        max_distance=rule.max_edit_distance,
    )
    if not findings.domains:
        return None
    shown = ", ".join(str(d) for d in findings.domains[:3])
    more = len(findings.domains) - 3
    return f"scam link: {shown}" + (f" (+{more} more)" if more > 0 else "")


def _threat_reason(policy: Policy, event: MessageEvent) -> str | None:
    if not policy.threats.enabled:
        return None
    found = find_threat_wording(event.text)
    return f'threat wording: "{found.phrase}"' if found else None


def _flood_reason(policy: Policy, flood: FloodSignals) -> str | None:
    rule = policy.flood
    if rule.repeats and flood.repeats >= rule.repeats:
        return f"flood: same message {flood.repeats} times in {rule.window_minutes:g} minutes"
    if rule.mentions and flood.mentions >= rule.mentions:
        return f"flood: {flood.mentions} members mentioned in one message"
    return None


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
