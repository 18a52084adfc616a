"""The contract between the moderation core and any scorer.

Kept free of torch so that the core (and its tests) can import it cheaply.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

import numpy as np

#: Per-message labels every scorer returns, each a probability in [0, 1].
LABELS: tuple[str, ...] = ("toxicity", "insult", "identity_attack", "profanity", "threat", "spam")
#: Stance classes of a message toward a parent message or a configured claim.
STANCES: tuple[str, ...] = ("agree", "disagree", "neutral")


@dataclass(frozen=True, slots=True)
class ScoreRequest:
    """One message to score, with optional context.

    ``parent`` is the text the message replies to (used as context and for stance);
    ``targets`` are claim texts the message's stance is measured against;
    ``needs_embedding`` asks for the encoder's sentence embedding whatever the scores (the
    campaign detector matches a new account's rewordings by it), so a cascade in front of
    the encoder never answers it from a cheaper stage.
    """

    text: str
    parent: str | None = None
    targets: tuple[str, ...] = ()
    needs_embedding: bool = False


@dataclass(frozen=True, slots=True)
class ScoreResult:
    """Scores for one request, in the same order as the requests."""

    scores: dict[str, float]
    #: Stance of the message toward ``parent`` (None when no parent was given).
    parent_stance: dict[str, float] | None = None
    #: Stance toward each of ``targets``, in order.
    target_stances: tuple[dict[str, float], ...] = ()
    #: L2-normalised sentence embedding of ``text`` (float32), when the scorer has one.
    embedding: np.ndarray | None = field(default=None, compare=False)


class ScorerUnavailableError(RuntimeError):
    """The scorer could not be reached (a remote service down, timing out or refusing).

    Raised instead of returning scores: callers record the message as not scored and try
    again later, and never decide anything on missing scores."""


@runtime_checkable
class Scorer(Protocol):
    """Synchronous batch scorer; the core runs it on one worker thread."""

    #: Identifies weights + code; recorded on every case.
    version: str

    def score_batch(self, requests: Sequence[ScoreRequest]) -> list[ScoreResult]:
        """Score ``requests``; result ``i`` belongs to request ``i``."""
        ...
