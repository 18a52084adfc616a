"""ToxiGen human-written seed demonstrations (Hartvigsen et al., ACL 2022).

Licence CDLA-Permissive-2.0 (data; code MIT); the README asks for research use. Reads the
combined CSV (``text, label, target_group, source_file``), which holds every sentence of the
demonstration .txt files plus those only found in the prompt files. Labels are file-level
intent. Mapping:

* hate    -> toxicity=1, identity_attack=1
* neutral -> toxicity=0, identity_attack=0, insult=0, threat=0

Duplicates (same sentence in several files, e.g. ``hate_muslim`` and ``hate_muslim_sentences``)
are dropped by duplicate key; a sentence seen with both labels is dropped. No split (hashed).
"""

from __future__ import annotations

import csv
from pathlib import Path

from models.data.common import Example, dup_key

FILE = "toxigen_demonstrations/toxigen_demonstrations_combined.csv"
SOURCE = "toxigen"

_LABELS = {
    "hate": {"toxicity": 1.0, "identity_attack": 1.0},
    "neutral": {"toxicity": 0.0, "identity_attack": 0.0, "insult": 0.0, "threat": 0.0},
}


def load(data_dir: Path) -> list[Example]:
    first: dict[str, tuple[str, str]] = {}
    conflicted: set[str] = set()
    with open(Path(data_dir) / FILE, encoding="utf-8-sig", newline="") as fh:
        for row in csv.DictReader(fh):
            text, label = row["text"].strip(), row["label"].strip().lower()
            if not text or label not in _LABELS:
                continue
            key = dup_key(text)
            if key in first and first[key][1] != label:
                conflicted.add(key)
            first.setdefault(key, (text, label))
    return [
        Example(text, SOURCE, dict(_LABELS[label]))
        for key, (text, label) in first.items()
        if key not in conflicted
    ]
