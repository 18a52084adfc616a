"""Deterministic stand-ins for tests: a keyword scorer, a recording executor, a clock.

Only tests use these; the shipped default scorer is the trained model.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import numpy as np

from bot.actions import ActionOutcome
from bot.storage.records import Case
from models.api import LABELS, ScoreRequest, ScoreResult

#: word -> label scores it implies (others stay at 0.01)
KEYWORDS: dict[str, dict[str, float]] = {
    "idiot": {"toxicity": 0.95, "insult": 0.93},
    "moron": {"toxicity": 0.7, "insult": 0.6},
    "rude": {"toxicity": 0.6},
    "vermin": {"toxicity": 0.9, "identity_attack": 0.9},
    "kill": {"toxicity": 0.85, "threat": 0.9},
    "damn": {"toxicity": 0.3, "profanity": 0.97},
    "buy": {"spam": 0.95},
    "free": {"spam": 0.7},
}
DISAGREE_WORDS = ("no", "not", "wrong", "disagree", "stop")
AGREE_WORDS = ("yes", "agree", "exactly", "right", "true")


def _stance(text: str) -> dict[str, float]:
    words = set(text.lower().replace(",", " ").replace(".", " ").replace("!", " ").split())
    if words & set(DISAGREE_WORDS):
        return {"agree": 0.05, "disagree": 0.9, "neutral": 0.05}
    if words & set(AGREE_WORDS):
        return {"agree": 0.9, "disagree": 0.05, "neutral": 0.05}
    return {"agree": 0.1, "disagree": 0.1, "neutral": 0.8}


def _embedding(text: str) -> np.ndarray:
    """Bag-of-words hashed into 64 dims: identical word sets give identical vectors.

    crc32, not hash(): str hashes change per process and would make tests flaky.
    """
    vector = np.zeros(64, dtype=np.float32)
    for word in text.lower().split():
        vector[zlib.crc32(word.encode("utf-8")) % 64] += 1.0
    norm = float(np.linalg.norm(vector))
    return vector / norm if norm else vector


class FakeScorer:
    """Scores by keywords; records every batch it was given."""

    version = "fake-1"

    def __init__(self) -> None:
        self.batches: list[list[ScoreRequest]] = []

    def score_batch(self, requests: Sequence[ScoreRequest]) -> list[ScoreResult]:
        self.batches.append(list(requests))
        results = []
        for request in requests:
            scores = dict.fromkeys(LABELS, 0.01)
            for word in request.text.lower().split():
                for label, value in KEYWORDS.get(word.strip(".,!?"), {}).items():
                    scores[label] = max(scores[label], value)
            results.append(ScoreResult(
                scores=scores,
                parent_stance=_stance(request.text) if request.parent is not None else None,
                target_stances=tuple(_stance(request.text) for _ in request.targets),
                embedding=_embedding(request.text),
            ))
        return results


@dataclass
class RecordingExecutor:
    """Records what the core asked it to do; ``fail`` maps an action to an error outcome."""

    calls: list[tuple[str, int]] = field(default_factory=list)
    fail: dict[str, ActionOutcome] = field(default_factory=dict)
    told: list[tuple[int, str]] = field(default_factory=list)

    async def notify(self, case: Case) -> ActionOutcome:
        self.calls.append(("notify", case.number))
        return self.fail.get("notify", ActionOutcome.success())

    async def apply(self, case: Case, *, told: bool = False,
                    resumed: bool = False) -> ActionOutcome:
        self.calls.append((case.action, case.number))
        return self.fail.get(case.action, ActionOutcome.success())

    async def reverse(self, case: Case) -> ActionOutcome:
        self.calls.append((f"reverse {case.action}", case.number))
        return self.fail.get("reverse", ActionOutcome.success())

    async def tell(self, member_id: int, text: str) -> ActionOutcome:
        self.told.append((member_id, text))
        return self.fail.get("tell", ActionOutcome.success())


class FrozenClock:
    def __init__(self, start: datetime = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)
