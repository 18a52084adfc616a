"""Fine-tuning of the top of the encoder (all-MiniLM-L6-v2 layers ``first + 1`` to 6).

The bottom ``first`` layers stay frozen: their per-token output for every training text is
computed once and cached (fp16, flat token matrix + lengths), so training only runs the
tuned layers (copies; the original layers stay untouched for the sentence embedding).
``first = 0`` tunes every transformer layer (only the embeddings stay frozen).
"""

from __future__ import annotations

import copy
import hashlib
import logging
from pathlib import Path

import numpy as np
import torch
from torch import nn

log = logging.getLogger(__name__)

#: Default count of frozen transformer layers below the tuned top (v1.2-v1.3 tuned 5-6).
N_FROZEN = 4
#: Tokens kept per text when caching / fine-tuning (inference uses backbone.MAX_TOKENS).
TRAIN_TOKENS = 64
L4_CACHE = Path(__file__).resolve().parents[1] / ".cache" / "vigil-l4"


def additive_mask(mask: torch.Tensor, dtype: torch.dtype = torch.float32) -> torch.Tensor:
    """(b, t) 0/1 attention mask -> (b, 1, 1, t) additive mask for BertLayer."""
    return (1.0 - mask[:, None, None, :].to(dtype)) * torch.finfo(dtype).min


