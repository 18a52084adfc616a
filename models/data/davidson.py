"""Davidson et al. 2017 tweets: class 0 hate, 1 offensive, 2 neither."""

from __future__ import annotations

import csv
from pathlib import Path

from models.data.common import Example

FILE = "davidson/labeled_data.csv"


def map_class(cls: int) -> tuple[dict[str, float], int]:
    if cls == 0:  # hate speech
        return {"toxicity": 1.0, "identity_attack": 1.0}, 2
    if cls == 1:  # offensive, not hate: slurs used casually are not identity attacks here
        return {"toxicity": 1.0, "identity_attack": 0.0}, 1
    return {"toxicity": 0.0, "insult": 0.0, "identity_attack": 0.0, "threat": 0.0}, 0


def load(data_dir: Path) -> list[Example]:
    out: list[Example] = []
    with open(Path(data_dir) / FILE, encoding="utf-8-sig", newline="") as fh:
        for row in csv.DictReader(fh):
            labels, hx3 = map_class(int(row["class"]))
            out.append(Example(row["tweet"], "davidson", labels, hx3))
    return out
