"""Cross-encoder for replies: stance and in-context toxicity from one pass over a pair.

The pair ``[CLS] parent [SEP] message [SEP]`` runs through the frozen embeddings, the lower
layers of the single-message encoder (shared, frozen here) and trainable copies of its top
``n_top`` layers. Parent and message tokens are mean-pooled separately, so both heads see
each side after it has attended to the other:

* stance logits (agree / disagree / neutral) of the message toward the parent, or toward a
  configured claim in the parent's place;
* a residual correction to the message-only toxicity logit (zero at initialisation, like
  the v1 context head), so a reply is judged in its thread without forgetting what the
  message heads learnt from the much larger single-message data.

Training: :func:`train_pair`; inference (scorer and evaluation alike): :class:`PairScorer`.
"""

from __future__ import annotations

import copy
import hashlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch
from safetensors.torch import load_file, save_file
from torch import nn

from models.api import STANCES
from models.backbone import HIDDEN
from models.heads import Calibration
from models.partial import bucketed_batches, masked_mean, run_layers, warmup_linear_decay

log = logging.getLogger(__name__)

PAIR_FILE = "vigil-pair.safetensors"
#: Tokens per pair (both sides together; the longer side is cut first).
PAIR_TOKENS = 128
#: Encoder layers copied and tuned for pairs (the rest are shared with single messages).
PAIR_TOP_LAYERS = 2


def encoder_layers(backbone) -> list[nn.Module]:
    """The single-message encoder's six layers: tuned top copies over the frozen bottom."""
    layers = list(backbone.model.encoder.layer)
    top = backbone.top
    if top is None:
        return layers
    return layers[: top.first] + list(top.layers)


