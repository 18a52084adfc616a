"""Shared by the CampaignDetector tests: the talking point, a feeding loop, and hand-made
rewrite embeddings (two strict rewrites, a loose third, three spun texts)."""

from __future__ import annotations

import numpy as np

from bot.campaigns import CampaignDetector
from tests.bot.campaigns.helpers import policy, verdict

POLICY = policy()
LINE = "the moderators here are corrupt and delete every post that criticises them"


def feed(detector: CampaignDetector, items: list) -> list:
    alerts = []
    for ev, res in items:
        alerts += detector.observe(ev, res, verdict(), POLICY)
    return alerts


def mix(*weights: tuple[int, float]) -> np.ndarray:
    vector = np.zeros(16, dtype=np.float32)
    for index, weight in weights:
        vector[index] = weight
    return vector / np.linalg.norm(vector)


# Two rewrites at cosine 0.92 (a strict pair), and a third rewrite at 0.77 of each of them
# (under the strict 0.80) but 0.78 of their centroid (over the 0.70 join threshold).
PAIR = (mix((0, 1.0), (1, 0.3)), mix((0, 1.0), (2, 0.3)))
LOOSE = mix((0, 1.0), (3, 0.75))
SPUN = ("the moderators here are corrupt and delete every post that criticises them",
        "staff on this server cannot be trusted, they wipe any message calling them out",
        "whoever runs this place silences people who disagree, what are they hiding")
