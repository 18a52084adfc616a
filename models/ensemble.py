"""Ensemble (since v1.3.0): plain mean of two members' calibrated per-label probabilities.

Members: the primary heads (``vigil-heads.safetensors``, reading the fine-tuned features)
and the v1.1.0 frozen-encoder heads (``vigil-heads-frozen.safetensors``, reading the frozen
features: mean of the untouched last layer ++ mean of hidden_states[3]). The HateXplain
3-class output is the argmax of the averaged hx3 softmax. Toxicity with a parent and stance
are not ensembled (models.scorer: the reply cross-encoder or the primary's heads).

The extra members are listed under ``ensemble`` in ``vigil-heads.json`` with their feature
kind and SHA-256, checked at load. Used by both :mod:`models.scorer` and
:mod:`models.evaluate` so they compute the same thing.
"""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import torch
from safetensors.torch import load_file

from models.heads import VigilHeads

MEMBER_FILE = "vigil-heads-frozen.safetensors"
FEATURE_KINDS = ("tuned", "frozen")
COMBINE = (
    "mean of calibrated per-label probabilities (and of softmaxed hx3 logits) of the primary "
    "heads and the members; toxicity with a parent: primary context corrector alone; stance: "
    "primary"
)


def sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def member_entry(weights_dir: Path, file: str = MEMBER_FILE) -> dict[str, Any]:
    """The ``ensemble`` metadata for the v1.1.0 frozen member stored in ``weights_dir``."""
    return {
        "combine": COMBINE,
        "members": [
            {
                "name": "v1.1.0 frozen encoder (fp16 copy since v2.0.0)",
                "file": file,
                "features": "frozen",
                "sha256": sha256(Path(weights_dir) / file),
                "source_commit": "dc53ae1",
            }
        ],
    }


def ensure_member(out_dir: Path, src_dir: Path) -> bool:
    """Copy the member file into ``out_dir`` if missing there; False if there is none."""
    dst = Path(out_dir) / MEMBER_FILE
    if dst.is_file():
        return True
    src = Path(src_dir) / MEMBER_FILE
    if not src.is_file():
        return False
    Path(out_dir).mkdir(parents=True, exist_ok=True)
    shutil.copyfile(src, dst)
    return True


def load_members(meta: Mapping[str, Any], weights_dir: Path) -> list[tuple[str, VigilHeads]]:
    """(feature kind, heads) per extra member listed in ``meta['ensemble']``; [] if none."""
    out: list[tuple[str, VigilHeads]] = []
    for m in (meta.get("ensemble") or {}).get("members", []):
        if m["features"] not in FEATURE_KINDS:
            raise RuntimeError(f"unknown member feature kind {m['features']!r}")
        path = Path(weights_dir) / m["file"]
        actual = sha256(path)
        if actual != m["sha256"]:
            raise RuntimeError(f"{path} does not match its metadata (sha256 {actual})")
        heads = VigilHeads()
        heads.load_state_dict(load_file(str(path)))
        out.append((m["features"], heads.eval()))
    return out


@torch.no_grad()
def message_probs(
    heads: VigilHeads,
    x: torch.Tensor,
    members: Sequence[tuple[str, VigilHeads]] = (),
    x_frozen: torch.Tensor | None = None,
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """(label probs, hx3 probs, primary label logits) for head features ``x``.

    ``x_frozen``: frozen features of the same texts (needed by "frozen" members; defaults
    to ``x``, which is right when no tuned top is loaded).
    """
    logits, hx = heads.message(x)
    probs = [heads.calib(logits)]
    hx_probs = [torch.softmax(hx, dim=-1)]
    for kind, h in members:
        lg, hh = h.message(x_frozen if kind == "frozen" and x_frozen is not None else x)
        probs.append(h.calib(lg))
        hx_probs.append(torch.softmax(hh, dim=-1))
    return torch.stack(probs).mean(0), torch.stack(hx_probs).mean(0), logits
