"""Bounded aggregates of one replay: what the summary table and the report are drawn from.

Memory stays flat as the transcript grows: counters, fixed-bin histograms per label, capped
tallies per channel and per author, a small heap of top cases and coarsening time buckets.
Each message and case goes to disk as it comes (``report_spool``), never into a list here.
"""

from __future__ import annotations

import heapq
import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from bot.pipeline import MessageOutcome
from bot.storage.records import Case

#: Score bins per label: what-if curves are exact at every 0.01.
FINE_BINS = 100
#: Rows kept per breakdown (channels, authors); the quietest are dropped past it.
MAX_TALLY_ROWS = 5_000
TOP_CASES = 5
#: Time buckets kept before they are merged into the next coarser size.
MAX_TIME_BUCKETS = 2_000
BUCKET_SIZES: tuple[int, ...] = (60, 300, 900, 3600, 6 * 3600, 86400, 7 * 86400, 30 * 86400)


def score_bin(score: float, bins: int = FINE_BINS) -> int:
    """The bin of ``score`` in [0, 1]: a score exactly on a 0.01 line goes to the bin above."""
    clamped = min(1.0, max(0.0, score)) if math.isfinite(score) else 0.0
    return min(bins - 1, math.floor(clamped * bins + 1e-9))


def is_flagged(outcome: MessageOutcome) -> bool:
    """Flagged: the policy put it in a band or chose an action (the page uses the same)."""
    return outcome.verdict.band.value != "none" or outcome.verdict.needs_case


@dataclass(slots=True)
class LabelStats:
    """One label's scores: a histogram, and how often the verdict named the label."""

    counts: list[int] = field(default_factory=lambda: [0] * FINE_BINS)
    scored: int = 0
    #: Messages whose verdict named this label (the summary's "flagged per label").
    flagged: int = 0

    def add(self, score: float) -> None:
        self.counts[score_bin(score)] += 1
        self.scored += 1

    def at_or_above(self, threshold: float) -> int:
        """Messages scoring at or above ``threshold`` (exact on the 0.01 grid)."""
        return sum(self.counts[score_bin(threshold):]) if threshold <= 1.0 else 0

    def coarse(self, bins: int = 20) -> list[int]:
        step = FINE_BINS // bins
        return [sum(self.counts[i: i + step]) for i in range(0, FINE_BINS, step)]


@dataclass(slots=True)
class Tally:
    """One channel or one author: how much was said and what the policy made of it."""

    name: str = ""
    messages: int = 0
    flagged: int = 0
    cases: int = 0
    actions: Counter[str] = field(default_factory=Counter)
    labels: Counter[str] = field(default_factory=Counter)

    @property
    def weight(self) -> tuple[int, int, int]:
        return (self.cases, self.flagged, self.messages)


