"""Spam corpora: UCI SMS Spam Collection (TSV) and YouTube Spam Collection (CSV)."""

from __future__ import annotations

import csv
from pathlib import Path

from models.data.common import Example, dup_key


def load_sms(data_dir: Path) -> list[Example]:
    out: list[Example] = []
    seen: set[str] = set()
    with open(Path(data_dir) / "sms_spam" / "SMSSpamCollection", encoding="utf-8-sig") as fh:
        for line in fh:
            label, _, text = line.rstrip("\n").partition("\t")
            if label not in ("ham", "spam") or not text:
                continue
            key = dup_key(text)
            if key in seen:  # the collection repeats many messages
                continue
            seen.add(key)
            out.append(Example(text, "sms_spam", {"spam": float(label == "spam")}))
    return out


#: The video held out as YouTube's dev split: spam is judged on a video never trained on.
YOUTUBE_DEV_VIDEO = "Youtube04-Eminem.csv"


def load_youtube(data_dir: Path) -> list[Example]:
    out: list[Example] = []
    for path in sorted((Path(data_dir) / "youtube_spam").glob("*.csv")):
        split = "dev" if path.name == YOUTUBE_DEV_VIDEO else "train"
        with open(path, encoding="utf-8-sig", newline="") as fh:
            # Some files start with a blank line before the header.
            for row in csv.DictReader(line for line in fh if line.strip()):
                try:
                    label = float(row["CLASS"])
                except (KeyError, TypeError, ValueError):
                    continue
                out.append(Example(row["CONTENT"], "youtube_spam", {"spam": label}, split=split))
    return out
