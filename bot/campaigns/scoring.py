"""Campaign score of one near-duplicate cluster: how coordinated does it look, in [0, 1]?

Near-duplicate text across authors is common in healthy chat ("happy new year!",
a popular link), so the text match only makes a cluster; the score is what separates a
ring from a crowd: young accounts, accounts made or joined together, tight timing, the same
stance toward a configured claim, the same link.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import pairwise

from bot.event import AuthorFacts

#: Weights of the features; they sum to 1 so the score stays in [0, 1].
WEIGHTS: dict[str, float] = {
    "youth": 0.35,
    "breadth": 0.15,
    "cohort": 0.20,
    "synchrony": 0.10,
    "stance": 0.10,
    "links": 0.10,
}
#: Accounts made within a day, or joined within two hours, of each other form a cohort.
#: (Joins are tighter: real newcomers join every day, rings and raids join together.)
MADE_SPAN = timedelta(hours=24)
JOIN_SPAN = timedelta(hours=2)
#: Posts by different authors this close together count as synchronised.
SYNC_GAP = timedelta(minutes=10)
#: Account age of unknown accounts counts as this much youth.
UNKNOWN_YOUTH = 0.3


@dataclass(frozen=True, slots=True)
class Post:
    """What scoring needs of one clustered message."""

    author_id: int
    at: datetime
    domains: tuple[str, ...] = ()
    claims: tuple[str, ...] = ()
    message_id: int = 0


def youth(author: AuthorFacts, now: datetime, new_days: float) -> float:
    """1 for an account younger than ``new_days``, fading to 0 at four times that age.

    A recent join of an older account counts for less: real members join every day.
    """
    new_days = max(new_days, 1e-9)
    age = author.account_age_days(now)
    made = UNKNOWN_YOUTH if age is None else _fade(age, new_days)
    joined = 0.0
    if author.joined_at is not None:
        joined = 0.6 * _fade((now - author.joined_at).total_seconds() / 86400, new_days)
    return max(made, joined)


def _fade(days: float, new_days: float) -> float:
    if days < new_days:
        return 1.0
    return max(0.0, 1.0 - (days - new_days) / (3 * new_days))


def cohort(authors: Sequence[AuthorFacts]) -> float:
    """Mean of two shares: accounts made together, accounts that joined together."""
    if len(authors) < 2:
        return 0.0
    made = _largest_group([a.created_at for a in authors], MADE_SPAN)
    joined = _largest_group([a.joined_at for a in authors], JOIN_SPAN)
    return ((made - 1) + (joined - 1)) / (2 * (len(authors) - 1))


def _largest_group(stamps: Sequence[datetime | None], span: timedelta) -> int:
    known = sorted(t for t in stamps if t is not None)
    best, start = min(1, len(known)), 0
    for end, stamp in enumerate(known):
        while stamp - known[start] > span:
            start += 1
        best = max(best, end - start + 1)
    return max(best, 1)


def cohort_members(authors: Sequence[AuthorFacts]) -> set[int]:
    """Ids of accounts made within MADE_SPAN, or joined within JOIN_SPAN, of another one."""
    found: set[int] = set()
    for stamp, span in (("created_at", MADE_SPAN), ("joined_at", JOIN_SPAN)):
        known = sorted((t, a.id) for a in authors if (t := getattr(a, stamp)) is not None)
        for (before, first), (after, second) in pairwise(known):
            if after - before <= span:
                found.update((first, second))
    return found


def synchrony(posts: Sequence[Post]) -> float:
    """Share of posts with a post by another author within SYNC_GAP."""
    ordered = sorted(posts, key=lambda p: p.at)
    close = 0
    for i, post in enumerate(ordered):
        neighbours = ordered[max(0, i - 1): i] + ordered[i + 1: i + 2]
        if any(n.author_id != post.author_id and abs(n.at - post.at) <= SYNC_GAP
               for n in neighbours):
            close += 1
    return close / len(ordered) if ordered else 0.0


def top_share(posts: Sequence[Post], field: str) -> tuple[str | None, float]:
    """Most common domain or claim, and the share of distinct authors who posted it."""
    by_value: dict[str, set[int]] = {}
    for post in posts:
        for value in set(getattr(post, field)):
            by_value.setdefault(value, set()).add(post.author_id)
    if not by_value:
        return None, 0.0
    value, holders = max(by_value.items(), key=lambda item: (len(item[1]), item[0]))
    authors = len({p.author_id for p in posts})
    return value, (len(holders) / authors if len(holders) > 1 else 0.0)


def features(
    authors: Sequence[AuthorFacts], posts: Sequence[Post], now: datetime, *,
    min_accounts: int, new_days: float,
) -> dict[str, float]:
    n = len(authors)
    return {
        "youth": sum(youth(a, now, new_days) for a in authors) / n if n else 0.0,
        # Twice the minimum saturates: that many near-identical voices is the campaign.
        "breadth": min(1.0, n / (2 * min_accounts)),
        "cohort": cohort(authors),
        "synchrony": synchrony(posts),
        "stance": top_share(posts, "claims")[1],
        "links": top_share(posts, "domains")[1],
    }


def campaign_score(values: dict[str, float]) -> float:
    return round(min(1.0, sum(WEIGHTS[k] * values.get(k, 0.0) for k in WEIGHTS)), 4)


def top_values(posts: Sequence[Post], field: str, limit: int = 5) -> list[str]:
    counts: Counter[str] = Counter(v for p in posts for v in set(getattr(p, field)))
    return [value for value, _ in counts.most_common(limit)]
