"""CampaignDetector: near-duplicate campaigns, pile-ons and raids, per guild, in memory.

Implements :class:`bot.coordination.CoordinationDetector`. State is bounded: messages older
than ``policy.campaigns.window_minutes`` are evicted and each guild keeps at most
``max_messages`` of them.
"""

from __future__ import annotations

import math
from collections import Counter, deque
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from bot.campaigns.clusters import Cluster, Entry, NearDupIndex
from bot.campaigns.pileon import Hit, PileOn, PileOnTracker, hostility
from bot.campaigns.raid import Burst, RaidTracker
from bot.campaigns.scoring import (
    Post,
    campaign_score,
    cohort_members,
    features,
    top_share,
    top_values,
    youth,
)
from bot.campaigns.similarity import MIN_WORDS, content_words, exact_key, minhash, unit
from bot.campaigns.spam_signals import spam_signals, user_mentions
from bot.coordination import CoordinationAlert
from bot.event import AuthorFacts, MessageEvent
from bot.policy import Verdict
from bot.policy_config import Campaigns, Policy
from bot.recent_servers import MAX_SERVERS, RecentServers
from models.api import ScoreResult

#: Recent messages remembered per author for the repetition signal.
HISTORY_PER_AUTHOR = 50
#: A cluster re-alerts for every new account up to twice ``min_accounts`` (each account of
#: a small ring matters), then only when its distinct accounts grew by this factor (merged
#: clusters grow in steps: 8 accounts at once, 10 a little later, must still be reported).
GROWTH = 1.25
#: A message joins a multi-author cluster by its centroid at ``embedding_similarity`` less
#: this margin (the strict threshold still seeds clusters from pairs of messages).
JOIN_MARGIN = 0.10
SAMPLE_CHARS = 300
#: Other authors a centroid join needs behind it. 1: two authors' messages at the centroid
#: join threshold already seed a (two-account, never alerting) cluster, which then gathers
#: accounts for ``cluster_ttl_minutes``; alerts still need ``min_accounts`` and the score.
MIN_SUPPORT = 1


@dataclass(slots=True)
class _Guild:
    index: NearDupIndex
    thresholds: tuple[float, float, float, float]
    history: dict[int, deque[tuple[datetime, str]]] = field(default_factory=dict)
    pile_ons: PileOnTracker = field(default_factory=PileOnTracker)
    raid: RaidTracker = field(default_factory=RaidTracker)




