"""Evaluate the shipped heads on the dev splits and on the functional checks.

    python -m models.evaluate [--data-dir ../shared/data] [--out models/reports]

Writes ``eval.json`` and ``eval.md``; prints the markdown. Dev splits are never used in
training (see models.train); 95% intervals are percentile bootstrap over examples.
"""

from __future__ import annotations

import argparse
import json
import logging
from pathlib import Path
from typing import Any

import numpy as np
import torch

from models import weights_io
from models.api import LABELS, STANCES, ScoreRequest
from models.backbone import Backbone
from models.data.build import Corpus, load_corpus
from models.data.common import HX3_CLASSES, default_data_dir
from models.ensemble import message_probs
from models.features import DEFAULT_CACHE, FeatureStore, fill_store
from models.metrics import bootstrap_ci, macro_f1, prf, reliability, roc_auc

log = logging.getLogger(__name__)
CHECKS = Path(__file__).resolve().parent / "checks" / "functional.jsonl"
REPORTS = Path(__file__).resolve().parent / "reports"
_TOX = LABELS.index("toxicity")


def _ci(fn, n: int) -> list[float]:
    lo, hi = bootstrap_ci(fn, n)
    return [round(lo, 4), round(hi, 4)]


def label_metrics(y: np.ndarray, p: np.ndarray, thr: float) -> dict[str, Any]:
    pred = p >= thr
    prec, rec, f1 = prf(y, pred)
    ece, table = reliability(y, p)
    return {
        "n": len(y),
        "positives": int(y.sum()),
        "threshold": thr,
        "precision": round(prec, 4),
        "recall": round(rec, 4),
        "f1": round(f1, 4),
        "f1_ci": _ci(lambda i: prf(y[i], pred[i])[2], len(y)),
        "roc_auc": round(roc_auc(y, p), 4),
        "roc_auc_ci": _ci(lambda i: roc_auc(y[i], p[i]), len(y)),
        "ece": round(ece, 4),
        "reliability": table,
    }


def multiclass(
    y: np.ndarray, pred: np.ndarray, k: int, names: tuple[str, ...] | list[str]
) -> dict[str, Any]:
    return {
        "n": len(y),
        "macro_f1": round(macro_f1(y, pred, k), 4),
        "macro_f1_ci": _ci(lambda i: macro_f1(y[i], pred[i], k), len(y)),
        "accuracy": round(float((y == pred).mean()), 4),
        "per_class_f1": {names[c]: round(prf(y == c, pred == c)[2], 4) for c in range(k)},
    }


