"""Incremental near-duplicate clusters over a sliding window, memory bounded.

Each message is matched three ways against the live window: the same folded text (exact
hash), copy-paste with edits (MinHash LSH over word shingles) and rewording (cosine of
sentence embeddings). Exact and MinHash matches are transitive enough to merge clusters;
an embedding match only *joins* one cluster, so one loosely similar message cannot bridge
two unrelated conversations into one blob.

Rewording is matched at two levels. A message close to a single earlier message (cosine at
least ``embedding_threshold``) joins that message's cluster: that is how a cluster is seeded
from a pair. Once a cluster holds messages of two or more authors, a message may also join
it by its *centroid* (the renormalised mean of the cluster's live embeddings) at the looser
``join_threshold``: k accounts spinning one talking point sit closer to their common centre
than any two of their rewrites sit to each other, so paraphrases sharing few words still
gather. A centroid match also needs corroboration: messages of at least two *other* authors
at cosine ``join_threshold - SUPPORT_SLACK`` or more in the clusters it matches (a singleton's
centroid is its one message, so two lone posts of two authors, each within the join
threshold, also seed a cluster). All the clusters it corroborates merge into one.

Messages older than the window (or beyond ``max_messages``) leave the index; a cluster lives
while it has live messages and keeps a bounded summary of everything it has seen.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import numpy as np
from datasketch import MinHash, MinHashLSH

from bot.campaigns.scoring import Post
from bot.campaigns.similarity import NUM_PERM
from bot.campaigns.vectors import VectorWindow
from bot.event import AuthorFacts

#: Messages kept per cluster summary (ids, posts); authors beyond the cap are still counted.
CLUSTER_CAP = 500
#: A centroid join needs members this much below the join threshold, from two authors.
SUPPORT_SLACK = 0.10


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
    #: Sum of the live members' unit embeddings and how many there are (the centroid).
    vector_sum: np.ndarray | None = None
    vectors: int = 0

    @property
    def centroid(self) -> np.ndarray | None:
        """Unit mean of the live members' embeddings (None without any)."""
        if self.vector_sum is None or self.vectors == 0:
            return None
        norm = float(np.linalg.norm(self.vector_sum))
        return self.vector_sum / norm if norm > 0 else None

    def add_vector(self, vector: np.ndarray | None, sign: float = 1.0) -> None:
        if vector is None:
            return
        if self.vector_sum is None:
            if sign < 0:
                return
            self.vector_sum = np.zeros_like(vector)
        if vector.shape != self.vector_sum.shape:
            return  # another embedder's vectors cannot be averaged with these
        self.vector_sum += sign * vector
        self.vectors += 1 if sign > 0 else -1

    def add(self, entry: Entry) -> None:
        self.live.add(entry.seq)
        self.add_vector(entry.vector)
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
        if other.vector_sum is not None:
            if self.vector_sum is None:
                self.vector_sum, self.vectors = other.vector_sum.copy(), other.vectors
            elif other.vector_sum.shape == self.vector_sum.shape:
                self.vector_sum += other.vector_sum
                self.vectors += other.vectors
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

    def _trim(self) -> None:
        if len(self.posts) > CLUSTER_CAP:
            del self.posts[: len(self.posts) - CLUSTER_CAP]
            del self.message_ids[: len(self.message_ids) - CLUSTER_CAP]
            del self.spam[: len(self.spam) - CLUSTER_CAP]


