"""The cascade in front of the v3 encoder: a duplicate cache, then a cheap first stage.

1. **Duplicate cache.** The engine's message and pair outputs are kept in bounded LRU maps
   keyed on the normalised text (``clean_text``, what the encoder reads) and on the
   (first, second) pair, so a repeated line (copy-paste spam, "lol", "gg") is one pass.
2. **First stage** (models.cascade_stage). A request that is not a reply is *cleared*
   without the encoder only when the stage is confident its text is benign on every
   label (a reply always gets the full model: its pair pass, toxicity in context, can
   move a line that is benign alone; so does a request that ``needs_embedding``, a new
   account's message the campaign detector matches by meaning); its scores are then the
   stage's own estimates (all low) and it has no sentence embedding. Everything else gets
   the full model, exactly as :class:`models.scorer.VigilScorer` scores it (same code,
   cached engine).
3. **Claim stance only where needed.** A message gets a claim's stance pass only when it
   is near the claim (cosine of its embedding to the claim's >= ``claim_gate``: the
   encoder's own, or for a cleared message the stage's); otherwise that claim's stance is
   ``{}`` (not measured). Replies always get their parent pair pass.

The moderation rules run on every message in the pipeline whatever this layer does.
Agreement with the full model is a test (tests/models/test_onnx_agreement.py).
"""

from __future__ import annotations

import threading
from collections import Counter, OrderedDict
from collections.abc import Hashable, Sequence
from typing import Any

import numpy as np

from models.api import STANCES, ScoreRequest, ScoreResult
from models.cascade_stage import StaticStage
from models.data.common import clean_text
from models.outputs import MessageLogits, PairLogits
from models.scorer import VigilScorer

DEFAULT_CACHE = 50_000
#: Cosine between a cleared message's stage embedding and a claim's full embedding from
#: which the claim's stance is still measured.
CLAIM_GATE = 0.3


class LRU:
    """A bounded mapping that forgets the least recently used key first."""

    def __init__(self, capacity: int) -> None:
        if capacity < 0:
            raise ValueError("cache capacity must be >= 0")
        self.capacity = capacity
        self._data: OrderedDict[Hashable, Any] = OrderedDict()

    def __len__(self) -> int:
        return len(self._data)

    def get(self, key: Hashable) -> Any:
        value = self._data.get(key)
        if value is not None:
            self._data.move_to_end(key)
        return value

    def put(self, key: Hashable, value: Any) -> None:
        if self.capacity == 0:
            return
        self._data[key] = value
        self._data.move_to_end(key)
        while len(self._data) > self.capacity:
            self._data.popitem(last=False)


class CachingEngine:
    """Wraps an engine (torch or ONNX); only texts and pairs not seen lately reach it."""

    def __init__(self, inner: Any, capacity: int = DEFAULT_CACHE,
                 stats: Counter[str] | None = None) -> None:
        self.inner = inner
        self.messages_seen = LRU(capacity)
        self.pairs_seen = LRU(capacity)
        self.stats: Counter[str] = stats if stats is not None else Counter()

    def messages(self, texts: Sequence[str], batch_size: int = 64, **kw: Any) -> MessageLogits:
        missing = list(dict.fromkeys(t for t in texts if self.messages_seen.get(t) is None))
        self.stats["message_cache_hits"] += len(texts) - len(missing)
        self.stats["encoder_messages"] += len(missing)
        if missing:
            out = self.inner.messages(missing, batch_size=batch_size, **kw)
            for i, text in enumerate(missing):
                self.messages_seen.put(text, (out.labels[i], out.hx3[i], out.embeddings[i]))
        rows = [self.messages_seen.get(t) for t in texts]
        if not rows:
            return MessageLogits(np.zeros((0, 6), np.float32), np.zeros((0, 3), np.float32),
                                 np.zeros((0, 384), np.float32))
        return MessageLogits(*(np.stack([r[k] for r in rows]) for k in range(3)))

    def pairs(self, firsts: Sequence[str], seconds: Sequence[str], batch_size: int = 32,
              **kw: Any) -> PairLogits:
        keys = list(zip(firsts, seconds, strict=True))
        missing = list(dict.fromkeys(k for k in keys if self.pairs_seen.get(k) is None))
        self.stats["pair_cache_hits"] += len(keys) - len(missing)
        self.stats["encoder_pairs"] += len(missing)
        if missing:
            out = self.inner.pairs([a for a, _ in missing], [b for _, b in missing],
                                   batch_size=batch_size, **kw)
            for i, key in enumerate(missing):
                self.pairs_seen.put(key, (out.stance[i], out.toxicity_delta[i]))
        rows = [self.pairs_seen.get(k) for k in keys]
        if not rows:
            return PairLogits(np.zeros((0, 3), np.float32), np.zeros(0, np.float32))
        return PairLogits(np.stack([r[0] for r in rows]),
                          np.array([r[1] for r in rows], dtype=np.float32))


