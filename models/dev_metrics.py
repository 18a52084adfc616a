"""Dev-split predictions and metrics for one scorer (v3 or the plain baseline).

Every decision is "probability >= 0.5": the same rule an outside evaluation applies to
``python -m bot score``. Pair tasks run the pair pass exactly as the scorer does.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from models.api import LABELS, STANCES
from models.data.common import HX3_CLASSES, Example, PairExample
from models.metrics import bootstrap_ci, macro_f1, prf, reliability, roc_auc

_TOX, _IA = LABELS.index("toxicity"), LABELS.index("identity_attack")
AGREE, DISAGREE = STANCES.index("agree"), STANCES.index("disagree")


@dataclass
class DevPredictions:
    singles: list[Example]
    probs: np.ndarray  # (n, LABELS) message-only
    hx3: np.ndarray  # (n,) argmax of the auxiliary head
    context_tox: np.ndarray  # (n,) toxicity with the parent where there is one, else message
    pairs: list[PairExample]
    stance: np.ndarray  # (m, 3)
    pair_tox: np.ndarray  # (m,) in-context toxicity of the second text


def predict(scorer, singles: Sequence[Example], pairs: Sequence[PairExample]) -> DevPredictions:
    engine = scorer.engine
    singles, pairs = list(singles), list(pairs)
    msg = engine.messages([e.text for e in singles], progress="dev messages")
    probs = scorer.message_probs(msg.labels)
    ctx = probs[:, _TOX].copy()
    rows = [i for i, e in enumerate(singles) if e.parent]
    if rows:
        out = engine.pairs([singles[i].parent or "" for i in rows],
                           [singles[i].text for i in rows], progress="dev replies")
        ctx[rows] = scorer.context_toxicity(msg.labels[rows, _TOX], out.toxicity_delta)
    pout = engine.pairs([p.parent for p in pairs], [p.text for p in pairs], progress="dev pairs")
    base = engine.messages([p.text for p in pairs]).labels[:, _TOX]
    return DevPredictions(
        singles, probs, msg.hx3.argmax(1), ctx, pairs, scorer.stance_probs(pout.stance),
        scorer.context_toxicity(base, pout.toxicity_delta),
    )


def _ci(fn: Callable[[np.ndarray], float], n: int) -> list[float]:
    lo, hi = bootstrap_ci(fn, n, rounds=200)
    return [round(lo, 4), round(hi, 4)]


def binary(y: np.ndarray, p: np.ndarray) -> dict[str, Any]:
    """Macro-F1 (both classes), positive-class F1, AUC and ECE at the 0.5 threshold."""
    y = np.asarray(y).astype(int)
    pred = (p >= 0.5).astype(int)
    ece, table = reliability(y, p)
    return {
        "n": len(y),
        "positives": int(y.sum()),
        "macro_f1": round(macro_f1(y, pred, 2), 4),
        "macro_f1_ci": _ci(lambda i: macro_f1(y[i], pred[i], 2), len(y)),
        "f1": round(prf(y, pred)[2], 4),
        "f1_ci": _ci(lambda i: prf(y[i], pred[i])[2], len(y)),
        "accuracy": round(float((y == pred).mean()), 4),
        "roc_auc": round(roc_auc(y, p), 4),
        "ece": round(ece, 4),
        "reliability": table,
    }


def multiclass(y: np.ndarray, pred: np.ndarray, names: Sequence[str]) -> dict[str, Any]:
    k = len(names)
    return {
        "n": len(y),
        "macro_f1": round(macro_f1(y, pred, k), 4),
        "macro_f1_ci": _ci(lambda i: macro_f1(y[i], pred[i], k), len(y)),
        "accuracy": round(float((y == pred).mean()), 4),
        "per_class_f1": {names[c]: round(prf(y == c, pred == c)[2], 4) for c in range(k)},
    }


def favg(y: np.ndarray, pred: np.ndarray) -> dict[str, Any]:
    """Mean F1 of agree and disagree over 3-way predictions (the stance-detection F_avg)."""

    def f(i: np.ndarray) -> float:
        return (prf(y[i] == AGREE, pred[i] == AGREE)[2]
                + prf(y[i] == DISAGREE, pred[i] == DISAGREE)[2]) / 2

    everything = np.arange(len(y))
    return {"n": len(y), "macro_f1": round(f(everything), 4), "macro_f1_ci": _ci(f, len(y)),
            "accuracy": round(float((y == pred).mean()), 4)}


def label_of(d: DevPredictions, source: str, label: str, *, context: bool = False):
    """(gold, probability) of ``label`` on one corpus's dev rows that annotate it."""
    j = LABELS.index(label)
    rows = [i for i, e in enumerate(d.singles)
            if e.source == source and label in e.labels and label not in e.weak]
    y = np.array([d.singles[i].labels[label] for i in rows])
    p = d.context_tox[rows] if context and label == "toxicity" else d.probs[rows, j]
    return y, p


