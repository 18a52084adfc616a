"""Measuring Hate Speech (Kennedy et al. 2020), binarised by Rottger et al. (EMNLP 2022).

Licence CC BY 4.0 (ucberkeley-dlab/measuring-hate-speech). Real YouTube/Twitter/Reddit comments;
``label`` is the majority vote of the MHS "hatespeech" item. Mapping:

* 1 -> toxicity=1, identity_attack=1
* 0 -> identity_attack=0 only (non-hate may still be rude or profane: toxicity masked)

Split by file (train / dev); the test file is held back and never read.
"""

from __future__ import annotations

import csv
from pathlib import Path

from models.data.common import Example

FILES = {
    "train": "mhs_binary_rottger/mhs_binary_train_20692.csv",
    "dev": "mhs_binary_rottger/mhs_binary_dev_500.csv",
}
SOURCE = "mhs"


def map_label(label: int) -> dict[str, float]:
    if label == 1:
        return {"toxicity": 1.0, "identity_attack": 1.0}
    return {"identity_attack": 0.0}


def load(data_dir: Path) -> list[Example]:
    out: list[Example] = []
    for split, rel in FILES.items():
        with open(Path(data_dir) / rel, encoding="utf-8-sig", newline="") as fh:
            for row in csv.DictReader(fh):
                if not row["text"].strip() or row["label"].strip() not in ("0", "1"):
                    continue
                labels = map_label(int(row["label"]))
                out.append(Example(row["text"], SOURCE, labels, split=split))
    return out
