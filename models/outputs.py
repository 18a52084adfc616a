"""What an inference engine returns, and the token limits it reads with.

Torch-free, so the ONNX engine (which must start without torch) and the torch engine share
one definition instead of keeping copies that could drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: Tokens read per message at inference.
MAX_TOKENS = 128
#: Tokens per pair (both segments) while training and at inference.
PAIR_TOKENS = 128
#: Stance classes of the pair head: agree, disagree, neutral.
N_STANCES = 3


@dataclass(slots=True)
class MessageLogits:
    labels: np.ndarray  # (n, N_LABELS)
    hx3: np.ndarray  # (n, 3)
    embeddings: np.ndarray  # (n, HIDDEN), unit vectors


@dataclass(slots=True)
class PairLogits:
    stance: np.ndarray  # (n, N_STANCES)
    toxicity_delta: np.ndarray  # (n,)
