"""Incremental near-duplicate clusters over a sliding window, memory bounded.

Each message is matched three ways against the live window: the same folded text (exact
hash), copy-paste with edits (MinHash LSH over word shingles) and rewording (cosine of
sentence embeddings). Exact and MinHash matches are transitive enough to merge clusters;
an embedding match only *joins* one cluster, so one loosely similar message cannot bridge
two unrelated conversations into one blob.

Rewording is matched at two levels. A message close to a single earlier message (cosine at
least ``embedding_threshold``) joins that message's cluster: that is how a cluster is seeded
from a pair. A message may also join a cluster by its *centroid* (the renormalised mean of
the cluster's remembered embeddings) at the looser ``join_threshold``: k accounts spinning
one talking point sit closer to their common centre than any two of their rewrites sit to
each other, so paraphrases sharing few words still gather. A centroid join needs
corroboration: messages of at least ``min_support`` *other* authors at cosine
``join_threshold - SUPPORT_SLACK`` or more in the clusters it matches (a singleton's centroid
is its one message, so with ``min_support=1`` two authors' posts within the join threshold
seed a cluster and grow a two-account one; joining a larger cluster always needs two). It
joins the closest such cluster and merges in only those whose centroids are within the join
threshold of that one, so a message cannot bridge two topics.

Messages older than the window (or beyond ``max_messages``) leave the index, but cluster
memory is separate from message memory: a cluster keeps the embeddings and authors of its last
``MEMORY_VECTORS`` members, and its centroid is their mean. A cluster of two or more authors
outlives its messages for ``cluster_ttl`` after its last one (at most ``max_retained`` such
clusters, the least recently active dropped first), and new messages can still join it by its
centroid, with the same two-other-authors corroboration taken from its memory. A slow ring,
whose accounts post hours apart, so accumulates accounts across many message windows.

Posts of new accounts (entries marked ``keep``) stay matchable past the window for
``keep_for`` (at most ``max_kept`` of them, searched apart from the window's vectors), so a
ring's first rewrite still meets one posted hours later. And when a cluster gains an account
its centroid moves: earlier lone posts of other accounts (window or kept) within the join
threshold of the new centroid, backed as a new message would have to be, are *pulled* in.
A rewrite posted before the pair it resembles had formed is so no longer lost. Multi-account
clusters are pulled in too when they share an account with it and their centroids are within
the join threshold: one ring whose rewrites paired off separately.
"""

from __future__ import annotations

from collections import deque
from datetime import datetime, timedelta

import numpy as np
from datasketch import MinHashLSH

from bot.campaigns.cluster_state import Cluster, Entry
from bot.campaigns.similarity import NUM_PERM
from bot.campaigns.vectors import VectorWindow

#: Entry and Cluster are defined apart but imported from here by the detector and tests.
__all__ = ["Cluster", "Entry", "NearDupIndex"]

#: A centroid join needs members this much below the join threshold, from two authors.
SUPPORT_SLACK = 0.10
#: Joining a cluster of more than this many accounts by its centroid needs two other
#: authors behind the join (a pair grows on one, so a loose ring can get started).
GROW_AT = 2


