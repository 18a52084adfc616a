from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from models.backbone import BackboneHashError, sentence_embedding, verify_weights


def test_sha_mismatch_raises(tmp_path: Path) -> None:
    (tmp_path / "model.safetensors").write_bytes(b"not the real weights")
    with pytest.raises(BackboneHashError, match="SHA-256"):
        verify_weights(tmp_path)


def test_missing_weights_raise(tmp_path: Path) -> None:
    with pytest.raises(BackboneHashError, match="not found"):
        verify_weights(tmp_path)


def test_sentence_embedding_is_unit_norm() -> None:
    feats = np.random.default_rng(0).normal(size=(3, 768)).astype(np.float32)
    emb = sentence_embedding(feats)
    assert emb.shape == (3, 384)
    assert emb.dtype == np.float32
    assert np.allclose(np.linalg.norm(emb, axis=1), 1.0, atol=1e-5)


@pytest.mark.slow
def test_packaged_weights_match_pin_and_padding_is_invisible() -> None:
    from models.backbone import Backbone, default_backbone_path

    verify_weights(default_backbone_path())
    bb = Backbone()
    texts = ["hi", "a much longer sentence that forces padding for the short one " * 3]
    batch = bb.encode(texts)
    alone = bb.encode(texts[:1])
    assert np.allclose(batch[0], alone[0], atol=1e-5)
