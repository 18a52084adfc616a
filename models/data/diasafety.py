"""DiaSafety (Sun et al., Findings of ACL 2022): is a dialogue response unsafe in context?

``train.json`` / ``val.json`` (``test.json`` is never read) are lists of
``{context, response, category, label}``; ``label`` (Safe/Unsafe) judges the RESPONSE given
the context, under one of five categories. Licence Apache-2.0.

Mapping (parent = context, text = response), val -> dev:

* Offending User, Toxicity Agreement, Biased Opinion (abuse-related): Safe -> toxicity 0.0,
  Unsafe -> toxicity 1.0.
* Toxicity Agreement + Unsafe (the reply endorses a toxic context) -> stance agree as well;
  every other row has no stance (-1): a Safe reply may deflect rather than disagree.
* Risk Ignorance, Unauthorized Expertise (self-harm / medical advice, not abuse) carry no
  signal Vigil uses and are dropped.
"""

from __future__ import annotations

import json
from pathlib import Path

from models.api import STANCES
from models.data.common import PairExample

DIR = "diasafety"
FILES = (("train.json", "train"), ("val.json", "dev"))
SOURCE = "diasafety"

#: Categories whose Unsafe label means the reply is abusive in context.
ABUSE = frozenset({"Offending User", "Toxicity Agreement", "Biased Opinion"})
#: Out of scope (unsafe advice, not abuse): dropped.
IGNORED = frozenset({"Risk Ignorance", "Unauthorized Expertise"})
_TOX = {"Safe": 0.0, "Unsafe": 1.0}


def _pair(row: dict, split: str) -> PairExample | None:
    category, label = row.get("category"), row.get("label")
    context, response = (row.get("context") or "").strip(), (row.get("response") or "").strip()
    if category not in ABUSE or label not in _TOX or not context or not response:
        return None
    agrees = category == "Toxicity Agreement" and label == "Unsafe"
    stance = STANCES.index("agree") if agrees else -1
    return PairExample(context, response, stance, SOURCE, split, toxicity=_TOX[label])


def load(data_dir: Path) -> list[PairExample]:
    """Context/response pairs from the abuse-related categories, official train/val."""
    out: list[PairExample] = []
    for name, split in FILES:
        with open(Path(data_dir) / DIR / name, encoding="utf-8") as fh:
            rows = json.load(fh)
        out.extend(p for row in rows if (p := _pair(row, split)))
    return out
