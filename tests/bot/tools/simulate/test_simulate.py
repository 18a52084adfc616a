"""The simulator: deterministic, replay-readable, with ground truth that matches the text."""

from __future__ import annotations

import itertools
import json
import random
from pathlib import Path

from bot.event import MessageEvent
from bot.tools.simulate import generate
from bot.tools.simulate.cli import write
from bot.tools.simulate.paraphrase import POINTS, paraphrase, small_edit, word_overlap
from bot.tools.transcript import BadLine, Join, read_transcript


def test_same_seed_same_community_and_ids_are_unique() -> None:
    a, b = generate(members=40, seed=3, hours=12), generate(members=40, seed=3, hours=12)
    assert a.lines == b.lines
    ids = [line["id"] for line in a.lines if "id" in line]
    assert len(ids) == len(set(ids))
    assert generate(members=40, seed=4, hours=12).lines != a.lines


def test_transcript_reads_back_with_joins_and_replies(tmp_path: Path) -> None:
    transcript, truth_path = write(tmp_path, members=40, seed=5, hours=12)
    items = list(read_transcript(transcript))
    assert not [i for i in items if isinstance(i, BadLine)]
    assert any(isinstance(i, Join) for i in items)
    messages = [i for i in items if isinstance(i, MessageEvent)]
    assert any(m.parent_author_id is not None for m in messages)
    truth = json.loads(truth_path.read_text())
    kinds = {s["kind"] for s in truth["scenarios"]}
    assert {"ring", "spam", "repeat", "pile_on", "raid"} <= kinds
    planted = {a for s in truth["scenarios"] for a in s["accounts"]}
    authors = {m.author.id for m in messages}
    assert planted <= authors  # every planted account posts
    assert len(truth["organic"]) == 40


def test_ring_accounts_are_young_and_organic_mostly_old(tmp_path: Path) -> None:
    transcript, truth_path = write(tmp_path, members=100, seed=6, hours=12)
    truth = json.loads(truth_path.read_text())
    rings = {a for s in truth["scenarios"] if s["kind"] == "ring" for a in s["accounts"]}
    messages = [i for i in read_transcript(transcript) if isinstance(i, MessageEvent)]
    ages = {m.author.id: m.author.account_age_days(m.created_at) for m in messages}
    assert all(ages[a] < 7 for a in rings if a in ages)
    organic = [ages[a] for a in truth["organic"] if a in ages]
    assert sum(age > 30 for age in organic) / len(organic) > 0.85


def test_paraphrases_often_share_under_half_their_words() -> None:
    rng = random.Random(1)
    for point in POINTS:
        lines = [paraphrase(point, rng) for _ in range(8)]
        overlaps = [word_overlap(a, b) for a, b in itertools.combinations(lines, 2)]
        assert sum(o < 0.5 for o in overlaps) / len(overlaps) > 0.3, point.id


def test_small_edit_keeps_most_words() -> None:
    rng = random.Random(2)
    text = "Hey everyone, I'm giving away free Nitro for the next hour, claim yours here"
    edited = small_edit(text, rng)
    assert edited != text
    assert word_overlap(text, edited) > 0.7


def _community_messages(members: int, seed: int) -> tuple[dict, list[dict]]:
    community = generate(members=members, seed=seed, hours=24)
    return community.truth, [line for line in community.lines if "content" in line]


def test_ring_posts_often_share_under_half_their_words_with_the_seed_line() -> None:
    truth, messages = _community_messages(100, seed=7)
    low = total = 0
    for scenario in (s for s in truth["scenarios"] if s["kind"] == "ring"):
        accounts = set(scenario["accounts"])
        posts = [m["content"] for m in messages
                 if m["author"]["id"] in accounts and m["channel_id"] != 13]  # not cover chat
        seed_line, rest = posts[0], posts[1:]
        low += sum(word_overlap(seed_line, post) < 0.5 for post in rest)
        total += len(rest)
    assert total >= 30
    assert low / total > 0.25


def test_organic_members_write_in_their_own_words() -> None:
    truth, messages = _community_messages(200, seed=3)
    organic = set(truth["organic"])
    texts = [m["content"] for m in messages if m["author"]["id"] in organic]
    long_texts = [t for t in texts if len(t.split()) >= 6]
    assert len(long_texts) > 300
    # Sentences of six words or more are nearly all distinct ...
    assert len(set(long_texts)) / len(long_texts) > 0.9
    # ... while the everyday short phrases are shared by many members, as in any server.
    assert sum(t in {"lol", "gm", "thanks!", "ty"} for t in texts) >= 10
    # Some organic members are newcomers on young accounts.
    joins = [line for line in generate(members=200, seed=3, hours=24).lines
             if line.get("type") == "join" and line["author"]["id"] in organic]
    assert len(joins) >= 8
