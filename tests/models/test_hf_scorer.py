"""Config hook with a tiny randomly initialised local checkpoint (no network)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from models.api import LABELS, ScoreRequest, ScoreResult

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def checkpoint(tmp_path_factory) -> Path:
    os.environ["HF_HUB_OFFLINE"] = "1"
    import torch
    from transformers import AutoTokenizer, BertConfig, BertForSequenceClassification

    from models.backbone import default_backbone_path

    path = tmp_path_factory.mktemp("tiny-ckpt")
    tok = AutoTokenizer.from_pretrained(str(default_backbone_path()), local_files_only=True)
    torch.manual_seed(0)
    cfg = BertConfig(
        vocab_size=tok.vocab_size,
        hidden_size=16,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=32,
        num_labels=3,
        id2label={0: "toxic", 1: "insult", 2: "other"},
        label2id={"toxic": 0, "insult": 1, "other": 2},
        problem_type="multi_label_classification",
    )
    BertForSequenceClassification(cfg).save_pretrained(path)
    tok.save_pretrained(path)
    return path


class _StubDefault:
    version = "stub"

    def score_batch(self, requests):
        return [
            ScoreResult(
                scores=dict.fromkeys(LABELS, 0.25),
                parent_stance={"agree": 1.0, "disagree": 0.0, "neutral": 0.0},
            )
            for _ in requests
        ]


def test_label_map_and_zero_fallback(checkpoint: Path) -> None:
    from models.scorer import load_scorer_from_config

    scorer = load_scorer_from_config(
        {
            "model": str(checkpoint),
            "fallback": "zero",
            "label_map": {"toxic": "toxicity", "insult": "insult"},
        }
    )
    assert set(scorer.uncovered_labels) == set(LABELS) - {"toxicity", "insult"}
    reqs = [ScoreRequest("hello"), ScoreRequest("a longer message " * 5)]
    res = scorer.score_batch(reqs)
    assert len(res) == 2
    for r in res:
        assert 0.0 < r.scores["toxicity"] < 1.0
        assert 0.0 < r.scores["insult"] < 1.0
        assert r.scores["spam"] == 0.0
        assert r.parent_stance is None
    (alone,) = scorer.score_batch(reqs[:1])
    assert abs(alone.scores["toxicity"] - res[0].scores["toxicity"]) < 1e-5


def test_default_fallback_fills_uncovered_labels(checkpoint: Path) -> None:
    from models.hf_scorer import scorer_from_spec

    scorer = scorer_from_spec(str(checkpoint), default_loader=lambda device=None: _StubDefault())
    (res,) = scorer.score_batch([ScoreRequest("hi", parent="hello")])
    # Names are matched by alias: "toxic" -> toxicity, "insult" -> insult; rest from fallback.
    assert res.scores["spam"] == 0.25
    assert res.scores["toxicity"] != 0.25
    assert res.parent_stance == {"agree": 1.0, "disagree": 0.0, "neutral": 0.0}


def test_bad_specs_fail_clearly(checkpoint: Path, tmp_path: Path) -> None:
    from models.hf_scorer import scorer_from_spec

    stub = lambda device=None: _StubDefault()  # noqa: E731
    with pytest.raises(FileNotFoundError, match="only local"):
        scorer_from_spec({"model": str(tmp_path / "missing")}, default_loader=stub)
    with pytest.raises(ValueError, match="not in checkpoint labels"):
        scorer_from_spec(
            {"model": str(checkpoint), "label_map": {"nope": "toxicity"}}, default_loader=stub
        )
    assert isinstance(scorer_from_spec("default", default_loader=stub), _StubDefault)
