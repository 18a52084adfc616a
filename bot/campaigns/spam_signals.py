"""Per-message spam signals: links, invites, mention floods, one author repeating himself.

Pure: the caller passes the author's recent history, so tests need no detector. Mentions and
repeats are counted by the flood rule's helpers (one way of counting); the scales below turn
counts into soft [0, 1] evidence for cluster scoring, they are not the flood rule's limits.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.campaigns.similarity import exact_key
from bot.event import MessageEvent
from bot.rules.flood import count_repeats, user_mentions

#: Links in one message at which the link signal is full.
LINK_FLOOD = 3
#: User mentions in one message at which the mention signal is full.
MENTION_FLOOD = 5
#: The same text this many times in the window makes the repeat signal full.
REPEATS = 3


def spam_signals(event: MessageEvent, history: Sequence[str]) -> dict[str, float]:
    """Signals in [0, 1]; ``history`` holds the exact keys of the author's recent messages."""
    text = event.text
    same = count_repeats(exact_key(text.folded), history)
    return {
        "links": min(1.0, len(text.urls) / LINK_FLOOD),
        "invite": 1.0 if text.invites else 0.0,
        "mentions": min(1.0, len(user_mentions(text.mentions)) / MENTION_FLOOD),
        # Counts this message too: the third identical post in the window scores 1.
        "repeat": min(1.0, same / (REPEATS - 1)),
    }


__all__ = ["spam_signals", "user_mentions"]
