"""PERSPECTRUM v1.0 (Chen et al., NAACL 2019): perspectives that support or undermine a claim.

``perspectrum_with_answers_v1.0.json`` lists claims with clusters of perspective ids
(``pids``) and a coarse ``stance_label_3``; ``perspective_pool_v1.0.json`` maps ids to text;
``dataset_split_v1.0.json`` gives the official train/dev/test split per claim id (test claims
are dropped). Licence CC BY-SA 4.0.

Mapping (parent = claim, text = perspective): SUPPORT -> agree, UNDERMINE -> disagree.
Neutral pairs are synthesised: each claim gets at most one perspective of another claim in
the same split whose crowd topics are disjoint from its own, label neutral, weight 0.5
(deterministic, hashed choice). No toxicity annotation.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from models.api import STANCES
from models.data.common import SPLIT_SEED, PairExample

DIR = "perspectrum"
CLAIMS = "perspectrum_with_answers_v1.0.json"
POOL = "perspective_pool_v1.0.json"
SPLITS = "dataset_split_v1.0.json"
SOURCE = "perspectrum"
NEUTRAL_WEIGHT = 0.5

_MAP = {"SUPPORT": STANCES.index("agree"), "UNDERMINE": STANCES.index("disagree")}
_SPLIT = {"train": "train", "dev": "dev"}  # "test" is never loaded


def _read(path: Path) -> Any:
    with open(path, encoding="utf-8") as fh:
        return json.load(fh)


def _rank(*parts: object) -> str:
    return hashlib.sha1(":".join(map(str, (SPLIT_SEED, *parts))).encode()).hexdigest()


def _pids(claim: dict) -> list[int]:
    return [pid for cluster in claim["perspectives"] for pid in cluster["pids"]]


def _neutral(
    claim: dict, others: list[dict], pool: dict[int, str], split: str
) -> PairExample | None:
    """One perspective from an unrelated claim (disjoint, non-empty topics), or None."""
    topics = set(claim.get("topics") or ())
    if not topics:
        return None
    own = set(_pids(claim))
    candidates = [
        o
        for o in others
        if o["cId"] != claim["cId"] and o.get("topics") and not topics & set(o["topics"])
    ]
    for other in sorted(candidates, key=lambda o: _rank(claim["cId"], o["cId"])):
        pids = [p for p in _pids(other) if p not in own and p in pool]
        if pids:
            pid = min(pids, key=lambda p: _rank(claim["cId"], p))
            return PairExample(
                claim["text"],
                pool[pid],
                STANCES.index("neutral"),
                SOURCE,
                split,
                weight=NEUTRAL_WEIGHT,
            )
    return None


def load(data_dir: Path, neutral: bool = True) -> list[PairExample]:
    """Claim/perspective stance pairs for train and dev claims (plus synthetic neutrals)."""
    root = Path(data_dir) / DIR
    pool = {int(p["pId"]): p["text"] for p in _read(root / POOL)}
    split_of = {str(k): v for k, v in _read(root / SPLITS).items()}
    by_split: dict[str, list[dict]] = {"train": [], "dev": []}
    for claim in _read(root / CLAIMS):
        split = _SPLIT.get(split_of.get(str(claim["cId"]), ""))
        if split:
            by_split[split].append(claim)
    out: list[PairExample] = []
    for split, claims in by_split.items():
        for claim in claims:
            for cluster in claim["perspectives"]:
                stance = _MAP.get(str(cluster.get("stance_label_3", "")).upper())
                if stance is None:
                    continue  # not-a-perspective
                for pid in cluster["pids"]:
                    if pid in pool:
                        out.append(PairExample(claim["text"], pool[pid], stance, SOURCE, split))
            if neutral and (pair := _neutral(claim, claims, pool, split)):
                out.append(pair)
    return out
