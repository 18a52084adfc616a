"""Builders for campaign tests: events, scores with hand-made embeddings, a policy."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

import numpy as np

from bot.event import AuthorFacts, MessageEvent
from bot.policy import Band, Verdict
from bot.policy_config import Action, ActionKind, Campaigns, Policy
from models.api import LABELS, ScoreResult

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
GUILD = 1
_ids = itertools.count(1000)


def policy(**campaigns: object) -> Policy:
    return Policy(labels={}, campaigns=Campaigns(**campaigns))  # type: ignore[arg-type]


def member(author_id: int, *, age_days: float = 400.0, joined_days: float | None = None,
           at: datetime = T0) -> AuthorFacts:
    joined = at - timedelta(days=joined_days if joined_days is not None else age_days)
    return AuthorFacts(id=author_id, name=f"user{author_id}",
                       created_at=at - timedelta(days=age_days), joined_at=joined)


def event(author: AuthorFacts, content: str, *, minutes: float = 0.0, channel: int = 10,
          reply_to: int | None = None, parent_author: int | None = None) -> MessageEvent:
    return MessageEvent.build(
        id=next(_ids), guild_id=GUILD, channel_id=channel, author=author, content=content,
        created_at=T0 + timedelta(minutes=minutes), reply_to_id=reply_to,
        parent_author_id=parent_author,
    )


def basis(index: int, dim: int = 16) -> np.ndarray:
    vector = np.zeros(dim, dtype=np.float32)
    vector[index % dim] = 1.0
    return vector


def near(vector: np.ndarray, wobble: int, amount: float = 0.25) -> np.ndarray:
    """A unit vector at cosine ~0.97 of ``vector``: a hand-made 'same meaning' embedding."""
    other = np.zeros_like(vector)
    other[(int(np.argmax(vector)) + 1 + wobble) % len(vector)] = amount
    mixed = vector + other
    return (mixed / np.linalg.norm(mixed)).astype(np.float32)


def result(embedding: np.ndarray | None = None, **scores: float) -> ScoreResult:
    values = dict.fromkeys(LABELS, 0.01)
    values.update(scores)
    return ScoreResult(scores=values, embedding=embedding)


def verdict(claims: dict[str, float] | None = None) -> Verdict:
    return Verdict(action=Action(kind=ActionKind.NONE), band=Band.NONE, claims=claims or {})
