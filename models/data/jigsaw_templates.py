"""Jigsaw / Conversation AI identity "Sentence Templates" (Dixon et al. 2018 lineage).

Licence: data CC BY 4.0 (code Apache-2.0), conversationai/unintended-ml-bias-analysis. Only
``en_sentence_templates.csv`` (``template, toxicity, phrase``) is read, never the two
``*_testset.csv`` files. Each phrase fills a template with a target: an identity term
(50 of them) or, for ``you_occupation``, an occupation; ``name_adj`` also fills a first name.

Frame: the phrase with target and name abstracted away, i.e. template + verb/adjective
("name_adj:vile" covers "<Name> is a vile <identity>"). ``name_adj`` is 72k of the 76k rows,
so at most ``PER_FRAME`` rows are kept per (frame, label), picked by a seeded hash (spreading
over identities and names), capped at ``MAX_ROWS`` in all; the split is
``hashed_split(frame)`` so a frame never straddles train/dev. Mapping:

* nontoxic -> toxicity=0, identity_attack=0, insult=0, threat=0
* toxic    -> toxicity=1; identity_attack=1 when the target is an identity term (every
  template but ``you_occupation``, where it is 0); insult=1 for the adjective templates
  (being_adj, name_adj, you_are_adj, you_occupation), masked for verb/"I hate" frames;
  threat=1 for "kill/murder/destroy X", threat=0 for the other toxic frames.
"""

from __future__ import annotations

import csv
import hashlib
import re
from collections import defaultdict
from pathlib import Path

from models.data.common import SPLIT_SEED, Example, hashed_split

FILE = "jigsaw_sentence_templates/en_sentence_templates.csv"
SOURCE = "jigsaw_templates"
PER_FRAME = 20
MAX_ROWS = 3000

#: Per template: the pattern, with ``target`` (and ``name``) the filled-in slots.
_PATTERNS = {
    "verb_adj": re.compile(r"^(?P<verb>\w+) (?P<target>.+)$"),
    "am_hate_adj": re.compile(r"^I (?P<verb>am|hate) (?P<target>.+)$"),
    "being_adj": re.compile(r"^Being (?P<target>.+) is (?P<adj>\w+)$"),
    "name_adj": re.compile(r"^(?P<name>.+?) is an? (?P<adj>\w+) (?P<target>.+)$"),
    "you_are_adj": re.compile(r"^You are an? (?P<adj>\w+) (?P<target>.+)$"),
    "you_occupation": re.compile(r"^You are an? (?P<adj>\w+) (?P<target>.+)$"),
}
_ADJECTIVE_TEMPLATES = {"being_adj", "name_adj", "you_are_adj", "you_occupation"}
_NOT_IDENTITY = {"you_occupation"}
_THREAT_VERBS = {"kill", "murder", "destroy"}
_NONTOXIC = {"toxicity": 0.0, "identity_attack": 0.0, "insult": 0.0, "threat": 0.0}


def frame_key(template: str, phrase: str) -> str:
    """``template:verb-or-adjective``; an unparsed phrase falls back to its whole template."""
    pattern = _PATTERNS.get(template)
    match = pattern.match(phrase) if pattern else None
    if match is None:
        return template
    slot = match.groupdict().get("verb") or match.groupdict().get("adj") or ""
    return f"{template}:{slot.lower()}"


def map_row(template: str, toxic: bool, frame: str) -> dict[str, float]:
    if not toxic:
        return dict(_NONTOXIC)
    labels = {"toxicity": 1.0, "identity_attack": 0.0 if template in _NOT_IDENTITY else 1.0}
    if template in _ADJECTIVE_TEMPLATES:
        labels.update(insult=1.0, threat=0.0)
    else:
        labels["threat"] = 1.0 if frame.rsplit(":", 1)[-1] in _THREAT_VERBS else 0.0
    return labels


def _rank(phrase: str) -> str:
    return hashlib.sha1(f"{SPLIT_SEED}:templates:{phrase}".encode()).hexdigest()


def load(data_dir: Path) -> list[Example]:
    groups: dict[tuple[str, str, bool], list[str]] = defaultdict(list)
    with open(Path(data_dir) / FILE, encoding="utf-8-sig", newline="") as fh:
        for row in csv.DictReader(fh):
            label, phrase = row["toxicity"].strip().lower(), row["phrase"].strip()
            if label not in ("toxic", "nontoxic") or not phrase:
                continue
            template = row["template"].strip()
            groups[(frame_key(template, phrase), template, label == "toxic")].append(phrase)
    kept = [
        (phrase, frame, template, toxic)
        for (frame, template, toxic), phrases in groups.items()
        for phrase in sorted(phrases, key=_rank)[:PER_FRAME]
    ]
    kept = sorted(kept, key=lambda r: _rank(r[0]))[:MAX_ROWS]
    kept.sort(key=lambda r: (r[1], not r[3], r[0]))  # stable, readable order
    return [
        Example(
            phrase,
            SOURCE,
            map_row(template, toxic, frame),
            split=hashed_split(frame),
        )
        for phrase, frame, template, toxic in kept
    ]
