"""ETHOS (Mollas et al.): binary isHate vote fraction plus multi-label violence/directed.

Licence: GPL-3.0. The shipped weights are Apache-2.0 alongside the project, so ETHOS is
used for *evaluation only*: every example is put in the dev split (an out-of-domain test
set) and never trains the heads. See models/weights/MODEL_CARD.md.
"""

from __future__ import annotations

import csv
from pathlib import Path

from models.data.common import Example

BINARY = "ethos/Ethos_Dataset_Binary.csv"
MULTI = "ethos/Ethos_Dataset_Multi_Label.csv"


def _read(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh, delimiter=";"))


def load(data_dir: Path) -> list[Example]:
    data_dir = Path(data_dir)
    multi: dict[str, dict[str, str]] = {}
    if (data_dir / MULTI).is_file():
        multi = {r["comment"]: r for r in _read(data_dir / MULTI)}
    out: list[Example] = []
    for row in _read(data_dir / BINARY):
        frac = float(row["isHate"])
        if 0.34 < frac < 0.66:  # annotators split: too ambiguous to teach either way
            continue
        if frac <= 0.34:
            labels = {"toxicity": 0.0, "identity_attack": 0.0, "threat": 0.0, "insult": 0.0}
        else:
            labels = {"toxicity": 1.0, "identity_attack": 1.0}
            m = multi.get(row["comment"])
            if m is not None:
                labels["threat"] = 1.0 if float(m["violence"]) >= 0.5 else 0.0
                labels["insult"] = 1.0 if float(m["directed_vs_generalized"]) >= 0.5 else 0.0
        out.append(Example(row["comment"], "ethos", labels, split="dev"))
    return out
