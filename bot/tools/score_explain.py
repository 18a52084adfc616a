"""Why ``python -m bot score`` would act: the rules that fire and the policy's decision.

The message goes through the same ``decide`` the pipeline runs (every rule of the registry,
then escalation) as a first message of a member with no strikes, in no particular channel
and with no roles: overrides by channel or role, and the flood rule's memory of earlier
messages, do not apply to one line on its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from bot.event import AuthorFacts, MessageEvent
from bot.labels import LABEL_GROUPS
from bot.policy import Context, MemberHistory, Verdict, decide
from bot.policy_config import Policy

#: Ids for the one-message event: no real guild, channel or author is named.
_NOBODY = AuthorFacts(id=1, name="score")
_AT = datetime(2020, 1, 1, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class Explainer:
    """Decides one scored line under ``policy``."""

    policy: Policy

    def verdict(
        self,
        text: str,
        scores: dict[str, float],
        *,
        parent: str | None = None,
        parent_scores: dict[str, float] | None = None,
        parent_stance: dict[str, float] | None = None,
    ) -> Verdict:
        event = MessageEvent.build(
            id=2, guild_id=1, channel_id=1, author=_NOBODY, content=text, created_at=_AT,
            reply_to_id=1 if parent is not None else None, parent_text=parent,
        )
        parent_toxicity = None
        if parent_scores:
            parent_toxicity = max(parent_scores.get(k, 0.0) for k in LABEL_GROUPS.hostile)
        context = Context(parent_toxicity=parent_toxicity, parent_stance=parent_stance)
        return decide(scores, event, MemberHistory(), self.policy, context)


def explain(verdict: Verdict) -> dict[str, object]:
    """``rules`` and ``decision`` fields of one output line."""
    return {
        "rules": [
            {"rule": hit.rule, "reasons": list(hit.reasons),
             "labels": list(dict.fromkeys((*(a.label for a in hit.acts), *hit.reviews)))}
            for hit in verdict.hits
        ],
        "decision": {
            "action": str(verdict.action),
            "band": verdict.band.value,
            "reasons": list(verdict.reasons),
        },
    }
