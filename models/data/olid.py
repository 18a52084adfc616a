"""OLID / OffensEval 2019: A OFF/NOT, B TIN/UNT, C IND/GRP/OTH."""

from __future__ import annotations

import csv
from pathlib import Path

from models.data.common import Example

FILE = "olid/olid-training-v1.0.tsv"


def map_row(a: str, b: str, c: str) -> dict[str, float]:
    if a == "NOT":
        return {"toxicity": 0.0, "insult": 0.0, "identity_attack": 0.0, "threat": 0.0}
    labels = {"toxicity": 1.0}
    if b == "UNT":  # untargeted offence: swearing aimed at no one
        labels.update(insult=0.0, identity_attack=0.0)
    elif c == "IND":  # targeted at a person
        labels["insult"] = 1.0
    # GRP may be a political group rather than a protected one: leave identity_attack masked.
    return labels


def load(data_dir: Path) -> list[Example]:
    out: list[Example] = []
    with open(Path(data_dir) / FILE, encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)
        for row in reader:
            labels = map_row(row["subtask_a"], row["subtask_b"], row["subtask_c"])
            out.append(Example(row["tweet"], "olid", labels))
    return out
