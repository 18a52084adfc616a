"""Save/load head weights (safetensors only) and their JSON metadata."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import torch
from safetensors.torch import load_file, save_file

from models.heads import VigilHeads

WEIGHTS_DIR = Path(__file__).resolve().parent / "weights"
STEM = "vigil-heads"
TOP_FILE = "vigil-top.safetensors"


def save_top(top: torch.nn.Module, out_dir: Path = WEIGHTS_DIR) -> dict[str, Any]:
    """Save fine-tuned top encoder layers as fp16 safetensors; returns their metadata."""
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / TOP_FILE
    state = {
        k: v.detach().to(torch.float16).contiguous().clone() for k, v in top.state_dict().items()
    }
    save_file(state, str(path), metadata={"format": "pt"})
    return {
        "file": TOP_FILE,
        "dtype": "float16",
        "sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
    }


def load_top(backbone, meta: dict[str, Any], weights_dir: Path = WEIGHTS_DIR) -> torch.nn.Module:
    """TopLayers built from ``backbone``'s layers with the saved fine-tuned weights."""
    from models.partial import TopLayers

    path = Path(weights_dir) / meta["file"]
    actual = hashlib.sha256(path.read_bytes()).hexdigest()
    if actual != meta["sha256"]:
        raise RuntimeError(f"{path} does not match its metadata (sha256 {actual})")
    # "layers": [first tuned, last] (1-based); v1.2-v1.3 tuned [5, 6].
    first = int(meta.get("layers", [5, 6])[0]) - 1
    top = TopLayers(backbone.model.encoder.layer, first)
    state = {k: v.to(torch.float32) for k, v in load_file(str(path)).items()}
    top.load_state_dict(state)
    return top.eval()


def half_state(module: torch.nn.Module) -> dict[str, torch.Tensor]:
    """State dict with float tensors as fp16: halves the heads on disk (v2.0.0 keeps the
    shipped weights under 50 MB); loading copies them back into fp32 parameters."""
    return {
        k: (v.detach().to(torch.float16) if v.is_floating_point() else v.detach())
        .contiguous()
        .clone()
        for k, v in module.state_dict().items()
    }


def save(heads: VigilHeads, meta: dict[str, Any], out_dir: Path = WEIGHTS_DIR) -> Path:
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"{STEM}.safetensors"
    save_file(half_state(heads), str(path), metadata={"format": "pt"})
    meta = dict(meta, weights_sha256=hashlib.sha256(path.read_bytes()).hexdigest())
    (out_dir / f"{STEM}.json").write_text(json.dumps(meta, indent=2, sort_keys=True) + "\n")
    return path


def load(weights_dir: Path = WEIGHTS_DIR) -> tuple[VigilHeads, dict[str, Any]]:
    weights_dir = Path(weights_dir)
    meta = json.loads((weights_dir / f"{STEM}.json").read_text())
    path = weights_dir / f"{STEM}.safetensors"
    actual = hashlib.sha256(path.read_bytes()).hexdigest()
    if meta.get("weights_sha256") not in (None, actual):
        raise RuntimeError(f"{path} does not match its metadata (sha256 {actual})")
    heads = VigilHeads()
    heads.load_state_dict(load_file(str(path)))
    heads.eval()
    return heads, meta
