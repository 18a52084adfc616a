"""Per-member flood signals: the same message again and again, or a burst of mentions.

A word filter's job, but members expect it and the models cannot see repetition. In
memory, bounded: a short history per author, authors forgotten after the window.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.event import MessageEvent

#: Messages remembered per author; more repeats than this are still "many".
HISTORY = 20
#: Authors remembered per guild before idle ones are dropped.
MAX_AUTHORS = 20_000


@dataclass(frozen=True, slots=True)
class FloodSignals:
    #: Times this member sent this same (folded) text within the window, this one included.
    repeats: int = 1
    #: User mentions in this message.
    mentions: int = 0


class FloodTracker:
    def __init__(self) -> None:
        self._seen: dict[tuple[int, int], deque[tuple[datetime, str]]] = {}

    def observe(self, event: MessageEvent, window: timedelta) -> FloodSignals:
        key = (event.guild_id, event.author.id)
        history = self._seen.setdefault(key, deque(maxlen=HISTORY))
        since = event.created_at - window
        while history and history[0][0] < since:
            history.popleft()
        text = event.text.folded
        history.append((event.created_at, text))
        if len(self._seen) > MAX_AUTHORS:
            self._forget_idle(since)
        repeats = sum(1 for _, seen in history if seen == text) if text else 1
        mentions = sum(1 for m in event.text.mentions if m.startswith("<@") and "&" not in m)
        return FloodSignals(repeats=repeats, mentions=mentions)

    def forget(self, guild_id: int, user_id: int) -> int:
        """Drop a member's recent messages (data erasure); returns how many were held."""
        return len(self._seen.pop((guild_id, user_id), ()))

    def _forget_idle(self, since: datetime) -> None:
        for key in [k for k, h in self._seen.items() if not h or h[-1][0] < since]:
            del self._seen[key]

    def __len__(self) -> int:
        return len(self._seen)
