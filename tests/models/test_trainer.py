"""The joint trainer on a tiny BERT: masked labels, caps per corpus, seeded, resumable."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch

from models.api import LABELS
from models.trainer import PairSet, SingleSet, TrainConfig, Trainer, draw
from tests.models.tiny import tiny_net


def _singles(n: int = 64) -> SingleSet:
    rng = np.random.default_rng(0)
    ids = [[2, *rng.integers(5, 100, rng.integers(2, 10)).tolist(), 3] for _ in range(n)]
    y = np.full((n, len(LABELS)), np.nan, dtype=np.float32)
    y[:, 0] = rng.integers(0, 2, n)
    teacher = rng.normal(size=(n, 384)).astype(np.float32)
    teacher /= np.linalg.norm(teacher, axis=1, keepdims=True)
    return SingleSet(ids, y, np.full(n, -1), np.ones_like(y), np.arange(n) % 2, teacher)


def _pairs(n: int = 32) -> PairSet:
    ids = [[2, 7, 8, 3, 9, 10, 3] for _ in range(n)]
    types = [[0, 0, 0, 0, 1, 1, 1] for _ in range(n)]
    stance = np.array([i % 3 for i in range(n)])
    tox = np.where(np.arange(n) % 2 == 0, np.nan, 1.0).astype(np.float32)
    return PairSet(ids, types, [[2, 9, 10, 3]] * n, stance, tox, np.ones(n, np.float32),
                   np.zeros(n, dtype=int))


def test_draw_caps_each_corpus() -> None:
    src = np.array([0] * 50 + [1] * 5)
    rows = draw(src, ["big", "small"], {"*": 10}, np.random.default_rng(0))
    assert (src[rows] == 0).sum() == 10
    assert (src[rows] == 1).sum() == 5


def _run(tmp: Path | None, epochs: int = 1) -> dict[str, torch.Tensor]:
    net = tiny_net()
    cfg = TrainConfig(epochs=epochs, batch=16, single_caps={"*": 64}, pair_caps={"*": 32})
    Trainer(net, _singles(), ["a", "b"], _pairs(), ["p"], cfg, tmp).run()
    return {k: v.clone() for k, v in net.trained_state().items()}


def test_training_moves_the_weights_and_is_seeded(tmp_path: Path) -> None:
    before = tiny_net().trained_state()
    first, second = _run(None), _run(None)
    assert any(not torch.equal(before[k], first[k]) for k in first)
    assert all(torch.equal(first[k], second[k]) for k in first)


def test_an_interrupted_run_resumes_after_its_last_epoch(tmp_path: Path) -> None:
    straight = _run(tmp_path, epochs=2)
    (tmp_path / "epoch1.pt").unlink()  # killed during epoch 2: only epoch 1 was saved
    resumed = _run(tmp_path, epochs=2)
    assert all(torch.allclose(straight[k], resumed[k], atol=1e-6) for k in straight)
