"""The model-threshold bands: from ``review`` a moderator looks, from ``act`` the bot acts.

Its YAML section is ``labels`` (with per-channel and per-role overrides, which ``decide``
applies before the rules run). The one place that places a score in a band: ``/vigil
score`` previews with :func:`band_of` too.
"""

from __future__ import annotations

from enum import StrEnum

from bot.event import MessageEvent
from bot.labels import LABEL_GROUPS
from bot.policy_types import ActionKind, LabelRule
from bot.rules.base import Hit, LabelAct, Rule, RuleContext


class Band(StrEnum):
    NONE = "none"
    REVIEW = "review"
    ACT = "act"


def band_of(label: str, score: float, rule: LabelRule, abuse_margin: float = 0.0) -> Band:
    """Where ``score`` falls for ``label``; abuse labels need ``abuse_margin`` more to act."""
    act_at = act_threshold(label, rule, abuse_margin)
    if rule.action.kind is not ActionKind.NONE and score >= act_at and rule.act < 1.0:
        return Band.ACT
    if score >= rule.review and rule.review < 1.0:
        return Band.REVIEW
    return Band.NONE


def act_threshold(label: str, rule: LabelRule, abuse_margin: float = 0.0) -> float:
    return min(1.0, rule.act + abuse_margin) if label in LABEL_GROUPS.abuse else rule.act


class BandsRule(Rule):
    id = "bands"

    def check(self, event: MessageEvent, context: RuleContext) -> Hit | None:
        acts: list[LabelAct] = []
        reviews: list[str] = []
        reasons: list[str] = []
        margin = context.abuse_margin
        for label, rule in context.label_rules.items():
            score = context.scores.get(label, 0.0)
            band = band_of(label, score, rule, margin)
            if band is Band.ACT:
                acts.append(LabelAct(label, rule.action, rule.strike))
                act_at = act_threshold(label, rule, margin)
                reasons.append(f"{label} {score:.2f} >= act {act_at:.2f}")
            elif band is Band.REVIEW:
                reviews.append(label)
                reasons.append(f"{label} {score:.2f} >= review {rule.review:.2f}")
        if not reasons:
            return None
        return Hit(self.id, tuple(reasons), tuple(acts), tuple(reviews))
