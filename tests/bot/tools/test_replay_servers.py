"""Replay of a transcript with two servers against a policy folder (issue 13): each
message is judged by its own server's policy, and each case records which one."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bot.policy_book import PolicyBook
from bot.storage import open_database
from bot.storage.records import CaseStatus
from bot.tools.replay import replay, summary_table
from tests.fakes import FakeScorer

EXAMPLE = Path(__file__).resolve().parents[3] / "examples" / "two-servers"
CALM, TRIAL = 900000000000000001, 900000000000000002  # the trial server runs in shadow


def sha12(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12]


async def test_each_server_is_judged_by_its_own_policy(tmp_path: Path) -> None:
    book = PolicyBook(EXAMPLE / "config")
    assert book.for_guild(TRIAL).shadow_mode
    assert not book.for_guild(CALM).shadow_mode

    result = await replay(EXAMPLE / "transcript.jsonl", book, FakeScorer(),
                          tmp_path / "r.db", progress=False)

    assert result.cases_recorded == 4
    db = await open_database(tmp_path / "r.db")
    try:
        calm, trial = await db.cases.all(CALM), await db.cases.all(TRIAL)
        default = sha12(EXAMPLE / "config" / "default.yaml")
        own = sha12(EXAMPLE / "config" / "guilds" / f"{TRIAL}.yaml")
        # The same two messages in each server: review and delete under the default,
        # a 10-minute timeout for both under the trial server's stricter insult bands.
        assert [(c.action, c.duration_minutes) for c in calm] == [("review", None),
                                                                  ("delete", None)]
        assert [(c.action, c.duration_minutes) for c in trial] == [("timeout", 10),
                                                                   ("timeout", 10)]
        assert {c.policy_version for c in calm} == {default}
        assert {c.policy_version for c in trial} == {f"{default}+{own}"}
        assert {c.status for c in calm + trial} == {CaseStatus.SHADOW}  # replay acts on nothing
        scored = await db.scores.get(1300000000000000003)
        assert scored is not None
        assert scored.policy_version == f"{default}+{own}"
    finally:
        await db.close()
    summary = summary_table(result)
    assert "per server" in summary
    assert f"  {CALM}: " in summary
    assert f"{TRIAL}: " in summary
    (calm_line,) = [line for line in summary.splitlines() if line.startswith(f"  {CALM}:")]
    (trial_line,) = [line for line in summary.splitlines() if line.startswith(f"  {TRIAL}:")]
    assert calm_line.endswith("2 cases (1 review, 1 delete)")
    assert trial_line.endswith("2 cases (2 timeout 10)")


def test_the_command_line_names_a_broken_server_file(tmp_path: Path) -> None:
    """``python -m bot replay --config FOLDER`` in a real process: a server file that
    breaks the merged policy stops it before anything is scored, naming file, line, key."""
    config = tmp_path / "config"
    shutil.copytree(EXAMPLE / "config", config)
    broken = config / "guilds" / f"{TRIAL}.yaml"
    broken.write_text("shadow_mode: true\nlabels:\n  insult: {review: 0.95}\n",
                      encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "bot", "replay", str(EXAMPLE / "transcript.jsonl"),
         "--config", str(config), "--db", str(tmp_path / "r.db"), "--quiet"],
        capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 2, done.stderr
    assert f"{broken}: line 3: labels.insult: review band (0.95) must not exceed act band" \
        in done.stderr
    assert not (tmp_path / "r.db").exists()


@pytest.mark.slow
def test_score_guild_decides_by_that_servers_policy() -> None:
    """``python -m bot score --config FOLDER --guild ID``, real model: the same insult is a
    10-minute timeout under the trial server's bands and never one under the default's."""
    line = json.dumps({"text": "you are a worthless idiot and everyone here hates you"})

    def decide(guild: int) -> dict[str, object]:
        done = subprocess.run(
            [sys.executable, "-m", "bot", "score", "--config", str(EXAMPLE / "config"),
             "--guild", str(guild)], input=line + "\n", capture_output=True, text=True,
            timeout=300, check=False)
        assert done.returncode == 0, done.stderr
        decision: dict[str, object] = json.loads(done.stdout)["decision"]
        return decision

    assert decide(TRIAL)["action"] == "timeout 10"
    assert decide(CALM)["action"] != "timeout 10"
