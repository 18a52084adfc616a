"""Probabilities that mean what they say: Platt scaling fitted across corpora.

Each label's logit gets a scale and a shift fitted on the calibration split (a hashed slice
of train), with every corpus weighted equally, so 0.5 means "more likely than not" on text
of any corpus rather than on the mix of one. Stance gets a temperature and per-class
offsets the same way.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

# torch is imported inside the fitting functions only: applying calibration (every scorer,
# including the torch-free ONNX one) needs numpy alone.


def corpus_weights(src: np.ndarray) -> np.ndarray:
    """1 / (rows of the row's corpus), normalised to mean 1: every corpus counts the same."""
    _, inverse, counts = np.unique(src, return_inverse=True, return_counts=True)
    w = 1.0 / counts[inverse]
    return (w / w.mean()).astype(np.float32)


def fit_platt(logits: np.ndarray, y: np.ndarray, w: np.ndarray) -> tuple[float, float]:
    """(a, b) minimising weighted log loss of sigmoid(a * logit + b); identity if degenerate."""
    if len(y) < 20 or y.min() == y.max():
        return 1.0, 0.0
    import torch
    from torch.nn import functional as F  # noqa: N812 - the usual torch alias

    x = torch.tensor(logits, dtype=torch.float64)
    t = torch.tensor(y, dtype=torch.float64)
    wt = torch.tensor(w, dtype=torch.float64)
    params = torch.tensor([1.0, 0.0], dtype=torch.float64, requires_grad=True)
    opt = torch.optim.LBFGS([params], max_iter=200, line_search_fn="strong_wolfe")

    def closure() -> torch.Tensor:
        opt.zero_grad()
        z = params[0] * x + params[1]
        loss = (F.binary_cross_entropy_with_logits(z, t, reduction="none") * wt).mean()
        loss = loss + 1e-4 * (params[0] - 1.0) ** 2
        loss.backward()
        return loss

    opt.step(closure)
    a, b = (float(v) for v in params.detach())
    return (a, b) if a > 0 else (1.0, 0.0)


def apply_platt(logits: np.ndarray, ab: Sequence[float]) -> np.ndarray:
    z = ab[0] * np.asarray(logits, dtype=np.float64) + ab[1]
    return (1.0 / (1.0 + np.exp(-z))).astype(np.float32)


def fit_stance(logits: np.ndarray, y: np.ndarray, w: np.ndarray) -> dict[str, object]:
    """Temperature and per-class offsets minimising weighted cross-entropy."""
    if len(y) < 20:
        return {"temperature": 1.0, "offsets": [0.0] * logits.shape[1]}
    import torch
    from torch.nn import functional as F  # noqa: N812 - the usual torch alias

    x = torch.tensor(logits, dtype=torch.float64)
    t = torch.tensor(y, dtype=torch.long)
    wt = torch.tensor(w, dtype=torch.float64)
    log_t = torch.zeros(1, dtype=torch.float64, requires_grad=True)
    offsets = torch.zeros(logits.shape[1], dtype=torch.float64, requires_grad=True)
    opt = torch.optim.LBFGS([log_t, offsets], max_iter=200, line_search_fn="strong_wolfe")

    def closure() -> torch.Tensor:
        opt.zero_grad()
        z = x / log_t.exp() + offsets
        loss = (F.cross_entropy(z, t, reduction="none") * wt).mean()
        loss.backward()
        return loss

    opt.step(closure)
    return {
        "temperature": float(log_t.detach().exp()),
        "offsets": [float(v) for v in offsets.detach()],
    }


def apply_stance(logits: np.ndarray, cal: dict[str, object]) -> np.ndarray:
    z = np.asarray(logits, dtype=np.float64) / float(cal["temperature"])  # type: ignore[arg-type]
    z = z + np.asarray(cal["offsets"], dtype=np.float64)
    z = z - z.max(axis=-1, keepdims=True)
    e = np.exp(z)
    return (e / e.sum(axis=-1, keepdims=True)).astype(np.float32)
