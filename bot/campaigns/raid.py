"""Raids: a burst of joins by new accounts, and later repeated content from those accounts."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot.event import AuthorFacts


@dataclass(frozen=True, slots=True)
class Burst:
    members: tuple[AuthorFacts, ...]
    first_at: datetime
    last_at: datetime
    score: float


@dataclass(slots=True)
class RaidTracker:
    """Joins of young accounts in a sliding window; raiders are remembered for a while."""

    joins: deque[tuple[datetime, AuthorFacts]] = field(default_factory=deque)
    alerted_joins: int = 0
    #: Raider id -> when the burst was seen; used to boost their repeated content.
    raiders: dict[int, datetime] = field(default_factory=dict)
    #: Clusters already reported as raid content.
    reported_clusters: set[int] = field(default_factory=set)

    def observe(
        self, member: AuthorFacts, at: datetime, *, new_days: float, window: timedelta,
        min_joins: int, memory: timedelta,
    ) -> Burst | None:
        self._forget(at, memory)
        if not member.is_new(at, new_days):
            return None  # an old account joining is a returning member, not a raider
        self.joins.append((at, member))
        while self.joins and at - self.joins[0][0] > window:
            self.joins.popleft()
        count = len(self.joins)
        if count == 1:
            self.alerted_joins = 0  # a new burst after a quiet window may alert again
        first = self.alerted_joins == 0 and count >= min_joins
        grown = self.alerted_joins > 0 and count >= 1.5 * self.alerted_joins
        if not (first or grown):
            return None
        self.alerted_joins = count
        for when, joined in self.joins:
            self.raiders[joined.id] = when
        members = tuple(m for _, m in self.joins)
        score = round(min(1.0, 0.6 + 0.3 * min(1.0, count / (2 * min_joins))), 4)
        return Burst(members, self.joins[0][0], at, score)

    def forget(self, member_id: int) -> None:
        """Drop the member's join and raider mark (data erasure)."""
        self.joins = deque((at, m) for at, m in self.joins if m.id != member_id)
        self.raiders.pop(member_id, None)

    def raider_ids(self) -> set[int]:
        return set(self.raiders)

    def _forget(self, now: datetime, memory: timedelta) -> None:
        for raider in [r for r, t in self.raiders.items() if now - t > memory]:
            del self.raiders[raider]
        if not self.raiders:
            self.reported_clusters.clear()
