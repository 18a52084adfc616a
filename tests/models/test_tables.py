"""Training tables: roles never leak dev, masking survives, context pairs come from replies."""

from __future__ import annotations

import numpy as np
from transformers import AutoTokenizer

from models.api import LABELS
from models.backbone import default_backbone_path
from models.data.common import Example, PairExample
from models.tables import (
    BENIGN_IDENTITY_WEIGHT,
    WEAK_WEIGHT,
    context_pairs,
    pair_set,
    role_of_pair,
    role_of_single,
    single_set,
)


def _tokenizer():
    return AutoTokenizer.from_pretrained(str(default_backbone_path()), local_files_only=True)


def test_dev_examples_keep_their_role_and_calib_is_a_stable_slice() -> None:
    dev = Example("a dev line", "olid", {"toxicity": 1.0}, split="dev")
    assert role_of_single(dev) == "dev"
    train = [Example(f"line number {i}", "olid", {"toxicity": 0.0}, split="train")
             for i in range(2000)]
    roles = [role_of_single(e) for e in train]
    assert set(roles) == {"train", "calib"}
    assert 0.05 < roles.count("calib") / len(roles) < 0.15
    assert roles == [role_of_single(e) for e in train]


def test_pairs_of_one_claim_share_a_role() -> None:
    pairs = [PairExample("the same claim", f"perspective {i}", 0, "perspectrum", "train")
             for i in range(50)]
    assert len({role_of_pair(p) for p in pairs}) == 1


def test_context_pairs_only_from_replies_with_toxicity() -> None:
    rows = [
        Example("reply", "toxichat", {"toxicity": 1.0}, split="train", parent="parent"),
        Example("no parent", "toxichat", {"toxicity": 0.0}, split="train"),
        Example("masked", "fox_news", {"identity_attack": 0.0}, split="train", parent="p"),
    ]
    (pair,) = context_pairs(rows)
    assert (pair.parent, pair.text, pair.toxicity, pair.stance) == ("parent", "reply", 1.0, -1)
    assert pair.source == "toxichat_context"


def test_single_set_masks_and_weighs() -> None:
    rows = [
        Example("you idiot", "olid", {"toxicity": 1.0, "insult": 1.0}, weak={"insult"}),
        Example("muslims celebrate eid this week", "mhs", {"toxicity": 0.0,
                "identity_attack": 0.0}, weight=0.5),
    ]
    table = single_set(rows, ["mhs", "olid"], _tokenizer())
    tox, ins, ia = (LABELS.index(k) for k in ("toxicity", "insult", "identity_attack"))
    assert table.y[0, tox] == 1.0
    assert np.isnan(table.y[0, ia])
    assert table.w[0, ins] == WEAK_WEIGHT
    assert table.w[1, ia] == 0.5 * BENIGN_IDENTITY_WEIGHT
    assert table.src.tolist() == [1, 0]
    plain = single_set(rows, ["mhs", "olid"], _tokenizer(), plain=True)
    assert np.all(plain.w == 1.0)


def test_pair_set_marks_the_second_segment() -> None:
    pairs = [PairExample("the claim", "my reply", 1, "snli", "train", toxicity=None)]
    table = pair_set(pairs, ["snli"], _tokenizer())
    assert set(table.types[0]) == {0, 1}
    assert table.types[0][-1] == 1
    assert table.types[0][0] == 0
    assert np.isnan(table.tox[0])
    assert table.stance[0] == 1
