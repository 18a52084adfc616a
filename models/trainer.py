"""The joint fine-tune: message batches and pair batches interleaved over one encoder.

Message loss: masked multi-label BCE (a label a corpus does not annotate has no loss), the
auxiliary hate/offensive/normal cross-entropy, and the embedding distillation (cosine to the
base model's own sentence embedding). Pair loss: stance cross-entropy and the toxicity of the
reply in context (its message logit, computed without gradient, plus the pair correction).

During training only, each corpus adds its own learnt offset to every label logit, so the
shared head learns what a message says rather than which corpus it looks like. Each epoch
draws at most ``cap`` rows per corpus (a fresh draw per epoch), so large tweet corpora do
not drown small, varied ones. Same seed and data give the same weights; an epoch's
checkpoint lets an interrupted run resume.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch
from torch.nn import functional as F  # noqa: N812 - the usual torch alias
from tqdm import tqdm

from models.batches import collate, length_batches
from models.network import N_LABELS, VigilNet

log = logging.getLogger(__name__)


@dataclass
class SingleSet:
    ids: list[list[int]]
    y: np.ndarray  # (n, N_LABELS), NaN where the corpus does not annotate the label
    hx3: np.ndarray  # (n,), -1 where absent
    w: np.ndarray  # (n, N_LABELS) loss weight
    src: np.ndarray  # (n,) corpus index
    teacher: np.ndarray | None = None  # (n, 384) base-model sentence embeddings


@dataclass
class PairSet:
    ids: list[list[int]]
    types: list[list[int]]
    reply_ids: list[list[int]]  # the second segment alone, for its message logit
    stance: np.ndarray  # (n,), -1 where absent
    tox: np.ndarray  # (n,), NaN where absent
    w: np.ndarray  # (n,)
    src: np.ndarray  # (n,)


@dataclass
class TrainConfig:
    epochs: int = 2
    batch: int = 32
    lr: float = 8e-5
    head_lr: float = 1e-3
    weight_decay: float = 0.01
    seed: int = 13
    #: Rows drawn per corpus and epoch (corpus name -> cap; "*" is the default).
    single_caps: dict[str, int] = field(default_factory=lambda: {"*": 4000})
    pair_caps: dict[str, int] = field(default_factory=lambda: {"*": 3000})
    distill_weight: float = 1.0
    #: Per-corpus training-only logit offsets (the plain baseline has none).
    corpus_offsets: bool = True
    device: str = "cpu"


def draw(src: np.ndarray, names: list[str], caps: dict[str, int], rng) -> np.ndarray:
    """At most caps[name] rows of each corpus, drawn without replacement."""
    rows = []
    for k, name in enumerate(names):
        idx = np.flatnonzero(src == k)
        cap = caps.get(name, caps.get("*", len(idx)))
        rows.append(rng.permutation(idx)[:cap])
    return np.concatenate(rows) if rows else np.zeros(0, dtype=int)


def _schedule(opt: torch.optim.Optimizer, total: int) -> torch.optim.lr_scheduler.LambdaLR:
    warm = max(1, total // 20)  # 5% linear warm-up, then linear decay to zero
    return torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min((s + 1) / warm, max(0.0, (total - s) / max(1, total - warm)))
    )


class Trainer:
    def __init__(
        self,
        net: VigilNet,
        singles: SingleSet,
        single_names: list[str],
        pairs: PairSet | None,
        pair_names: list[str],
        cfg: TrainConfig,
        checkpoint_dir: Path | None = None,
    ) -> None:
        self.net, self.cfg = net, cfg
        self.singles, self.single_names = singles, single_names
        self.pairs, self.pair_names = pairs, pair_names
        self.device = torch.device(cfg.device)
        self.net.to(self.device)
        self.offsets = torch.nn.Parameter(
            torch.zeros(len(single_names), N_LABELS, device=self.device),
            requires_grad=cfg.corpus_offsets,
        )
        self.checkpoint_dir = checkpoint_dir
        self.history: list[dict[str, float]] = []

    def drawn_rows(self) -> np.ndarray:
        """Message rows some epoch will train on (the only ones needing teacher vectors)."""
        rows = [
            r for epoch in range(self.cfg.epochs) for kind, r in self._plan(epoch) if kind == "s"
        ]
        return np.unique(np.concatenate(rows)) if rows else np.zeros(0, dtype=int)

    def _plan(self, epoch: int) -> list[tuple[str, np.ndarray]]:
        rng = np.random.default_rng(self.cfg.seed * 1000 + epoch)
        rows = draw(self.singles.src, self.single_names, self.cfg.single_caps, rng)
        lens = [len(self.singles.ids[i]) for i in rows]
        plan = [("s", rows[b]) for b in length_batches(lens, self.cfg.batch, rng)]
        if self.pairs is not None:
            prow = draw(self.pairs.src, self.pair_names, self.cfg.pair_caps, rng)
            plens = [len(self.pairs.ids[i]) for i in prow]
            plan += [("p", prow[b]) for b in length_batches(plens, self.cfg.batch, rng)]
        order = rng.permutation(len(plan))
        return [plan[i] for i in order]

    def _single_loss(self, rows: np.ndarray) -> tuple[torch.Tensor, dict[str, float]]:
        s, dev = self.singles, self.device
        out = self.net.message(collate([s.ids[i] for i in rows], device=dev))
        y = torch.from_numpy(s.y[rows]).to(dev)
        w = torch.from_numpy(s.w[rows]).to(dev)
        known = ~torch.isnan(y)
        logits = out.label_logits
        if self.cfg.corpus_offsets:
            logits = logits + self.offsets[torch.from_numpy(s.src[rows]).to(dev)]
        bce = F.binary_cross_entropy_with_logits(logits, torch.nan_to_num(y), reduction="none")
        loss = (bce * w * known).sum() / known.sum().clamp(min=1)
        parts = {"bce": float(loss.detach())}
        hx3 = torch.from_numpy(s.hx3[rows]).to(dev)
        if bool((hx3 >= 0).any()):
            ce = F.cross_entropy(out.hx3_logits, hx3.clamp(min=0), reduction="none")
            aux = (ce * (hx3 >= 0)).sum() / (hx3 >= 0).sum()
            loss = loss + 0.5 * aux
            parts["hx3"] = float(aux.detach())
        if s.teacher is not None and self.cfg.distill_weight > 0:
            teacher = torch.from_numpy(s.teacher[rows]).to(dev)
            distill = (1.0 - (out.embedding * teacher).sum(-1)).mean()
            loss = loss + self.cfg.distill_weight * distill
            parts["distill"] = float(distill.detach())
        return loss, parts

    def _pair_loss(self, rows: np.ndarray) -> tuple[torch.Tensor, dict[str, float]]:
        p, dev = self.pairs, self.device
        assert p is not None
        out = self.net.pair(
            collate([p.ids[i] for i in rows], [p.types[i] for i in rows], device=dev)
        )
        w = torch.from_numpy(p.w[rows]).float().to(dev)
        stance = torch.from_numpy(p.stance[rows]).to(dev)
        loss = torch.zeros((), device=dev)
        parts: dict[str, float] = {}
        has = stance >= 0
        if bool(has.any()):
            ce = F.cross_entropy(out.stance_logits, stance.clamp(min=0), reduction="none")
            st = (ce * w * has).sum() / has.sum()
            loss, parts["stance"] = loss + st, float(st.detach())
        tox = torch.from_numpy(p.tox[rows]).float().to(dev)
        known = ~torch.isnan(tox)
        if bool(known.any()):
            sel = rows[known.cpu().numpy()]
            with torch.no_grad():
                base = self.net.message(
                    collate([p.reply_ids[i] for i in sel], device=dev)
                ).label_logits[:, 0]
            logit = base + out.toxicity_delta[known]
            bce = F.binary_cross_entropy_with_logits(logit, tox[known], reduction="none")
            ctx = (bce * w[known]).mean()
            loss, parts["context"] = loss + ctx, float(ctx.detach())
        return loss, parts

    def _resume(self, opt, sched) -> int:
        if self.checkpoint_dir is None:
            return 0
        done = sorted(self.checkpoint_dir.glob("epoch*.pt"))
        if not done:
            return 0
        state = torch.load(done[-1], map_location=self.device, weights_only=True)
        self.net.load_state_dict(state["net"], strict=False)
        self.offsets.data.copy_(state["offsets"])
        opt.load_state_dict(state["opt"])
        sched.load_state_dict(state["sched"])
        torch.set_rng_state(state["rng"].cpu())  # dropout masks continue as if never stopped
        log.info("resumed after %s", done[-1].name)
        return int(state["epoch"]) + 1

    def _save(self, epoch: int, opt, sched) -> None:
        if self.checkpoint_dir is None:
            return
        self.checkpoint_dir.mkdir(parents=True, exist_ok=True)
        torch.save(
            {"net": self.net.trained_state(), "offsets": self.offsets.data, "opt":
             opt.state_dict(), "sched": sched.state_dict(), "epoch": epoch,
             "rng": torch.get_rng_state()},
            self.checkpoint_dir / f"epoch{epoch}.pt",
        )

    def run(self) -> list[dict[str, float]]:
        cfg = self.cfg
        torch.manual_seed(cfg.seed)
        heads = [p for n, p in self.net.named_parameters() if not n.startswith("bert.")]
        body = [p for n, p in self.net.named_parameters()
                if n.startswith("bert.") and p.requires_grad]
        groups = [{"params": body, "lr": cfg.lr}, {"params": heads, "lr": cfg.head_lr}]
        if cfg.corpus_offsets:
            groups.append({"params": [self.offsets], "lr": cfg.head_lr, "weight_decay": 0.0})
        opt = torch.optim.AdamW(groups, weight_decay=cfg.weight_decay)
        steps_per_epoch = len(self._plan(0))
        sched = _schedule(opt, steps_per_epoch * cfg.epochs)
        start = self._resume(opt, sched)
        for epoch in range(start, cfg.epochs):
            self.net.train()
            totals: dict[str, list[float]] = {}
            bar = tqdm(self._plan(epoch), desc=f"fine-tune epoch {epoch + 1}/{cfg.epochs}",
                       unit="batch")
            for kind, rows in bar:
                loss, parts = (self._single_loss if kind == "s" else self._pair_loss)(rows)
                opt.zero_grad(set_to_none=True)
                loss.backward()
                torch.nn.utils.clip_grad_norm_(self.net.parameters(), 1.0)
                opt.step()
                sched.step()
                for k, v in parts.items():
                    totals.setdefault(k, []).append(v)
                if len(totals.get("bce", [])) % 20 == 1:
                    bar.set_postfix({k: f"{np.mean(v[-50:]):.3f}" for k, v in totals.items()})
            summary = {k: round(float(np.mean(v)), 4) for k, v in totals.items()}
            log.info("epoch %d: %s", epoch + 1, summary)
            self.history.append(summary)
            self._save(epoch, opt, sched)
        self.net.eval()
        return self.history
