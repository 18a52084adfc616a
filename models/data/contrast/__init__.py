"""A hand-written, fully annotated contrast set of Discord-style messages.

Every item sets all six labels (toxicity, insult, identity_attack, profanity, threat,
spam). Frames and vocabulary were written for this project; nothing is copied from a
public functional test suite.

Functionalities and their gold labels (1 = set, everything else 0):

* ``hate_plain``: plain hate toward a protected group without slurs (emotion,
  dehumanisation, derogation, exclusion): toxicity, identity_attack.
* ``hate_threat``: threats or incitement against a group: toxicity, identity_attack, threat.
* ``hate_negated``: a negated positive that is hateful ("X are never worth hiring"):
  toxicity, identity_attack.
* ``negated_hate``: negated hate ("X are not inferior"): nothing. Split out of
  ``hate_negated`` so that every ``hate_*`` functionality has one label set.
* ``counter_speech``: hate quoted or referenced to reject it: nothing.
* ``identity_neutral`` / ``identity_positive``: nothing.
* ``nonprotected_abuse``: hate-shaped sentences at categories defined by a habit, hobby
  or job ("referees are worthless"): toxicity only. Harsh abuse of a category of people
  is toxic, but it attacks no identity and names no one, so insult stays 0. The frames
  mirror the ``hate_plain`` frames of the same split so the two form minimal pairs.
* ``insult_person``: toxicity, insult.
* ``abuse_object``: abuse of things, ideas, games, software, weather: nothing.
* ``profanity_benign``: profanity that attacks no one: nothing but profanity.
* ``reclaimed``: self-reference and in-group use of group terms (no slurs): nothing.
* ``threat_personal``: toxicity, threat; insult too in the frames that also name-call.
* ``threat_benign``: violent words used figuratively (games, deadlines): nothing.
* ``spam``: bait, ads, scams, giveaways, crypto pumps: spam only.
* ``spam_lookalike``: harmless messages using spam's words: nothing.

``profanity`` is never set by hand: it is 1 exactly when the text holds a word from
``core.SWEARS``, whatever the functionality (so an insult with "dumbass" is profane).
Frames of hate, spam and benign identity families avoid swear words.

Split by template: each functionality has a train family and a dev family with disjoint
frames (frame ids ``<functionality>.<split>.<nn>``) and disjoint content vocabulary
(adjectives, dehumanising nouns, verbs, objects); group terms are shared. Dev therefore
measures frames never trained on. Each family is capped (``TRAIN_CAP`` / ``DEV_CAP``
clean items, drawn round-robin over frames in hashed order), and every fourth clean
item of a family gets one spelling-noise variant (``noise`` names the kind: spaced
letters, swapped or dropped letter, leetspeak, elongation) with the same labels.
Texts are deduplicated by ``dup_key`` across the whole set; on a clash between splits
the dev item is kept. Everything is a pure function of the source: no randomness.
"""

from __future__ import annotations

from collections import Counter
from functools import lru_cache

from models.data.common import Example, dup_key
from models.data.contrast import benign, hate, personal, spam
from models.data.contrast.core import SPLITS, ContrastItem, Family, sample
from models.data.contrast.noise import perturb

__all__ = [
    "DEV_CAP", "FUNCTIONALITIES", "NOISE_EVERY", "SOURCE", "TRAIN_CAP", "ContrastItem",
    "counts", "functionality_of", "load", "load_items",
]

SOURCE = "contrast"
TRAIN_CAP = 260
DEV_CAP = 90
#: Every NOISE_EVERY-th clean item of a family also appears with spelling noise.
NOISE_EVERY = 4

FAMILIES: tuple[Family, ...] = (
    *hate.FAMILIES, *benign.FAMILIES, *personal.FAMILIES, *spam.FAMILIES,
)
FUNCTIONALITIES: tuple[str, ...] = tuple(dict.fromkeys(f.functionality for f in FAMILIES))


@lru_cache(maxsize=1)
def _build() -> tuple[ContrastItem, ...]:
    clean: dict[str, list[ContrastItem]] = {s: [] for s in SPLITS}
    picked: dict[str, list[ContrastItem]] = {s: [] for s in SPLITS}
    for fam in FAMILIES:
        items = sample(fam, TRAIN_CAP if fam.split == "train" else DEV_CAP)
        clean[fam.split].extend(items)
        # Sample order is hashed and round-robin over frames, so every n-th item is an
        # even spread over frames and vocabulary.
        picked[fam.split].extend(items[NOISE_EVERY - 1::NOISE_EVERY])
    out: list[ContrastItem] = []
    seen: set[str] = set()
    for split in ("dev", "train"):  # dev first: it wins a clash between splits
        noisy: list[ContrastItem] = []
        for item in picked[split]:
            made = perturb(item.text)
            if made is not None:
                noisy.append(ContrastItem(made[0], dict(item.labels), item.functionality,
                                          item.frame_id, item.split, noise=made[1]))
        for item in [*clean[split], *noisy]:
            key = dup_key(item.text)
            if key in seen:
                continue
            seen.add(key)
            out.append(item)
    out.sort(key=lambda it: (SPLITS.index(it.split), FUNCTIONALITIES.index(it.functionality),
                             it.frame_id, it.noise or "", it.text))
    return tuple(out)


def load_items() -> list[ContrastItem]:
    """All contrast items (train then dev), in a fixed order."""
    return [ContrastItem(it.text, dict(it.labels), it.functionality, it.frame_id, it.split,
                         it.noise) for it in _build()]


def load() -> list[Example]:
    """The contrast items as training examples (all six labels gold, weight 1)."""
    return [
        Example(text=it.text, source=SOURCE,
                labels={k: float(v) for k, v in it.labels.items()}, split=it.split)
        for it in _build()
    ]


@lru_cache(maxsize=1)
def _by_text() -> dict[str, str]:
    return {it.text: it.functionality for it in _build()}


def functionality_of(example: Example | ContrastItem | str) -> str:
    """The functionality of a contrast example (by its text); KeyError for other texts."""
    text = example if isinstance(example, str) else example.text
    return _by_text()[text]


def counts() -> Counter[tuple[str, str, bool]]:
    """Item counts keyed by (functionality, split, is_noise)."""
    return Counter((it.functionality, it.split, it.noise is not None) for it in _build())
