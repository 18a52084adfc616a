"""Per-message spam signals: links, invites, mention floods, one author repeating himself.

Pure: the caller passes the author's recent history, so tests need no detector.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.campaigns.similarity import exact_key
from bot.event import MessageEvent

#: Links in one message from which it counts as a link flood.
LINK_FLOOD = 3
#: User mentions in one message from which it counts as a mention flood.
MENTION_FLOOD = 5
#: The same text this many times in the window counts as repetition.
REPEATS = 3


def spam_signals(event: MessageEvent, history: Sequence[str]) -> dict[str, float]:
    """Signals in [0, 1]; ``history`` holds the exact keys of the author's recent messages."""
    text = event.text
    same = sum(1 for key in history if key == exact_key(text.folded))
    return {
        "links": min(1.0, len(text.urls) / LINK_FLOOD),
        "invite": 1.0 if text.invites else 0.0,
        "mentions": min(1.0, len(user_mentions(text.mentions)) / MENTION_FLOOD),
        # Counts this message too: the third identical post in the window scores 1.
        "repeat": min(1.0, same / (REPEATS - 1)),
    }


def user_mentions(mentions: Sequence[object]) -> list[int]:
    """User ids from normalised mentions, which may be ids or ``<@id>`` / ``<@!id>`` strings."""
    ids: list[int] = []
    for mention in mentions:
        if isinstance(mention, int):
            ids.append(mention)
            continue
        token = str(mention).strip()
        if token.startswith(("<@&", "<#", "@&")):  # role and channel mentions target no member
            continue
        digits = "".join(ch for ch in token if ch.isdigit())
        if digits:
            ids.append(int(digits))
    return ids
