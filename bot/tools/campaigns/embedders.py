"""Sentence embedders for the benchmark: the real MiniLM one, and a cheap hashing stand-in.

``minilm`` gives exactly the vectors production sees in ``ScoreResult.embedding``: the
shipped scorer's (v3: a projection of its one encoder pass, distilled from the base model's
embedding), else the untouched base model's own embedding when no weights are installed.
Vectors are cached on disk by text.
"""

from __future__ import annotations

import hashlib
import itertools
import re
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

Embed = Callable[[Sequence[str]], np.ndarray]
_TOKEN = re.compile(r"\w+")


def hashing_embedder(dim: int = 256) -> Embed:
    """Hashed unigrams and bigrams: shares words, not meaning (so it misses spun rewrites)."""

    def embed(texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), dim), dtype=np.float32)
        for row, text in enumerate(texts):
            words = _TOKEN.findall(text.lower())
            for gram in words + [f"{a} {b}" for a, b in itertools.pairwise(words)]:
                digest = hashlib.blake2b(gram.encode(), digest_size=8).digest()
                out[row, int.from_bytes(digest, "little") % dim] += 1.0
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.maximum(norms, 1e-12)

    return embed


def minilm_embedder() -> tuple[Embed, str]:
    """The production embedding; returns (embed, description of where it came from)."""
    from models.data.common import clean_text

    try:
        from models.api import ScoreRequest
        from models.scorer import load_default_scorer

        scorer = load_default_scorer()

        def via_scorer(texts: Sequence[str]) -> np.ndarray:
            results = scorer.score_batch([ScoreRequest(t) for t in texts])
            return np.stack([np.asarray(r.embedding, dtype=np.float32) for r in results])

        return via_scorer, f"minilm via {scorer.version}"
    except Exception as exc:  # weights not trained/installed yet: the base model's embedding
        from models.backbone import BaseEmbedder

        base = BaseEmbedder()
        reason = type(exc).__name__

        def via_base(texts: Sequence[str]) -> np.ndarray:
            return base.embed([clean_text(t) for t in texts], batch_size=64)

        return via_base, f"minilm backbone all-MiniLM-L6-v2 (scorer unavailable: {reason})"


class CachedEmbedder:
    """Embeds each distinct text once and remembers it in ``path`` (npz) across runs."""

    def __init__(self, embed: Embed, name: str, path: Path | None) -> None:
        self.embed, self.name, self.path = embed, name, path
        self.cache: dict[str, np.ndarray] = {}
        self.computed = 0
        if path is not None and path.is_file():
            data = np.load(path)
            self.cache = dict(zip(data["keys"].tolist(), data["vectors"], strict=True))

    def __call__(self, texts: Sequence[str]) -> list[np.ndarray]:
        keys = [hashlib.sha1(t.encode("utf-8")).hexdigest() for t in texts]
        todo = sorted({k: t for k, t in zip(keys, texts, strict=True)
                       if k not in self.cache}.items())
        if todo:
            vectors = self.embed([t for _, t in todo])
            self.cache.update(zip([k for k, _ in todo], vectors, strict=True))
            self.computed += len(todo)
        return [self.cache[k] for k in keys]

    def save(self) -> None:
        if self.path is None or not self.computed:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        keys = list(self.cache)
        np.savez(self.path, keys=np.array(keys), vectors=np.stack([self.cache[k] for k in keys]))
