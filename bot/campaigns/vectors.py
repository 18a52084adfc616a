"""Embeddings of the live window in a growable ring buffer, searched by one matrix product.

Messages leave in arrival order, so the live sequence numbers form one contiguous range and
the rows to search are one or two slices: no per-message Python loop, no copy.
"""

from __future__ import annotations

import numpy as np

INITIAL_ROWS = 1024


class VectorWindow:
    def __init__(self, max_rows: int) -> None:
        self.max_rows = max_rows
        self._rows = min(INITIAL_ROWS, max_rows)
        self._vectors: np.ndarray | None = None
        self._seq = np.full(self._rows, -1, dtype=np.int64)

    def put(self, seq: int, vector: np.ndarray, oldest_live: int) -> None:
        """Store the unit ``vector`` of message ``seq``; ``oldest_live`` bounds the range kept."""
        if self._vectors is None:
            self._vectors = np.zeros((self._rows, vector.shape[0]), np.float32)
        if vector.shape[0] != self._vectors.shape[1]:
            return  # another embedder's vectors cannot be compared with these
        if seq - oldest_live + 1 > self._rows and self._rows < self.max_rows:
            self._grow(min(self.max_rows, 2 * self._rows))
        row = seq % self._rows
        self._vectors[row] = vector
        self._seq[row] = seq

    def drop(self, seq: int) -> None:
        row = seq % self._rows
        if self._seq[row] == seq:
            self._seq[row] = -1

    def closest(self, vector: np.ndarray, first: int, last: int) -> tuple[int, float] | None:
        """(seq, cosine) of the nearest stored vector with seq in [first, last]."""
        if self._vectors is None or vector.shape[0] != self._vectors.shape[1] or last < first:
            return None
        best: tuple[int, float] | None = None
        for lo, hi in self._slices(first, last):
            sims = self._vectors[lo:hi] @ vector
            sims[self._seq[lo:hi] < 0] = -2.0
            row = int(np.argmax(sims))
            if sims[row] > -2.0 and (best is None or sims[row] > best[1]):
                best = (int(self._seq[lo + row]), float(sims[row]))
        return best

    def similar(
        self, vector: np.ndarray, first: int, last: int, threshold: float
    ) -> tuple[list[tuple[int, float]], tuple[int, float] | None]:
        """Stored vectors with seq in [first, last] at cosine >= ``threshold``, and the nearest."""
        if self._vectors is None or vector.shape[0] != self._vectors.shape[1] or last < first:
            return [], None
        found: list[tuple[int, float]] = []
        best: tuple[int, float] | None = None
        for lo, hi in self._slices(first, last):
            sims = self._vectors[lo:hi] @ vector
            seqs = self._seq[lo:hi]
            sims[seqs < 0] = -2.0
            row = int(np.argmax(sims))
            if sims[row] > -2.0 and (best is None or sims[row] > best[1]):
                best = (int(seqs[row]), float(sims[row]))
            for i in np.flatnonzero(sims >= threshold):
                found.append((int(seqs[i]), float(sims[i])))
        return found, best

    def _slices(self, first: int, last: int) -> list[tuple[int, int]]:
        if last - first + 1 >= self._rows:
            return [(0, self._rows)]
        lo, hi = first % self._rows, last % self._rows
        return [(lo, hi + 1)] if lo <= hi else [(lo, self._rows), (0, hi + 1)]

    def _grow(self, rows: int) -> None:
        assert self._vectors is not None
        vectors = np.zeros((rows, self._vectors.shape[1]), np.float32)
        seqs = np.full(rows, -1, dtype=np.int64)
        live = self._seq >= 0
        for old_row in np.flatnonzero(live):
            seq = int(self._seq[old_row])
            vectors[seq % rows] = self._vectors[old_row]
            seqs[seq % rows] = seq
        self._vectors, self._seq, self._rows = vectors, seqs, rows
