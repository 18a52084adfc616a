"""Pair-corpus loaders (claim / parent + text): tiny synthetic files, plus real-data checks."""

from __future__ import annotations

import collections
import csv
import io
import json
from pathlib import Path

import pytest

from models.api import STANCES
from models.data import argkp, counterspeech, diasafety, perspectrum, snli
from models.data.common import PairExample, dup_key, hashed_split

AGREE, DISAGREE, NEUTRAL = (STANCES.index(s) for s in ("agree", "disagree", "neutral"))
REAL = Path("/work/shared/data")
needs_real = pytest.mark.skipif(not REAL.exists(), reason="shared datasets not mounted")


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def write_csv(path: Path, header: list[str], rows: list[list[str]]) -> None:
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(header)
    w.writerows(rows)
    write(path, buf.getvalue())


def stances(rows: list[PairExample]) -> collections.Counter[int]:
    return collections.Counter(r.stance for r in rows)


# --- SNLI -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tokens", "text"),
    [
        ("A man 's dog does n't bark . ", "A man's dog doesn't bark."),
        ("They ca n't , and wo n't !", "They can't, and won't!"),
        ("A sign ( red ) reads `` Lotos . '' here", 'A sign (red) reads "Lotos." here'),
        ("the words ' hippie killer ' on it", "the words 'hippie killer' on it"),
        ("a 50 % sale ; I 'm in", "a 50% sale; I'm in"),
        ("beneath a'no child left behind ' sign", "beneath a'no child left behind' sign"),
    ],
)
def test_snli_detokenize(tokens: str, text: str) -> None:
    assert snli.detokenize(tokens) == text


def test_snli_mapping_and_premise_split(tmp_path: Path) -> None:
    root = tmp_path / snli.DIR
    write(root / "s1.dev", "A dog runs . \nA dog runs . \nA dog runs . \nA cat sits . \n")
    write(root / "s2.dev", "An animal moves . \nA dog sleeps . \nA dog is fast . \nNo . \n")
    write(root / "labels.dev", "entailment\ncontradiction\nneutral\n-\n")
    write(root / "s1.test", "Kids play ( outside ) . \n")
    write(root / "s2.test", "Kids are n't inside . \n")
    write(root / "labels.test", "entailment\n")
    rows = snli.load(tmp_path)
    assert [(r.parent, r.text, r.stance) for r in rows] == [
        ("A dog runs.", "An animal moves.", AGREE),
        ("A dog runs.", "A dog sleeps.", DISAGREE),
        ("A dog runs.", "A dog is fast.", NEUTRAL),
        ("Kids play (outside).", "Kids aren't inside.", AGREE),
    ]
    assert {r.split for r in rows[:3]} == {hashed_split(dup_key("A dog runs."))}
    assert all(r.toxicity == 0.0 and r.weight == 1.0 and r.source == "snli" for r in rows)


def test_snli_misaligned_files_raise(tmp_path: Path) -> None:
    root = tmp_path / snli.DIR
    for name in ("dev", "test"):
        write(root / f"s1.{name}", "a . \nb . \n")
        write(root / f"s2.{name}", "c . \n")
        write(root / f"labels.{name}", "neutral\n")
    with pytest.raises(ValueError, match="line-aligned"):
        snli.load(tmp_path)


# --- PERSPECTRUM ----------------------------------------------------------------------


def _perspectrum(tmp_path: Path) -> None:
    root = tmp_path / perspectrum.DIR

    def claim(cid: int, text: str, topics: list[str], clusters: list[tuple[list[int], str]]):
        persp = [{"pids": p, "stance_label_3": s, "stance_label_5": s} for p, s in clusters]
        return {"cId": cid, "text": text, "perspectives": persp, "topics": topics}

    claims = [
        claim(1, "Ban cars", ["transport"], [([10, 11], "SUPPORT"), ([12], "UNDERMINE")]),
        claim(2, "Tax sugar", ["health"], [([20], "UNDERMINE")]),
        claim(3, "Vote at 16", ["politics"], [([30], "SUPPORT")]),
        claim(4, "Ban guns", ["law"], [([40], "SUPPORT")]),
        claim(5, "Ban bikes", ["transport"], [([50], "SUPPORT")]),
    ]
    pool = [{"pId": i, "text": f"p{i}"} for i in (10, 11, 12, 20, 30, 40, 50)]
    split = {"1": "train", "2": "train", "3": "dev", "4": "test", "5": "train"}
    write(root / perspectrum.CLAIMS, json.dumps(claims))
    write(root / perspectrum.POOL, json.dumps(pool))
    write(root / perspectrum.SPLITS, json.dumps(split))


