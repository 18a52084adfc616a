"""Fuzzing the transcript reader and ``score``: whatever is accepted goes through the whole
pipeline, and nothing read ends a run.

Each example is a small transcript of mutated lines (ids past 2^63, far dates, lone
surrogates, odd types, garbage bytes) replayed on a real SQLite file with campaign
detection: every line must come back as exactly one item, and none may fail in the
pipeline (the reader refuses what would). ``VIGIL_FUZZ_EXAMPLES`` raises the count.
"""

from __future__ import annotations

import asyncio
import io
import json
import os
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from bot.campaigns import CampaignDetector
from bot.event import MessageEvent
from bot.policy_config import PolicyHolder, load_policy
from bot.settings import DEFAULT_CONFIG
from bot.tools.replay import replay
from bot.tools.score_cli import score_stream
from bot.tools.transcript import read_lines
from tests.fakes import FakeScorer

EXAMPLES = int(os.environ.get("VIGIL_FUZZ_EXAMPLES", "60"))
POLICY = PolicyHolder(DEFAULT_CONFIG, load_policy(DEFAULT_CONFIG))
WORDS = ["hello", "you idiot", "free nitro discord-gift.com", "@a @b @c", "i will find you"]



def mostly(good: st.SearchStrategy[Any], odd: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """``good`` five times in six, so most lines are accepted and reach the pipeline."""
    return st.integers(0, 5).flatmap(lambda roll: odd if roll == 0 else good)


odd_ids = st.one_of(
    st.integers(-(2**70), 2**70), st.sampled_from([0, 2**63 - 1, 2**63, "12"]),
    st.floats(allow_nan=True), st.text(max_size=5), st.none(), st.booleans(),
)
# hypothesis takes naive bounds and adds the zone itself
moments = st.datetimes(min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30),  # noqa: DTZ001
                       timezones=st.sampled_from([None, UTC]))
odd_stamps = st.one_of(
    moments.map(lambda d: d.isoformat()), st.sampled_from(
        ["1970-01-01T00:00:00Z", "2099-12-31T23:59:59Z", "2026-03-01T12:00:00-14:00",
         "0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-01:00", "yesterday", ""]),
    st.integers(-(2**40), 2**40), st.floats(), st.none(),
)
stamps = mostly(
    st.integers(0, 600).map(lambda m: f"2026-03-01T{10 + m // 60:02d}:{m % 60:02d}:00Z"),
    odd_stamps)
odd_texts = st.one_of(
    st.text(st.characters(codec=None, categories=["Cs", "Ll", "Zs", "So", "Cc", "Mn"]),
            max_size=40),
    st.text(max_size=20).map(lambda t: t * 300),
)
texts = mostly(st.sampled_from(WORDS), odd_texts)
values: st.SearchStrategy[Any] = st.one_of(odd_ids, odd_stamps, odd_texts,
                                           st.lists(odd_ids, max_size=3))


@st.composite
def transcript_line(draw: st.DrawFn) -> bytes:
    if draw(st.integers(0, 9)) == 0:
        return draw(st.binary(max_size=30)).replace(b"\n", b"")
    author: dict[str, Any] = {
        "id": draw(st.integers(1, 6)), "name": draw(texts),
        "created_at": draw(stamps), "joined_at": draw(stamps),
        "roles": draw(st.lists(mostly(texts, odd_ids), max_size=3)),
        "bot": draw(st.booleans()) and draw(st.booleans()),
    }
    line: dict[str, Any] = {
        "id": draw(st.integers(1, 50)), "ts": draw(stamps), "guild_id": 1, "channel_id": 10,
        "author": author, "content": draw(texts),
        "reply_to": draw(st.one_of(st.none(), st.integers(1, 50))),
    }
    if draw(st.integers(0, 5)) == 0:
        line["type"] = draw(st.sampled_from(["join", "pin", 7, 19, "reply", None, [1]]))
    for _ in range(draw(mostly(st.just(0), st.integers(1, 3)))):
        target = author if draw(st.booleans()) else line
        key = draw(st.sampled_from(sorted(target)))
        if draw(st.integers(0, 4)) == 0:
            del target[key]
        else:
            target[key] = draw(values)
    return json.dumps(line).encode("utf-8", "surrogatepass")


async def _replay(path: Path, db: Path) -> int:
    errors = io.StringIO()
    result = await replay(path, POLICY, FakeScorer(), db, detector=CampaignDetector(),
                          progress=False, errors=errors)
    assert result.failed_lines == [], errors.getvalue()
    return len(result.outcomes)


@settings(max_examples=EXAMPLES, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(lines=st.lists(transcript_line(), min_size=1, max_size=12))
def test_fuzzed_transcripts_replay_without_a_crash(lines: list[bytes]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "t.jsonl"
        path.write_bytes(b"\n".join(lines) + b"\n")
        items = list(read_lines(path))
        nonblank = [n for n, raw in enumerate(lines, 1) if raw.decode("utf-8", "replace").strip()]
        assert [n for n, _ in items] == nonblank  # exactly one item per line
        messages = sum(isinstance(item, MessageEvent) for _, item in items)
        assert asyncio.run(_replay(path, Path(folder) / "r.db")) == messages
        for kind in {type(item).__name__ for _, item in items}:
            event(f"has a {kind}")  # shown by --hypothesis-show-statistics


@settings(max_examples=EXAMPLES * 3, deadline=None)
@given(lines=st.lists(st.one_of(transcript_line(), st.binary(max_size=20)), max_size=10))
def test_fuzzed_score_input_gets_one_line_out_per_line_in(lines: list[bytes]) -> None:
    lines = [raw.replace(b"\n", b"").replace(b"\r", b"") for raw in lines]
    lines = [raw.replace(b'"content"', b'"text"') for raw in lines]
    out = io.StringIO()
    score_stream(io.BytesIO(b"".join(raw + b"\n" for raw in lines)), out, FakeScorer())
    records = [json.loads(row) for row in out.getvalue().splitlines()]
    assert len(records) == len(lines)
    assert all(("scores" in r) != ("error" in r) for r in records)
