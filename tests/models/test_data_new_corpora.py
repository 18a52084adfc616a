"""New corpus loaders: exact mapping on tiny synthetic files, plausibility on the real data."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from models.data import (
    dynahate,
    fox_news,
    jigsaw_templates,
    mhs,
    toxic_spans,
    toxigen,
    wiki_attacks,
)
from models.data.common import Example, hashed_split

REAL = Path("/work/shared/data")
real_data = pytest.mark.skipif(not REAL.exists(), reason="needs /work/shared/data")

NEG4 = {"toxicity": 0.0, "identity_attack": 0.0, "insult": 0.0, "threat": 0.0}


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def test_dynahate_orig_split_and_masking(tmp_path: Path) -> None:
    write(
        tmp_path / dynahate.FILE,
        "text,label,label_name,orig_split,rottger_split\n"
        "hate a,1,hate,train,test\n"
        "fine b,0,nothate,dev,dev\n"
        "held out,1,hate,test,test\n",
    )
    rows = dynahate.load(tmp_path)
    assert [(r.text, r.split, r.hx3) for r in rows] == [
        ("hate a", "train", 2),
        ("fine b", "dev", -1),
    ]
    assert rows[0].labels == {"toxicity": 1.0, "identity_attack": 1.0}
    assert rows[1].labels == {"identity_attack": 0.0}  # nothate may be offensive: masked
    assert all(r.source == "dynahate" for r in rows)


def test_mhs_split_by_file(tmp_path: Path) -> None:
    write(tmp_path / mhs.FILES["train"], 'text,label\n"hateful, really",1\nnice,0\n')
    write(tmp_path / mhs.FILES["dev"], "text,label\nmeh,0\n")
    rows = mhs.load(tmp_path)
    assert [(r.text, r.split) for r in rows] == [
        ("hateful, really", "train"),
        ("nice", "train"),
        ("meh", "dev"),
    ]
    assert rows[0].labels == {"toxicity": 1.0, "identity_attack": 1.0}
    assert rows[1].labels == {"identity_attack": 0.0}


def _templates_csv(tmp_path: Path) -> None:
    lines = ["template,toxicity,phrase"]
    ids = [f"ident{i}" for i in range(30)]
    for name in ("Ann", "Bob", "Cy"):
        for adj, tox in (("vile", "toxic"), ("kind", "nontoxic")):
            lines += [f"name_adj,{tox},{name} is a {adj} {i}" for i in ids]
    lines += [f"verb_adj,toxic,kill {i}" for i in ids[:3]]
    lines += [f"verb_adj,toxic,hate {i}" for i in ids[:3]]
    lines += ["you_occupation,toxic,You are a dumb web designer"]
    lines += ["am_hate_adj,nontoxic,I am ident0", "being_adj,toxic,Being ident0 is ugly"]
    write(tmp_path / jigsaw_templates.FILE, "\n".join(lines) + "\n")


def test_jigsaw_templates_frames_caps_and_labels(tmp_path: Path) -> None:
    _templates_csv(tmp_path)
    rows = jigsaw_templates.load(tmp_path)
    frames = Counter(_frame(r) for r in rows)
    # 90 rows per name_adj frame (3 names x 30 ids) are cut to PER_FRAME
    assert frames["name_adj:vile"] == frames["name_adj:kind"] == jigsaw_templates.PER_FRAME
    assert frames["verb_adj:kill"] == 3
    assert len(rows) == 2 * jigsaw_templates.PER_FRAME + 3 + 3 + 1 + 1 + 1
    for r in rows:  # the split follows the frame, never the sentence
        assert r.split == hashed_split(_frame(r))
    by_text = {r.text: r.labels for r in rows}
    assert by_text["kill ident0"] == {"toxicity": 1.0, "identity_attack": 1.0, "threat": 1.0}
    assert by_text["hate ident0"] == {"toxicity": 1.0, "identity_attack": 1.0, "threat": 0.0}
    assert by_text["You are a dumb web designer"] == {
        "toxicity": 1.0,
        "identity_attack": 0.0,  # an occupation is not an identity
        "insult": 1.0,
        "threat": 0.0,
    }
    assert by_text["I am ident0"] == NEG4
    assert by_text["Being ident0 is ugly"]["identity_attack"] == 1.0
    # deterministic
    assert [r.text for r in jigsaw_templates.load(tmp_path)] == [r.text for r in rows]


def test_jigsaw_templates_total_cap(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _templates_csv(tmp_path)
    monkeypatch.setattr(jigsaw_templates, "MAX_ROWS", 10)
    assert len(jigsaw_templates.load(tmp_path)) == 10


def _frame(r: Example) -> str:
    phrase = r.text
    if phrase.startswith(("kill ", "hate ")):
        return jigsaw_templates.frame_key("verb_adj", phrase)
    if phrase.startswith("You are"):
        return jigsaw_templates.frame_key("you_occupation", phrase)
    if phrase.startswith("I "):
        return jigsaw_templates.frame_key("am_hate_adj", phrase)
    if phrase.startswith("Being"):
        return jigsaw_templates.frame_key("being_adj", phrase)
    return jigsaw_templates.frame_key("name_adj", phrase)


def test_jigsaw_frame_key() -> None:
    fk = jigsaw_templates.frame_key
    assert fk("name_adj", "Jim is a vile middle eastern") == "name_adj:vile"
    assert fk("name_adj", "Ann Lee is an awful sikh") == "name_adj:awful"
    assert fk("being_adj", "Being african american is great") == "being_adj:great"
    assert fk("am_hate_adj", "I hate old") == "am_hate_adj:hate"
    assert fk("mystery", "whatever") == "mystery"


def test_toxigen_dedupes_and_labels(tmp_path: Path) -> None:
    write(
        tmp_path / toxigen.FILE,
        "text,label,target_group,source_file\n"
        "they are all bad,hate,x,a.txt\n"
        "They are ALL bad!,hate,x,a_sentences.txt\n"
        "they live here,neutral,x,b.txt\n"
        "ambiguous one,hate,x,c.txt\n"
        "ambiguous one,neutral,x,d.txt\n",
    )
    rows = toxigen.load(tmp_path)
    assert [r.text for r in rows] == ["they are all bad", "they live here"]
    assert rows[0].labels == {"toxicity": 1.0, "identity_attack": 1.0}
    assert rows[1].labels == NEG4
    assert all(r.split is None for r in rows)


def _spans_files(tmp_path: Path) -> None:
    write(
        tmp_path / toxic_spans.COMMENTS,
        "comment_id,comment_text\n1,you idiot I will hurt you\n2,meh\n3,whole thing\n4,lost\n",
    )
    write(
        tmp_path / toxic_spans.ANNOTATIONS,
        "annotation,comment_id,worker,country,all toxic,not toxic\n"
        "0,1,a,USA,False,False\n1,1,b,USA,False,False\n2,1,c,USA,False,False\n"
        "3,2,a,USA,False,True\n4,2,b,USA,False,True\n5,2,c,USA,False,False\n"
        "6,3,a,USA,True,False\n7,3,b,USA,True,True\n8,3,c,USA,False,False\n"
        "9,4,a,USA,True,True\n10,4,b,USA,True,True\n11,4,c,USA,False,False\n",
    )
    write(
        tmp_path / toxic_spans.SPANS,
        "annotation,type,start,end\n"
        "0,Insult,4,9\n0,Threat,10,25\n1,Insu,4,9\n1,Identity based ,0,3\n2,Other Toxicity,0,3\n"
        "5,Profane/Obscene,0,3\n8,Insult,0,5\n11,Insult,0,3\n",
    )


def test_toxic_spans_votes(tmp_path: Path) -> None:
    _spans_files(tmp_path)
    rows = {r.text: r.labels for r in toxic_spans.load(tmp_path)}
    # 3 span raters: Insult 2/3 (one truncated "Insu"), Threat 1/3, identity 1/3
    assert rows["you idiot I will hurt you"] == {
        "toxicity": 1.0,
        "insult": 1.0,
        "threat": 0.0,
        "identity_attack": 0.0,
        "profanity": 0.0,
    }
    # 2 of 3 ticked "not toxic" only
    assert rows["meh"] == {
        "toxicity": 0.0,
        "insult": 0.0,
        "threat": 0.0,
        "identity_attack": 0.0,
        "profanity": 0.0,
    }
    # 1 "all toxic" + 1 span rater -> toxic; the "all toxic" and the unreadable rater could
    # each have meant any type, so no type is decidable
    assert rows["whole thing"] == {"toxicity": 1.0}
    assert "lost" not in rows  # two unreadable raters, one span: nothing decidable
    assert all(r.split is None and r.source == "toxic_spans" for r in toxic_spans.load(tmp_path))


def test_toxic_spans_type_prefix() -> None:
    assert toxic_spans.span_type("Insu") == "Insult"
    assert toxic_spans.span_type("Identity based ") == "Identity based Attack"
    assert toxic_spans.span_type("") is None


def test_wiki_attacks_merge_clean_and_mask(tmp_path: Path) -> None:
    write(
        tmp_path / wiki_attacks.FILES[0],
        ",id,text,split,label\n"
        "0,11,you are a moron NEWLINE_TOKEN go away,dev,True\n"
        "1,12,`` Port of Entry`` TAB_TOKENok,dev,False\n"
        "2,13,hidden,test,False\n",
    )
    write(
        tmp_path / wiki_attacks.FILES[1],
        "id,text,label,split\n11,you are a moron NEWLINE_TOKEN go away,True,dev\n"
        "14,You are a moron go away,True,dev\n15,fine edit,False,dev\n",
    )
    rows = wiki_attacks.load(tmp_path)
    assert [r.text for r in rows] == ["you are a moron go away", '" Port of Entry" ok', "fine edit"]
    assert rows[0].labels == {"insult": 1.0, "toxicity": 1.0}
    assert rows[1].labels == {"insult": 0.0}
    assert all(r.split is None for r in rows)


def test_fox_news_parent(tmp_path: Path) -> None:
    recs = [
        {"text": "hateful", "label": 1, "prev": "", "succ": "", "title": "t"},
        {"text": "reply", "label": 0, "prev": "earlier comment", "succ": ""},
        {"text": " ", "label": 0, "prev": ""},
    ]
    write(tmp_path / fox_news.FILE, "\n".join(json.dumps(r) for r in recs) + "\n")
    rows = fox_news.load(tmp_path)
    assert [(r.text, r.parent) for r in rows] == [("hateful", None), ("reply", "earlier comment")]
    assert rows[0].labels == {"toxicity": 1.0, "identity_attack": 1.0}
    assert rows[1].labels == {"identity_attack": 0.0}


def _classes(rows: list[Example], label: str) -> set[float]:
    return {r.labels[label] for r in rows if label in r.labels}


@real_data
@pytest.mark.parametrize(
    ("module", "minimum", "label", "splits"),
    [
        (dynahate, 30000, "identity_attack", {"train", "dev"}),
        (mhs, 20000, "identity_attack", {"train", "dev"}),
        (jigsaw_templates, 2000, "toxicity", {"train", "dev"}),
        (toxigen, 700, "toxicity", {None}),
        (toxic_spans, 10000, "insult", {None}),
        (wiki_attacks, 4000, "insult", {None}),
        (fox_news, 1500, "identity_attack", {None}),
    ],
)
def test_real_data_plausible(module, minimum: int, label: str, splits: set) -> None:
    rows = module.load(REAL)
    assert len(rows) >= minimum
    assert _classes(rows, label) == {0.0, 1.0}
    assert {r.split for r in rows} == splits  # never "test"
    assert all(r.text.strip() for r in rows)
    assert not any("spam" in r.labels for r in rows)
    if module is not toxic_spans:
        assert not any("profanity" in r.labels for r in rows)
    if module is jigsaw_templates:
        assert len(rows) <= jigsaw_templates.MAX_ROWS
