"""Implicit Hate (ElSherief et al. 2021): not_hate / implicit_hate / explicit_hate.

Stage-2 implied classes add threat labels: ``threatening`` posts are threats, other
implicit-hate classes are not.
"""

from __future__ import annotations

import csv
from pathlib import Path

from models.data.common import Example

STG1 = "implicit_hate/implicit_hate_v1_stg1_posts.tsv"
STG2 = "implicit_hate/implicit_hate_v1_stg2_posts.tsv"


def _rows(path: Path) -> list[list[str]]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        reader = csv.reader(fh, delimiter="\t")
        next(reader, None)
        return [r for r in reader if len(r) >= 2]


def load(data_dir: Path) -> list[Example]:
    data_dir = Path(data_dir)
    implied: dict[str, str] = {}
    if (data_dir / STG2).is_file():
        implied = {r[0]: r[1] for r in _rows(data_dir / STG2)}
    out: list[Example] = []
    for text, cls in _rows(data_dir / STG1):
        if cls == "not_hate":
            labels = {"toxicity": 0.0, "insult": 0.0, "identity_attack": 0.0, "threat": 0.0}
        elif cls in ("implicit_hate", "explicit_hate"):
            labels = {"toxicity": 1.0, "identity_attack": 1.0}
            sub = implied.get(text)
            if sub is not None and sub != "other":
                labels["threat"] = 1.0 if sub == "threatening" else 0.0
        else:
            continue
        out.append(Example(text, "implicit_hate", labels))
    return out
