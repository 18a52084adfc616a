"""Fine-tuned top layers (models.partial): masking, untouched originals, fp16 round trip."""

from __future__ import annotations

import numpy as np
import pytest
import torch

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def backbone():
    from models.backbone import Backbone

    return Backbone()


def test_untrained_top_reproduces_the_frozen_features(backbone) -> None:
    from models.partial import TopLayers

    texts = ["hi", "a much longer sentence that forces padding for the short one " * 3]
    frozen = backbone.encode(texts)
    backbone.set_top(TopLayers(backbone.model.encoder.layer))
    try:
        tuned, frozen2 = backbone.encode_both(texts)
        alone, _ = backbone.encode_both(texts[:1])
    finally:
        backbone.set_top(None)
    assert np.allclose(tuned, frozen, atol=1e-5)
    assert np.allclose(frozen2, frozen, atol=1e-6)
    assert np.allclose(alone[0], tuned[0], atol=1e-5)


@pytest.mark.parametrize("first", [0, 4])
def test_top_is_a_copy_and_cache_matches_hidden_state(backbone, tmp_path, first) -> None:
    from models.partial import TopLayers, cache_hidden, padded

    top = TopLayers(backbone.model.encoder.layer, first)
    assert len(top.layers) == 6 - first
    with torch.no_grad():
        for p in top.parameters():
            p.add_(1.0)
    orig = backbone.model.encoder.layer[first].attention.self.query.weight
    assert not torch.allclose(orig, top.layers[0].attention.self.query.weight)
    texts = ["short one", "a somewhat longer message with more tokens in it"]
    tokens, offsets = cache_hidden(
        backbone, texts, cache_dir=tmp_path, dtype=np.float32, first=first
    )
    # Caching must leave the backbone whole (an earlier version rewired its layer list).
    assert len(backbone.model.encoder.layer) == 6
    enc = backbone.tokenizer(texts, padding=True, return_tensors="pt")
    with torch.no_grad():
        out = backbone.model(**enc, output_hidden_states=True)
    assert len(out.hidden_states) == 7
    ref = out.hidden_states[first]
    h, m = padded(tokens, offsets, [0, 1])
    assert torch.equal(m, enc["attention_mask"])
    assert torch.allclose(h * m.unsqueeze(-1), ref * m.unsqueeze(-1), atol=1e-5)


def test_top_layers_rejects_a_start_outside_the_encoder(backbone) -> None:
    from models.partial import TopLayers

    with pytest.raises(ValueError, match="first must be"):
        TopLayers(backbone.model.encoder.layer, 6)


def test_save_load_top_round_trip(backbone, tmp_path) -> None:
    from models import weights_io
    from models.partial import TopLayers

    top = TopLayers(backbone.model.encoder.layer)
    meta = weights_io.save_top(top, tmp_path)
    back = weights_io.load_top(backbone, meta, tmp_path)
    for (k, a), (_, b) in zip(top.state_dict().items(), back.state_dict().items(), strict=True):
        assert torch.allclose(a, b, atol=1e-2 * (1 + a.abs().max().item())), k
    meta["sha256"] = "0" * 64
    with pytest.raises(RuntimeError):
        weights_io.load_top(backbone, meta, tmp_path)