def tasks(d: DevPredictions) -> dict[str, dict[str, Any]]:
    """The issue's dev targets, each with the rule that produced it."""
    out: dict[str, dict[str, Any]] = {}
    y, p = label_of(d, "olid", "toxicity")
    out["olid offensive (toxicity)"] = binary(y, p)
    hx = [i for i, e in enumerate(d.singles) if e.source == "hatexplain" and e.hx3 >= 0]
    yh = np.array([d.singles[i].hx3 for i in hx])
    rule = np.where(d.probs[hx, _IA] >= 0.5, 2, np.where(d.probs[hx, _TOX] >= 0.5, 1, 0))
    out["hatexplain 3-class (identity_attack > toxicity > normal)"] = multiclass(
        yh, rule, HX3_CLASSES)
    out["hatexplain 3-class (auxiliary head)"] = multiclass(yh, d.hx3[hx], HX3_CLASSES)
    for source, label in (("dynahate", "identity_attack"), ("mhs", "identity_attack"),
                          ("fox_news", "identity_attack"), ("toxigen", "identity_attack"),
                          ("ethos", "toxicity"), ("jigsaw_templates", "toxicity"),
                          ("wiki_attacks", "insult"), ("youtube_spam", "spam"),
                          ("sms_spam", "spam")):
        y, p = label_of(d, source, label)
        if len(y) and y.min() != y.max():
            out[f"{source} ({label})"] = binary(y, p)
    y, p = label_of(d, "toxichat", "toxicity")
    out["toxichat offensive, message only"] = binary(y, p)
    y, p = label_of(d, "toxichat", "toxicity", context=True)
    out["toxichat offensive, with parent"] = binary(y, p)
    stance_pred = d.stance.argmax(1)
    for source, metric in (("toxichat", "macro"), ("subreddit_agreement", "macro"),
                           ("snli", "macro"), ("perspectrum", "favg"), ("argkp", "favg"),
                           ("diasafety", "favg"), ("counterspeech", "favg")):
        rows = [i for i, p in enumerate(d.pairs) if p.source == source and p.stance >= 0
                and (p.adjacent or source != "toxichat")]
        if not rows:
            continue
        ys = np.array([d.pairs[i].stance for i in rows])
        name = f"{source} stance"
        out[name] = (multiclass(ys, stance_pred[rows], STANCES) if metric == "macro"
                     else favg(ys, stance_pred[rows]))
    for source in ("diasafety", "counterspeech"):
        rows = [i for i, p in enumerate(d.pairs) if p.source == source and p.toxicity is not None]
        ys = np.array([d.pairs[i].toxicity for i in rows])
        if len(rows) and ys.min() != ys.max():
            out[f"{source} toxicity in context"] = binary(ys, d.pair_tox[rows])
    return out


def per_corpus(d: DevPredictions) -> dict[str, dict[str, Any]]:
    """Every (corpus, label) with both classes on dev: macro-F1, AUC and ECE."""
    out: dict[str, dict[str, Any]] = {}
    for source in sorted({e.source for e in d.singles}):
        for label in LABELS:
            y, p = label_of(d, source, label)
            if len(y) >= 20 and y.min() != y.max():
                m = binary(y, p)
                out[f"{source}/{label}"] = {k: m[k] for k in (
                    "n", "positives", "macro_f1", "roc_auc", "ece", "reliability")}
    return out


def contrast(d: DevPredictions, functionality_of: Callable[[str], str]) -> dict[str, Any]:
    """Contrast dev half: an item is right when all six labels fall on the gold side of 0.5."""
    rows = [i for i, e in enumerate(d.singles) if e.source == "contrast"]
    by: dict[str, list[int]] = {}
    per_label: dict[str, list[int]] = {}
    for i in rows:
        e = d.singles[i]
        right = [(d.probs[i, j] >= 0.5) == (e.labels[lab] >= 0.5) for j, lab in enumerate(LABELS)]
        by.setdefault(functionality_of(e.text), []).append(int(all(right)))
        for lab, r in zip(LABELS, right, strict=True):
            per_label.setdefault(lab, []).append(int(r))
    acc = {k: round(float(np.mean(v)), 4) for k, v in sorted(by.items())}
    allv = [x for v in by.values() for x in v]
    return {"n": len(allv), "accuracy": round(float(np.mean(allv)), 4) if allv else None,
            "by_functionality": acc,
            "per_label_accuracy": {k: round(float(np.mean(v)), 4) for k, v in per_label.items()}}
