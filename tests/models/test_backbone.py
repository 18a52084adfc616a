from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from models.backbone import BackboneHashError, verify_weights


def test_sha_mismatch_raises(tmp_path: Path) -> None:
    (tmp_path / "model.safetensors").write_bytes(b"not the real weights")
    with pytest.raises(BackboneHashError, match="SHA-256"):
        verify_weights(tmp_path)


def test_missing_weights_raise(tmp_path: Path) -> None:
    with pytest.raises(BackboneHashError, match="not found"):
        verify_weights(tmp_path)


@pytest.mark.slow
def test_packaged_weights_match_pin_and_padding_is_invisible() -> None:
    from models.backbone import BaseEmbedder, default_backbone_path

    verify_weights(default_backbone_path())
    base = BaseEmbedder()
    texts = ["hi", "a much longer sentence that forces padding for the short one " * 3]
    batch = base.embed(texts)
    alone = base.embed(texts[:1])
    assert np.allclose(batch[0], alone[0], atol=1e-5)
    assert np.allclose(np.linalg.norm(batch, axis=1), 1.0, atol=1e-5)
