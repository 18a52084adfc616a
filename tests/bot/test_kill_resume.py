"""SIGKILL a real process at each step of a case, restart, and count what "Discord" saw:
every action exactly once, no DM twice, every case finished (issue 11 item 1)."""

from __future__ import annotations

import asyncio
import json
import os
import random
import signal
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from bot.storage import open_database
from bot.storage.records import CaseStatus
from tests.bot.crash_child import ACTIONS

pytestmark = pytest.mark.sqlite_only
CASES = 5  # one of each action


def child(db: Path, journal: Path, *args: str, env: dict[str, str] | None = None
          ) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.bot.crash_child", str(db), str(journal), *args],
        stdout=subprocess.PIPE, text=True, env={**os.environ, **(env or {})},
        cwd=Path(__file__).resolve().parents[2],
    )


def finish(db: Path, journal: Path) -> None:
    """What a restart does (reconcile), then the messages again (redelivered or re-read):
    cases already recorded are found, not opened twice."""
    for args in (("reconcile",), ("run", str(CASES))):
        process = child(db, journal, *args)
        assert process.wait(timeout=60) == 0


def calls(journal: Path) -> Counter[tuple[str, int]]:
    if not journal.exists():
        return Counter()
    return Counter((entry["call"], entry["message"])
                   for entry in map(json.loads, journal.read_text().splitlines()))


async def statuses(db: Path) -> list[CaseStatus]:
    database = await open_database(db)
    try:
        return [case.status for case in await database.cases.all(1)]
    finally:
        await database.close()


def assert_exactly_once(journal: Path) -> None:
    seen = calls(journal)
    for index in range(1, CASES + 1):
        action = ACTIONS[index % len(ACTIONS)]
        assert seen[(action, index)] == 1, f"{action} of case {index}: {seen}"
        assert seen[("dm", index)] <= 1, f"DM of case {index} sent twice"


@pytest.mark.parametrize("kill_at", ["before_dm", "after_dm", "before_action", "after_action"])
@pytest.mark.parametrize("kill_case", [2, 5])  # a timeout's DM, then a ban's action
def test_a_kill_at_any_step_is_resumed_without_acting_twice(
    tmp_path: Path, kill_at: str, kill_case: int
) -> None:
    db, journal = tmp_path / "vigil.db", tmp_path / "journal.jsonl"
    process = child(db, journal, "run", str(CASES), kill_at, str(kill_case))
    assert process.wait(timeout=60) == -signal.SIGKILL

    finish(db, journal)

    assert_exactly_once(journal)
    seen = calls(journal)
    if kill_at == "before_dm":  # the DM never went out and is not sent late
        assert seen[("dm", kill_case)] == 0
    else:  # a timeout and a ban notify: exactly once
        assert seen[("dm", kill_case)] == 1
    assert asyncio.run(statuses(db)) == [CaseStatus.APPLIED] * CASES


def test_random_kills_never_act_twice(tmp_path: Path) -> None:
    """Kills at random moments, each followed by a restart, until every case is done."""
    rng = random.Random(11)
    kills = 0
    for run in range(8):
        db, journal = tmp_path / f"vigil-{run}.db", tmp_path / f"journal-{run}.jsonl"
        process = child(db, journal, "run", str(CASES),
                        env={"CRASH_CHILD_CALL_SECONDS": "0.03"})
        assert process.stdout is not None
        assert process.stdout.readline().strip() == "ready"
        try:
            process.wait(timeout=rng.uniform(0.0, 0.35))
        except subprocess.TimeoutExpired:
            process.send_signal(signal.SIGKILL)
            kills += process.wait() == -signal.SIGKILL
        finish(db, journal)
        assert_exactly_once(journal)
        assert asyncio.run(statuses(db)) == [CaseStatus.APPLIED] * CASES
    print(f"random kills: {kills} of 8 runs killed mid-way, each resumed: "
          "every action once, no DM twice, every case applied")
    assert kills >= 4  # most runs were cut short, not just finished
