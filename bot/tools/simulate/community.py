"""A simulated community: a day of organic chat with coordinated scenarios planted in it.

Returns transcript lines (the replay format, joins included) and the ground truth: which
accounts belong to which ring or scenario, and when each began.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.tools.simulate import organic
from bot.tools.simulate.paraphrase import POINTS, paraphrase, small_edit

GUILD = 1
START = datetime(2026, 3, 2, tzinfo=UTC)
CHANNELS = {"general": 10, "gaming": 11, "tech": 12, "offtopic": 13, "politics": 14}
RING_SIZES = (2, 4, 4, 6, 6, 10)

SCAM = (
    "Hey everyone, I'm giving away free Nitro for the next hour, claim yours here before "
    "it runs out {url}"
)
REPEAT = "selling cheap server boosts and accounts, dm me or check {url}"
RAID = "this server is dead lmao everyone come join the real one {url}"
PILE_ON = (
    "what a clown take, seriously",
    "imagine saying this with a straight face",
    "you're so clueless it's embarrassing",
    "nobody cares about your stupid opinion",
    "this is the dumbest thing i've read all week",
    "log off, you're a joke",
    "pathetic take, as usual from you",
    "you really are an idiot huh",
)
TARGET_POST = "honestly i think the new event schedule is worse than the old one"


@dataclass
class _Author:
    id: int
    name: str
    created_at: datetime
    joined_at: datetime
    voice: organic.Persona | None = None

    def facts(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "created_at": _iso(self.created_at),
            "joined_at": _iso(self.joined_at),
            "roles": [],
        }


@dataclass
class _Draft:
    at: datetime
    author: _Author
    channel: int
    content: str | None  # None: organic, decided in time order (maybe a reply)
    reply_to_key: str | None = None  # reply to the draft tagged with this key
    key: str | None = None


@dataclass
class Community:
    lines: list[dict[str, Any]] = field(default_factory=list)
    truth: dict[str, Any] = field(default_factory=dict)


def _iso(at: datetime) -> str:
    return at.isoformat().replace("+00:00", "Z")


class _Builder:
    def __init__(self, members: int, seed: int, hours: float) -> None:
        self.rng = random.Random(seed)
        self.end = START + timedelta(hours=hours)
        self.hours = hours
        self.members = members
        self.drafts: list[_Draft] = []
        self.joins: list[tuple[datetime, _Author]] = []
        self.organic: list[_Author] = []
        self.scenarios: list[dict[str, Any]] = []
        self._next_author = 10_000

    def author(self, created: datetime, joined: datetime, prefix: str) -> _Author:
        self._next_author += 1
        return _Author(self._next_author, f"{prefix}{self._next_author}", created, joined)

    def voice(self, author: _Author) -> organic.Persona:
        """The member's persona, drawn on first use (so every member writes their own way)."""
        if author.voice is None:
            author.voice = organic.persona(self.rng)
        return author.voice

    def at(self, lo: float, hi: float) -> datetime:
        """A time between ``lo`` and ``hi`` hours after START."""
        return START + timedelta(hours=self.rng.uniform(lo, hi))

    # -- organic --------------------------------------------------------------------------
    def add_organic(self) -> None:
        rng = self.rng
        last_new: datetime | None = None
        for _ in range(self.members):
            if rng.random() < 0.1:  # joins today; friends often arrive on the same invite
                if last_new is not None and rng.random() < 0.3:
                    joined = min(self.end, last_new + timedelta(minutes=rng.uniform(1, 40)))
                else:
                    joined = self.at(0, self.hours * 0.8)
                last_new = joined
                # About half of newcomers made their Discord account for this server.
                young = rng.random() < 0.5
                days = rng.uniform(0.05, 6) if young else rng.uniform(30, 2000)
                created = joined - timedelta(days=days)
                self.joins.append((joined, a := self.author(created, joined, "member")))
            else:
                created = START - timedelta(days=rng.uniform(30, 2500))
                joined = created + (START - created) * rng.uniform(0.05, 0.95)
                a = self.author(created, joined, "member")
            self.organic.append(a)
            count = max(1, int(rng.lognormvariate(1.7, 0.8)))
            sessions = [self._after(a.joined_at) for _ in range(rng.randint(1, 3))]
            for _ in range(count):
                centre = rng.choice(sessions)
                when = centre + timedelta(minutes=rng.gauss(0, 25))
                when = min(self.end, max(a.joined_at, START, when))
                channel = rng.choice(list(CHANNELS.values()))
                self.drafts.append(_Draft(when, a, channel, None))
        self._arguments()

    def _after(self, joined: datetime) -> datetime:
        lo = max(0.0, (joined - START).total_seconds() / 3600)
        return self.at(lo, self.hours)

    def _arguments(self) -> None:
        """Heated but organic: two members bickering, nobody else joining in."""
        rng = self.rng
        for n in range(max(1, self.members // 50)):
            a, b = rng.sample(self.organic, 2)
            when = self._after(max(a.joined_at, b.joined_at))
            key = f"arg{n}"
            self.drafts.append(
                _Draft(
                    when,
                    a,
                    CHANNELS["offtopic"],
                    organic.chat_line(rng, self.voice(a)),
                    key=key,
                )
            )
            for turn in range(rng.randint(2, 5)):
                speaker = b if turn % 2 == 0 else a
                when += timedelta(minutes=rng.uniform(0.5, 3))
                nxt = f"{key}.{turn}"
                self.drafts.append(
                    _Draft(
                        when,
                        speaker,
                        CHANNELS["offtopic"],
                        organic.heated_line(rng),
                        reply_to_key=key,
                        key=nxt,
                    )
                )
                key = nxt

    # -- scenarios ------------------------------------------------------------------------
    def _young(
        self,
        count: int,
        around: datetime,
        prefix: str,
        *,
        days: tuple[float, float],
        join_spread_min: float,
    ) -> list[_Author]:
        """Accounts made together shortly before ``around``; they join just before it."""
        made = around - timedelta(days=self.rng.uniform(*days))
        accounts = []
        for _ in range(count):
            created = made + timedelta(hours=self.rng.uniform(0, 20))
            joined = around - timedelta(minutes=self.rng.uniform(1, join_spread_min))
            created = min(created, joined - timedelta(minutes=5))
            accounts.append(self.author(created, joined, prefix))
            self.joins.append((joined, accounts[-1]))
        return accounts

    def add_rings(self) -> None:
        rng = self.rng
        for n, size in enumerate(RING_SIZES):
            point = POINTS[n % len(POINTS)]
            first = self.at(1.5, max(2.0, self.hours - 9))
            span = timedelta(hours=rng.uniform(3, 8))
            ring = self._young(size, first, f"ring{n}_", days=(0.5, 5), join_spread_min=120)
            channel = rng.choice([CHANNELS["general"], CHANNELS["politics"], CHANNELS["gaming"]])
            times = sorted(first + span * rng.random() for _ in range(size * 2))
            posts = [(first, ring[0])]
            for i, account in enumerate(ring):
                for _ in range(rng.randint(1, 3) if i else rng.randint(0, 2)):
                    posts.append((rng.choice(times), account))
            for when, account in posts:
                self.drafts.append(_Draft(when, account, channel, paraphrase(point, rng)))
            for account in rng.sample(ring, max(1, size // 4)):  # cover chatter
                self.drafts.append(
                    _Draft(
                        first + span * rng.random(),
                        account,
                        CHANNELS["offtopic"],
                        organic.chat_line(rng, self.voice(account)),
                    )
                )
            self.scenarios.append(
                self._truth(f"ring-{size}-{n}", "ring", ring, first, point=point.id)
            )

    def add_copy_paste_spam(self) -> None:
        rng = self.rng
        first = self.at(2, self.hours - 2)
        spammers = self._young(5, first, "gift", days=(1, 3), join_spread_min=30)
        for i, account in enumerate(spammers):
            url = f"https://dlscord-gifts.com/claim?id={rng.randint(1000, 9999)}"
            when = first if i == 0 else first + timedelta(minutes=rng.uniform(1, 40))
            self.drafts.append(
                _Draft(when, account, CHANNELS["general"], small_edit(SCAM.format(url=url), rng))
            )
        self.scenarios.append(self._truth("copy-paste-spam", "spam", spammers, first))

    def add_repeat_spammer(self) -> None:
        first = self.at(2, self.hours - 2)
        [spammer] = self._young(1, first, "boosts", days=(1, 2), join_spread_min=20)
        for i in range(6):
            self.drafts.append(
                _Draft(
                    first + timedelta(minutes=4 * i),
                    spammer,
                    CHANNELS["general"],
                    REPEAT.format(url="https://boost-shop.biz/deal"),
                )
            )
        # One author repeating himself is spam, not a campaign: nobody should be flagged.
        self.scenarios.append(
            self._truth("repeat-spammer", "repeat", [spammer], first, expect_alert=False)
        )

    def add_pile_on(self) -> None:
        rng = self.rng
        target, *attackers = rng.sample([a for a in self.organic if a.joined_at < START], 7)
        first = self.at(3, self.hours - 1)
        self.drafts.append(_Draft(first, target, CHANNELS["general"], TARGET_POST, key="pile"))
        for i, attacker in enumerate(attackers):
            when = first + timedelta(minutes=1 + 11 * i / len(attackers) + rng.uniform(0, 1))
            self.drafts.append(
                _Draft(
                    when, attacker, CHANNELS["general"], rng.choice(PILE_ON), reply_to_key="pile"
                )
            )
        self.scenarios.append(
            self._truth("pile-on", "pile_on", attackers, first, target_id=target.id)
        )

    def add_raid(self) -> None:
        rng = self.rng
        first = self.at(4, self.hours - 1)
        raiders = self._young(12, first, "raider", days=(0.1, 0.4), join_spread_min=2)
        for account in raiders:
            when = first + timedelta(minutes=rng.uniform(0.5, 10))
            self.drafts.append(
                _Draft(
                    when,
                    account,
                    CHANNELS["general"],
                    small_edit(RAID.format(url="discord.gg/raidzone"), rng),
                )
            )
        earliest = min(a.joined_at for a in raiders)
        self.scenarios.append(self._truth("raid", "raid", raiders, earliest))

    def _truth(
        self, sid: str, kind: str, accounts: list[_Author], first: datetime, **extra: Any
    ) -> dict[str, Any]:
        return {
            "id": sid,
            "kind": kind,
            "accounts": [a.id for a in accounts],
            "first_ts": _iso(first),
            "expect_alert": True,
            **extra,
        }

    # -- output ---------------------------------------------------------------------------
    def build(self) -> Community:
        rng = self.rng
        events: list[tuple[datetime, int, Any]] = [(t, 0, a) for t, a in self.joins]
        events += [(d.at, 1, d) for d in self.drafts]
        events.sort(key=lambda e: (e[0], e[1]))
        lines: list[dict[str, Any]] = []
        keyed: dict[str, int] = {}
        recent: dict[int, list[tuple[int, int]]] = {}
        next_id = 1_000_000
        for when, kind, item in events:
            if kind == 0:
                lines.append(
                    {"type": "join", "ts": _iso(when), "guild_id": GUILD, "author": item.facts()}
                )
                continue
            draft: _Draft = item
            next_id += 1
            reply_to = keyed.get(draft.reply_to_key) if draft.reply_to_key else None
            content = draft.content
            if content is None:
                pool = [m for m in recent.get(draft.channel, [])[-15:] if m[1] != draft.author.id]
                if pool and rng.random() < 0.25:
                    reply_to = rng.choice(pool)[0]
                    content = organic.reply_line(rng, self.voice(draft.author))
                else:
                    content = organic.chat_line(rng, self.voice(draft.author))
            if draft.key:
                keyed[draft.key] = next_id
            recent.setdefault(draft.channel, []).append((next_id, draft.author.id))
            lines.append(
                {
                    "id": next_id,
                    "ts": _iso(when),
                    "guild_id": GUILD,
                    "channel_id": draft.channel,
                    "author": draft.author.facts(),
                    "content": content,
                    "reply_to": reply_to,
                }
            )
        truth = {
            "guild_id": GUILD,
            "start": _iso(START),
            "end": _iso(self.end),
            "scenarios": self.scenarios,
            "organic": [a.id for a in self.organic],
        }
        return Community(lines, truth)


def generate(members: int = 500, seed: int = 7, hours: float = 24.0) -> Community:
    builder = _Builder(members, seed, hours)
    builder.add_organic()
    builder.add_rings()
    builder.add_copy_paste_spam()
    builder.add_repeat_spammer()
    builder.add_pile_on()
    builder.add_raid()
    return builder.build()
