"""Threshold advice from moderators' review decisions (``python -m bot calibrate``).

Every Keep / Remove / Timeout / Ban on a grey-band message is stored with the message's
scores. Per label this shows how often moderators removed what Vigil queued, and the
lowest act band at which their removals would have been right often enough to automate.
Only the model-threshold bands count toward a label: a message another rule flagged (threat
wording, scam links) is evidence about that rule, not about the label's band.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.policy_config import Policy
from bot.storage.records import MessageScore

REMOVED = frozenset({"remove", "timeout", "ban"})
#: Share of removals needed above a band before acting there automatically is advised.
TARGET_PRECISION = 0.9
#: Fewer reviewed messages than this above a band are not evidence enough.
MIN_SUPPORT = 5
GRID = tuple(round(0.30 + 0.01 * i, 2) for i in range(70))


@dataclass(frozen=True, slots=True)
class LabelAdvice:
    label: str
    reviewed: int
    removed: int
    current_review: float
    current_act: float
    #: Lowest band whose reviewed messages moderators removed >= TARGET_PRECISION of the time.
    suggested_act: float | None
    #: Lowest score of a message moderators removed (the review band should stay below it).
    lowest_removed: float | None


def advise(records: Sequence[MessageScore], policy: Policy) -> list[LabelAdvice]:
    decided = [r for r in records if r.review_decision]
    advice: list[LabelAdvice] = []
    for label, rule in policy.labels.items():
        relevant = [
            r for r in decided
            if label in r.band_labels() or r.scores.get(label, 0.0) >= rule.review
        ]
        removed = [r for r in relevant if r.review_decision in REMOVED]
        advice.append(LabelAdvice(
            label=label,
            reviewed=len(relevant),
            removed=len(removed),
            current_review=rule.review,
            current_act=rule.act,
            suggested_act=_lowest_precise_band(relevant, label),
            lowest_removed=min((r.scores.get(label, 0.0) for r in removed), default=None),
        ))
    return advice


def _lowest_precise_band(records: Sequence[MessageScore], label: str) -> float | None:
    for band in GRID:
        above = [r for r in records if r.scores.get(label, 0.0) >= band]
        if len(above) < MIN_SUPPORT:
            return None
        share = sum(r.review_decision in REMOVED for r in above) / len(above)
        if share >= TARGET_PRECISION:
            return band
    return None


def advice_table(advice: Sequence[LabelAdvice]) -> str:
    def fmt(value: float | None) -> str:
        return "-" if value is None else f"{value:.2f}"

    lines = [
        f"{'label':<16} {'reviewed':>8} {'removed':>8} {'review':>7} {'act':>6} "
        f"{'advised act':>11} {'lowest removed':>14}",
    ]
    for a in advice:
        lines.append(
            f"{a.label:<16} {a.reviewed:>8} {a.removed:>8} {a.current_review:>7.2f} "
            f"{a.current_act:>6.2f} {fmt(a.suggested_act):>11} {fmt(a.lowest_removed):>14}"
        )
    lines.append(
        f"\nadvised act: lowest score from which moderators removed >= {TARGET_PRECISION:.0%} "
        f"of reviewed messages (at least {MIN_SUPPORT}); '-' = not enough decisions yet."
    )
    return "\n".join(lines)
