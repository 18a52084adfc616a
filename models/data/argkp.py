"""IBM Debater ArgKP v1 (Bar-Haim et al., ACL 2020): crowd arguments for or against a motion.

``arguments_{train,dev}.csv`` have columns ``arg_id, argument, topic, stance`` with stance
1 = pro and -1 = con toward the topic (kpm_data readme). Train and dev cover disjoint
motions (24 / 4); the KPA-2021 ``*_test.csv`` files are never read. Key-point match labels
are not used. Licence CDLA-Sharing-1.0 (© IBM 2020).

Mapping (parent = topic, text = argument): 1 -> agree, -1 -> disagree. No toxicity labels.
"""

from __future__ import annotations

import csv
from pathlib import Path

from models.api import STANCES
from models.data.common import PairExample

DIR = "ibm_argkp"
FILES = (("arguments_train.csv", "train"), ("arguments_dev.csv", "dev"))
SOURCE = "argkp"

_MAP = {1: STANCES.index("agree"), -1: STANCES.index("disagree")}


def _stance(value: str) -> int | None:
    try:
        return _MAP.get(int(float(value)))
    except (TypeError, ValueError):
        return None


def load(data_dir: Path) -> list[PairExample]:
    """(topic, argument) stance pairs from the official train and dev motions."""
    out: list[PairExample] = []
    for name, split in FILES:
        with open(Path(data_dir) / DIR / name, encoding="utf-8-sig", newline="") as fh:
            for row in csv.DictReader(fh):
                stance = _stance(row.get("stance", ""))
                topic, arg = (row.get("topic") or "").strip(), (row.get("argument") or "").strip()
                if stance is None or not topic or not arg:
                    continue
                out.append(PairExample(topic, arg, stance, SOURCE, split))
    return out