class CampaignDetector:
    """Coordination detector the pipeline and replay use; no arguments needed."""

    def __init__(self, *, max_messages: int = 20_000, max_authors: int = 50_000,
                 join_margin: float = JOIN_MARGIN, max_clusters: int = 256,
                 max_guilds: int = MAX_SERVERS) -> None:
        self.max_messages = max_messages
        #: Clusters kept past their messages (``cluster_ttl_minutes``) per guild, at most.
        self.max_clusters = max_clusters
        self.max_authors = max_authors
        self.join_margin = join_margin
        #: Servers held at once (``max_guilds``; with ``max_messages`` per server this bounds
        #: the detector's memory in a sharded process); the one quiet longest goes first.
        self._guilds: RecentServers[_Guild] = RecentServers(max_guilds)
        #: Spam signals of the last observed message (for callers and tests).
        self.last_signals: dict[str, float] = {}

    # -- protocol -------------------------------------------------------------------------
    def observe(
        self, event: MessageEvent, result: ScoreResult, verdict: Verdict, policy: Policy
    ) -> list[CoordinationAlert]:
        cfg = policy.campaigns
        if not cfg.enabled:
            return []
        guild = self._guild(event.guild_id, cfg)
        now = event.created_at
        window = timedelta(minutes=cfg.window_minutes)
        guild.index.evict(now, window)
        key = exact_key(event.text.folded)
        signals = self._signals(guild, event, key, window)
        alerts = self._pile_on(guild, event, result, cfg)
        words = content_words(event.text.folded)
        # Short chatter ("lol", "good morning all") is shared by everyone; only links rescue it.
        if len(words) >= MIN_WORDS or event.text.urls or event.text.invites:
            entry = Entry(
                seq=guild.index.new_seq(), message_id=event.id, author=event.author,
                channel_id=event.channel_id, at=now, key=key, sketch=minhash(words),
                text=event.text.raw[:SAMPLE_CHARS], domains=_links(event),
                claims=tuple(sorted(verdict.claims)), signals=signals,
                spam=float(result.scores.get("spam", 0.0)),
                keep=event.author.is_new(now, cfg.new_account_days),
            )
            cluster = guild.index.add(entry, unit(result.embedding))
            alert = self._campaign(cluster, event.guild_id, now, cfg)
            if alert is not None:
                alerts.append(alert)
            raid = self._raid_content(guild, cluster, event.guild_id, now, cfg)
            if raid is not None:
                alerts.append(raid)
        return alerts

    def observe_join(
        self, guild_id: int, member: AuthorFacts, at: datetime, policy: Policy
    ) -> list[CoordinationAlert]:
        cfg = policy.campaigns
        if not cfg.enabled:
            return []
        guild = self._guild(guild_id, cfg)
        burst = guild.raid.observe(
            member, at, new_days=cfg.new_account_days,
            window=timedelta(minutes=cfg.raid_minutes), min_joins=cfg.raid_joins,
            memory=timedelta(minutes=cfg.window_minutes),
        )
        return [] if burst is None else [_raid_alert(burst, guild_id, at)]

    def forget(self, guild_id: int, user_id: int) -> int:
        """Drop what is held about a member in ``guild_id`` (data erasure): their messages
        in the window and in clusters, their history, pile-on hits and raid joins."""
        guild = self._guilds.get(guild_id)
        if guild is None:
            return 0
        held = guild.index.forget_author(user_id)
        history = guild.history.pop(user_id, ())
        guild.raid.forget(user_id)
        # The same message sits in several of these; report the largest count.
        return max(held, len(history), guild.pile_ons.forget(user_id))

    # -- state ----------------------------------------------------------------------------
    def _guild(self, guild_id: int, cfg: Campaigns) -> _Guild:
        join = max(0.0, cfg.embedding_similarity - self.join_margin)
        thresholds = (cfg.minhash_similarity, cfg.embedding_similarity, join,
                      cfg.cluster_ttl_minutes)

        def index() -> NearDupIndex:
            return NearDupIndex(minhash_threshold=thresholds[0],
                                embedding_threshold=thresholds[1], join_threshold=join,
                                max_messages=self.max_messages,
                                cluster_ttl=timedelta(minutes=cfg.cluster_ttl_minutes),
                                max_retained=self.max_clusters,
                                min_support=MIN_SUPPORT,
                                keep_for=timedelta(minutes=cfg.cluster_ttl_minutes))

        guild = self._guilds.touch(guild_id, lambda: _Guild(index(), thresholds))
        if guild.thresholds != thresholds:
            # New thresholds need a new LSH; the window refills within window_minutes.
            guild.index, guild.thresholds = index(), thresholds
        return guild

    @property
    def guilds_held(self) -> int:
        return len(self._guilds)

    def window_size(self, guild_id: int) -> int:
        """Messages currently held for ``guild_id`` (memory bound checks)."""
        guild = self._guilds.get(guild_id)
        return len(guild.index) if guild else 0

    def _signals(
        self, guild: _Guild, event: MessageEvent, key: str, window: timedelta
    ) -> dict[str, float]:
        now = event.created_at
        past = guild.history.setdefault(event.author.id, deque(maxlen=HISTORY_PER_AUTHOR))
        while past and now - past[0][0] > window:
            past.popleft()
        signals = spam_signals(event, [k for _, k in past])
        past.append((now, key))
        if len(guild.history) > self.max_authors:
            for author in [a for a, d in guild.history.items() if not d or now - d[-1][0] > window]:
                del guild.history[author]
        self.last_signals = signals
        return signals

    # -- detectors ------------------------------------------------------------------------
    def _campaign(
        self, cluster: Cluster, guild_id: int, now: datetime, cfg: Campaigns
    ) -> CoordinationAlert | None:
        authors = list(cluster.accounts.values())
        if len(authors) < cfg.min_accounts:
            return None
        if cluster.alerted_accounts and len(authors) < _next_alert(cluster.alerted_accounts,
                                                                   cfg.min_accounts):
            return None
        # Name the accounts with a coordination signal of their own; established members who
        # merely said something similar (no youth, no cohort, no shared link or claim) are
        # listed as context only, and the score is the named accounts' score.
        named = _suspects(authors, cluster.posts, now, cfg.new_account_days)
        if len(named) < cfg.min_accounts:
            return None
        ids = {a.id for a in named}
        posts = [p for p in cluster.posts if p.author_id in ids]
        values = features(named, posts, now, min_accounts=cfg.min_accounts,
                          new_days=cfg.new_account_days)
        score = campaign_score(values)
        if score < cfg.review_score:
            return None
        cluster.alerted_accounts = len(authors)
        evidence = _campaign_evidence(cluster, named, values, now, cfg)
        evidence["similar_accounts"] = [a.id for a in authors if a.id not in ids]
        return CoordinationAlert(
            kind="campaign", guild_id=guild_id, score=score,
            accounts=tuple(a.id for a in named),
            message_ids=tuple(p.message_id for p in posts),
            detected_at=now, evidence=evidence,
            channel_id=Counter(cluster.channels).most_common(1)[0][0],
        )

    def _pile_on(
        self, guild: _Guild, event: MessageEvent, result: ScoreResult, cfg: Campaigns
    ) -> list[CoordinationAlert]:
        level = hostility(result.scores)
        if level < cfg.pile_on_hostility:
            return []
        targets = set(user_mentions(event.text.mentions))
        if event.parent_author_id is not None:
            targets.add(event.parent_author_id)
        if not targets:
            return []
        hit = Hit(event.created_at, event.author.id, event.id, event.channel_id, level,
                  event.text.raw[:SAMPLE_CHARS])
        found = guild.pile_ons.observe(hit, targets, window=timedelta(minutes=cfg.pile_on_minutes),
                                       min_authors=cfg.pile_on_authors)
        return [_pile_on_alert(p, event.guild_id, event.created_at) for p in found]

    def _raid_content(
        self, guild: _Guild, cluster: Cluster, guild_id: int, now: datetime, cfg: Campaigns
    ) -> CoordinationAlert | None:
        raiders = guild.raid.raider_ids()
        if not raiders or cluster.id in guild.raid.reported_clusters:
            return None
        posting = [a for a in cluster.accounts if a in raiders]
        if len(posting) < cfg.min_accounts:
            return None
        guild.raid.reported_clusters.add(cluster.id)
        ids = tuple(p.message_id for p in cluster.posts if p.author_id in raiders)
        # Joined together *and* saying the same thing: stronger than the join burst alone.
        score = round(min(1.0, 0.7 + 0.3 * min(1.0, len(posting) / cfg.raid_joins)), 4)
        return CoordinationAlert(
            kind="raid", guild_id=guild_id, score=score, accounts=tuple(posting),
            message_ids=ids, detected_at=now,
            channel_id=Counter(cluster.channels).most_common(1)[0][0],
            evidence={
                "text": cluster.texts[0] if cluster.texts else "",
                "samples": cluster.texts[:5],
                "repeated_content": True,
                "accounts": [_account(cluster.accounts[a], now) for a in posting],
                "new_accounts": [a for a in posting
                                 if cluster.accounts[a].is_new(now, cfg.new_account_days)],
            },
        )