class CascadeScorer:
    """Scorer protocol: the full v3 scorer behind a duplicate cache and a first stage."""

    def __init__(self, full: VigilScorer, stage: StaticStage | None, *,
                 cache_size: int = DEFAULT_CACHE, claim_gate: float = CLAIM_GATE) -> None:
        self.stats: Counter[str] = Counter()
        self.full = full
        full.engine = CachingEngine(full.engine, cache_size, self.stats)
        self.stage = stage
        self.claim_gate = claim_gate
        #: True: every target is measured, near or not (``python -m bot score``, where a
        #: line names its target; the pipeline's policy-wide claims are gated).
        self.measure_every_target = False
        self.version = full.version + ("+stage1" if stage is not None else "")
        self._lock = threading.Lock()  # one caller at a time: the caches are not thread-safe

    def score_batch(self, requests: Sequence[ScoreRequest]) -> list[ScoreResult]:
        with self._lock:
            return self._score(requests)

    def _cleared(self, requests: Sequence[ScoreRequest]
                 ) -> dict[str, tuple[np.ndarray, np.ndarray]]:
        """Stage outputs of the texts the stage clears (texts the encoder saw lately are
        left to the cache: the full model's answer is at hand)."""
        if self.stage is None:
            return {}
        seen = self.full.engine.messages_seen
        fresh = sorted({clean_text(r.text) for r in requests
                        if r.parent is None and not r.needs_embedding}
                       - {t for t in (clean_text(r.text) for r in requests)
                          if seen.get(t) is not None})
        probs, embs, flag = self.stage.predict(fresh)
        ok = self.stage.clears(flag)
        return {t: (probs[i], embs[i]) for i, t in enumerate(fresh) if ok[i]}

    def clearable(self, requests: Sequence[ScoreRequest]) -> list[bool]:
        """Which requests the first stage would answer without the encoder."""
        with self._lock:
            cleared = self._cleared(requests)
        return [self._quick(r, cleared) for r in requests]

    @staticmethod
    def _quick(request: ScoreRequest, cleared: dict[str, Any]) -> bool:
        # A reply always gets the full model: its pair pass can move a benign-looking line
        # ("so true" under some parents scores 0.8 toxicity in context). So does a message
        # whose embedding the campaign detector needs.
        return (request.parent is None and not request.needs_embedding
                and clean_text(request.text) in cleared)

    def _score(self, requests: Sequence[ScoreRequest]) -> list[ScoreResult]:
        cleared = self._cleared(requests)
        quick = [i for i, r in enumerate(requests) if self._quick(r, cleared)]
        quick_set = set(quick)
        slow = [i for i in range(len(requests)) if i not in quick_set]
        results: list[ScoreResult | None] = [None] * len(requests)
        for i, res in zip(slow, self._score_full([requests[i] for i in slow]), strict=True):
            results[i] = res
        for i, res in zip(quick, self._score_cleared([requests[i] for i in quick], cleared),
                          strict=True):
            results[i] = res
        self.stats["requests"] += len(requests)
        self.stats["cleared"] += len(quick)
        return [r for r in results if r is not None]

    def _score_full(self, requests: Sequence[ScoreRequest]) -> list[ScoreResult]:
        """The full model; a claim's stance only for messages near the claim (cosine of
        the encoder's own embeddings >= claim_gate), ``{}`` (not measured) elsewhere."""
        if self.measure_every_target or not any(r.targets for r in requests):
            return self.full.score_batch(requests)
        engine = self.full.engine
        claims = sorted({clean_text(t) for r in requests for t in r.targets})
        texts = sorted({clean_text(r.text) for r in requests if r.targets})
        vecs = engine.messages(claims + texts).embeddings  # cached: score_batch reuses them
        vec = dict(zip(claims + texts, vecs, strict=True))
        near: list[tuple[int, ...]] = []
        for r in requests:
            own = vec.get(clean_text(r.text))
            near.append(tuple(k for k, t in enumerate(r.targets) if own is not None
                              and float(vec[clean_text(t)] @ own) >= self.claim_gate))
        reduced = [ScoreRequest(r.text, r.parent, tuple(r.targets[k] for k in keep))
                   for r, keep in zip(requests, near, strict=True)]
        self.stats["claim_pairs_skipped"] += sum(len(r.targets) for r in requests) - sum(
            len(k) for k in near)
        out = []
        for r, keep, res in zip(requests, near, self.full.score_batch(reduced), strict=True):
            stances: list[dict[str, float]] = [{} for _ in r.targets]
            for k, stance in zip(keep, res.target_stances, strict=True):
                stances[k] = stance
            out.append(ScoreResult(res.scores, res.parent_stance, tuple(stances), res.embedding))
        return out

    def _score_cleared(self, requests: Sequence[ScoreRequest],
                       cleared: dict[str, tuple[np.ndarray, np.ndarray]]) -> list[ScoreResult]:
        from models.api import LABELS

        claims = sorted({clean_text(t) for r in requests for t in r.targets})
        claim_vecs = dict(zip(claims, self.full.engine.messages(claims).embeddings,
                              strict=True)) if claims else {}
        wanted: list[tuple[int, int, str, str]] = []  # (request, claim index, claim, text)
        out: list[tuple[dict[str, float], list[dict[str, float]], np.ndarray]] = []
        for i, r in enumerate(requests):
            text = clean_text(r.text)
            probs, emb = cleared[text]
            for k, claim in enumerate(clean_text(t) for t in r.targets):
                if self.measure_every_target or float(claim_vecs[claim] @ emb) >= self.claim_gate:
                    wanted.append((i, k, claim, text))
            out.append(({lab: float(probs[j]) for j, lab in enumerate(LABELS)},
                        [{} for _ in r.targets], emb))
        if wanted:
            self.stats["claim_pairs_needed"] += len(wanted)
            pair = self.full.engine.pairs([c for _, _, c, _ in wanted],
                                          [t for _, _, _, t in wanted])
            stance = self.full.stance_probs(pair.stance)
            for n, (i, k, _, _) in enumerate(wanted):
                out[i][1][k] = {s: float(stance[n, c]) for c, s in enumerate(STANCES)}
        skipped = sum(len(r.targets) for r in requests) - len(wanted)
        self.stats["claim_pairs_skipped"] += skipped
        # No embedding: the stage's distilled one is too rough (mean cosine ~0.6 to the
        # encoder's) for the campaign detector's similarity lines, which then match a
        # cleared message by exact text and MinHash only.
        return [ScoreResult(scores=s, parent_stance=None, target_stances=tuple(t))
                for s, t, _ in out]

    def reset(self) -> None:
        """Empty the duplicate caches and the counters (the bench's fresh start)."""
        engine = self.full.engine
        engine.messages_seen = LRU(engine.messages_seen.capacity)
        engine.pairs_seen = LRU(engine.pairs_seen.capacity)
        self.stats.clear()