class NearDupIndex:
    """The live window of one guild."""

    def __init__(self, *, minhash_threshold: float, embedding_threshold: float,
                 join_threshold: float | None = None, max_messages: int = 20_000,
                 cluster_ttl: timedelta = timedelta(0), max_retained: int = 256,
                 min_support: int = 2, keep_for: timedelta = timedelta(0),
                 max_kept: int = 2_000) -> None:
        self.minhash_threshold = minhash_threshold
        self.embedding_threshold = embedding_threshold
        #: Centroid threshold for joining a multi-author cluster (default: the pair one).
        self.join_threshold = embedding_threshold if join_threshold is None else join_threshold
        self.max_messages = max_messages
        #: How long a cluster of 2+ authors outlives its last message, and how many may.
        self.cluster_ttl = cluster_ttl
        self.max_retained = max_retained
        #: Other authors a centroid join needs behind it (1: a pair at the join threshold
        #: seeds a cluster).
        self.min_support = min_support
        #: How long entries marked ``keep`` stay matchable past the window, and how many.
        self.keep_for = keep_for
        self.max_kept = max_kept
        #: Entries past the window kept for ``keep_for`` (oldest first), searched apart from
        #: the window's vectors (they are few: only entries marked ``keep``).
        self.kept: deque[Entry] = deque()
        self._kept_cache: tuple[list[int], np.ndarray] | None = None
        #: Clusters with no live message kept for their memory, by id.
        self.retained: dict[int, Cluster] = {}
        self.entries: deque[Entry] = deque()
        self.by_seq: dict[int, Entry] = {}
        self.exact: dict[str, set[int]] = {}
        self.lsh = MinHashLSH(threshold=minhash_threshold, num_perm=NUM_PERM)
        self.clusters: dict[int, Cluster] = {}
        self._next_seq = 0
        self._next_cluster = 0
        self.vectors = VectorWindow(max_messages)

    def __len__(self) -> int:
        return len(self.entries) + len(self.kept)

    def _similar(
        self, vector: np.ndarray, threshold: float
    ) -> tuple[list[tuple[int, float]], tuple[int, float] | None]:
        """Held messages (window and kept) at cosine >= ``threshold``, and the nearest."""
        found: list[tuple[int, float]] = []
        nearest: tuple[int, float] | None = None
        if self.entries:
            found, nearest = self.vectors.similar(vector, self.entries[0].seq,
                                                  self.entries[-1].seq, threshold)
        kept = self._kept_matrix()
        if kept is not None and kept[1].shape[1] == vector.shape[0]:
            sims = kept[1] @ vector
            row = int(np.argmax(sims))
            if nearest is None or sims[row] > nearest[1]:
                nearest = (kept[0][row], float(sims[row]))
            found += [(kept[0][i], float(sims[i])) for i in np.flatnonzero(sims >= threshold)]
        return found, nearest

    def _kept_matrix(self) -> tuple[list[int], np.ndarray] | None:
        """Sequence numbers and stacked embeddings of the kept entries (cached)."""
        if self._kept_cache is None:
            rows = [(e.seq, e.vector) for e in self.kept if e.vector is not None]
            if not rows:
                return None
            shape = rows[0][1].shape
            rows = [(seq, vector) for seq, vector in rows if vector.shape == shape]
            self._kept_cache = ([seq for seq, _ in rows], np.stack([v for _, v in rows]))
        return self._kept_cache

    def new_seq(self) -> int:
        self._next_seq += 1
        return self._next_seq

    def evict(self, now: datetime, window: timedelta) -> None:
        """Drop messages older than ``window`` before ``now``."""
        while self.entries and now - self.entries[0].at > window:
            entry = self.entries.popleft()
            if entry.keep and now - entry.at <= self.keep_for:
                self.kept.append(entry)
                self.vectors.drop(entry.seq)
                self._kept_cache = None
            else:
                self._remove(entry)
        while self.kept and (now - self.kept[0].at > self.keep_for
                             or len(self.kept) > self.max_kept):
            self._remove(self.kept.popleft())
            self._kept_cache = None
        for cluster_id in [c.id for c in self.retained.values()
                           if c.last_at is None or now - c.last_at > self.cluster_ttl]:
            self._forget(cluster_id)

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
        grew = entry.author.id not in cluster.accounts
        cluster.add(entry)
        self._store(entry, embedding)
        # A cluster that gained an account has a new centroid: earlier posts may fit it now.
        if embedding is not None and grew and len(cluster.accounts) > 1:
            cluster = self._pull(cluster)
        return cluster

    def forget_author(self, author_id: int) -> int:
        """Drop every message of ``author_id`` (window and kept) and the author from every
        cluster (data erasure); returns how many of their messages were held."""
        mine = [e for e in (*self.entries, *self.kept) if e.author.id == author_id]
        for cluster in list(self.clusters.values()):
            if author_id in cluster.accounts:
                # Samples are not attributed: rebuild them from the others' live messages.
                others = (self.by_seq[s] for s in sorted(cluster.live) if s in self.by_seq)
                texts = dict.fromkeys(e.text for e in others if e.author.id != author_id)
                cluster.drop_author(author_id, list(texts)[:20])
        if mine:
            self.entries = deque(e for e in self.entries if e.author.id != author_id)
            self.kept = deque(e for e in self.kept if e.author.id != author_id)
            self._kept_cache = None
            for entry in mine:
                self._remove(entry)
        for cluster_id in [c.id for c in self.retained.values() if len(c.accounts) < 2]:
            self._forget(cluster_id)
        return len(mine)

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
        support_at = self.join_threshold - SUPPORT_SLACK
        found, nearest = self._similar(embedding, support_at)
        if nearest is not None and nearest[1] >= self.embedding_threshold:
            return self.clusters[self.by_seq[nearest[0]].cluster], "embedding"
        # Looser: clusters whose centroid is close, backed by messages of two other authors,
        # live ones or (for clusters that outlived their messages) remembered ones.
        touched: dict[int, set[int]] = {}
        for seq, _sim in found:
            other = self.by_seq[seq]
            if other.author.id != entry.author.id:
                touched.setdefault(other.cluster, set()).add(other.author.id)
        for cluster_id in self.retained:
            touched.setdefault(cluster_id, set())
        close: list[tuple[float, Cluster, set[int]]] = []
        for cluster_id, backers in touched.items():
            cluster = self.clusters[cluster_id]
            centroid = cluster.centroid
            if centroid is None or centroid.shape != embedding.shape:
                continue
            sim = float(centroid @ embedding)
            if sim < self.join_threshold:
                continue
            if len(cluster.accounts) > 1:
                backers = backers | cluster.supporters(embedding, entry.author.id, support_at)
            if backers:
                close.append((sim, cluster, backers))
        if not close:
            return None, ""
        # Join the closest cluster; merge in only those about the same thing (centroids
        # within the join threshold of its centroid), so one message cannot bridge topics.
        close.sort(key=lambda item: item[0], reverse=True)
        best = close[0][1].centroid
        joined: list[Cluster] = []
        authors: set[int] = set()
        for _sim, cluster, backers in close:
            centre = cluster.centroid
            if not joined or (best is not None and centre is not None
                              and float(best @ centre) >= self.join_threshold):
                joined.append(cluster)
                authors |= backers
        # A pair may seed, and a two-account cluster grow, at min_support; growing a cluster
        # of more accounts needs two other authors behind the join (one chance look-alike
        # is not enough).
        needed = 2 if any(len(c.accounts) > GROW_AT for c in joined) else self.min_support
        if len(authors) < max(1, needed):
            return None, ""
        return self._merge(joined), "centroid"

    def _pull(self, cluster: Cluster) -> Cluster:
        """Gather earlier lone posts of other accounts that sit close to ``cluster``'s centroid.

        A rewrite posted before the pair it resembles had formed stayed alone; it joins
        now on the rule a new message would join by (centroid at the join threshold, backed
        by enough other authors' members at the support level).
        """
        centroid = cluster.centroid
        if centroid is None:
            return cluster
        support_at = self.join_threshold - SUPPORT_SLACK
        found, _ = self._similar(centroid, support_at)
        pulled: dict[int, Cluster] = {}
        for seq, sim in found:
            entry = self.by_seq.get(seq)
            other = None if entry is None else self.clusters.get(entry.cluster)
            if entry is None or entry.vector is None or other is None or other is cluster:
                continue
            if len(other.accounts) > 1:
                if self._related(cluster, other):
                    pulled[other.id] = other
                continue
            if sim < self.join_threshold or entry.author.id in cluster.accounts:
                continue
            needed = 2 if len(cluster.accounts) > GROW_AT else self.min_support
            if len(cluster.supporters(entry.vector, entry.author.id, support_at)) >= needed:
                pulled[other.id] = other
        for other in self.retained.values():
            if other is not cluster and self._related(cluster, other):
                pulled[other.id] = other
        if not pulled:
            return cluster
        merged = self._merge([cluster, *pulled.values()])
        merged.matches["pulled"] = merged.matches.get("pulled", 0) + len(pulled)
        return merged

    def _related(self, cluster: Cluster, other: Cluster) -> bool:
        """Two multi-account clusters one account posted into, centroids within the join
        threshold: one ring whose rewrites paired off separately."""
        if not other.accounts.keys() & cluster.accounts.keys():
            return False
        a, b = cluster.centroid, other.centroid
        return a is not None and b is not None and a.shape == b.shape \
            and float(a @ b) >= self.join_threshold

    def _merge(self, clusters: list[Cluster]) -> Cluster:
        clusters.sort(key=lambda c: len(c.live), reverse=True)
        keep = clusters[0]
        for other in clusters[1:]:
            for seq in other.live:  # small into large keeps relabelling cheap
                self.by_seq[seq].cluster = keep.id
            keep.absorb(other)
            del self.clusters[other.id]
            self.retained.pop(other.id, None)
        self.retained.pop(keep.id, None)
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
            if not cluster.live:
                if len(cluster.accounts) > 1 and self.cluster_ttl > timedelta(0):
                    self.retained[cluster.id] = cluster
                    if len(self.retained) > self.max_retained:
                        stale = min(self.retained.values(),
                                    key=lambda c: c.last_at or entry.at)
                        self._forget(stale.id)
                else:
                    del self.clusters[cluster.id]

    def _forget(self, cluster_id: int) -> None:
        self.retained.pop(cluster_id, None)
        self.clusters.pop(cluster_id, None)
