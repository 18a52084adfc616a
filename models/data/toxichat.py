"""ToxiChat (Baheti et al. 2021): Reddit threads, offensiveness per turn, stance of replies.

Each jsonl line holds ``reddit_thread`` (turns) and two chatbot responses; every turn after
the first has ``stance_label_towards_turn_k`` for each earlier turn k. Licence CC BY-SA 4.0.
"""

from __future__ import annotations

import json
from pathlib import Path

from models.api import STANCES
from models.data.common import Example, PairExample

_STANCE = {
    "Agree": STANCES.index("agree"),
    "Disagree": STANCES.index("disagree"),
    "Neutral": STANCES.index("neutral"),
}


def _threads(path: Path) -> list[list[dict]]:
    threads = []
    with open(path, encoding="utf-8-sig") as fh:
        for line in fh:
            if not line.strip():
                continue
            row = json.loads(line)
            turns = list(row["reddit_thread"])
            base = turns
            threads.append(base)
            for key in ("final_dgpt_response", "final_gpt3_response"):
                if isinstance(row.get(key), dict):
                    threads.append([*base, row[key]])
    return threads


def load(data_dir: Path) -> tuple[list[Example], list[PairExample]]:
    """Offensiveness examples (with parent turn) and stance pairs, official train/dev."""
    singles: list[Example] = []
    pairs: list[PairExample] = []
    for name, split in (("train", "train"), ("dev", "dev")):
        seen: set[tuple[int, str]] = set()
        for turns in _threads(Path(data_dir) / "toxichat" / f"{name}.jsonl"):
            by_id = {t["turn_id"]: t for t in turns}
            for turn in turns:
                tid = turn["turn_id"]
                sig = (id(turn), turn["text"])
                if sig in seen:  # reddit turns are shared by the two response variants
                    continue
                seen.add(sig)
                parent = by_id.get(tid - 1)
                off = 1.0 if turn["offense_label"] == "Offensive" else 0.0
                labels = {"toxicity": off}
                if not off:  # "Safe": no insult, attack or threat either
                    labels.update(insult=0.0, identity_attack=0.0, threat=0.0)
                singles.append(
                    Example(
                        turn["text"],
                        "toxichat",
                        labels,
                        split=split,
                        parent=parent["text"] if parent else None,
                    )
                )
                for k in range(1, tid):
                    lab = turn.get(f"stance_label_towards_turn_{k}")
                    if lab in _STANCE and k in by_id:
                        pairs.append(
                            PairExample(
                                by_id[k]["text"],
                                turn["text"],
                                _STANCE[lab],
                                "toxichat",
                                split,
                                adjacent=(k == tid - 1),
                            )
                        )
    return singles, pairs
