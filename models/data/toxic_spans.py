"""Toxic Spans (Pavlopoulos et al., ACL 2022) on Civil Comments posts. Licence CC0 1.0.

Three raw files: ``comments.csv`` (comment_id, comment_text), ``annotations.csv`` (one row per
rater: annotation, comment_id, worker, "all toxic", "not toxic" tick-boxes) and ``spans.csv``
(annotation, type, start, end). There is no per-post toxicity field and no split column, so
labels come from rater votes and the split is hashed later.

Each rater is one of: *spans* (marked spans; their types count), *whole* (no spans, ticked only
"all toxic": toxic, type unknown), *clean* (no spans, ticked only "not toxic") or *unknown*
(no spans with both or neither box ticked: ~21k rows tick both, which cannot be read).
With n raters, a label is 1 when at least n/2 raters surely vote for it, 0 when fewer than n/2
could, and masked otherwise:

* toxicity: sure = spans + whole, could = sure + unknown
* insult / threat / identity_attack / profanity (span types Insult, Threat,
  "Identity based Attack", "Profane/Obscene"; truncated type strings are matched by prefix):
  sure = raters who marked that type, could = sure + whole + unknown.

"Other Toxicity" spans only count towards toxicity. All posts were toxic for >=50% of the
Civil Comments raters, so 0s are rare for toxicity; the corpus mainly separates subtypes.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path

from models.data.common import Example

DIR = "toxic_spans_civil"
COMMENTS = f"{DIR}/comments.csv"
ANNOTATIONS = f"{DIR}/annotations.csv"
SPANS = f"{DIR}/spans.csv"
SOURCE = "toxic_spans"

TYPES = {
    "Insult": "insult",
    "Threat": "threat",
    "Identity based Attack": "identity_attack",
    "Profane/Obscene": "profanity",
    "Other Toxicity": None,
}


def span_type(raw: str) -> str | None:
    """Canonical type name for a (possibly truncated) type string, or None."""
    raw = raw.strip()
    if not raw:
        return None
    hits = [name for name in TYPES if name.startswith(raw)]
    return hits[0] if len(hits) == 1 else None


def _read(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def _vote(label: str, sure: int, could: int, n: int, out: dict[str, float]) -> None:
    if 2 * sure >= n:
        out[label] = 1.0
    elif 2 * could < n:
        out[label] = 0.0


def post_labels(raters: list[tuple[str, set[str]]]) -> dict[str, float]:
    """Labels for one post from ``(kind, span types)`` per rater; kind as in the docstring."""
    n = len(raters)
    kinds = [kind for kind, _ in raters]
    spans, whole, unknown = kinds.count("spans"), kinds.count("whole"), kinds.count("unknown")
    labels: dict[str, float] = {}
    _vote("toxicity", spans + whole, spans + whole + unknown, n, labels)
    for name, label in TYPES.items():
        if label is not None:
            marked = sum(1 for kind, types in raters if kind == "spans" and name in types)
            _vote(label, marked, marked + whole + unknown, n, labels)
    return labels


def _rater_kind(row: dict[str, str], has_spans: bool) -> str:
    if has_spans:
        return "spans"
    all_toxic = row["all toxic"].strip().lower() == "true"
    not_toxic = row["not toxic"].strip().lower() == "true"
    if all_toxic != not_toxic:
        return "whole" if all_toxic else "clean"
    return "unknown"


def load(data_dir: Path) -> list[Example]:
    data_dir = Path(data_dir)
    types: dict[str, set[str]] = defaultdict(set)
    spanned: set[str] = set()
    for row in _read(data_dir / SPANS):
        spanned.add(row["annotation"])
        name = span_type(row["type"])
        if name:
            types[row["annotation"]].add(name)
    raters: dict[str, list[tuple[str, set[str]]]] = defaultdict(list)
    for row in _read(data_dir / ANNOTATIONS):
        ann = row["annotation"]
        raters[row["comment_id"]].append((_rater_kind(row, ann in spanned), types.get(ann, set())))
    out: list[Example] = []
    for row in _read(data_dir / COMMENTS):
        votes = raters.get(row["comment_id"])
        text = row["comment_text"].strip()
        if not votes or not text:
            continue
        labels = post_labels(votes)
        if labels:
            out.append(Example(text, SOURCE, labels))
    return out
