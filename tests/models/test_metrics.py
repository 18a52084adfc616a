from __future__ import annotations

import numpy as np

from models.metrics import best_threshold, bootstrap_ci, macro_f1, prf, reliability, roc_auc


def test_prf_and_macro() -> None:
    y = np.array([1, 1, 0, 0])
    assert prf(y, np.array([1, 0, 1, 0])) == (0.5, 0.5, 0.5)
    assert macro_f1(np.array([0, 1, 2]), np.array([0, 1, 1]), 3) == (1 + 2 / 3 + 0) / 3


def test_roc_auc_with_ties() -> None:
    assert roc_auc(np.array([0, 0, 1, 1]), np.array([0.1, 0.2, 0.8, 0.9])) == 1.0
    assert roc_auc(np.array([0, 1]), np.array([0.5, 0.5])) == 0.5
    assert np.isnan(roc_auc(np.array([1, 1]), np.array([0.1, 0.2])))


def test_reliability_and_threshold() -> None:
    ece, table = reliability(np.array([0, 1]), np.array([0.05, 0.95]))
    assert abs(ece - 0.05) < 1e-9
    assert len(table) == 2
    y = np.array([0] * 50 + [1] * 50)
    p = np.r_[np.linspace(0, 0.4, 50), np.linspace(0.6, 1, 50)]
    assert 0.4 <= best_threshold(y, p) <= 0.6
    lo, hi = bootstrap_ci(lambda i: float(y[i].mean()), len(y))
    assert lo < 0.5 < hi