def evaluate_dev(
    heads,
    meta: dict,
    corpus,
    store: FeatureStore,
    stance_store: FeatureStore | None = None,
    members=(),
    pair=None,
) -> dict[str, Any]:
    """``store``: head features; ``stance_store``: frozen features for stance and for
    "frozen" ensemble ``members`` (default: store); ``pair``: the reply cross-encoder
    (models.pair.PairScorer) when the weights have one. Same combination as the scorer."""
    stance_store = stance_store or store
    thr = meta["thresholds"]
    dev = [e for e in corpus.singles if e.split == "dev"]
    x = torch.from_numpy(store.get([e.text for e in dev]))
    xf = torch.from_numpy(stance_store.get([e.text for e in dev])) if members else None
    with torch.no_grad():
        probs, hx_probs, logits = message_probs(heads, x, members, xf)
        prob = probs.numpy()
        hx_pred = hx_probs.argmax(1).numpy()
    res: dict[str, Any] = {"labels": {}, "tasks": {}}
    for j, lab in enumerate(LABELS):
        # Heuristic (weak) insult/threat labels are not evidence: score against annotations.
        idx = [i for i, e in enumerate(dev) if lab in e.labels and lab not in e.weak]
        y = np.array([dev[i].labels[lab] for i in idx])
        res["labels"][lab] = label_metrics(y, prob[idx, j], thr[lab])
        res["labels"][lab]["sources"] = sorted({dev[i].source for i in idx})

    # Per-corpus view of the two main labels (ETHOS is evaluation-only, out of domain).
    res["per_source"] = {}
    for lab in ("toxicity", "identity_attack"):
        j = LABELS.index(lab)
        for s in sorted({e.source for e in dev}):
            idx = [i for i, e in enumerate(dev) if e.source == s and lab in e.labels]
            y = np.array([dev[i].labels[lab] for i in idx])
            if len(idx) < 20 or y.min() == y.max():
                continue
            prec, rec, f1 = prf(y, prob[idx, j] >= thr[lab])
            res["per_source"][f"{lab}/{s}"] = {
                "n": len(idx),
                "positives": int(y.sum()),
                "precision": round(prec, 4),
                "recall": round(rec, 4),
                "f1": round(f1, 4),
                "roc_auc": round(roc_auc(y, prob[idx, j]), 4),
            }

    def src(name: str) -> list[int]:
        return [i for i, e in enumerate(dev) if e.source == name]

    # OLID subtask A: offensive vs not, from the toxicity head at the shipped threshold.
    o = src("olid")
    y = np.array([dev[i].labels["toxicity"] for i in o]).astype(int)
    res["tasks"]["olid_offensive_macro_f1"] = multiclass(
        y, (prob[o, _TOX] >= thr["toxicity"]).astype(int), 2, ["NOT", "OFF"]
    )
    # HateXplain 3 classes: the dedicated head, and a rule over the label heads.
    h = src("hatexplain")
    y = np.array([dev[i].hx3 for i in h])
    res["tasks"]["hatexplain_3class_head"] = multiclass(y, hx_pred[h], 3, HX3_CLASSES)
    ia = LABELS.index("identity_attack")
    derived = np.where(
        prob[h, ia] >= thr["identity_attack"], 2, np.where(prob[h, _TOX] >= thr["toxicity"], 1, 0)
    )
    res["tasks"]["hatexplain_3class_from_labels"] = multiclass(y, derived, 3, HX3_CLASSES)
    # ToxiChat offensive, message alone and with the parent turn as context.
    t = src("toxichat")
    y = np.array([dev[i].labels["toxicity"] for i in t]).astype(int)
    p_msg = prob[t, _TOX]
    res["tasks"]["toxichat_offensive_message_only"] = label_metrics(y, p_msg, thr["toxicity"])
    has_parent = [k for k, i in enumerate(t) if dev[i].parent]
    rows = [t[k] for k in has_parent]
    p_ctx = p_msg.copy()
    if pair is not None:
        p_ctx[has_parent] = pair([(dev[i].parent, dev[i].text) for i in rows], logits[rows, _TOX])[
            1
        ]
    else:
        xp = torch.from_numpy(store.get([dev[t[k]].parent for k in has_parent]))
        with torch.no_grad():
            ctx_logit = heads.context(x[rows], xp, logits[rows, _TOX])
            p_ctx[has_parent] = heads.ctx_calib(ctx_logit.unsqueeze(1))[:, 0].numpy()
    res["tasks"]["toxichat_offensive_in_context"] = label_metrics(
        y, p_ctx, meta["context_threshold"]
    )
    # Stance.
    pairs = [p for p in corpus.pairs if p.split == "dev"]
    if pair is not None and meta.get("pair", {}).get("use_for_stance", True):
        # The base toxicity logit feeds only the context output, not stance.
        sp = pair([(p.parent, p.text) for p in pairs], torch.zeros(len(pairs)))[0].argmax(1)
    else:
        u = torch.from_numpy(stance_store.get([p.parent for p in pairs]))
        v = torch.from_numpy(stance_store.get([p.text for p in pairs]))
        with torch.no_grad():
            sp = (heads.stance(u, v) + heads.stance.bias_adjust).argmax(1).numpy()
    sy = np.array([p.stance for p in pairs])
    for name, keep in (
        ("toxichat_stance_adjacent", lambda p: p.source == "toxichat" and p.adjacent),
        ("toxichat_stance_all_pairs", lambda p: p.source == "toxichat"),
        ("subreddit_agreement_stance", lambda p: p.source == "subreddit_agreement"),
    ):
        k = [i for i, p in enumerate(pairs) if keep(p)]
        res["tasks"][name] = multiclass(sy[k], sp[k], 3, STANCES)
    return res


def run_checks(scorer, path: Path = CHECKS) -> dict[str, Any]:
    """Behavioural checks: each row says which scores must be high or low."""
    rows = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    reqs = [ScoreRequest(r["text"], parent=r.get("parent")) for r in rows]
    results = scorer.score_batch(reqs)
    thr = scorer.thresholds
    by_cat: dict[str, list[int]] = {}
    failures = []
    for r, res in zip(rows, results, strict=True):
        ok = True
        for lab, want in r.get("expect", {}).items():
            if lab == "stance":
                got = max(res.parent_stance, key=res.parent_stance.get)
                ok &= got == want
                continue
            high = res.scores[lab] >= thr.get(lab, 0.5)
            ok &= high == (want == "high")
        by_cat.setdefault(r["category"], [0, 0])
        by_cat[r["category"]][0] += int(ok)
        by_cat[r["category"]][1] += 1
        if not ok:
            failures.append(
                {
                    "text": r["text"],
                    "parent": r.get("parent"),
                    "expect": r["expect"],
                    "scores": {k: round(v, 3) for k, v in res.scores.items()},
                    "stance": res.parent_stance,
                }
            )
    total = sum(v[0] for v in by_cat.values()), sum(v[1] for v in by_cat.values())
    return {
        "pass": total[0],
        "total": total[1],
        "by_category": {k: f"{a}/{b}" for k, (a, b) in sorted(by_cat.items())},
        "failures": failures,
    }


