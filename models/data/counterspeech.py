"""Reddit counterspeech (Hickey et al.): replies in hate subreddits labelled toward their parent.

Both files have columns ``id, subreddit, parent, reply, label`` (label 0 other, 1 hate
speech, 2 counterspeech; it describes the REPLY given the parent). ``validation_set_human.csv``
is human-annotated (weight 1.0) and adds ``target`` (newcomer / reply_to_newcomer: whether the
reply is the newcomer's comment or the answer to it; rows of one ``id`` form a chain
A -> B -> C). ``gpt_4o_labels_silver.csv`` is GPT-4o labelled (weight 0.3). Licence MIT
(Reddit content terms also apply).

Mapping (parent = parent, text = reply): hate -> toxicity 1.0, stance -1; counterspeech ->
toxicity 0.0, stance disagree; other -> toxicity 0.0, stance -1. There is no official split:
rows are grouped into threads (rows sharing an id, or a text that is the parent of one row
and the reply of another; texts under three words such as "lol" or a bare link are too
generic to link) and each thread is assigned by ``hashed_split`` of its key, so a comment
never sits on both sides. Rows with a blank or [deleted]/[removed] side, exact duplicates,
and silver rows repeating a human pair are dropped.
"""

from __future__ import annotations

import csv
from pathlib import Path

from models.api import STANCES
from models.data.common import PairExample, clean_text, dup_key, hashed_split

DIR = "reddit_counterspeech_hickey"
HUMAN = "validation_set_human.csv"
SILVER = "gpt_4o_labels_silver.csv"
SOURCE = "counterspeech"
SILVER_WEIGHT = 0.3
#: Texts shorter than this (in words) do not link rows into one thread.
MIN_LINK_WORDS = 3

#: label -> (stance, toxicity of the reply in context)
_MAP: dict[str, tuple[int, float]] = {
    "0": (-1, 0.0),
    "1": (-1, 1.0),
    "2": (STANCES.index("disagree"), 0.0),
}
_PLACEHOLDERS = frozenset({"", "[deleted]", "[removed]"})

Row = tuple[str, str, str, str, float]  # id, parent, reply, label, weight


def _rows(path: Path, weight: float) -> list[Row]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return [
            (
                r.get("id") or "",
                clean_text(r["parent"]),
                clean_text(r["reply"]),
                r["label"].strip(),
                weight,
            )
            for r in csv.DictReader(fh)
        ]


def _text_node(text: str) -> str | None:
    """A thread link for ``text``, or None for short generic texts ("lol", "URL", emoji)."""
    key = dup_key(text)
    return f"t:{key}" if len(key.split()) >= MIN_LINK_WORDS else None


def _thread_keys(rows: list[Row]) -> list[str]:
    """Union-find over ids and normalised texts; each row's key is its thread's root."""
    root: dict[str, str] = {}

    def find(x: str) -> str:
        root.setdefault(x, x)
        while root[x] != x:
            root[x] = root[root[x]]
            x = root[x]
        return x

    nodes = []
    for n, (rid, parent, reply, *_) in enumerate(rows):
        found = [f"i:{rid}" if rid else None, _text_node(parent), _text_node(reply)]
        row_nodes = [x for x in found if x] or [f"r:{n}"]
        for other in row_nodes[1:]:
            a, b = find(row_nodes[0]), find(other)
            if a != b:
                root[max(a, b)] = min(a, b)
        nodes.append(row_nodes[0])
    return [find(x) for x in nodes]


def load(data_dir: Path) -> list[PairExample]:
    """Human (1.0) and GPT-4o silver (0.3) reply labels, hashed thread split."""
    root = Path(data_dir) / DIR
    rows: list[Row] = []
    seen: set[tuple[str, str]] = set()
    for name, weight in ((HUMAN, 1.0), (SILVER, SILVER_WEIGHT)):
        for row in _rows(root / name, weight):
            _, parent, reply, label, _ = row
            pair = (parent, reply)
            if label not in _MAP or pair in seen:
                continue
            if parent.lower() in _PLACEHOLDERS or reply.lower() in _PLACEHOLDERS:
                continue
            seen.add(pair)
            rows.append(row)
    out: list[PairExample] = []
    for (_, parent, reply, label, weight), key in zip(rows, _thread_keys(rows), strict=True):
        stance, tox = _MAP[label]
        out.append(
            PairExample(
                parent, reply, stance, SOURCE, hashed_split(key), toxicity=tox, weight=weight
            )
        )
    return out
