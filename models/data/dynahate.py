"""DynaHate (Vidgen et al., ACL 2021), v0.2.3 rows via Rottger et al. (EMNLP 2022). Licence MIT.

Synthetic, adversarially written posts labelled ``hate`` / ``nothate``. Mapping:

* hate    -> toxicity=1, identity_attack=1, hx3=2 (hatespeech)
* nothate -> identity_attack=0 only: the "nothate" side deliberately holds profanity,
  counter-speech and non-group insults, so toxicity/insult/threat stay masked and hx3=-1.

Split: DynaHate's own ``orig_split`` (train/dev); ``test`` rows are skipped (the local copy
already holds them back). Rottger's ``rottger_split`` re-split is ignored.
"""

from __future__ import annotations

import csv
from pathlib import Path

from models.data.common import Example

FILE = "dynahate/dynahate_v0.2.3_text_label.csv"
SOURCE = "dynahate"
_SPLITS = {"train": "train", "dev": "dev"}


def map_label(label: str) -> tuple[dict[str, float], int]:
    """Labels and hx3 for ``label_name`` (hate / nothate)."""
    if label == "hate":
        return {"toxicity": 1.0, "identity_attack": 1.0}, 2
    return {"identity_attack": 0.0}, -1


def load(data_dir: Path) -> list[Example]:
    out: list[Example] = []
    with open(Path(data_dir) / FILE, encoding="utf-8-sig", newline="") as fh:
        for row in csv.DictReader(fh):
            split = _SPLITS.get(row["orig_split"].strip().lower())
            name = row["label_name"].strip().lower()
            if split is None or name not in ("hate", "nothate") or not row["text"].strip():
                continue  # test (held out) or malformed
            labels, hx3 = map_label(name)
            out.append(Example(row["text"], SOURCE, labels, hx3, split))
    return out
