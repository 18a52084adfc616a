"""Assemble all corpora into one multi-task table with leak-free dev splits."""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from models.data import (
    argkp,
    counterspeech,
    davidson,
    diasafety,
    dynahate,
    ethos,
    fox_news,
    gab_hate,
    hatexplain,
    implicit_hate,
    jigsaw_templates,
    mhs,
    olid,
    perspectrum,
    snli,
    spam,
    subreddit_agreement,
    toxic_spans,
    toxichat,
    toxigen,
    wiki_attacks,
)
from models.data.common import Example, PairExample, clean_text, dup_key, hashed_split
from models.data.profanity import is_profane
from models.data.weak import add_weak_labels

log = logging.getLogger(__name__)

SPAM_SOURCES = {"sms_spam", "youtube_spam"}


@dataclass(slots=True)
class Corpus:
    singles: list[Example]
    pairs: list[PairExample]


def _finalise(examples: list[Example]) -> list[Example]:
    """Clean text, add weak labels, assign splits, drop duplicates and dev leaks."""
    for ex in examples:
        ex.text = clean_text(ex.text)
        if ex.parent is not None:
            ex.parent = clean_text(ex.parent)
        ex.labels.setdefault("profanity", float(is_profane(ex.text)))
        add_weak_labels(ex)
        if ex.source not in SPAM_SOURCES:
            # Hate/offence corpora are conversation, not advertising.
            ex.labels.setdefault("spam", 0.0)
    keys = [dup_key(ex.text) for ex in examples]
    dev_keys: set[str] = set()
    for ex, key in zip(examples, keys, strict=True):
        if ex.split is None:
            ex.split = hashed_split(key)
        if ex.split == "dev":
            dev_keys.add(key)
    out: list[Example] = []
    seen: set[tuple[str, str, str | None]] = set()
    dropped: Counter[str] = Counter()
    for ex, key in zip(examples, keys, strict=True):
        if not key:
            dropped["empty"] += 1
            continue
        if ex.split == "train" and key in dev_keys:
            dropped["dev-leak"] += 1
            continue
        sig = (f"{ex.source}:{ex.split}", key, ex.parent)
        if sig in seen:
            dropped["duplicate"] += 1
            continue
        seen.add(sig)
        out.append(ex)
    log.info("dropped examples: %s", dict(dropped))
    return out


SINGLE_LOADERS = (
    davidson.load,
    hatexplain.load,
    olid.load,
    implicit_hate.load,
    ethos.load,
    gab_hate.load,
    spam.load_sms,
    spam.load_youtube,
    dynahate.load,
    mhs.load,
    jigsaw_templates.load,
    toxigen.load,
    toxic_spans.load,
    wiki_attacks.load,
    fox_news.load,
)
PAIR_LOADERS = (
    subreddit_agreement.load,
    snli.load,
    perspectrum.load,
    argkp.load,
    diasafety.load,
    counterspeech.load,
)


def load_corpus(data_dir: Path, contrast: bool = True) -> Corpus:
    """Every corpus in ``data_dir``, plus the contrast set written here when ``contrast``."""
    from models.data import contrast as contrast_set

    data_dir = Path(data_dir)
    singles: list[Example] = []
    for loader in SINGLE_LOADERS:
        singles.extend(loader(data_dir))
    tc_singles, tc_pairs = toxichat.load(data_dir)
    singles.extend(tc_singles)
    if contrast:
        singles.extend(contrast_set.load())
    pairs = list(tc_pairs)
    for pair_loader in PAIR_LOADERS:
        pairs.extend(pair_loader(data_dir))
    for p in pairs:
        p.parent, p.text = clean_text(p.parent), clean_text(p.text)
    return Corpus(_finalise(singles), pairs)
