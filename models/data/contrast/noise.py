"""Spelling noise people use (to dodge filters or by accident), applied to one content word."""

from __future__ import annotations

import re
from collections.abc import Callable

from models.data.contrast.core import digest

NOISE_KINDS: tuple[str, ...] = ("spaced", "swap", "drop", "leet", "elongate")
_LEET = str.maketrans({"a": "4", "e": "3", "i": "1", "o": "0", "s": "5", "t": "7"})
_WORD = re.compile(r"[A-Za-z]{4,}")
_VOWELS = "aeiouy"


def _spaced(word: str, _: int) -> str:
    return " ".join(word)


def _swap(word: str, h: int) -> str:
    i = 1 + h % (len(word) - 2)  # keep the first letter, as real typos mostly do
    return word[:i] + word[i + 1] + word[i] + word[i + 2:]


def _drop(word: str, h: int) -> str:
    i = 1 + h % (len(word) - 2)
    return word[:i] + word[i + 1:]


def _leet(word: str, _: int) -> str:
    return word.translate(_LEET)


def _elongate(word: str, h: int) -> str:
    vowels = [i for i, c in enumerate(word) if c.lower() in _VOWELS]
    i = vowels[-1] if vowels else len(word) - 1
    return word[: i + 1] + word[i] * (2 + h % 4) + word[i + 1:]


_APPLY: dict[str, Callable[[str, int], str]] = {
    "spaced": _spaced, "swap": _swap, "drop": _drop, "leet": _leet, "elongate": _elongate,
}


def _targets(text: str) -> list[re.Match[str]]:
    """Candidate words: alphabetic, 4+ letters, outside links and @mentions, longest first."""
    spans = [m.span() for m in re.finditer(r"\S*(https?://|\.\w{2,3}/|@)\S*", text)]
    found = [m for m in _WORD.finditer(text)
             if not any(a <= m.start() < b for a, b in spans)]
    return sorted(found, key=lambda m: (-len(m.group()), m.start()))


def perturb(text: str, kind: str | None = None) -> tuple[str, str] | None:
    """``(noisy_text, kind)`` for one of the three longest words, or None if nothing fits.

    ``kind`` defaults to a hashed choice; everything is a pure function of ``text``.
    """
    targets = _targets(text)[:3]
    if not targets:
        return None
    h = digest("noise", text)
    match = targets[h % len(targets)]
    order = [kind] if kind else [NOISE_KINDS[(h // 7 + k) % len(NOISE_KINDS)] for k in range(5)]
    for name in order:
        word = match.group()
        new = _APPLY[name](word, h // 11)
        if new.lower() != word.lower():
            return text[: match.start()] + new + text[match.end():], name
    return None
