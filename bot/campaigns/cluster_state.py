"""What the near-duplicate index holds: one windowed message and a cluster's running
summary (members, accounts, remembered embeddings and their centroid).

The matching itself (which message joins which cluster) is ``bot.campaigns.clusters``.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np
from datasketch import MinHash

from bot.campaigns.scoring import Post
from bot.event import AuthorFacts

#: Messages kept per cluster summary (ids, posts); authors beyond the cap are still counted.
CLUSTER_CAP = 500
#: Member embeddings (with their authors) a cluster remembers for its centroid and support.
MEMORY_VECTORS = 48


@dataclass(slots=True)
class Entry:
    """One message in the window."""

    seq: int
    message_id: int
    author: AuthorFacts
    channel_id: int
    at: datetime
    key: str
    sketch: MinHash | None
    text: str
    domains: tuple[str, ...] = ()
    claims: tuple[str, ...] = ()
    signals: dict[str, float] = field(default_factory=dict)
    spam: float = 0.0
    cluster: int = -1
    #: How it matched its cluster: "exact" | "minhash" | "embedding" | "centroid" | ""
    #: (founder).
    match: str = ""
    #: Unit embedding (shared with the vector window), for the cluster centroid.
    vector: np.ndarray | None = None
    #: Remember it past the message window, for ``keep_for`` (a new account's post).
    keep: bool = False


@dataclass(slots=True)
class Cluster:
    id: int
    live: set[int] = field(default_factory=set)
    accounts: dict[int, AuthorFacts] = field(default_factory=dict)
    posts: list[Post] = field(default_factory=list)
    message_ids: list[int] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    matches: dict[str, int] = field(default_factory=dict)
    signals: dict[str, float] = field(default_factory=dict)
    spam: list[float] = field(default_factory=list)
    channels: dict[int, int] = field(default_factory=dict)
    #: Distinct accounts at the last alert (0: never alerted).
    alerted_accounts: int = 0
    #: (author id, unit embedding) of the last MEMORY_VECTORS members, live or not.
    memory: deque[tuple[int, np.ndarray]] = field(
        default_factory=lambda: deque(maxlen=MEMORY_VECTORS))
    #: Time of the newest member (retention runs from it).
    last_at: datetime | None = None
    #: Sum of the remembered embeddings (the centroid, unnormalised).
    memory_sum: np.ndarray | None = None
    #: Cached unit centroid (None: recompute).
    _centroid: np.ndarray | None = None

    @property
    def centroid(self) -> np.ndarray | None:
        """Unit mean of the remembered members' embeddings (None without any)."""
        if self._centroid is None and self.memory and self.memory_sum is not None:
            norm = float(np.linalg.norm(self.memory_sum))
            if norm > 0:
                self._centroid = (self.memory_sum / norm).astype(np.float32)
        return self._centroid

    def add_vector(self, author_id: int, vector: np.ndarray | None) -> None:
        if vector is None:
            return
        if self.memory_sum is None:
            self.memory_sum = np.zeros(vector.shape, np.float64)
        if vector.shape != self.memory_sum.shape:
            return  # another embedder's vectors cannot be averaged with these
        if len(self.memory) == self.memory.maxlen:
            self.memory_sum -= self.memory[0][1]
        self.memory.append((author_id, vector))
        self.memory_sum += vector
        self._centroid = None

    def supporters(self, embedding: np.ndarray, author_id: int, threshold: float) -> set[int]:
        """Other authors with a remembered member at cosine >= ``threshold`` of ``embedding``."""
        return {a for a, v in self.memory if a != author_id and v.shape == embedding.shape
                and float(v @ embedding) >= threshold}

    def add(self, entry: Entry) -> None:
        self.live.add(entry.seq)
        self.add_vector(entry.author.id, entry.vector)
        self.last_at = entry.at if self.last_at is None else max(self.last_at, entry.at)
        self.accounts.setdefault(entry.author.id, entry.author)
        self.posts.append(Post(entry.author.id, entry.at, entry.domains, entry.claims,
                               entry.message_id))
        self.message_ids.append(entry.message_id)
        if entry.text not in self.texts and len(self.texts) < 20:
            self.texts.append(entry.text)
        self.matches[entry.match or "first"] = self.matches.get(entry.match or "first", 0) + 1
        for name, value in entry.signals.items():
            self.signals[name] = max(self.signals.get(name, 0.0), value)
        self.spam.append(entry.spam)
        self.channels[entry.channel_id] = self.channels.get(entry.channel_id, 0) + 1
        self._trim()

    def absorb(self, other: Cluster) -> None:
        self.live |= other.live
        for author_id, vector in other.memory:
            self.add_vector(author_id, vector)
        if other.last_at is not None:
            self.last_at = other.last_at if self.last_at is None else max(self.last_at,
                                                                          other.last_at)
        for account_id, author in other.accounts.items():
            self.accounts.setdefault(account_id, author)
        self.posts = sorted(self.posts + other.posts, key=lambda p: p.at)
        self.message_ids += other.message_ids
        self.texts += [t for t in other.texts if t not in self.texts][: 20 - len(self.texts)]
        for name, count in other.matches.items():
            self.matches[name] = self.matches.get(name, 0) + count
        for name, value in other.signals.items():
            self.signals[name] = max(self.signals.get(name, 0.0), value)
        self.spam += other.spam
        for channel, count in other.channels.items():
            self.channels[channel] = self.channels.get(channel, 0) + count
        # A merge must not re-announce a campaign already announced at this size.
        self.alerted_accounts = max(self.alerted_accounts, other.alerted_accounts)
        self._trim()

    def drop_author(self, author_id: int, texts: list[str]) -> None:
        """Forget ``author_id``'s account, posts and embeddings (data erasure); ``texts`` are
        the samples left. Aggregates (match counts, strongest signals, spam scores, channel
        counts) stay: they hold no text and name no one."""
        self.accounts.pop(author_id, None)
        gone = {p.message_id for p in self.posts if p.author_id == author_id}
        self.posts = [p for p in self.posts if p.author_id != author_id]
        self.message_ids = [m for m in self.message_ids if m not in gone]
        remembered = [(a, v) for a, v in self.memory if a != author_id]
        self.memory.clear()
        self.memory_sum, self._centroid = None, None
        for other, vector in remembered:
            self.add_vector(other, vector)
        self.texts = texts

    def _trim(self) -> None:
        if len(self.posts) > CLUSTER_CAP:
            del self.posts[: len(self.posts) - CLUSTER_CAP]
            del self.message_ids[: len(self.message_ids) - CLUSTER_CAP]
            del self.spam[: len(self.spam) - CLUSTER_CAP]
