"""Reply cross-encoder (models.pair): masking, residual start, save/load, training moves it."""

from __future__ import annotations

import numpy as np
import pytest
import torch

pytestmark = pytest.mark.slow

PAIRS = [
    ("I think the new map is great", "totally agree, best update in ages"),
    ("cats are better than dogs", "no way, dogs are far more loyal and fun to be around"),
    ("anyone up for a match tonight?", "sure"),
]


@pytest.fixture(scope="module")
def backbone():
    from models.backbone import Backbone

    return Backbone()


@pytest.fixture
def model(backbone):
    from models.pair import PairModel, encoder_layers

    torch.manual_seed(0)
    return PairModel(encoder_layers(backbone)).eval()


def test_context_head_starts_as_the_identity(backbone, model) -> None:
    from models.pair import PairEncoder

    enc_ = PairEncoder(backbone, model.n_top)
    enc = enc_.tokens(PAIRS)
    base = torch.tensor([-2.0, 0.5, 3.0])
    with torch.no_grad():
        stance, ctx = model(
            enc_.lower_states(enc), enc["attention_mask"], enc["token_type_ids"], base
        )
    assert stance.shape == (3, 3)
    assert torch.allclose(ctx, base)


def test_top_layers_are_copies(backbone, model) -> None:
    with torch.no_grad():
        model.top[0].attention.self.query.weight.add_(1.0)
    orig = backbone.model.encoder.layer[-2].attention.self.query.weight
    assert not torch.allclose(orig, model.top[0].attention.self.query.weight)


def test_batch_equals_single(backbone, model) -> None:
    from models.pair import PairScorer

    scorer = PairScorer(backbone, model)
    base = torch.tensor([0.1, -1.0, 2.0])
    st, tox = scorer(PAIRS, base)
    assert np.allclose(st.sum(1), 1.0, atol=1e-5)
    for i, p in enumerate(PAIRS):
        s1, t1 = scorer([p], base[i : i + 1])
        assert np.allclose(s1[0], st[i], atol=1e-5)
        assert np.allclose(t1[0], tox[i], atol=1e-5)


def test_save_load_round_trip_and_tamper_check(backbone, model, tmp_path) -> None:
    from models import pair

    model.bias_adjust.copy_(torch.tensor([0.5, -0.25, 0.0]))
    meta = pair.save(model, tmp_path)
    back = pair.load(backbone, meta, tmp_path)
    assert torch.equal(back.bias_adjust, model.bias_adjust)
    w = model.top[1].output.dense.weight
    assert torch.allclose(back.top[1].output.dense.weight, w, atol=2e-3)  # fp16 on disk
    assert torch.equal(back.stance[1].weight, model.stance[1].weight)  # heads stay fp32
    (tmp_path / meta["file"]).write_bytes(b"tampered")
    with pytest.raises(RuntimeError, match="does not match"):
        pair.load(backbone, meta, tmp_path)


def test_training_fits_a_small_set(backbone, model) -> None:
    from models.pair import PairEncoder, PairItem, predict, train_pair

    items = [
        PairItem(PAIRS[0][0], PAIRS[0][1], stance=0),
        PairItem(PAIRS[1][0], PAIRS[1][1], stance=1),
        PairItem(PAIRS[2][0], PAIRS[2][1], stance=2),
        PairItem("you people are all the same", "shut up you worthless idiot", toxicity=1.0),
        PairItem("what a lovely photo", "thanks, took it this morning", toxicity=0.0),
    ]
    enc = PairEncoder(backbone, model.n_top)
    info = train_pair(model, enc, items * 8, epochs=6, batch=8, lr_top=3e-4, lr_head=3e-3)
    assert info["steps"] == 30
    st, tox = predict(model, enc, items)
    assert list(st[:3].argmax(1)) == [0, 1, 2]
    assert tox[3] > tox[4]
