"""Building blocks of the contrast set: frames, template families, items and expansion."""

from __future__ import annotations

import hashlib
import itertools
import re
import string
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field

from models.api import LABELS
from models.data.common import dup_key

SPLITS: tuple[str, ...] = ("train", "dev")

#: Swear words that make an item's ``profanity`` label 1 (checked on the clean text).
SWEARS: frozenset[str] = frozenset({
    "fuck", "fucking", "fucked", "fuckin", "shit", "shitty", "bullshit", "damn", "goddamn",
    "dammit", "ass", "asshole", "dumbass", "wtf",
})
_WORD = re.compile(r"[a-z']+")
#: Openers and closers that a wrap must not double up.
_MARKERS: frozenset[str] = frozenset({
    "bro", "ngl", "tbh", "honestly", "lol", "lmao", "haha", "dude", "man", "yo", "ok", "hey",
    "listen", "psa", "reminder", "fr", "well", "ahh", "holy", "no", "damn", "goddamn",
    "dammit", "fuck", "fuckin", "shit", "imagine", "ugh", "calling", "psst", "omg",
})


def digest(*parts: str) -> int:
    """A stable integer hash (no dependence on PYTHONHASHSEED)."""
    return int(hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()[:12], 16)


def has_swear(text: str) -> bool:
    return any(w.strip("'") in SWEARS for w in _WORD.findall(text.lower()))


def make_labels(**on: int) -> dict[str, int]:
    """All six labels, 0 unless named: ``make_labels(toxicity=1, insult=1)``."""
    unknown = set(on) - set(LABELS)
    if unknown:
        raise ValueError(f"unknown labels: {sorted(unknown)}")
    return {name: int(on.get(name, 0)) for name in LABELS}


@dataclass(frozen=True, slots=True)
class ContrastItem:
    """One fully annotated contrast message.

    ``noise`` names the spelling perturbation applied (None for the clean original);
    a noisy variant keeps the functionality, frame, split and labels of its original.
    """

    text: str
    labels: dict[str, int]
    functionality: str
    frame_id: str
    split: str
    noise: str | None = None


@dataclass(frozen=True, slots=True)
class Frame:
    """A sentence frame: ``template`` with ``{slot}`` holes and per-frame label overrides."""

    frame_id: str
    template: str
    overrides: Mapping[str, int] = field(default_factory=dict)

    def slots(self) -> list[str]:
        names = [n for _, n, _, _ in string.Formatter().parse(self.template) if n]
        return list(dict.fromkeys(names))


@dataclass(frozen=True, slots=True)
class Family:
    """The frames of one functionality in one split, with that split's vocabulary."""

    functionality: str
    split: str
    labels: Mapping[str, int]
    frames: tuple[Frame, ...]
    vocab: Mapping[str, tuple[str, ...]]

    def wraps(self, frame: Frame) -> list[tuple[str, str]]:
        """Openers or closers (``_pre`` / ``_post`` vocabulary), one at a time, not both.

        No opener where the frame already opens with a discourse marker, a mention or a
        tag; no closer where it already ends in an emoji or a marker.
        """
        words = frame.template.lower().split()
        first = words[0].strip(",.:!?'\"") if words else ""
        last = words[-1].strip(",.:!?") if words else ""
        pres = [p for p in self.vocab.get("_pre", ()) if p]
        posts = [p for p in self.vocab.get("_post", ()) if p]
        if first in _MARKERS or frame.template[:1] in "@[#'\"":
            pres = []
        if last in _MARKERS or not frame.template.rstrip()[-1:].isascii():
            posts = []
        return [("", ""), *((p, "") for p in pres), *(("", p) for p in posts)]

    def expand(self, frame: Frame) -> Iterator[ContrastItem]:
        names = frame.slots()
        missing = [n for n in names if n not in self.vocab]
        if missing:
            raise KeyError(f"{frame.frame_id}: no vocabulary for {missing}")
        for (pre, post), *combo in itertools.product(self.wraps(frame),
                                                     *(self.vocab[n] for n in names)):
            text = pre + frame.template.format(**dict(zip(names, combo, strict=True))) + post
            text = _tidy(text, frame.frame_id)
            labels = {**self.labels, **frame.overrides}
            labels["profanity"] = int(has_swear(text))
            yield ContrastItem(text, make_labels(**labels), self.functionality,
                               frame.frame_id, self.split)


FrameSpec = str | tuple[str, Mapping[str, int]]


def family(
    functionality: str,
    split: str,
    labels: Mapping[str, int],
    frames: Sequence[FrameSpec],
    **vocab: Sequence[str],
) -> Family:
    """Declare a family; frame ids are ``<functionality>.<split>.<nn>`` (unique per split)."""
    if split not in SPLITS:
        raise ValueError(split)
    built = []
    for i, spec in enumerate(frames):
        template, overrides = (spec, {}) if isinstance(spec, str) else spec
        built.append(Frame(f"{functionality}.{split}.{i:02d}", template, dict(overrides)))
    return Family(functionality, split, dict(labels), tuple(built),
                  {k: tuple(v) for k, v in vocab.items()})


def _tidy(text: str, salt: str) -> str:
    """Collapse doubled spaces; lower-case about a quarter of messages, as people type."""
    text = re.sub(r"\s+", " ", text).strip()
    text = re.sub(r"\s+([,.!?])", r"\1", text)
    if digest("case", salt, text) % 4 == 0:
        text = text.lower()
    return text


def sample(fam: Family, cap: int) -> list[ContrastItem]:
    """Up to ``cap`` items, taken round-robin over frames in hashed order (deterministic)."""
    per_frame: list[list[ContrastItem]] = []
    for frame in fam.frames:
        items = sorted(fam.expand(frame), key=lambda it: digest("order", it.text))
        per_frame.append(items)
    out: list[ContrastItem] = []
    seen: set[str] = set()
    for row in itertools.zip_longest(*per_frame):
        for item in row:
            if item is None or dup_key(item.text) in seen:
                continue
            seen.add(dup_key(item.text))
            out.append(item)
            if len(out) >= cap:
                return out
    return out
