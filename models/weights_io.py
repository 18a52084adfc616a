"""Save and load the v3 network (safetensors, fp16) and its JSON metadata.

The weights file holds only what training changed (``VigilNet.trained_state``); the
embeddings come from the pinned base model. The JSON records the SHA-256 of the weights
file and of the base model, and loading refuses a mismatch of either.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import torch
from safetensors.torch import load_file, save_file

from models.backbone import BACKBONE_SHA256, load_base
from models.network import VigilNet

WEIGHTS_DIR = Path(__file__).resolve().parent / "weights"
STEM = "vigil-v3"


class WeightsError(RuntimeError):
    """Shipped weights are missing, altered, or were trained on another base model."""


def half_state(state: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    """Float tensors as fp16 (halves the file); loading copies them back into fp32."""
    return {
        k: (v.detach().to(torch.float16) if v.is_floating_point() else v.detach())
        .contiguous()
        .clone()
        for k, v in state.items()
    }


def save(net: VigilNet, meta: dict[str, Any], out_dir: Path = WEIGHTS_DIR) -> Path:
    """Write ``<out_dir>/vigil-v3.safetensors`` and its JSON; returns the weights path."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"{STEM}.safetensors"
    save_file(half_state(net.trained_state()), str(path), metadata={"format": "pt"})
    meta = dict(
        meta,
        weights_sha256=hashlib.sha256(path.read_bytes()).hexdigest(),
        backbone_sha256=BACKBONE_SHA256,
    )
    (out_dir / f"{STEM}.json").write_text(json.dumps(meta, indent=2, sort_keys=True) + "\n")
    return path


def read_meta(weights_dir: Path = WEIGHTS_DIR) -> dict[str, Any]:
    path = Path(weights_dir) / f"{STEM}.json"
    if not path.is_file():
        raise WeightsError(f"no trained weights at {path}: run python -m models.train")
    meta: dict[str, Any] = json.loads(path.read_text())
    return meta


def load(
    weights_dir: Path = WEIGHTS_DIR, device: str | None = None
) -> tuple[object, VigilNet, dict[str, Any]]:
    """(tokenizer, network in eval mode, metadata) from ``weights_dir``, all hashes checked."""
    weights_dir = Path(weights_dir)
    meta = read_meta(weights_dir)
    if meta.get("backbone_sha256") != BACKBONE_SHA256:
        raise WeightsError("the weights were trained on a different base model than the pinned one")
    path = weights_dir / f"{STEM}.safetensors"
    actual = hashlib.sha256(path.read_bytes()).hexdigest()
    if actual != meta.get("weights_sha256"):
        raise WeightsError(f"{path} does not match its metadata (sha256 {actual})")
    tokenizer, bert = load_base()
    net = VigilNet(bert)
    state = {k: v.to(torch.float32) for k, v in load_file(str(path)).items()}
    missing, unexpected = net.load_state_dict(state, strict=False)
    trained = set(net.trained_state())
    if unexpected or trained & set(missing):
        raise WeightsError(f"{path}: missing {sorted(trained & set(missing))[:3]}, "
                           f"unexpected {sorted(unexpected)[:3]}")
    net.eval().to(torch.device(device or "cpu"))
    return tokenizer, net, meta
