"""HateXplain (reduced copy): [[text, majority label], ...]; official train/val splits."""

from __future__ import annotations

import json
from pathlib import Path

from models.data.common import Example

_HX3 = {"normal": 0, "offensive": 1, "hatespeech": 2}


def map_label(label: str) -> tuple[dict[str, float], int]:
    hx3 = _HX3[label]
    if hx3 == 2:
        return {"toxicity": 1.0, "identity_attack": 1.0}, hx3
    if hx3 == 1:
        return {"toxicity": 1.0, "identity_attack": 0.0}, hx3
    return {"toxicity": 0.0, "insult": 0.0, "identity_attack": 0.0, "threat": 0.0}, hx3


def load(data_dir: Path) -> list[Example]:
    out: list[Example] = []
    for name, split in (("train", "train"), ("val", "dev")):
        with open(Path(data_dir) / "hatexplain" / f"{name}.json", encoding="utf-8-sig") as fh:
            rows = json.load(fh)
        for text, label in rows:
            if label not in _HX3:
                continue
            labels, hx3 = map_label(label)
            out.append(Example(text, "hatexplain", labels, hx3, split))
    return out