CASCADE_MODES = ("stage1", "cache", "off")


def load_fast_scorer(
    device: str | None = None, *, runtime: str | None = None, cascade: str | None = None,
    weights_dir: Any = None, threads: int | None = None,
) -> Any:
    """The shipped scorer as the bot runs it: ``VIGIL_RUNTIME`` (models.onnx_scorer) and
    ``VIGIL_CASCADE``: ``stage1`` (default: cache and first stage), ``cache`` (duplicate
    cache only) or ``off`` (the plain full model)."""
    import logging
    import os

    from models.cascade_stage import StageError
    from models.onnx_scorer import load_runtime_scorer

    mode = (cascade or os.environ.get("VIGIL_CASCADE") or "stage1").strip().lower()
    if mode not in CASCADE_MODES:
        raise ValueError(f"VIGIL_CASCADE={mode!r}: expected one of {CASCADE_MODES}")
    full = load_runtime_scorer(runtime, weights_dir, device, threads)
    if mode == "off":
        return full
    stage = None
    if mode == "stage1":
        try:
            stage = StaticStage(weights_dir, full.meta.get("weights_sha256"))
        except StageError as exc:  # the full model alone is always correct, only slower
            logging.getLogger(__name__).warning("cascade first stage off: %s", exc)
    return CascadeScorer(full, stage)