def masked_mean(h: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    m = mask.unsqueeze(-1).to(h.dtype)
    return (h * m).sum(1) / m.sum(1).clamp(min=1.0)


def run_layers(layers, h: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """Per-token output of BERT ``layers`` for input states ``h`` and 0/1 ``mask``."""
    add = additive_mask(mask, h.dtype)
    for layer in layers:
        out = layer(h, attention_mask=add)
        # BertLayer returns a tuple in some transformers versions, a tensor in others.
        h = out[0] if isinstance(out, tuple) else out
    return h


def warmup_linear_decay(
    opt: torch.optim.Optimizer, total: int
) -> torch.optim.lr_scheduler.LambdaLR:
    """5% linear warm-up, then linear decay to zero at step ``total``."""
    warm = max(1, total // 20)
    return torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min((s + 1) / warm, max(0.0, (total - s) / max(1, total - warm)))
    )


class TopLayers(nn.Module):
    """Trainable copies of the encoder layers above the first ``first`` (frozen) ones."""

    def __init__(self, encoder_layers: nn.ModuleList, first: int = N_FROZEN) -> None:
        super().__init__()
        if not 0 <= first < len(encoder_layers):
            raise ValueError(f"first must be in [0, {len(encoder_layers) - 1}], got {first}")
        #: Index into hidden_states of the input this top reads (0 = embedding output).
        self.first = first
        self.layers = copy.deepcopy(encoder_layers[first:])
        for p in self.parameters():
            p.requires_grad_(True)

    def forward(self, h: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        """Per-token output of the top layers for hidden_states[self.first] ``h``."""
        return run_layers(self.layers, h, mask)


@torch.no_grad()
def hidden_below(model: nn.Module, input_ids: torch.Tensor, mask: torch.Tensor, first: int):
    """hidden_states[first] of a BertModel: embeddings, then its first ``first`` layers.

    Runs the modules directly rather than a truncated copy of the model, which would share
    (and so rewire) the original's submodule table.
    """
    return run_layers(model.encoder.layer[:first], model.embeddings(input_ids=input_ids), mask)


def texts_digest(texts: list[str]) -> str:
    return hashlib.sha256("\x00".join(texts).encode()).hexdigest()[:16]


@torch.inference_mode()
def cache_hidden(
    backbone,
    texts: list[str],
    cache_dir: Path = L4_CACHE,
    batch: int = 128,
    max_tokens: int = TRAIN_TOKENS,
    dtype=np.float16,
    first: int = N_FROZEN,
):
    """Return (tokens fp16 (N_tok, 384), offsets (n+1,)) of hidden_states[first] per text.

    ``texts`` must be unique; the cache file is keyed by their digest.
    """
    from tqdm import tqdm

    cache_dir.mkdir(parents=True, exist_ok=True)
    tag = np.dtype(dtype).name
    path = cache_dir / f"l{first}-t{max_tokens}-{tag}-{texts_digest(texts)}.npz"
    if path.is_file():
        z = np.load(path)
        return z["tokens"], z["offsets"]
    tok = backbone.tokenizer
    ids = tok(texts, truncation=True, max_length=max_tokens)["input_ids"]
    lens = np.array([len(i) for i in ids])
    offsets = np.zeros(len(texts) + 1, dtype=np.int64)
    offsets[1:] = np.cumsum(lens)
    tokens = np.zeros((offsets[-1], backbone.model.config.hidden_size), dtype=dtype)
    order = np.argsort(lens, kind="stable")
    for s in tqdm(range(0, len(order), batch), desc=f"cache layer {first}", mininterval=10):
        idx = order[s : s + batch]
        t = max(lens[i] for i in idx)
        inp = torch.zeros(len(idx), t, dtype=torch.long)
        msk = torch.zeros(len(idx), t, dtype=torch.long)
        for k, i in enumerate(idx):
            inp[k, : lens[i]] = torch.tensor(ids[i])
            msk[k, : lens[i]] = 1
        h = hidden_below(backbone.model, inp, msk, first).numpy()
        for k, i in enumerate(idx):
            tokens[offsets[i] : offsets[i + 1]] = h[k, : lens[i]]
    tmp = path.with_suffix(".tmp.npz")
    np.savez(tmp, tokens=tokens, offsets=offsets)
    tmp.rename(path)
    return tokens, offsets


def padded(tokens: np.ndarray, offsets: np.ndarray, rows) -> tuple[torch.Tensor, torch.Tensor]:
    """Padded (b, t, d) float32 hidden states and (b, t) mask for cached rows."""
    lens = [int(offsets[r + 1] - offsets[r]) for r in rows]
    t = max(lens)
    h = torch.zeros(len(rows), t, tokens.shape[1])
    m = torch.zeros(len(rows), t, dtype=torch.long)
    for k, r in enumerate(rows):
        h[k, : lens[k]] = torch.from_numpy(tokens[offsets[r] : offsets[r + 1]].astype(np.float32))
        m[k, : lens[k]] = 1
    return h, m


def bucketed_batches(lens: np.ndarray, batch: int, gen: torch.Generator) -> list[np.ndarray]:
    """Random batches of similar length (little padding); order of batches shuffled."""
    perm = torch.randperm(len(lens), generator=gen).numpy()
    chunk = batch * 50
    out = []
    for s in range(0, len(perm), chunk):
        c = perm[s : s + chunk]
        c = c[np.argsort(lens[c], kind="stable")]
        out += [c[i : i + batch] for i in range(0, len(c), batch)]
    order = torch.randperm(len(out), generator=gen).numpy()
    return [out[i] for i in order]


def finetune_top(
    top: TopLayers,
    tokens: np.ndarray,
    offsets: np.ndarray,
    rows_tr: np.ndarray,
    tr,
    rows_ca: np.ndarray,
    ca,
    epochs: int = 1,
    seed: int = 13,
    lr_top: float = 5e-5,
    lr_head: float = 1e-3,
    batch: int = 32,
    max_steps: int | None = None,
) -> dict[str, object]:
    """Jointly train ``top`` and one MessageHeads with the masked multi-task loss.

    ``tr``/``ca`` are ``models.train.SingleTable`` whose ``x`` are the frozen features
    ([mean last layer, mean hidden_states[MID_LAYER]]); the tuned top replaces the first half.
    """
    from torch.nn import functional as F  # noqa: N812
    from tqdm import tqdm

    from models.api import LABELS
    from models.backbone import HIDDEN
    from models.data.common import HX3_CLASSES
    from models.heads import MessageHeads
    from models.train import SOURCES, masked_bce

    torch.manual_seed(seed)
    head = MessageHeads()
    head.norm.fit(tr.x)
    pos = torch.nansum(tr.y, 0)
    neg = (~torch.isnan(tr.y)).sum(0) - pos
    pos_weight = torch.sqrt(neg / pos.clamp(min=1)).clamp(1.0, 10.0)
    hx_counts = torch.bincount(tr.hx3[tr.hx3 >= 0], minlength=len(HX3_CLASSES)).float()
    hx_weight = (hx_counts.sum() / hx_counts).sqrt()
    src_bias = nn.Parameter(torch.zeros(len(SOURCES), len(LABELS)))
    src_bias_hx = nn.Parameter(torch.zeros(len(SOURCES), len(HX3_CLASSES)))
    opt = torch.optim.AdamW(
        [
            {"params": list(top.parameters()), "lr": lr_top},
            {"params": [*head.parameters(), src_bias, src_bias_hx], "lr": lr_head},
        ],
        weight_decay=1e-2,
    )
    gen = torch.Generator().manual_seed(seed)
    lens = np.diff(offsets)[rows_tr]
    total = epochs * ((len(rows_tr) + batch - 1) // batch)
    if max_steps:
        total = min(total, max_steps)
    sched = warmup_linear_decay(opt, total)
    mid_tr = tr.x[:, HIDDEN:]

    def calib_loss() -> float:
        head.eval()
        with torch.no_grad():
            f = top_features_rows(top, tokens, offsets, rows_ca)
            x = torch.cat([torch.from_numpy(f), ca.x[:, HIDDEN:]], 1)
            logits, hx = head(x)
            val = masked_bce(logits + src_bias[ca.src], ca.y, pos_weight, ca.w).item()
            hm = ca.hx3 >= 0
            val += (
                0.5
                * F.cross_entropy(
                    hx[hm] + src_bias_hx[ca.src][hm], ca.hx3[hm], weight=hx_weight
                ).item()
            )
        return val

    log_rows = []
    step = 0
    for epoch in range(epochs):
        top.train()
        head.train()
        batches = bucketed_batches(lens, batch, gen)
        bar = tqdm(batches, desc=f"partial fine-tune epoch {epoch + 1}", mininterval=10)
        for idx in bar:
            h, m = padded(tokens, offsets, rows_tr[idx])
            pooled = masked_mean(top(h, m), m)
            x = torch.cat([pooled, mid_tr[idx]], 1)
            logits, hx = head(x)
            logits = logits + src_bias[tr.src[idx]]
            hx = hx + src_bias_hx[tr.src[idx]]
            loss = masked_bce(logits, tr.y[idx], pos_weight, tr.w[idx])
            hm = tr.hx3[idx] >= 0
            if hm.any():
                loss = loss + 0.5 * F.cross_entropy(hx[hm], tr.hx3[idx][hm], weight=hx_weight)
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(top.parameters(), 1.0)
            opt.step()
            sched.step()
            step += 1
            if max_steps and step >= max_steps:
                break
        val = calib_loss()
        log.info("partial epoch %d calib loss %.4f", epoch + 1, val)
        log_rows.append(round(val, 4))
    top.eval()
    return {"calib_loss": log_rows, "steps": step, "lr_top": lr_top, "batch": batch}


def top_features_rows(top: TopLayers, tokens, offsets, rows, batch: int = 128) -> np.ndarray:
    """Masked mean of the tuned top's output for cached ``rows`` (float32, in row order)."""
    top.eval()
    rows = np.asarray(rows)
    lens = np.diff(offsets)[rows]
    order = np.argsort(lens, kind="stable")
    out = np.zeros((len(rows), tokens.shape[1]), dtype=np.float32)
    with torch.no_grad():
        for s in range(0, len(rows), batch):
            k = order[s : s + batch]
            h, m = padded(tokens, offsets, rows[k])
            out[k] = masked_mean(top(h, m), m).numpy()
    return out
