"""Small trainable heads on top of frozen backbone features.

* :class:`MessageHeads` - shared MLP trunk, one logit per label in ``models.api.LABELS``
  plus an auxiliary 3-way hate/offensive/normal head (HateXplain scheme); shipped as a
  :class:`MessageEnsemble` of differently seeded copies.
* :class:`ContextHead` - a residual correction to the toxicity logit from the parent
  message (trained on ToxiChat turns), so replies are judged in context.
* :class:`StanceHead` - bi-encoder pair classifier on [u, v, |u-v|, u*v].

All heads standardise their inputs with stored feature mean/std so that the saved weights
are self-contained.
"""

from __future__ import annotations

import torch
from torch import nn

from models.api import LABELS, STANCES
from models.backbone import FEATURE_DIM
from models.data.common import HX3_CLASSES


class Standardise(nn.Module):
    def __init__(self, dim: int = FEATURE_DIM) -> None:
        super().__init__()
        self.register_buffer("mean", torch.zeros(dim))
        self.register_buffer("std", torch.ones(dim))

    def fit(self, x: torch.Tensor) -> None:
        self.mean.copy_(x.mean(0))
        self.std.copy_(x.std(0).clamp(min=1e-4))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return (x - self.mean) / self.std


def _pair(u: torch.Tensor, v: torch.Tensor) -> torch.Tensor:
    return torch.cat([u, v, (u - v).abs(), u * v], dim=-1)


class MessageHeads(nn.Module):
    def __init__(self, hidden: int = 512, dropout: float = 0.25) -> None:
        super().__init__()
        self.norm = Standardise()
        self.trunk = nn.Sequential(
            nn.Dropout(0.1), nn.Linear(FEATURE_DIM, hidden), nn.GELU(), nn.Dropout(dropout)
        )
        self.labels = nn.Linear(hidden, len(LABELS))
        self.hx3 = nn.Linear(hidden, len(HX3_CLASSES))

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        h = self.trunk(self.norm(x))
        return self.labels(h), self.hx3(h)


class MessageEnsemble(nn.Module):
    """Average of independently seeded MessageHeads: steadier scores on unseen text."""

    def __init__(self, n: int = 5) -> None:
        super().__init__()
        self.members = nn.ModuleList(MessageHeads() for _ in range(n))

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        outs = [m(x) for m in self.members]
        labels = torch.stack([o[0] for o in outs]).mean(0)
        hx3 = torch.stack([o[1] for o in outs]).mean(0)
        return labels, hx3


class ContextHead(nn.Module):
    """delta logit for toxicity given (message, parent); added to the message-only logit."""

    def __init__(self, hidden: int = 128, dropout: float = 0.3) -> None:
        super().__init__()
        self.norm = Standardise()
        self.mlp = nn.Sequential(
            nn.Dropout(0.2),
            nn.Linear(4 * FEATURE_DIM + 1, hidden),
            nn.GELU(),
            nn.Dropout(dropout),
            nn.Linear(hidden, 1),
        )
        # Start as the identity correction: without training it leaves scores unchanged.
        nn.init.zeros_(self.mlp[-1].weight)
        nn.init.zeros_(self.mlp[-1].bias)

    def forward(
        self, msg: torch.Tensor, parent: torch.Tensor, base_logit: torch.Tensor
    ) -> torch.Tensor:
        z = torch.cat([_pair(self.norm(parent), self.norm(msg)), base_logit.unsqueeze(-1)], -1)
        return base_logit + self.mlp(z).squeeze(-1)


class StanceHead(nn.Module):
    def __init__(self, hidden: int = 256, dropout: float = 0.3) -> None:
        super().__init__()
        self.norm = Standardise()
        self.mlp = nn.Sequential(
            nn.Dropout(0.2),
            nn.Linear(4 * FEATURE_DIM, hidden),
            nn.GELU(),
            nn.Dropout(dropout),
            nn.Linear(hidden, len(STANCES)),
        )

    def forward(self, parent: torch.Tensor, msg: torch.Tensor) -> torch.Tensor:
        return self.mlp(_pair(self.norm(parent), self.norm(msg)))


class StanceEnsemble(nn.Module):
    """Mean logits of differently seeded StanceHeads.

    Shipped with one member: five members cost 4x the disk (the pair input is 3072-d) and did
    not move calibration or dev macro-F1 beyond seed noise (0.45-0.47 on ToxiChat).
    """

    def __init__(self, n: int = 1) -> None:
        super().__init__()
        self.members = nn.ModuleList(StanceHead() for _ in range(n))
        #: Additive logit offsets tuned for macro-F1 on the calibration split.
        self.register_buffer("bias_adjust", torch.zeros(len(STANCES)))

    def forward(self, parent: torch.Tensor, msg: torch.Tensor) -> torch.Tensor:
        return torch.stack([m(parent, msg) for m in self.members]).mean(0)


class Calibration(nn.Module):
    """Per-label Platt scaling p = sigmoid(a * logit + b), fitted on the calibration split."""

    def __init__(self, n: int = len(LABELS)) -> None:
        super().__init__()
        self.register_buffer("a", torch.ones(n))
        self.register_buffer("b", torch.zeros(n))

    def forward(self, logits: torch.Tensor) -> torch.Tensor:
        return torch.sigmoid(logits * self.a + self.b)


class VigilHeads(nn.Module):
    """Everything that is saved to models/weights/*.safetensors."""

    def __init__(self) -> None:
        super().__init__()
        self.message = MessageEnsemble()
        self.context = ContextHead()
        self.stance = StanceEnsemble()
        self.calib = Calibration()
        #: Platt scaling for the in-context toxicity logit.
        self.ctx_calib = Calibration(1)
