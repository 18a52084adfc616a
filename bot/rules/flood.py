"""The flood rule: one member sending the same message again and again, or mass-mentioning.

A word filter's job, but members expect it and the models cannot see repetition. Stateful:
:meth:`FloodRule.observe` keeps a short history per author in memory (bounded; authors
forgotten after the window). The counting helpers here (:func:`user_mentions`,
:func:`count_repeats`) are the only ones: the campaign detector's spam signals use them too.
"""

from __future__ import annotations

from collections import OrderedDict, deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from pydantic import Field

from bot.event import MessageEvent
from bot.policy_types import MAX_COUNT, Action, ActionKind, Strict
from bot.recent_servers import MAX_SERVERS, RecentServers
from bot.rules.base import Hit, LabelAct, Rule, RuleContext

#: Messages remembered per author; more repeats than this are still "many".
HISTORY = 20
#: Authors remembered per server. Past it that server's idle authors are dropped, then its
#: longest-quiet ones: a busy server never pushes another server's members out.
MAX_AUTHORS = 20_000


@dataclass(frozen=True, slots=True)
class FloodSignals:
    #: Times this member sent this same (folded) text within the window, this one included.
    repeats: int = 1
    #: User mentions in this message.
    mentions: int = 0


class FloodTracker:
    def __init__(self, max_authors: int | None = None, max_guilds: int = MAX_SERVERS) -> None:
        self.max_authors = max_authors or MAX_AUTHORS
        #: guild id -> author id -> recent (time, folded text), least recently seen first;
        #: past ``max_guilds`` servers the quietest goes (its flood window refills).
        self._guilds: RecentServers[OrderedDict[int, deque[tuple[datetime, str]]]] = \
            RecentServers(max_guilds)

    def observe(self, event: MessageEvent, window: timedelta) -> FloodSignals:
        authors = self._guilds.touch(event.guild_id, OrderedDict)
        history = authors.get(event.author.id)
        if history is None:
            history = authors[event.author.id] = deque(maxlen=HISTORY)
        else:
            authors.move_to_end(event.author.id)
        since = event.created_at - window
        while history and history[0][0] < since:
            history.popleft()
        text = event.text.folded
        history.append((event.created_at, text))
        if len(authors) > self.max_authors:
            self._trim(authors, since)
        repeats = count_repeats(text, (seen for _, seen in history)) if text else 1
        return FloodSignals(repeats=repeats, mentions=len(user_mentions(event.text.mentions)))

    def forget(self, guild_id: int, user_id: int) -> int:
        """Drop a member's recent messages (data erasure); returns how many were held."""
        authors = self._guilds.get(guild_id)
        history = authors.pop(user_id, None) if authors is not None else None
        return len(history) if history is not None else 0

    def _trim(self, authors: OrderedDict[int, deque[tuple[datetime, str]]],
              since: datetime) -> None:
        for key in [k for k, h in authors.items() if not h or h[-1][0] < since]:
            del authors[key]
        while len(authors) > self.max_authors:
            authors.popitem(last=False)

    def authors(self, guild_id: int) -> int:
        """Members remembered in one server."""
        return len(self._guilds.get(guild_id) or ())

    def guilds(self) -> int:
        """Servers remembered."""
        return len(self._guilds)

    def __len__(self) -> int:
        return sum(len(authors) for authors in self._guilds.values())


def count_repeats(key: str, history: Iterable[str]) -> int:
    """How many of ``history`` (which includes the message itself) are the same as ``key``."""
    return sum(1 for seen in history if seen == key)


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


# --- the rule ------------------------------------------------------------------------------


class Flood(Strict):
    """One member repeating a message or mass-mentioning: acted on without the models."""

    #: The same message from one member this many times within the window (0 = off).
    repeats: int = Field(default=4, ge=0, le=MAX_COUNT)
    window_minutes: float = Field(default=10.0, gt=0, le=24 * 60)
    #: User mentions in one message (0 = off).
    mentions: int = Field(default=8, ge=0, le=MAX_COUNT)
    action: Action = Action(kind=ActionKind.DELETE)


class FloodRule(Rule):
    """Repetition is spam whatever the spam head says of one message."""

    id = "flood"
    section = "flood"
    config = Flood

    def __init__(self) -> None:
        self.tracker = FloodTracker()

    def observe(self, event: MessageEvent, settings: Flood) -> FloodSignals:
        return self.tracker.observe(event, timedelta(minutes=settings.window_minutes))

    def forget(self, guild_id: int, user_id: int) -> int:
        return self.tracker.forget(guild_id, user_id)

    def check(self, event: MessageEvent, context: RuleContext) -> Hit | None:
        signals = context.observed.get(self.id)
        if not isinstance(signals, FloodSignals):
            return None
        rule: Flood = self.settings(context.sections)
        if rule.repeats and signals.repeats >= rule.repeats:
            reason = (f"flood: same message {signals.repeats} times in "
                      f"{rule.window_minutes:g} minutes")
        elif rule.mentions and signals.mentions >= rule.mentions:
            reason = f"flood: {signals.mentions} members mentioned in one message"
        else:
            return None
        return Hit(self.id, (reason,), acts=(LabelAct("spam", rule.action),))
