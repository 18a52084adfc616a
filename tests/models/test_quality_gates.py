"""The shipped v3 on text it never trained on: contrast dev half and functional checks (slow).

Both sets are written here and held out of training (the contrast set's dev frames and
vocabulary never appear in its train half; models/checks is never trained or tuned on).

v3.0.0 misses issue 9's contrast targets (0.90 overall, no functionality below 0.70): it
scores 0.670 (MODEL_CARD.md says where and why). These gates hold the measured level, so a
retrain that falls below what ships fails here; raise them when a model clears more.
"""

from __future__ import annotations

from collections import defaultdict

import pytest

from models.api import LABELS, ScoreRequest

pytestmark = pytest.mark.slow

#: What v3.0.0 measures (0.670 overall; 50 of 58 checks), less rounding room.
CONTRAST_SHIPPED = 0.66
CHECKS_SHIPPED = 50


@pytest.fixture(scope="module")
def scorer():
    from models.scorer import load_default_scorer

    return load_default_scorer()


def _contrast_accuracy(scorer) -> tuple[float, dict[str, float]]:
    from models.data.contrast import load_items

    items = [it for it in load_items() if it.split == "dev"]
    results = scorer.score_batch([ScoreRequest(it.text) for it in items])
    right: dict[str, list[bool]] = defaultdict(list)
    for it, res in zip(items, results, strict=True):
        ok = all((res.scores[lab] >= 0.5) == (it.labels[lab] >= 0.5) for lab in LABELS)
        right[it.functionality].append(ok)
    overall = sum(sum(v) for v in right.values()) / sum(len(v) for v in right.values())
    return overall, {k: sum(v) / len(v) for k, v in right.items()}


def test_contrast_dev_half_holds_the_shipped_level(scorer) -> None:
    overall, per = _contrast_accuracy(scorer)
    assert overall >= CONTRAST_SHIPPED, per
    # The easy functionalities stay easy: benign identity talk is never called hate.
    assert per["identity_neutral"] >= 0.9
    assert per["reclaimed"] >= 0.9


def test_functional_checks_hold_the_shipped_level(scorer) -> None:
    from models.evaluate import run_checks

    result = run_checks(scorer)
    assert result["pass"] >= CHECKS_SHIPPED, result["failures"]