def test_perspectrum_gold_pairs_drop_test(tmp_path: Path) -> None:
    _perspectrum(tmp_path)
    rows = perspectrum.load(tmp_path, neutral=False)
    assert [(r.parent, r.text, r.stance, r.split) for r in rows] == [
        ("Ban cars", "p10", AGREE, "train"),
        ("Ban cars", "p11", AGREE, "train"),
        ("Ban cars", "p12", DISAGREE, "train"),
        ("Tax sugar", "p20", DISAGREE, "train"),
        ("Ban bikes", "p50", AGREE, "train"),
        ("Vote at 16", "p30", AGREE, "dev"),
    ]
    assert all(r.toxicity is None and r.weight == 1.0 and r.source == "perspectrum" for r in rows)


def test_perspectrum_neutrals(tmp_path: Path) -> None:
    _perspectrum(tmp_path)
    rows = perspectrum.load(tmp_path)
    neutral = [r for r in rows if r.stance == NEUTRAL]
    assert all(r.weight == perspectrum.NEUTRAL_WEIGHT for r in neutral)
    by_claim = {r.parent: r.text for r in neutral}
    assert len(by_claim) == len(neutral)  # at most one per claim
    # Same split, another claim, disjoint topics: never p50 for "Ban cars" (both transport),
    # never a test-claim perspective (p40), and "Vote at 16" (only dev claim) gets none.
    assert by_claim["Ban cars"] == "p20"
    assert by_claim["Tax sugar"] in {"p10", "p11", "p12", "p50"}
    assert by_claim["Ban bikes"] == "p20"
    assert "Vote at 16" not in by_claim
    assert perspectrum.load(tmp_path) == rows  # deterministic


# --- ArgKP ----------------------------------------------------------------------------


def test_argkp_topic_pairs(tmp_path: Path) -> None:
    header = ["arg_id", "argument", "topic", "stance"]
    write_csv(
        tmp_path / argkp.DIR / "arguments_train.csv",
        header,
        [["arg_0_0", "It saves lives", "We should ban guns", "1"],
         ["arg_0_1", 'A "right", surely', "We should ban guns", "-1"],
         ["arg_0_2", "", "We should ban guns", "1"]],
    )  # fmt: skip
    write_csv(tmp_path / argkp.DIR / "arguments_dev.csv", header, [["a", "Meh", "T", "-1"]])
    write_csv(tmp_path / argkp.DIR / "arguments_test.csv", header, [["t", "X", "T", "1"]])
    rows = argkp.load(tmp_path)
    assert [(r.parent, r.text, r.stance, r.split) for r in rows] == [
        ("We should ban guns", "It saves lives", AGREE, "train"),
        ("We should ban guns", 'A "right", surely', DISAGREE, "train"),
        ("T", "Meh", DISAGREE, "dev"),
    ]
    assert all(r.toxicity is None and r.weight == 1.0 and r.source == "argkp" for r in rows)


# --- DiaSafety ------------------------------------------------------------------------


def test_diasafety_categories(tmp_path: Path) -> None:
    def row(ctx: str, cat: str, label: str) -> dict[str, str]:
        return {"context": ctx, "response": "r-" + ctx, "category": cat, "label": label}

    train = [
        row("a", "Toxicity Agreement", "Unsafe"),
        row("b", "Toxicity Agreement", "Safe"),
        row("c", "Offending User", "Unsafe"),
        row("d", "Biased Opinion", "Safe"),
        row("e", "Risk Ignorance", "Unsafe"),
        row("f", "Unauthorized Expertise", "Safe"),
    ]
    write(tmp_path / diasafety.DIR / "train.json", json.dumps(train))
    write(tmp_path / diasafety.DIR / "val.json", json.dumps([row("g", "Biased Opinion", "Unsafe")]))
    write(tmp_path / diasafety.DIR / "test.json", json.dumps([row("h", "Offending User", "Safe")]))
    rows = diasafety.load(tmp_path)
    assert [(r.parent, r.text, r.stance, r.toxicity, r.split) for r in rows] == [
        ("a", "r-a", AGREE, 1.0, "train"),
        ("b", "r-b", -1, 0.0, "train"),
        ("c", "r-c", -1, 1.0, "train"),
        ("d", "r-d", -1, 0.0, "train"),
        ("g", "r-g", -1, 1.0, "dev"),
    ]
    assert all(r.weight == 1.0 and r.source == "diasafety" for r in rows)


