"""Text fingerprints for near-duplicate search: exact hash, MinHash of word shingles, cosine."""

from __future__ import annotations

import hashlib
import itertools
import re

import numpy as np
from datasketch import MinHash

NUM_PERM = 64
#: Messages with fewer content words than this only cluster when they carry a link:
#: "good morning everyone" from many members is conversation, not a campaign.
MIN_WORDS = 4

_LINK = re.compile(r"(?:https?://|www\.|discord(?:app)?\.(?:gg|com/invite)/)\S+", re.IGNORECASE)
_MENTION = re.compile(r"<[@#][!&]?\d+>")
_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_TEMPLATE = MinHash(num_perm=NUM_PERM, seed=1, scheme="affine64")


def content_words(folded: str) -> list[str]:
    """Words of the folded text, links and mentions removed."""
    return _WORD.findall(_MENTION.sub(" ", _LINK.sub(" ", folded.lower())))


def exact_key(folded: str) -> str:
    """Hash of the folded text with whitespace collapsed (links kept: they are the payload)."""
    squashed = " ".join(folded.lower().split())
    return hashlib.blake2b(squashed.encode("utf-8"), digest_size=12).hexdigest()


def shingles(words: list[str]) -> set[bytes]:
    """Unigrams plus bigrams: one edited word in ten keeps Jaccard near 0.7, unlike 3-grams."""
    grams = {w.encode() for w in words}
    grams.update(f"{a} {b}".encode() for a, b in itertools.pairwise(words))
    return grams


def minhash(words: list[str]) -> MinHash:
    # Sharing the permutations avoids regenerating them for every message.
    sketch = MinHash(num_perm=NUM_PERM, permutations=_TEMPLATE.permutations, scheme="affine64")
    grams = shingles(words)
    if grams:
        sketch.update_batch(list(grams))
    return sketch


def unit(vector: np.ndarray | None) -> np.ndarray | None:
    """Float32 unit vector, or None for a missing or zero embedding."""
    if vector is None:
        return None
    array = np.asarray(vector, dtype=np.float32).reshape(-1)
    norm = float(np.linalg.norm(array))
    if not np.isfinite(norm) or norm == 0.0:
        return None
    return array / norm
