"""Loaders map each corpus onto Vigil's labels (tiny synthetic files, no ../shared)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from models.api import STANCES
from models.data import (
    davidson,
    ethos,
    gab_hate,
    hatexplain,
    implicit_hate,
    olid,
    spam,
    subreddit_agreement,
    toxichat,
)
from models.data.build import _finalise
from models.data.common import Example, clean_text, dup_key, hashed_split
from models.data.profanity import is_profane


def write(path: Path, text: str, encoding: str = "utf-8") -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding=encoding)


def test_davidson_classes(tmp_path: Path) -> None:
    write(
        tmp_path / davidson.FILE,
        ",count,hate_speech,offensive_language,neither,class,tweet\n"
        "0,3,3,0,0,0,hate tweet\n1,3,0,3,0,1,rude tweet\n2,3,0,0,3,2,nice tweet\n",
    )
    rows = davidson.load(tmp_path)
    assert [r.hx3 for r in rows] == [2, 1, 0]
    assert rows[0].labels == {"toxicity": 1.0, "identity_attack": 1.0}
    assert rows[1].labels["identity_attack"] == 0.0
    assert rows[2].labels["toxicity"] == 0.0
    assert "insult" not in rows[0].labels  # not annotated -> masked


def test_hatexplain_splits_and_labels(tmp_path: Path) -> None:
    write(tmp_path / "hatexplain/train.json", json.dumps([["a", "hatespeech"], ["b", "normal"]]))
    write(tmp_path / "hatexplain/val.json", json.dumps([["c", "offensive"], ["d", "weird"]]))
    rows = hatexplain.load(tmp_path)
    assert [(r.text, r.split, r.hx3) for r in rows] == [
        ("a", "train", 2),
        ("b", "train", 0),
        ("c", "dev", 1),
    ]
    assert rows[2].labels == {"toxicity": 1.0, "identity_attack": 0.0}


def test_olid_targets(tmp_path: Path) -> None:
    write(
        tmp_path / olid.FILE,
        "id\ttweet\tsubtask_a\tsubtask_b\tsubtask_c\n"
        "1\t@USER you idiot\tOFF\tTIN\tIND\n2\tdamn it\tOFF\tUNT\tNULL\n"
        "3\tthose people\tOFF\tTIN\tGRP\n4\thello\tNOT\tNULL\tNULL\n",
    )
    rows = olid.load(tmp_path)
    assert rows[0].labels == {"toxicity": 1.0, "insult": 1.0}
    assert rows[1].labels["insult"] == 0.0
    assert "identity_attack" not in rows[2].labels
    assert "insult" not in rows[2].labels
    assert rows[3].labels["toxicity"] == 0.0


def test_implicit_hate_threat_from_stage2(tmp_path: Path) -> None:
    write(
        tmp_path / implicit_hate.STG1,
        "post\tclass\nthey will pay\timplicit_hate\nhi all\tnot_hate\nslur\texplicit_hate\n",
    )
    write(
        tmp_path / implicit_hate.STG2,
        "post\timplicit_class\textra_implicit_class\nthey will pay\tthreatening\t\n",
    )
    rows = implicit_hate.load(tmp_path)
    assert rows[0].labels == {"toxicity": 1.0, "identity_attack": 1.0, "threat": 1.0}
    assert rows[1].labels["identity_attack"] == 0.0
    assert "threat" not in rows[2].labels


def test_ethos_drops_ambiguous(tmp_path: Path) -> None:
    write(tmp_path / ethos.BINARY, "comment;isHate\nhate;1.0\nsplit;0.5\nfine;0.0\n")
    write(
        tmp_path / ethos.MULTI,
        "comment;violence;directed_vs_generalized;gender;race;national_origin;disability;"
        "religion;sexual_orientation\nhate;1;0.2;0;1;0;0;0;0\n",
    )
    rows = ethos.load(tmp_path)
    assert [r.text for r in rows] == ["hate", "fine"]
    assert rows[0].labels["threat"] == 1.0
    assert rows[0].labels["insult"] == 0.0


def test_gab_hate_columns(tmp_path: Path) -> None:
    write(tmp_path / "gab_hate_corpus/ghc_train.tsv", "text\thd\tcv\tvo\na\t1\t0\t0\nb\t0\t1\t0\n")
    write(tmp_path / "gab_hate_corpus/ghc_test.tsv", "text\thd\tcv\tvo\nc\t0\t0\t1\n")
    rows = gab_hate.load(tmp_path)
    assert rows[0].labels == {"toxicity": 1.0, "identity_attack": 1.0, "threat": 0.0}
    assert rows[1].labels["threat"] == 1.0
    assert rows[2].split == "dev"
    assert rows[2].labels["toxicity"] == 1.0


def test_spam_loaders(tmp_path: Path) -> None:
    write(
        tmp_path / "sms_spam/SMSSpamCollection",
        "ham\thello there\nspam\tWIN a prize now\nham\tHello  there!\n",
    )
    rows = spam.load_sms(tmp_path)
    assert [r.labels["spam"] for r in rows] == [0.0, 1.0]  # duplicate "hello there" dropped
    write(
        tmp_path / "youtube_spam/Youtube01.csv",
        "\nCOMMENT_ID,AUTHOR,DATE,CONTENT,CLASS\n1,a,d,check my channel,1\n2,b,d,nice song,0\n",
        encoding="utf-8-sig",
    )
    yt = spam.load_youtube(tmp_path)
    assert [(r.text, r.labels["spam"]) for r in yt] == [
        ("check my channel", 1.0),
        ("nice song", 0.0),
    ]


def test_toxichat_turns_and_stance(tmp_path: Path) -> None:
    thread = {
        "reddit_thread": [
            {"turn_id": 1, "text": "cats are great", "offense_label": "Safe"},
            {
                "turn_id": 2,
                "text": "no they suck",
                "offense_label": "Offensive",
                "stance_label_towards_turn_1": "Disagree",
            },
        ],
        "final_dgpt_response": {
            "turn_id": 3,
            "text": "yes so great",
            "offense_label": "Safe",
            "stance_label_towards_turn_1": "Agree",
            "stance_label_towards_turn_2": "Disagree",
        },
    }
    write(tmp_path / "toxichat/train.jsonl", json.dumps(thread) + "\n")
    write(tmp_path / "toxichat/dev.jsonl", "")
    singles, pairs = toxichat.load(tmp_path)
    assert [(s.text, s.labels["toxicity"], s.parent) for s in singles] == [
        ("cats are great", 0.0, None),
        ("no they suck", 1.0, "cats are great"),
        ("yes so great", 0.0, "no they suck"),
    ]
    got = {(p.parent, p.text): (STANCES[p.stance], p.adjacent) for p in pairs}
    assert got == {
        ("cats are great", "no they suck"): ("disagree", True),
        ("cats are great", "yes so great"): ("agree", False),
        ("no they suck", "yes so great"): ("disagree", True),
    }


def test_subreddit_agreement_cp1252(tmp_path: Path) -> None:
    write(
        tmp_path / "subreddit_agreement/SubReddit-X.csv",
        '"quote_text","response_text","relation"\n"masks work","they don\u2019t",0\n'
        '"q","r",2\n"q2","r2",1\n',
        encoding="cp1252",
    )
    rows = subreddit_agreement.load(tmp_path)
    assert [STANCES[r.stance] for r in rows] == ["disagree", "agree", "neutral"]
    assert rows[0].text == "they don\u2019t"


def test_cleaning_and_duplicate_keys() -> None:
    assert clean_text("RT @bob: hi &amp; bye http://x.co/a") == "hi & bye URL"
    assert dup_key("RT @someone: Hello,   WORLD!! https://t.co/x") == dup_key("hello world")
    assert hashed_split("abc") == hashed_split("abc")
    assert {hashed_split(str(i)) for i in range(200)} == {"train", "dev"}


def test_finalise_removes_dev_leaks_and_adds_weak_labels() -> None:
    dev = Example("You idiot", "a", {"toxicity": 1.0}, split="dev")
    leak = Example("RT @x: you IDIOT!!", "b", {"toxicity": 1.0}, split="train")
    ok = Example("what the fuck", "b", {"toxicity": 0.0}, split="train")
    spam_ex = Example("win money", "sms_spam", {"spam": 1.0}, split="train")
    out = _finalise([dev, leak, ok, spam_ex])
    assert leak not in out
    assert dev in out
    assert ok in out
    assert ok.labels["profanity"] == 1.0
    assert ok.labels["spam"] == 0.0
    assert spam_ex.labels["spam"] == 1.0


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("what the fuck", True),
        ("this is bullshit", True),
        ("classic assessment", False),
        ("hello friend", False),
        ("Scunthorpe United", False),
    ],
)
def test_profanity_lexicon(text: str, want: bool) -> None:
    assert is_profane(text) is want
