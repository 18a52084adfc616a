"""Fuzzing the policy loader: mutated files give a clear error or a policy that works.

"Works" means what the pipeline does with a policy on every message: the rules observe and
``decide``, the strike window is subtracted from the message time and the campaign
detector runs its windows. ``VIGIL_FUZZ_EXAMPLES`` raises the example count for a long run.
"""

from __future__ import annotations

import os
import re
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from bot.campaigns import CampaignDetector
from bot.event import AuthorFacts, MessageEvent
from bot.policy import Context, MemberHistory, decide
from bot.policy_config import Policy, PolicyConfigError, load_policy
from bot.rules import REGISTRY
from bot.settings import DEFAULT_CONFIG
from models.api import LABELS, ScoreRequest
from tests.fakes import FakeScorer

EXAMPLES = int(os.environ.get("VIGIL_FUZZ_EXAMPLES", "150"))
BASE = DEFAULT_CONFIG.read_bytes().splitlines(keepends=True)
EXTRA = [  # sections the default file leaves out or comments away, so mutations reach them
    b"flood: {repeats: 4, window_minutes: 10, mentions: 8}\n",
    b"claims:\n  - {id: moon, text: 'the moon landing was faked', agree_threshold: 0.6}\n",
    b"allow_phrases: ['good game']\n",
    b"channels:\n  '10':\n    labels:\n      toxicity: {review: 0.7, act: 0.97}\n",
]
VALUES = [
    b".inf", b"-.inf", b".nan", b"1e12", b"1e308", b"-1", b"0", b"0.0", b"1", b"2", b"3.5",
    b"99999999999999999999", b"' '", b"''", b"[]", b"{}", b"null", b"~", b"true", b"no",
    b"[[[[[[[[", b"&a 3", b"*a", b"*nope", b"!!binary aGk=", b"!!python/object:os.system",
    b"'timeout 0'", b"'timeout 1e9'", b"timeout 30", b"ban", b"kick", b"2026-01-01",
    b"[' ', '.']", b"{review: 0.1, act: 0.2}", b"\"\\ud800\"", b"|\n  text", b"- a\n- b",
    b"\xff\xfe", b"\xc3(", b"\x00", b"\t", b"'" + b"x" * 5000 + b"'",
    b"[" * 60 + b"]" * 60, b"0x10", b"0o7", b"1_000", b"+.5",
]
NOW = datetime(2026, 3, 1, 12, tzinfo=UTC)
SCORER = FakeScorer()
TEXTS = ["hello there", "you idiot", "good game everyone", "buy cheap nitro free",
         "@a @b @c @d @e @f @g @h @i", "i will find you"]
DIR = Path(tempfile.mkdtemp(prefix="vigil-fuzz-"))
PATH = DIR / "policy.yaml"


def _mutate(lines: list[bytes], data: st.DataObject) -> bytes:
    for _ in range(data.draw(st.integers(1, 4), label="mutations")):
        if not lines:
            lines.append(b"labels: {}\n")
        at = data.draw(st.integers(0, len(lines) - 1), label="line")
        kind = data.draw(st.sampled_from(
            ["value", "value", "value", "duplicate", "delete", "indent", "raw", "bytes"]))
        line = lines[at]
        if kind == "value" and b":" in line:
            key = line.split(b":", 1)[0]
            lines[at] = key + b": " + data.draw(st.sampled_from(VALUES)) + b"\n"
        elif kind == "duplicate":
            lines.insert(data.draw(st.integers(0, len(lines))), line)
        elif kind == "delete":
            del lines[at]
        elif kind == "indent":
            lines[at] = b" " * data.draw(st.integers(0, 6)) + line.lstrip(b" ")
        elif kind == "raw":
            text = data.draw(st.text(max_size=30)).encode("utf-8", "surrogatepass")
            lines.insert(at, text + b"\n")
        else:
            lines.insert(at, data.draw(st.binary(max_size=12)) + b"\n")
    return b"".join(lines)


def _exercise(policy: Policy) -> None:
    """Everything the pipeline does with a policy for a few messages and a join."""
    rules = tuple(rule() for rule in REGISTRY)
    detector = CampaignDetector()
    window = timedelta(hours=policy.escalation.window_hours)
    for number, text in enumerate(TEXTS * 2):
        author = AuthorFacts(id=5 + number % 3, name="ann", created_at=NOW - timedelta(days=2),
                             joined_at=NOW - timedelta(hours=1), roles=frozenset({"Member"}))
        at = NOW + timedelta(minutes=number)
        event = MessageEvent.build(id=100 + number, guild_id=1, channel_id=10, author=author,
                                   content=text, created_at=at)
        assert at - window < at
        result = SCORER.score_batch([ScoreRequest(event.text.text, targets=tuple(
            claim.text for claim in policy.claims))])[0]
        observed = {rule.id: rule.observe(event, rule.settings(policy))
                    for rule in rules if rule.stateful}
        claims = dict(zip((c.id for c in policy.claims), result.target_stances, strict=False))
        verdict = decide(dict(result.scores), event, MemberHistory(number % 4), policy,
                         Context(parent_toxicity=0.9), claims, rules=rules, observed=observed)
        assert set(verdict.labels) <= set(LABELS)
        detector.observe(event, result, verdict, policy)
    detector.observe_join(1, AuthorFacts(id=99, name="new", created_at=NOW), NOW, policy)


def _load(data: bytes) -> Policy | PolicyConfigError:
    PATH.write_bytes(data)
    try:
        return load_policy(PATH)
    except PolicyConfigError as exc:
        return exc


def _check(data: bytes) -> str:
    loaded = _load(data)
    if isinstance(loaded, PolicyConfigError):
        assert loaded.problems
        for problem in loaded.problems:  # file and line (and the key, for validation errors)
            assert re.match(rf"{re.escape(str(PATH))}: line \d+: ", problem), problem
        return "refused"
    _exercise(loaded)
    return "accepted"


def test_the_default_policy_passes_the_exercise() -> None:
    assert _check(b"".join(BASE)) == "accepted"


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_mutated_policy_files_are_refused_clearly_or_work(data: st.DataObject) -> None:
    lines = list(BASE) + data.draw(st.lists(st.sampled_from(EXTRA), max_size=2, unique=True))
    event(_check(_mutate(lines, data)))  # shown by --hypothesis-show-statistics
