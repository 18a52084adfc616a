"""Fox News user comments (Gao & Huang, RANLP 2017). Licence MIT.

JSON lines with ``text``, ``label`` (1 hateful, 0 not), ``prev`` (the previous comment in the
thread, often empty), ``succ``, article ``title``/``meta``. Mapping:

* 1 -> toxicity=1, identity_attack=1 (the guideline's "hateful" targets identity groups)
* 0 -> identity_attack=0 only (non-hateful comments can still be rude: toxicity masked)

``parent`` is ``prev`` when present. No official split (hashed later).
"""

from __future__ import annotations

import json
from pathlib import Path

from models.data.common import Example

FILE = "fox_news_comments/fox-news-comments.json"
SOURCE = "fox_news"


def map_label(label: int) -> dict[str, float]:
    if label == 1:
        return {"toxicity": 1.0, "identity_attack": 1.0}
    return {"identity_attack": 0.0}


def _records(path: Path) -> list[dict]:
    with open(path, encoding="utf-8-sig") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def load(data_dir: Path) -> list[Example]:
    out: list[Example] = []
    for rec in _records(Path(data_dir) / FILE):
        text = (rec.get("text") or "").strip()
        if not text or rec.get("label") not in (0, 1):
            continue
        parent = (rec.get("prev") or "").strip() or None
        out.append(Example(text, SOURCE, map_label(rec["label"]), parent=parent))
    return out
