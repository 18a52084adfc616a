"""Shared records, text cleaning, duplicate keys and seeded dev splits."""

from __future__ import annotations

import hashlib
import html
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

#: Auxiliary 3-way head (HateXplain/Davidson scheme): 0 normal, 1 offensive, 2 hatespeech.
HX3_CLASSES: tuple[str, ...] = ("normal", "offensive", "hatespeech")
SPLIT_SEED = "vigil-2024"
DEV_PERCENT = 12

_URL = re.compile(r"(https?://\S+|www\.\S+)", re.I)
_MENTION = re.compile(r"@\w+")
_RT = re.compile(r"^\s*rt\s+(@user\s*)?:?\s*", re.I)
_SPACE = re.compile(r"\s+")
_NON_WORD = re.compile(r"[^\w]+")


@dataclass(slots=True)
class Example:
    """One message with the labels its corpus supports (others are masked)."""

    text: str
    source: str
    labels: dict[str, float] = field(default_factory=dict)
    #: Index into HX3_CLASSES, or -1 when the corpus lacks that scheme.
    hx3: int = -1
    #: "train" / "dev"; None means "assign by hashed duplicate key".
    split: str | None = None
    #: The message replied to (ToxiChat), used by the context head.
    parent: str | None = None
    #: Labels that come from a heuristic (models.data.weak), not from annotators.
    weak: set[str] = field(default_factory=set)
    #: Loss weight relative to a gold example (silver labels, near-duplicate templates).
    weight: float = 1.0


@dataclass(slots=True)
class PairExample:
    """``text`` read against ``parent`` (a message replied to, or a claim).

    ``stance`` indexes models.api.STANCES, or is -1 where the corpus has no stance;
    ``toxicity`` is the reply's toxicity in context (None where not annotated).
    """

    parent: str
    text: str
    stance: int
    source: str
    split: str
    #: True when ``parent`` is the turn directly replied to (not an earlier one).
    adjacent: bool = True
    toxicity: float | None = None
    #: Loss weight relative to a gold pair (silver labels, earlier turns).
    weight: float = 1.0


def clean_text(text: str) -> str:
    """Light, train/serve-identical cleanup: entities, retweet prefix, @users, URLs, spaces."""
    text = html.unescape(html.unescape(text or ""))
    text = text.replace('""', '"')
    text = _URL.sub("URL", text)
    text = _MENTION.sub("@user", text)
    text = _RT.sub("", text)
    return _SPACE.sub(" ", text).strip()


def dup_key(text: str) -> str:
    """Normalised form used to find duplicates (retweets, case, links, mentions, punctuation)."""
    t = clean_text(text).lower()
    t = t.replace("@user", " ").replace("url", " ")
    t = re.sub(r"^\s*rt\b", " ", t)
    return _NON_WORD.sub(" ", t).strip()


def hashed_split(key: str, dev_percent: int = DEV_PERCENT, seed: str = SPLIT_SEED) -> str:
    """Deterministic split from the duplicate key, so a duplicate always lands on one side."""
    h = int(hashlib.sha1(f"{seed}:{key}".encode()).hexdigest()[:8], 16)
    return "dev" if h % 100 < dev_percent else "train"


def default_data_dir() -> Path:
    """``$VIGIL_DATA_DIR`` or ``../shared/data`` beside the repository root."""
    env = os.environ.get("VIGIL_DATA_DIR")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[2].parent / "shared" / "data"


def word_matcher(patterns: tuple[str, ...]) -> Callable[[str], bool]:
    """A case-insensitive whole-word test for any of ``patterns`` (regex fragments)."""
    compiled = re.compile(r"\b(" + "|".join(patterns) + r")\b", re.IGNORECASE)
    return lambda text: compiled.search(text) is not None
