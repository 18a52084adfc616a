"""Dependency-free classification metrics: F1, ROC AUC, ECE, bootstrap intervals."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np


def prf(y: np.ndarray, pred: np.ndarray) -> tuple[float, float, float]:
    """Precision, recall, F1 of the positive class."""
    y, pred = np.asarray(y).astype(bool), np.asarray(pred).astype(bool)
    tp = float(np.sum(y & pred))
    p = tp / max(float(pred.sum()), 1.0)
    r = tp / max(float(y.sum()), 1.0)
    f = 2 * p * r / (p + r) if p + r > 0 else 0.0
    return p, r, f


def macro_f1(y: np.ndarray, pred: np.ndarray, n_classes: int) -> float:
    return float(np.mean([prf(y == c, pred == c)[2] for c in range(n_classes)]))


def roc_auc(y: np.ndarray, score: np.ndarray) -> float:
    """Mann-Whitney AUC with tied ranks averaged; NaN when only one class is present."""
    y = np.asarray(y).astype(bool)
    n_pos, n_neg = int(y.sum()), int((~y).sum())
    if n_pos == 0 or n_neg == 0:
        return float("nan")
    order = np.argsort(score, kind="mergesort")
    s = np.asarray(score)[order]
    ranks = np.empty(len(s))
    i = 0
    while i < len(s):
        j = i
        while j + 1 < len(s) and s[j + 1] == s[i]:
            j += 1
        ranks[i : j + 1] = (i + j) / 2.0 + 1.0
        i = j + 1
    r = np.empty(len(s))
    r[order] = ranks
    return float((r[y].sum() - n_pos * (n_pos + 1) / 2.0) / (n_pos * n_neg))


def reliability(y: np.ndarray, prob: np.ndarray, bins: int = 10) -> tuple[float, list[dict]]:
    """Expected calibration error and the per-bin table (equal-width bins)."""
    y, prob = np.asarray(y, dtype=float), np.asarray(prob, dtype=float)
    edges = np.linspace(0.0, 1.0, bins + 1)
    idx = np.clip(np.digitize(prob, edges[1:-1]), 0, bins - 1)
    ece, table = 0.0, []
    for b in range(bins):
        m = idx == b
        if not m.any():
            continue
        conf, acc = float(prob[m].mean()), float(y[m].mean())
        ece += m.mean() * abs(conf - acc)
        table.append(
            {
                "bin": f"{edges[b]:.1f}-{edges[b + 1]:.1f}",
                "n": int(m.sum()),
                "mean_prob": round(conf, 4),
                "frac_pos": round(acc, 4),
            }
        )
    return float(ece), table


def best_threshold(y: np.ndarray, prob: np.ndarray) -> float:
    """Threshold maximising positive-class F1 (grid over 0.05..0.95)."""
    grid = np.linspace(0.05, 0.95, 91)
    f1s = [prf(y, prob >= t)[2] for t in grid]
    return round(float(grid[int(np.argmax(f1s))]), 3)


def bootstrap_ci(
    fn: Callable[[np.ndarray], float], n: int, rounds: int = 300, seed: int = 0
) -> tuple[float, float]:
    """95% percentile interval of ``fn(indices)`` over bootstrap resamples of ``n`` items."""
    rng = np.random.default_rng(seed)
    vals = []
    for _ in range(rounds):
        v = fn(rng.integers(0, n, n))
        if not np.isnan(v):
            vals.append(v)
    if not vals:
        return float("nan"), float("nan")
    return float(np.percentile(vals, 2.5)), float(np.percentile(vals, 97.5))
