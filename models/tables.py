"""From labelled examples to training tables: roles, loss weights, tokens, teacher vectors.

Roles: ``dev`` (official validation sets or a hashed 12% slice) is never trained on;
``calib`` (a hashed 10% of train) fits calibration; the rest trains. A reply with its parent
(ToxiChat turns, Fox News comments) is both a message example and an in-context toxicity
pair.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from models.api import LABELS
from models.batches import PAIR_TOKENS, TRAIN_TOKENS, tokenize_messages, tokenize_pairs
from models.data.common import Example, PairExample, dup_key
from models.data.common import hashed_split as _hashed
from models.data.identity import mentions_identity
from models.trainer import PairSet, SingleSet

log = logging.getLogger(__name__)

#: Loss weight of heuristic labels (models.data.weak) relative to annotated ones.
WEAK_WEIGHT = 0.5
#: Extra weight of annotated non-toxic messages that mention a protected group.
BENIGN_IDENTITY_WEIGHT = 2.0
CACHE_DIR = Path(__file__).resolve().parents[1] / ".cache"


def calib_part(key: str) -> bool:
    return _hashed(key, dev_percent=10, seed="vigil-calib") == "dev"


def role_of_single(ex: Example) -> str:
    if ex.split == "dev":
        return "dev"
    return "calib" if calib_part(dup_key(ex.text)) else "train"


def role_of_pair(p: PairExample) -> str:
    if p.split == "dev":
        return "dev"
    # Group by parent (claim, premise) so one claim's pairs stay on one side.
    return "calib" if calib_part(dup_key(p.parent)) else "train"


def context_pairs(singles: Sequence[Example]) -> list[PairExample]:
    """In-context toxicity pairs from message examples that carry their parent."""
    return [
        PairExample(e.parent, e.text, -1, f"{e.source}_context", e.split or "train",
                    toxicity=e.labels["toxicity"], weight=e.weight)
        for e in singles
        if e.parent and "toxicity" in e.labels
    ]


def single_set(
    examples: Sequence[Example], names: list[str], tokenizer, plain: bool = False
) -> SingleSet:
    """Tokens, labels (NaN = masked) and loss weights; ``plain`` weighs every label 1."""
    n = len(examples)
    y = np.full((n, len(LABELS)), np.nan, dtype=np.float32)
    w = np.ones((n, len(LABELS)), dtype=np.float32)
    benign_cols = [LABELS.index("toxicity"), LABELS.index("identity_attack")]
    for i, e in enumerate(examples):
        for j, lab in enumerate(LABELS):
            if lab in e.labels:
                y[i, j] = e.labels[lab]
        if plain:
            continue
        w[i] *= e.weight
        for lab in e.weak:
            w[i, LABELS.index(lab)] *= WEAK_WEIGHT
        if e.labels.get("toxicity") == 0.0 and mentions_identity(e.text):
            w[i, benign_cols] *= BENIGN_IDENTITY_WEIGHT
    return SingleSet(
        ids=tokenize_messages(tokenizer, [e.text for e in examples], TRAIN_TOKENS),
        y=y,
        hx3=np.array([e.hx3 for e in examples], dtype=np.int64),
        w=w,
        src=np.array([names.index(e.source) for e in examples], dtype=np.int64),
    )


def pair_set(pairs: Sequence[PairExample], names: list[str], tokenizer) -> PairSet:
    ids, types = tokenize_pairs(
        tokenizer, [p.parent for p in pairs], [p.text for p in pairs], PAIR_TOKENS
    )
    return PairSet(
        ids=ids,
        types=types,
        reply_ids=tokenize_messages(tokenizer, [p.text for p in pairs], TRAIN_TOKENS),
        stance=np.array([p.stance for p in pairs], dtype=np.int64),
        tox=np.array([np.nan if p.toxicity is None else p.toxicity for p in pairs],
                     dtype=np.float32),
        w=np.array([p.weight * (1.0 if p.adjacent else 0.5) for p in pairs], dtype=np.float32),
        src=np.array([names.index(p.source) for p in pairs], dtype=np.int64),
    )


def teacher_vectors(texts: Sequence[str], cache_dir: Path = CACHE_DIR) -> np.ndarray:
    """The base model's sentence embedding of each text, cached on disk by content."""
    from models.backbone import BaseEmbedder

    keys = [hashlib.sha1(t.encode("utf-8")).hexdigest() for t in texts]
    path = Path(cache_dir) / "teacher-v3.npz"
    cache: dict[str, np.ndarray] = {}
    if path.is_file():
        data = np.load(path)
        cache = dict(zip(data["keys"].tolist(), data["vectors"], strict=True))
    todo = sorted({k: t for k, t in zip(keys, texts, strict=True) if k not in cache}.items())
    if todo:
        log.info("teacher embeddings: %d new, %d cached", len(todo), len(keys) - len(todo))
        vectors = BaseEmbedder().embed([t for _, t in todo], max_tokens=TRAIN_TOKENS,
                                       progress=True)
        cache.update(zip([k for k, _ in todo], vectors, strict=True))
        path.parent.mkdir(parents=True, exist_ok=True)
        all_keys = sorted(cache)
        np.savez(path, keys=np.array(all_keys),
                 vectors=np.stack([cache[k] for k in all_keys]).astype(np.float16))
    return np.stack([cache[k] for k in keys]).astype(np.float32)
