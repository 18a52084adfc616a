"""Gab Hate Corpus: hd (assault on human dignity), cv (call for violence), vo (vulgar)."""

from __future__ import annotations

import csv
from pathlib import Path

from models.data.common import Example


def map_row(hd: int, cv: int, vo: int) -> dict[str, float]:
    labels = {"toxicity": float(hd or cv or vo), "identity_attack": float(hd), "threat": float(cv)}
    if not (hd or cv or vo):
        labels["insult"] = 0.0  # annotated as harmless: not an insult either
    return labels


def load(data_dir: Path) -> list[Example]:
    out: list[Example] = []
    # The published test split is our dev split for this corpus.
    for name, split in (("ghc_train.tsv", "train"), ("ghc_test.tsv", "dev")):
        path = Path(data_dir) / "gab_hate_corpus" / name
        with open(path, encoding="utf-8-sig", newline="") as fh:
            for row in csv.DictReader(fh, delimiter="\t"):
                try:
                    labels = map_row(int(row["hd"]), int(row["cv"]), int(row["vo"]))
                except (KeyError, TypeError, ValueError):
                    continue
                out.append(Example(row["text"], "gab_hate", labels, split=split))
    return out