class PairModel(nn.Module):
    """Tuned top layers + stance head + context-correction head (all saved together)."""

    def __init__(self, layers: Sequence[nn.Module], n_top: int = PAIR_TOP_LAYERS) -> None:
        super().__init__()
        self.n_top = n_top
        self.top = nn.ModuleList(copy.deepcopy(list(layers[-n_top:])))
        for p in self.top.parameters():
            p.requires_grad_(True)
        self.stance = nn.Sequential(
            nn.Dropout(0.1),
            nn.Linear(2 * HIDDEN, 256),
            nn.GELU(),
            nn.Dropout(0.2),
            nn.Linear(256, len(STANCES)),
        )
        self.context = nn.Sequential(
            nn.Dropout(0.1), nn.Linear(2 * HIDDEN + 1, 128), nn.GELU(), nn.Linear(128, 1)
        )
        nn.init.zeros_(self.context[-1].weight)
        nn.init.zeros_(self.context[-1].bias)
        #: Additive stance logit offsets tuned for macro-F1 on the calibration split.
        self.register_buffer("bias_adjust", torch.zeros(len(STANCES)))
        #: Platt scaling of the in-context toxicity logit.
        self.ctx_calib = Calibration(1)

    def forward(
        self, h: torch.Tensor, mask: torch.Tensor, segment: torch.Tensor, base: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """(stance logits (b, 3), toxicity logit (b,)) from lower-layer states ``h``."""
        h = run_layers(self.top, h, mask)
        parent = masked_mean(h, mask * (segment == 0))
        message = masked_mean(h, mask * (segment == 1))
        z = torch.cat([parent, message], dim=-1)
        ctx = base + self.context(torch.cat([z, base.unsqueeze(-1)], dim=-1)).squeeze(-1)
        return self.stance(z), ctx


class PairEncoder:
    """Tokenises pairs and runs the frozen part (embeddings + shared lower layers)."""

    def __init__(self, backbone, n_top: int = PAIR_TOP_LAYERS) -> None:
        self.tokenizer = backbone.tokenizer
        self.embeddings = backbone.model.embeddings
        self.lower = encoder_layers(backbone)[:-n_top]
        self.device = backbone.device

    def tokens(self, pairs: Sequence[tuple[str, str]]) -> dict[str, torch.Tensor]:
        return self.tokenizer(
            [p for p, _ in pairs],
            [m for _, m in pairs],
            padding=True,
            truncation="longest_first",
            max_length=PAIR_TOKENS,
            return_tensors="pt",
        ).to(self.device)

    @torch.no_grad()
    def lower_states(self, enc: dict[str, torch.Tensor]) -> torch.Tensor:
        h = self.embeddings(input_ids=enc["input_ids"], token_type_ids=enc["token_type_ids"])
        return run_layers(self.lower, h, enc["attention_mask"])


@torch.no_grad()
def raw_outputs(
    model: PairModel,
    encoder: PairEncoder,
    pairs: Sequence[tuple[str, str]],
    base: torch.Tensor,
    batch_size: int = 32,
) -> tuple[torch.Tensor, torch.Tensor]:
    """Uncalibrated (stance logits (n, 3), toxicity logits (n,)) in input order.

    Pairs run in length-sorted batches (little padding); masking keeps each row independent
    of its batch.
    """
    stance = torch.zeros(len(pairs), len(STANCES))
    tox = torch.zeros(len(pairs))
    order = np.argsort([len(p) + len(m) for p, m in pairs], kind="stable")
    for s in range(0, len(pairs), batch_size):
        idx = order[s : s + batch_size]
        enc = encoder.tokens([pairs[i] for i in idx])
        h = encoder.lower_states(enc)
        st, ctx = model(h, enc["attention_mask"], enc["token_type_ids"], base[idx].to(h.device))
        stance[idx] = st.float().cpu()
        tox[idx] = ctx.float().cpu()
    return stance, tox


class PairScorer:
    """Stance probabilities and in-context toxicity for (parent or claim, message) pairs."""

    def __init__(self, backbone, model: PairModel) -> None:
        self.encoder = PairEncoder(backbone, model.n_top)
        self.model = model.eval().to(backbone.device)
        for p in self.model.parameters():
            p.requires_grad_(False)

    @torch.inference_mode()
    def __call__(
        self, pairs: Sequence[tuple[str, str]], base: torch.Tensor, batch_size: int = 32
    ) -> tuple[np.ndarray, np.ndarray]:
        """(stance probs (n, 3), toxicity probs (n,)); ``base``: message-only tox logits."""
        st, ctx = raw_outputs(self.model, self.encoder, pairs, base, batch_size)
        stance = torch.softmax(st + self.model.bias_adjust.cpu(), dim=-1).numpy()
        dev = self.model.bias_adjust.device  # calibration buffers live with the model
        tox = self.model.ctx_calib(ctx.unsqueeze(1).to(dev))[:, 0].cpu().numpy()
        return stance, tox


# -- save / load ----------------------------------------------------------------------------
def save(model: PairModel, out_dir: Path) -> dict[str, Any]:
    """Tuned layers as fp16, heads and calibration as fp32; returns the metadata entry."""
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / PAIR_FILE
    state = {}
    for k, v in model.state_dict().items():
        v = v.detach()
        state[k] = (v.to(torch.float16) if k.startswith("top.") else v).contiguous().clone()
    save_file(state, str(path), metadata={"format": "pt"})
    return {
        "file": PAIR_FILE,
        "n_top": model.n_top,
        "pair_tokens": PAIR_TOKENS,
        "sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
    }


def load(backbone, meta: dict[str, Any], weights_dir: Path) -> PairModel:
    path = Path(weights_dir) / meta["file"]
    actual = hashlib.sha256(path.read_bytes()).hexdigest()
    if actual != meta["sha256"]:
        raise RuntimeError(f"{path} does not match its metadata (sha256 {actual})")
    model = PairModel(encoder_layers(backbone), int(meta["n_top"]))
    model.load_state_dict({k: v.to(torch.float32) for k, v in load_file(str(path)).items()})
    return model.eval()


# -- training -------------------------------------------------------------------------------
@dataclass(slots=True)
class PairItem:
    """A training pair: stance label (-1: none) and/or toxicity label (NaN: none)."""

    parent: str
    text: str
    stance: int = -1
    toxicity: float = float("nan")
    #: Message-only toxicity logit of ``text`` (the context head corrects it).
    base: float = 0.0
    weight: float = 1.0


def _batches(items: list[PairItem], batch: int, gen: torch.Generator) -> list[np.ndarray]:
    """Shuffled batches of pairs of similar length (little padding)."""
    return bucketed_batches(np.array([len(i.parent) + len(i.text) for i in items]), batch, gen)


def _losses(
    model: PairModel,
    encoder: PairEncoder,
    items: list[PairItem],
    stance_w: torch.Tensor,
    tox_pos_weight: torch.Tensor,
) -> tuple[torch.Tensor, torch.Tensor]:
    """(stance loss, toxicity loss) for one batch of items."""
    from torch.nn import functional as F  # noqa: N812

    enc = encoder.tokens([(i.parent, i.text) for i in items])
    h = encoder.lower_states(enc)
    base = torch.tensor([i.base for i in items])
    st, ctx = model(h, enc["attention_mask"], enc["token_type_ids"], base)
    y = torch.tensor([i.stance for i in items])
    w = torch.tensor([i.weight for i in items])
    has = y >= 0
    zero = st.sum() * 0.0
    s_loss = zero
    if has.any():
        ce = F.cross_entropy(st[has], y[has], weight=stance_w, reduction="none")
        s_loss = (ce * w[has]).mean()
    t = torch.tensor([i.toxicity for i in items])
    tm = ~torch.isnan(t)
    t_loss = zero
    if tm.any():
        t_loss = F.binary_cross_entropy_with_logits(ctx[tm], t[tm], pos_weight=tox_pos_weight)
    return s_loss, t_loss


def predict(
    model: PairModel, encoder: PairEncoder, items: list[PairItem], batch: int = 64
) -> tuple[np.ndarray, np.ndarray]:
    """Raw (stance logits, toxicity logits) for items, in order (no calibration)."""
    model.eval()
    base = torch.tensor([i.base for i in items])
    st, tox = raw_outputs(model, encoder, [(i.parent, i.text) for i in items], base, batch)
    return st.numpy(), tox.numpy()


def train_pair(
    model: PairModel,
    encoder: PairEncoder,
    train: list[PairItem],
    epochs: int = 2,
    seed: int = 13,
    lr_top: float = 1e-4,
    lr_head: float = 1e-3,
    batch: int = 32,
    max_steps: int | None = None,
) -> dict[str, Any]:
    """Jointly tune the pair top and both heads (stance CE + context BCE, masked)."""
    from tqdm import tqdm

    torch.manual_seed(seed)
    ys = torch.tensor([i.stance for i in train if i.stance >= 0])
    counts = torch.bincount(ys, minlength=len(STANCES)).float().clamp(min=1)
    stance_w = (counts.sum() / counts).sqrt()
    tox = torch.tensor([i.toxicity for i in train if not np.isnan(i.toxicity)])
    tox_pos_weight = torch.sqrt((tox == 0).sum() / tox.sum().clamp(min=1))
    heads = [*model.stance.parameters(), *model.context.parameters()]
    opt = torch.optim.AdamW(
        [{"params": list(model.top.parameters()), "lr": lr_top}, {"params": heads, "lr": lr_head}],
        weight_decay=1e-2,
    )
    gen = torch.Generator().manual_seed(seed)
    total = epochs * ((len(train) + batch - 1) // batch)
    if max_steps:
        total = min(total, max_steps)
    sched = warmup_linear_decay(opt, total)
    step, log_rows = 0, []
    for epoch in range(epochs):
        model.train()
        run_s = run_t = 0.0
        n = 0
        bar = tqdm(_batches(train, batch, gen), desc=f"pair epoch {epoch + 1}", mininterval=10)
        for idx in bar:
            part = [train[i] for i in idx]
            s_loss, t_loss = _losses(model, encoder, part, stance_w, tox_pos_weight)
            loss = s_loss + t_loss
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.top.parameters(), 1.0)
            opt.step()
            sched.step()
            run_s += s_loss.item()
            run_t += t_loss.item()
            n += 1
            step += 1
            if max_steps and step >= max_steps:
                break
        log_rows.append({"epoch": epoch + 1, "stance_loss": run_s / n, "tox_loss": run_t / n})
        log.info("pair epoch %d: %s", epoch + 1, log_rows[-1])
        if max_steps and step >= max_steps:
            break
    model.eval()
    return {"steps": step, "epochs": log_rows, "lr_top": lr_top, "batch": batch}