class BoundedTallies:
    """Tallies by key, at most ``limit`` of them: past it the quietest quarter is dropped
    (counted in ``dropped``), so a breakdown of many authors never grows without end."""

    def __init__(self, limit: int = MAX_TALLY_ROWS) -> None:
        self.limit = limit
        self.rows: dict[int, Tally] = {}
        self.dropped = 0

    def row(self, key: int, name: str = "") -> Tally:
        found = self.rows.get(key)
        if found is None:
            if len(self.rows) >= self.limit:
                self._prune()
            found = self.rows[key] = Tally(name)
        elif name and not found.name:
            found.name = name
        return found

    def _prune(self) -> None:
        quiet = sorted(self.rows, key=lambda k: self.rows[k].weight)[: max(1, self.limit // 4)]
        for key in quiet:
            del self.rows[key]
        self.dropped += len(quiet)

    def top(self, n: int = 20) -> list[tuple[int, Tally]]:
        return sorted(self.rows.items(), key=lambda kv: kv[1].weight, reverse=True)[:n]


class TimeBuckets:
    """Actions per time bucket; buckets grow coarser (1 minute ... 30 days) to stay few."""

    def __init__(self) -> None:
        self.size_index = 0
        self.counts: dict[int, Counter[str]] = {}
        self.first: datetime | None = None
        self.last: datetime | None = None
        #: Messages with no action (not drawn, but said).
        self.quiet = 0

    @property
    def size(self) -> int:
        return BUCKET_SIZES[self.size_index]

    def add(self, moment: datetime, kind: str) -> None:
        self.first = moment if self.first is None else min(self.first, moment)
        self.last = moment if self.last is None else max(self.last, moment)
        if kind == "none":
            self.quiet += 1
            return
        start = math.floor(moment.timestamp() / self.size) * self.size
        self.counts.setdefault(start, Counter())[kind] += 1
        while len(self.counts) > MAX_TIME_BUCKETS and self.size_index < len(BUCKET_SIZES) - 1:
            self.size_index += 1
            self.counts = regroup(self.counts, self.size)

    def at_least(self, size: int) -> tuple[int, dict[int, Counter[str]]]:
        """The counts in buckets of ``size`` seconds or the stored size, whichever is larger."""
        size = max(size, self.size)
        return size, regroup(self.counts, size)


def regroup(counts: dict[int, Counter[str]], size: int) -> dict[int, Counter[str]]:
    merged: dict[int, Counter[str]] = {}
    for start, kinds in counts.items():
        merged.setdefault(math.floor(start / size) * size, Counter()).update(kinds)
    return merged


@dataclass(frozen=True, slots=True)
class TopCase:
    score: float
    number: int
    action: str
    why: str
    author: str
    text: str


def action_kind(action: object) -> str:
    """``"timeout 30"`` -> ``"timeout"``."""
    kind = str(action or "none").strip().split(" ", 1)[0].lower()
    return kind or "none"


def top_reason(outcome: MessageOutcome) -> tuple[str, float]:
    """What decided a message, shortly, and a score to rank it by: the reason behind the
    action (a band reason ``insult 0.98 >= act 0.88``, or a rule's own, e.g. a scam link,
    named as such rather than by a low model score), else the first reason given."""
    verdict, scores = outcome.verdict, outcome.scores
    acted = [hit for hit in verdict.hits if hit.acts] or list(verdict.hits)
    for hit in acted:
        labels = [a.label for a in hit.acts] or list(hit.reviews)
        score = max((scores.get(label, 0.0) for label in labels), default=0.0)
        if hit.rule != "bands":
            return (hit.reasons[0] if hit.reasons else hit.rule), 1.0 + score
        for reason in hit.reasons:
            if reason.split(" ", 1)[0] in labels:
                return reason, scores.get(reason.split(" ", 1)[0], 0.0)
    candidates = verdict.labels or tuple(scores)
    label = max(candidates, key=lambda k: scores.get(k, 0.0), default="toxicity")
    return f"{label} {scores.get(label, 0.0):.2f}", scores.get(label, 0.0)


@dataclass
class ReplayStats:
    """Everything the summary and the page count, filled one outcome at a time."""

    messages: int = 0
    flagged: int = 0
    cases: int = 0
    #: Cases by kind (message, campaign, pile_on, raid).
    case_kinds: Counter[str] = field(default_factory=Counter)
    #: Messages held because the database was locked (recorded later, not seen here).
    held: int = 0
    labels: dict[str, LabelStats] = field(default_factory=dict)
    fired: Counter[str] = field(default_factory=Counter)
    actions: Counter[str] = field(default_factory=Counter)
    bad_lines: int = 0
    failed_lines: int = 0
    skipped: Counter[str] = field(default_factory=Counter)
    channels: BoundedTallies = field(default_factory=BoundedTallies)
    authors: BoundedTallies = field(default_factory=BoundedTallies)
    timeline: TimeBuckets = field(default_factory=TimeBuckets)
    #: Messages per server (a transcript holds a few servers, not many).
    guilds: Counter[int] = field(default_factory=Counter)
    #: Cases, and the actions that needed one, per server: each is judged by its own policy.
    guild_cases: Counter[int] = field(default_factory=Counter)
    guild_actions: dict[int, Counter[str]] = field(default_factory=dict)
    #: (score, -case number, arrival order, case): the order breaks ties between servers.
    _top: list[tuple[float, int, int, TopCase]] = field(default_factory=list)

    def add(self, outcome: MessageOutcome) -> None:
        verdict, event = outcome.verdict, outcome.event
        self.messages += 1
        self.guilds[event.guild_id] += 1
        flagged = is_flagged(outcome)
        self.flagged += flagged
        for label, score in outcome.scores.items():
            self.labels.setdefault(label, LabelStats()).add(score)
        for label in verdict.labels:
            self.labels.setdefault(label, LabelStats()).flagged += 1
        self.fired.update(verdict.rules)
        action = str(verdict.action)
        self.actions[action] += 1
        self.held += not outcome.recorded
        self.timeline.add(event.created_at.astimezone(UTC), action_kind(action))
        opened = 1 if outcome.case is not None else 0
        for tally in (self.channels.row(event.channel_id),
                      self.authors.row(event.author.id, event.author.name)):
            tally.messages += 1
            tally.flagged += flagged
            tally.cases += opened
            if verdict.needs_case:
                tally.actions[action_kind(action)] += 1
            tally.labels.update(verdict.labels)
        if verdict.needs_case:
            self.guild_actions.setdefault(event.guild_id, Counter())[action] += 1
        if outcome.case is not None:
            self._keep_top(outcome, outcome.case)

    def add_cases(self, cases: Iterable[Case]) -> None:
        for case in cases:
            self.cases += 1
            self.case_kinds[case.kind.value] += 1
            self.guild_cases[case.guild_id] += 1

    def _keep_top(self, outcome: MessageOutcome, case: Case) -> None:
        why, score = top_reason(outcome)
        text = outcome.event.text.raw.replace("\n", " ")
        top = TopCase(score, case.number, case.action, why, outcome.event.author.name,
                      text[:57] + "..." if len(text) > 60 else text)
        item = (score, -case.number, -self.messages, top)
        if len(self._top) < TOP_CASES:
            heapq.heappush(self._top, item)
        elif item[:3] > self._top[0][:3]:
            heapq.heapreplace(self._top, item)

    @property
    def top_cases(self) -> list[TopCase]:
        return [item[3] for item in sorted(self._top, key=lambda i: i[:3], reverse=True)]

    def label_order(self) -> list[str]:
        known = ("toxicity", "insult", "identity_attack", "profanity", "threat", "spam")
        return [k for k in known if k in self.labels] + sorted(set(self.labels) - set(known))