def _suspects(
    authors: list[AuthorFacts], posts: list[Post], now: datetime, new_days: float
) -> list[AuthorFacts]:
    """Accounts of a cluster with a signal of their own: young (or unknown age), in a cohort
    with another account of the cluster, or posting the cluster's most shared link or claim."""
    cohort = cohort_members(authors)
    shared: set[int] = set()
    for name in ("domains", "claims"):
        value, share = top_share(posts, name)
        if value is not None and share > 0:
            shared |= {p.author_id for p in posts if value in getattr(p, name)}
    return [a for a in authors
            if youth(a, now, new_days) > 0 or a.id in cohort or a.id in shared]


def _next_alert(alerted: int, min_accounts: int) -> int:
    """Distinct accounts at which a cluster alerted at ``alerted`` accounts alerts again."""
    if alerted < 2 * min_accounts:
        return alerted + 1
    return max(alerted + 1, math.ceil(GROWTH * alerted))


def _links(event: MessageEvent) -> tuple[str, ...]:
    links = {str(d).lower() for d in event.text.domains}
    links.update(f"invite:{invite}" for invite in event.text.invites)
    return tuple(sorted(links))


def _days(later: datetime, earlier: datetime | None) -> float | None:
    return None if earlier is None else round((later - earlier).total_seconds() / 86400, 2)