# --- Counterspeech --------------------------------------------------------------------


def test_counterspeech_labels_weights_threads(tmp_path: Path) -> None:
    root = tmp_path / counterspeech.DIR
    write_csv(
        root / counterspeech.HUMAN,
        ["id", "subreddit", "parent", "reply", "label", "target"],
        [["n1", "s", "they are all vermin here", "you are the vermin here pal", "1", "newcomer"],
         ["n1", "s", "you are the vermin here pal", "no need for hate", "2", "reply_to_newcomer"],
         ["n2", "s", "[deleted]", "whatever you say", "0", "newcomer"]],
    )  # fmt: skip
    write_csv(
        root / counterspeech.SILVER,
        ["id", "subreddit", "parent", "reply", "label"],
        [["s1", "s", "no need for hate", "sure thing buddy boy", "0"],  # joins the n1 thread
         ["s2", "s", "they are all vermin here", "you are the vermin here pal", "0"],  # dup
         ["s3", "s", "lol", "what a day it is", "0"],
         ["s4", "s", "lol", "another day again here", "9"]],
    )  # fmt: skip
    rows = counterspeech.load(tmp_path)
    assert [(r.parent, r.text, r.stance, r.toxicity, r.weight) for r in rows] == [
        ("they are all vermin here", "you are the vermin here pal", -1, 1.0, 1.0),
        ("you are the vermin here pal", "no need for hate", DISAGREE, 0.0, 1.0),
        ("no need for hate", "sure thing buddy boy", -1, 0.0, counterspeech.SILVER_WEIGHT),
        ("lol", "what a day it is", -1, 0.0, counterspeech.SILVER_WEIGHT),
    ]
    assert len({r.split for r in rows[:3]}) == 1  # one thread, one side
    assert all(r.source == "counterspeech" for r in rows)


def test_counterspeech_short_texts_do_not_link() -> None:
    rows = [("a", "lol", "first thread reply text", "0", 1.0),
            ("b", "lol", "second thread reply text", "0", 1.0),
            ("c", "first thread reply text", "ok", "0", 1.0)]  # fmt: skip
    keys = counterspeech._thread_keys(rows)
    assert keys[0] == keys[2] != keys[1]


# --- Real data ------------------------------------------------------------------------


def _check_real(rows: list[PairExample], source: str, low: int, high: int) -> None:
    assert low <= len(rows) <= high
    assert {r.split for r in rows} == {"train", "dev"}
    assert all(r.source == source and r.parent.strip() and r.text.strip() for r in rows)
    dev = sum(r.split == "dev" for r in rows) / len(rows)
    assert 0.05 < dev < 0.25


@needs_real
def test_real_snli() -> None:
    rows = snli.load(REAL)
    _check_real(rows, "snli", 19_000, 19_666)
    assert set(stances(rows)) == {AGREE, DISAGREE, NEUTRAL}
    splits: dict[str, set[str]] = collections.defaultdict(set)
    for r in rows:
        splits[r.parent].add(r.split)
    assert all(len(s) == 1 for s in splits.values())
    assert not any(" n't" in r.text or " ." in r.text or "``" in r.text for r in rows)


@needs_real
def test_real_perspectrum() -> None:
    rows = perspectrum.load(REAL)
    _check_real(rows, "perspectrum", 8_000, 11_822)
    assert set(stances(rows)) == {AGREE, DISAGREE, NEUTRAL}
    assert all(r.toxicity is None for r in rows)


@needs_real
def test_real_argkp() -> None:
    rows = argkp.load(REAL)
    _check_real(rows, "argkp", 6_000, 6_515)
    assert set(stances(rows)) == {AGREE, DISAGREE}
    train = {r.parent for r in rows if r.split == "train"}
    assert not train & {r.parent for r in rows if r.split == "dev"}  # disjoint motions


@needs_real
def test_real_diasafety() -> None:
    rows = diasafety.load(REAL)
    _check_real(rows, "diasafety", 5_000, 7_000)
    assert set(stances(rows)) == {AGREE, -1}
    assert {r.toxicity for r in rows} == {0.0, 1.0}


@needs_real
def test_real_counterspeech() -> None:
    rows = counterspeech.load(REAL)
    _check_real(rows, "counterspeech", 5_500, 6_231)
    assert set(stances(rows)) == {DISAGREE, -1}
    assert {r.toxicity for r in rows} == {0.0, 1.0}
    assert {r.weight for r in rows} == {1.0, counterspeech.SILVER_WEIGHT}
    assert sum(r.weight == 1.0 for r in rows) > 600
