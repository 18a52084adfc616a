"""The hand-written contrast set: determinism, template split, labels, noise."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from models.api import LABELS
from models.data.common import Example, dup_key
from models.data.contrast import (
    DEV_CAP,
    FUNCTIONALITIES,
    TRAIN_CAP,
    ContrastItem,
    functionality_of,
    load,
    load_items,
)
from models.data.contrast.core import has_swear
from models.data.contrast.noise import NOISE_KINDS, perturb

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def items() -> list[ContrastItem]:
    return load_items()


def _by(items: list[ContrastItem], functionality: str) -> list[ContrastItem]:
    return [it for it in items if it.functionality == functionality]


def test_deterministic(items: list[ContrastItem]) -> None:
    assert load_items() == items
    again = load()
    assert [(e.text, e.labels, e.split) for e in again] == [
        (e.text, e.labels, e.split) for e in load()
    ]


def test_fresh_process_gives_same_items(items: list[ContrastItem]) -> None:
    code = ("import hashlib; from models.data.contrast import load_items; "
            "print(hashlib.sha1(repr(load_items()).encode()).hexdigest())")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                         text=True, check=True, env={"PYTHONHASHSEED": "123"}).stdout.strip()
    assert out == hashlib.sha1(repr(items).encode()).hexdigest()


def test_sizes_in_range(items: list[ContrastItem]) -> None:
    split = Counter(it.split for it in items)
    assert 3000 <= split["train"] <= 6000
    assert 1000 <= split["dev"] <= 2000


def test_no_text_in_both_splits_and_no_duplicates(items: list[ContrastItem]) -> None:
    keys = [dup_key(it.text) for it in items]
    assert len(keys) == len(set(keys))
    train = {it.text for it in items if it.split == "train"}
    dev = {it.text for it in items if it.split == "dev"}
    assert not train & dev


def test_frames_disjoint_between_splits(items: list[ContrastItem]) -> None:
    train = {it.frame_id for it in items if it.split == "train"}
    dev = {it.frame_id for it in items if it.split == "dev"}
    assert not train & dev
    for it in items:
        assert it.frame_id.startswith(f"{it.functionality}.{it.split}.")


def test_every_functionality_in_both_splits(items: list[ContrastItem]) -> None:
    for name in FUNCTIONALITIES:
        splits = Counter(it.split for it in _by(items, name))
        assert splits["train"] >= 100, name
        assert splits["dev"] >= 50, name


def test_balanced(items: list[ContrastItem]) -> None:
    clean = Counter((it.functionality, it.split) for it in items if it.noise is None)
    for (_, split), n in clean.items():
        assert n <= (TRAIN_CAP if split == "train" else DEV_CAP)


def test_all_six_labels_on_every_item(items: list[ContrastItem]) -> None:
    for it in items:
        assert tuple(it.labels) == LABELS, it
        assert set(it.labels.values()) <= {0, 1}, it


def test_profanity_follows_swear_words(items: list[ContrastItem]) -> None:
    for it in items:
        if it.noise is None:
            assert it.labels["profanity"] == int(has_swear(it.text)), it.text


def _assert_all(items: list[ContrastItem], name: str, **expected: int) -> None:
    group = _by(items, name)
    assert group, name
    for it in group:
        for label, value in expected.items():
            assert it.labels[label] == value, (name, label, it.text)


def test_label_invariants(items: list[ContrastItem]) -> None:
    zero = dict.fromkeys(LABELS, 0)
    for name in ("hate_plain", "hate_threat", "hate_negated"):
        _assert_all(items, name, toxicity=1, identity_attack=1, insult=0, profanity=0, spam=0)
    _assert_all(items, "hate_plain", threat=0)
    _assert_all(items, "hate_negated", threat=0)
    _assert_all(items, "hate_threat", threat=1)
    for name in ("negated_hate", "counter_speech", "identity_neutral", "identity_positive",
                 "reclaimed", "spam_lookalike"):
        _assert_all(items, name, **zero)
    _assert_all(items, "nonprotected_abuse", toxicity=1, identity_attack=0, insult=0,
                threat=0, spam=0, profanity=0)
    _assert_all(items, "insult_person", toxicity=1, insult=1, identity_attack=0, threat=0,
                spam=0)
    _assert_all(items, "threat_personal", toxicity=1, threat=1, identity_attack=0, spam=0)
    for name in ("abuse_object", "threat_benign"):
        _assert_all(items, name, toxicity=0, insult=0, identity_attack=0, threat=0, spam=0)
    _assert_all(items, "profanity_benign", profanity=1, toxicity=0, insult=0,
                identity_attack=0, threat=0, spam=0)
    _assert_all(items, "spam", spam=1, toxicity=0, insult=0, identity_attack=0, threat=0,
                profanity=0)


def test_threat_personal_has_both_insult_values(items: list[ContrastItem]) -> None:
    assert {it.labels["insult"] for it in _by(items, "threat_personal")} == {0, 1}


def test_noise_variants_present(items: list[ContrastItem]) -> None:
    for name in FUNCTIONALITIES:
        for split in ("train", "dev"):
            group = [it for it in _by(items, name) if it.split == split]
            noisy = [it for it in group if it.noise is not None]
            assert noisy, (name, split)
            assert 0.1 <= len(noisy) / len(group) <= 0.35, (name, split)
    kinds = {it.noise for it in items if it.noise}
    assert kinds == set(NOISE_KINDS)


def test_noise_keeps_labels_of_its_original(items: list[ContrastItem]) -> None:
    clean = {(it.frame_id, perturb(it.text)): it for it in items if it.noise is None}
    for it in items:
        if it.noise is None:
            continue
        origin = clean.get((it.frame_id, (it.text, it.noise)))
        if origin is not None:
            assert origin.labels == it.labels


@pytest.mark.parametrize("kind", NOISE_KINDS)
def test_perturb_kinds(kind: str) -> None:
    text = "people who chew loudly are terrible"
    made = perturb(text, kind)
    assert made is not None
    noisy, name = made
    assert name == kind
    assert noisy != text
    assert perturb(text, kind) == made


def test_load_converts_to_examples(items: list[ContrastItem]) -> None:
    examples = load()
    assert len(examples) == len(items)
    for ex, it in zip(examples, items, strict=True):
        assert isinstance(ex, Example)
        assert ex.source == "contrast"
        assert ex.text == it.text
        assert ex.split == it.split
        assert ex.weight == 1.0
        assert ex.labels == {k: float(v) for k, v in it.labels.items()}
        assert functionality_of(ex) == it.functionality


def test_cli_prints_table() -> None:
    out = subprocess.run([sys.executable, "-m", "models.data.contrast"], cwd=ROOT,
                         capture_output=True, text=True, check=True).stdout
    for name in FUNCTIONALITIES:
        assert name in out
    assert "TOTAL" in out
