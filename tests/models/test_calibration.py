"""Platt scaling across corpora and stance temperature: fitted, applied, degenerate cases."""

from __future__ import annotations

import numpy as np

from models.calibration import (
    apply_platt,
    apply_stance,
    corpus_weights,
    fit_platt,
    fit_stance,
)


def test_corpus_weights_make_every_corpus_count_the_same() -> None:
    src = np.array(["a"] * 90 + ["b"] * 10)
    w = corpus_weights(src)
    assert abs(w[src == "a"].sum() - w[src == "b"].sum()) < 1e-3
    assert abs(w.mean() - 1.0) < 1e-6


def test_platt_recovers_a_known_scale_and_shift() -> None:
    rng = np.random.default_rng(0)
    logits = rng.normal(0, 3, 20000)
    truth = 1 / (1 + np.exp(-(0.5 * logits - 1.0)))
    y = (rng.random(20000) < truth).astype(float)
    a, b = fit_platt(logits, y, np.ones_like(y))
    assert abs(a - 0.5) < 0.05
    assert abs(b + 1.0) < 0.1
    p = apply_platt(logits, (a, b))
    assert abs(float(p.mean()) - float(y.mean())) < 0.01


def test_platt_is_the_identity_on_one_class() -> None:
    assert fit_platt(np.zeros(50), np.ones(50), np.ones(50)) == (1.0, 0.0)


def test_stance_calibration_sums_to_one_and_shifts_a_biased_head() -> None:
    rng = np.random.default_rng(1)
    y = rng.integers(0, 3, 3000)
    logits = rng.normal(0, 1, (3000, 3))
    logits[np.arange(3000), y] += 2.0
    logits[:, 2] += 3.0  # a head that over-predicts "neutral"
    cal = fit_stance(logits, y, np.ones(3000))
    probs = apply_stance(logits, cal)
    assert np.allclose(probs.sum(1), 1.0, atol=1e-5)
    before = float((logits.argmax(1) == y).mean())
    after = float((probs.argmax(1) == y).mean())
    assert after > before + 0.1
