"""Length-bucketed batches: every row exactly once; inference order by length."""

from __future__ import annotations

import numpy as np

from models.batches import collate, length_batches


def test_inference_batches_cover_rows_in_length_order() -> None:
    lengths = [5, 1, 9, 3, 7]
    batches = length_batches(lengths, 2)
    flat = np.concatenate(batches)
    assert sorted(flat.tolist()) == list(range(5))
    assert [lengths[i] for i in flat] == sorted(lengths)


def test_training_batches_are_seeded_and_cover_every_row() -> None:
    lengths = list(np.random.default_rng(0).integers(1, 60, 1000))
    a = length_batches(lengths, 32, np.random.default_rng(7))
    b = length_batches(lengths, 32, np.random.default_rng(7))
    assert all(np.array_equal(x, y) for x, y in zip(a, b, strict=True))
    assert sorted(np.concatenate(a).tolist()) == list(range(1000))


def test_collate_pads_and_masks() -> None:
    batch = collate([[2, 5, 3], [2, 3]], [[0, 1, 1], [0, 0]])
    assert batch["input_ids"].tolist() == [[2, 5, 3], [2, 3, 0]]
    assert batch["attention_mask"].tolist() == [[1, 1, 1], [1, 1, 0]]
    assert batch["token_type_ids"].tolist() == [[0, 1, 1], [0, 0, 0]]
