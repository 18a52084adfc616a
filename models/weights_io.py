"""Save/load head weights (safetensors only) and their JSON metadata."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from safetensors.torch import load_file, save_file

from models.heads import VigilHeads

WEIGHTS_DIR = Path(__file__).resolve().parent / "weights"
STEM = "vigil-heads"


def save(heads: VigilHeads, meta: dict[str, Any], out_dir: Path = WEIGHTS_DIR) -> Path:
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"{STEM}.safetensors"
    state = {k: v.detach().contiguous().clone() for k, v in heads.state_dict().items()}
    save_file(state, str(path), metadata={"format": "pt"})
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