class NearDupIndex:
    """The live window of one guild."""

    def __init__(self, *, minhash_threshold: float, embedding_threshold: float,
                 join_threshold: float | None = None, max_messages: int = 20_000) -> None:
        self.minhash_threshold = minhash_threshold
        self.embedding_threshold = embedding_threshold
        #: Centroid threshold for joining a multi-author cluster (default: the pair one).
        self.join_threshold = embedding_threshold if join_threshold is None else join_threshold
        self.max_messages = max_messages
        self.entries: deque[Entry] = deque()
        self.by_seq: dict[int, Entry] = {}
        self.exact: dict[str, set[int]] = {}
        self.lsh = MinHashLSH(threshold=minhash_threshold, num_perm=NUM_PERM)
        self.clusters: dict[int, Cluster] = {}
        self._next_seq = 0
        self._next_cluster = 0
        self.vectors = VectorWindow(max_messages)

    def __len__(self) -> int:
        return len(self.entries)

    def new_seq(self) -> int:
        self._next_seq += 1
        return self._next_seq

    def evict(self, now: datetime, window: timedelta) -> None:
        """Drop messages older than ``window`` before ``now``."""
        while self.entries and now - self.entries[0].at > window:
            self._remove(self.entries.popleft())

    def add(self, entry: Entry, embedding: np.ndarray | None) -> Cluster:
        """Index ``entry`` and return the cluster it now belongs to."""
        while len(self.entries) >= self.max_messages:
            self._remove(self.entries.popleft())
        strong, how = self._strong_matches(entry)
        cluster: Cluster | None = None
        if strong:
            found = {self.by_seq[s].cluster for s in strong}
            cluster = self._merge([self.clusters[c] for c in found])
            entry.match = how
        elif embedding is not None:
            cluster, entry.match = self._reworded(entry, embedding)
        if cluster is None:
            self._next_cluster += 1
            cluster = Cluster(self._next_cluster)
            self.clusters[cluster.id] = cluster
        entry.cluster = cluster.id
        entry.vector = embedding
        cluster.add(entry)
        self._store(entry, embedding)
        return cluster

    # -- matching -------------------------------------------------------------------------
    def _strong_matches(self, entry: Entry) -> tuple[set[int], str]:
        exact = set(self.exact.get(entry.key, ()))
        near: set[int] = set()
        if entry.sketch is not None:
            for seq in self.lsh.query(entry.sketch):
                other = self.by_seq.get(seq)
                # LSH buckets give false positives; confirm with the estimated Jaccard.
                if other is not None and other.sketch is not None and seq not in exact \
                        and entry.sketch.jaccard(other.sketch) >= self.minhash_threshold:
                    near.add(seq)
        return exact | near, ("exact" if exact else "minhash")

    def _reworded(self, entry: Entry, embedding: np.ndarray) -> tuple[Cluster | None, str]:
        """The cluster a rewording joins (merging the clusters it corroborates), if any."""
        if not self.entries:
            return None, ""
        support_at = self.join_threshold - SUPPORT_SLACK
        found, nearest = self.vectors.similar(embedding, self.entries[0].seq,
                                              self.entries[-1].seq, support_at)
        if nearest is not None and nearest[1] >= self.embedding_threshold:
            return self.clusters[self.by_seq[nearest[0]].cluster], "embedding"
        # Looser: clusters whose centroid is close, backed by messages of two other authors.
        touched: dict[int, set[int]] = {}
        for seq, _sim in found:
            other = self.by_seq[seq]
            if other.author.id != entry.author.id:
                touched.setdefault(other.cluster, set()).add(other.author.id)
        joined: list[Cluster] = []
        authors: set[int] = set()
        for cluster_id, backers in touched.items():
            cluster = self.clusters[cluster_id]
            centroid = cluster.centroid
            if centroid is not None and centroid.shape == embedding.shape \
                    and float(centroid @ embedding) >= self.join_threshold:
                joined.append(cluster)
                authors |= backers
        if len(authors) < 2:
            return None, ""
        return self._merge(joined), "centroid"

    def _merge(self, clusters: list[Cluster]) -> Cluster:
        clusters.sort(key=lambda c: len(c.live), reverse=True)
        keep = clusters[0]
        for other in clusters[1:]:
            for seq in other.live:  # small into large keeps relabelling cheap
                self.by_seq[seq].cluster = keep.id
            keep.absorb(other)
            del self.clusters[other.id]
        return keep

    # -- storage --------------------------------------------------------------------------
    def _store(self, entry: Entry, embedding: np.ndarray | None) -> None:
        self.entries.append(entry)
        self.by_seq[entry.seq] = entry
        self.exact.setdefault(entry.key, set()).add(entry.seq)
        if entry.sketch is not None:
            self.lsh.insert(entry.seq, entry.sketch, check_duplication=False)
        if embedding is not None:
            self.vectors.put(entry.seq, embedding, self.entries[0].seq)

    def _remove(self, entry: Entry) -> None:
        del self.by_seq[entry.seq]
        keys = self.exact.get(entry.key)
        if keys is not None:
            keys.discard(entry.seq)
            if not keys:
                del self.exact[entry.key]
        if entry.sketch is not None:
            self.lsh.remove(entry.seq)
        self.vectors.drop(entry.seq)
        cluster = self.clusters.get(entry.cluster)
        if cluster is not None:
            cluster.live.discard(entry.seq)
            cluster.add_vector(entry.vector, -1.0)
            if not cluster.live:
                del self.clusters[cluster.id]