def to_markdown(res: dict[str, Any]) -> str:
    lines = [
        "# Vigil heads - dev evaluation",
        "",
        f"Model: `{res['version']}`",
        "",
        "## Per label (dev splits, shipped thresholds)",
        "",
        "| label | n | pos | P | R | F1 [95% CI] | ROC AUC [95% CI] | ECE |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for lab, m in res["dev"]["labels"].items():
        lines.append(
            f"| {lab} | {m['n']} | {m['positives']} | {m['precision']:.3f} | "
            f"{m['recall']:.3f} | {m['f1']:.3f} [{m['f1_ci'][0]:.3f}, {m['f1_ci'][1]:.3f}]"
            f" | {m['roc_auc']:.3f} [{m['roc_auc_ci'][0]:.3f}, {m['roc_auc_ci'][1]:.3f}]"
            f" | {m['ece']:.3f} |"
        )
    lines += ["", "## Tasks", "", "| task | metric | value [95% CI] | n |", "|---|---|---|---|"]
    for name, m in res["dev"]["tasks"].items():
        if "macro_f1" in m:
            lines.append(
                f"| {name} | macro-F1 | {m['macro_f1']:.3f} "
                f"[{m['macro_f1_ci'][0]:.3f}, {m['macro_f1_ci'][1]:.3f}] | {m['n']} |"
            )
        else:
            lines.append(
                f"| {name} | F1 (offensive) | {m['f1']:.3f} "
                f"[{m['f1_ci'][0]:.3f}, {m['f1_ci'][1]:.3f}] | {m['n']} |"
            )
    lines += [
        "",
        "## Per corpus (dev)",
        "",
        "| label/corpus | n | pos | P | R | F1 | ROC AUC |",
        "|---|---|---|---|---|---|---|",
    ]
    for k, m in res["dev"]["per_source"].items():
        lines.append(
            f"| {k} | {m['n']} | {m['positives']} | {m['precision']:.3f} | "
            f"{m['recall']:.3f} | {m['f1']:.3f} | {m['roc_auc']:.3f} |"
        )
    lines += [
        "",
        "## Reliability (toxicity, dev)",
        "",
        "| bin | n | mean prob | frac positive |",
        "|---|---|---|---|",
    ]
    for b in res["dev"]["labels"]["toxicity"]["reliability"]:
        lines.append(f"| {b['bin']} | {b['n']} | {b['mean_prob']:.3f} | {b['frac_pos']:.3f} |")
    if "checks" in res:
        c = res["checks"]
        lines += [
            "",
            f"## Functional checks: {c['pass']}/{c['total']} pass",
            "",
            "| category | pass |",
            "|---|---|",
        ]
        lines += [f"| {k} | {v} |" for k, v in c["by_category"].items()]
        if c["failures"]:
            lines += ["", "Failures:", ""]
            lines += [f"- `{f['text']}` expected {f['expect']}" for f in c["failures"]]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description="Evaluate Vigil heads on dev splits.")
    ap.add_argument("--data-dir", type=Path, default=default_data_dir())
    ap.add_argument("--cache-dir", type=Path, default=DEFAULT_CACHE)
    ap.add_argument("--weights", type=Path, default=weights_io.WEIGHTS_DIR)
    ap.add_argument("--out", type=Path, default=REPORTS)
    ap.add_argument("--checks-only", action="store_true")
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    torch.set_num_threads(2)
    from models.scorer import load_default_scorer

    scorer = load_default_scorer(weights_dir=args.weights)
    res: dict[str, Any] = {"version": scorer.version}
    if not args.checks_only:
        corpus = load_corpus(args.data_dir)
        frozen = fill_store(FeatureStore(Backbone(), args.cache_dir), corpus)
        store = frozen
        if scorer.backbone.top is not None:
            # Tuned head features: only the dev split is needed (and encoded, once per top).
            dev = Corpus(
                [e for e in corpus.singles if e.split == "dev"],
                [p for p in corpus.pairs if p.split == "dev"],
            )
            tuned = FeatureStore(
                scorer.backbone, args.cache_dir, variant=f"top{scorer.meta['top']['sha256'][:12]}"
            )
            store = fill_store(tuned, dev)
        res["dev"] = evaluate_dev(
            scorer.heads,
            scorer.meta,
            corpus,
            store,
            frozen,
            members=scorer.members,
            pair=scorer.pair,
        )
    if CHECKS.is_file():
        res["checks"] = run_checks(scorer)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "eval.json").write_text(json.dumps(res, indent=2) + "\n")
    if "dev" in res:
        md = to_markdown(res)
        (args.out / "eval.md").write_text(md)
        print(md)
    else:
        print(json.dumps(res["checks"], indent=2))


if __name__ == "__main__":
    main()
