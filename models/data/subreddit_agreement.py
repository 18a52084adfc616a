"""SubReddit agreement (Lei & Huang 2022): quote/response pairs, 0 disagree/1 neutral/2 agree."""

from __future__ import annotations

import csv
from pathlib import Path

from models.api import STANCES
from models.data.common import PairExample, dup_key, hashed_split

_MAP = {0: STANCES.index("disagree"), 1: STANCES.index("neutral"), 2: STANCES.index("agree")}


def load(data_dir: Path) -> list[PairExample]:
    out: list[PairExample] = []
    for path in sorted((Path(data_dir) / "subreddit_agreement").glob("*.csv")):
        with open(path, encoding="cp1252", errors="replace", newline="") as fh:
            for row in csv.DictReader(fh):
                try:
                    rel = int(row["relation"])
                except (KeyError, ValueError):
                    continue
                if rel not in _MAP:
                    continue
                q, r = row["quote_text"], row["response_text"]
                split = hashed_split(dup_key(q) + "||" + dup_key(r))
                out.append(PairExample(q, r, _MAP[rel], "subreddit_agreement", split))
    return out
