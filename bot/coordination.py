"""The contract between the pipeline and detectors that look across accounts."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from bot.event import AuthorFacts, MessageEvent
from bot.policy import Verdict
from bot.policy_config import Policy
from models.api import ScoreResult

#: What moderators and the mod log call each kind of alert.
ALERT_TITLES: dict[str, str] = {
    "campaign": "Coordinated campaign", "pile_on": "Pile-on", "raid": "Raid",
}


@dataclass(frozen=True, slots=True)
class CoordinationAlert:
    """A campaign, pile-on or raid found across several accounts."""

    kind: str  # "campaign" | "pile_on" | "raid"
    guild_id: int
    score: float
    accounts: tuple[int, ...]
    message_ids: tuple[int, ...]
    detected_at: datetime
    #: Member the pile-on targets, when there is one.
    target_id: int | None = None
    #: Shown to moderators: the shared text, timeline, account ages, shared domains, claims.
    evidence: dict[str, Any] = field(default_factory=dict)
    #: Channel where it happened (slowmode / lockdown apply here).
    channel_id: int | None = None

    def summary(self) -> str:
        head = ALERT_TITLES.get(self.kind, self.kind)
        return f"{head}: {len(self.accounts)} accounts, {len(self.message_ids)} messages, " \
               f"score {self.score:.2f}"


class CoordinationDetector(Protocol):
    def observe(
        self, event: MessageEvent, result: ScoreResult, verdict: Verdict, policy: Policy
    ) -> list[CoordinationAlert]:
        """Take one scored message; return alerts that this message completes or grows."""
        ...

    def observe_join(
        self, guild_id: int, member: AuthorFacts, at: datetime, policy: Policy
    ) -> list[CoordinationAlert]:
        """Take one member join (raid detection)."""
        ...

    def forget(self, guild_id: int, user_id: int) -> int:
        """Drop everything held about a member in a guild (data erasure); returns how many
        of their recent messages were held."""
        ...
