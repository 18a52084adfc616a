"""Wikipedia Detox personal attacks (Wulczyn et al. 2017), sample via Turing cheap_learning.

Licence: annotations CC0 (Figshare), comment texts CC BY-SA 3.0 (Wikipedia). Two CSVs
(``id, text, split, label``; the first has an extra index column): the natural-rate sample and
a balanced one; they overlap and are merged, deduplicated by rev_id and by text. Mapping:

* True  (personal attack by majority) -> insult=1, toxicity=1
* False -> insult=0 only: Detox annotates toxicity separately, and non-attacks include
  profanity and rudeness not aimed at a person, so toxicity is masked.

Detox artefacts (NEWLINE_TOKEN, TAB_TOKEN, `` quotes, stray backticks) are cleaned. Every row
is in the original "dev" split; using that would leave no training rows, so the split is left
to hashing (``test`` rows, if any, are skipped).
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

from models.data.common import Example, dup_key

FILES = (
    "wiki_personal_attacks_sample/binary_abuse_dev_sample.csv",
    "wiki_personal_attacks_sample/binary_abuse_balanced_dev_sample.csv",
)
SOURCE = "wiki_attacks"
_TOKENS = re.compile(r"NEWLINE_TOKEN|TAB_TOKEN")
_SPACE = re.compile(r"\s+")


def clean_wiki(text: str) -> str:
    text = _TOKENS.sub(" ", text).replace("``", '"').replace("`", " ")
    return _SPACE.sub(" ", text).strip()


def map_label(attack: bool) -> dict[str, float]:
    return {"insult": 1.0, "toxicity": 1.0} if attack else {"insult": 0.0}


def load(data_dir: Path) -> list[Example]:
    out: list[Example] = []
    seen_ids: set[str] = set()
    seen_text: set[str] = set()
    for rel in FILES:
        with open(Path(data_dir) / rel, encoding="utf-8-sig", newline="") as fh:
            for row in csv.DictReader(fh):
                label = row["label"].strip().lower()
                if row.get("split", "").strip().lower() == "test" or label not in ("true", "false"):
                    continue
                text = clean_wiki(row["text"])
                key = dup_key(text)
                if not key or row["id"] in seen_ids or key in seen_text:
                    continue
                seen_ids.add(row["id"])
                seen_text.add(key)
                out.append(Example(text, SOURCE, map_label(label == "true")))
    return out
