"""Pile-ons: many distinct members hostile toward one member within a few minutes.

Each message may stay under the act band; the crowd is the harm. A message targets the
author it replies to and every member it mentions.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot.labels import LABEL_GROUPS

#: Labels whose maximum is the hostility of a message.
HOSTILE_LABELS = LABEL_GROUPS.hostile


def hostility(scores: dict[str, float]) -> float:
    return max((scores.get(label, 0.0) for label in HOSTILE_LABELS), default=0.0)


@dataclass(frozen=True, slots=True)
class Hit:
    at: datetime
    author_id: int
    message_id: int
    channel_id: int
    hostility: float
    text: str


@dataclass(slots=True)
class _Target:
    hits: deque[Hit] = field(default_factory=deque)
    alerted_authors: int = 0


@dataclass(frozen=True, slots=True)
class PileOn:
    target_id: int
    hits: tuple[Hit, ...]
    authors: tuple[int, ...]
    score: float


class PileOnTracker:
    """Hostile messages per target in a sliding window; reports a pile-on once, then growth."""

    def __init__(self, max_targets: int = 5_000) -> None:
        self.max_targets = max_targets
        self.targets: dict[int, _Target] = {}

    def observe(
        self, hit: Hit, target_ids: set[int], *, window: timedelta, min_authors: int
    ) -> list[PileOn]:
        found = []
        for target_id in sorted(target_ids - {hit.author_id}):
            state = self.targets.setdefault(target_id, _Target())
            state.hits.append(hit)
            while state.hits and hit.at - state.hits[0].at > window:
                state.hits.popleft()
            authors = tuple(dict.fromkeys(h.author_id for h in state.hits))
            first = state.alerted_authors == 0 and len(authors) >= min_authors
            grown = state.alerted_authors > 0 and len(authors) >= 1.5 * state.alerted_authors
            if first or grown:
                state.alerted_authors = len(authors)
                found.append(PileOn(target_id, tuple(state.hits), authors,
                                    _score(state.hits, len(authors), min_authors)))
        self._prune(hit.at, window)
        return found

    def forget(self, member_id: int) -> int:
        """Drop the member's hostile messages and any pile-on aimed at them (data erasure);
        returns how many of their messages were held."""
        dropped: set[int] = set()
        self.targets.pop(member_id, None)
        for state in self.targets.values():
            dropped |= {h.message_id for h in state.hits if h.author_id == member_id}
            state.hits = deque(h for h in state.hits if h.author_id != member_id)
        return len(dropped)

    def _prune(self, now: datetime, window: timedelta) -> None:
        if len(self.targets) <= self.max_targets:
            return
        for target_id in [t for t, s in self.targets.items()
                          if not s.hits or now - s.hits[-1].at > window]:
            del self.targets[target_id]


def _score(hits: deque[Hit], authors: int, min_authors: int) -> float:
    """More attackers and harsher words score higher; the threshold crowd scores 0.6+."""
    mean = sum(h.hostility for h in hits) / len(hits)
    return round(min(1.0, 0.4 + 0.3 * min(1.0, authors / (2 * min_authors)) + 0.3 * mean), 4)