def _account(author: AuthorFacts, now: datetime) -> dict[str, Any]:
    return {"id": author.id, "name": author.name,
            "account_age_days": _days(now, author.created_at),
            "joined_days_ago": _days(now, author.joined_at)}


def _campaign_evidence(
    cluster: Cluster, authors: list[AuthorFacts], values: dict[str, float], now: datetime,
    cfg: Campaigns,
) -> dict[str, Any]:
    times = [p.at for p in cluster.posts]
    spam = cluster.spam
    return {
        "text": cluster.texts[0] if cluster.texts else "",
        "samples": cluster.texts[:5],
        "message_ids": list(cluster.message_ids),
        "accounts": [_account(a, now) for a in authors],
        "new_accounts": [a.id for a in authors if a.is_new(now, cfg.new_account_days)],
        "first_ts": min(times).isoformat(),
        "last_ts": max(times).isoformat(),
        "domains": top_values(cluster.posts, "domains"),
        "claims": top_values(cluster.posts, "claims"),
        "features": {k: round(v, 4) for k, v in values.items()},
        "matched_by": dict(cluster.matches),
        "spam_signals": {k: round(v, 4) for k, v in cluster.signals.items()},
        "spam_model": round(sum(spam) / len(spam), 4) if spam else 0.0,
    }


def _pile_on_alert(pile: PileOn, guild_id: int, now: datetime) -> CoordinationAlert:
    hits = pile.hits
    return CoordinationAlert(
        kind="pile_on", guild_id=guild_id, score=pile.score, accounts=pile.authors,
        message_ids=tuple(h.message_id for h in hits), detected_at=now,
        target_id=pile.target_id,
        channel_id=Counter(h.channel_id for h in hits).most_common(1)[0][0],
        evidence={
            "target_id": pile.target_id,
            "text": hits[-1].text,
            "samples": [h.text for h in hits[-5:]],
            "first_ts": hits[0].at.isoformat(),
            "last_ts": hits[-1].at.isoformat(),
            "hostility_mean": round(sum(h.hostility for h in hits) / len(hits), 4),
            "hostility_max": round(max(h.hostility for h in hits), 4),
        },
    )


def _raid_alert(burst: Burst, guild_id: int, now: datetime) -> CoordinationAlert:
    return CoordinationAlert(
        kind="raid", guild_id=guild_id, score=burst.score,
        accounts=tuple(m.id for m in burst.members), message_ids=(), detected_at=now,
        evidence={
            "text": f"{len(burst.members)} new accounts joined within "
                    f"{(burst.last_at - burst.first_at).total_seconds() / 60:.1f} minutes",
            "accounts": [_account(m, now) for m in burst.members],
            "new_accounts": [m.id for m in burst.members],
            "first_ts": burst.first_at.isoformat(),
            "last_ts": burst.last_at.isoformat(),
            "repeated_content": False,
        },
    )
