"""Replays are repeatable: a fresh database unless --db names one, shadow cases are no
strikes, and the bot's live database is never written by default."""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from bot.policy_config import PolicyHolder
from bot.storage import open_database
from bot.storage.records import CaseStatus
from bot.tools.replay import fresh_database, replay
from bot.tools.report import report_data
from tests.fakes import FakeScorer

ROOT = Path(__file__).resolve().parents[3]
EXAMPLE = ROOT / "examples" / "community-thread.jsonl"


def _line(id: int, content: str, minute: int) -> str:
    return json.dumps({
        "id": id, "ts": f"2026-03-01T12:{minute:02d}:00Z", "guild_id": 1, "channel_id": 10,
        "reply_to": None, "content": content,
        "author": {"id": 5, "name": "ann", "created_at": "2020-01-01T00:00:00Z",
                   "joined_at": "2021-01-01T00:00:00Z", "roles": []},
    })


def test_fresh_database_replaces_an_older_replay(tmp_path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        (tmp_path / f"replay-t.db{suffix}").write_text("old run")
    path = fresh_database(Path("some/where/t.jsonl"), live=tmp_path / "vigil.db",
                          folder=tmp_path)
    assert path == tmp_path / "replay-t.db"
    assert not [p.name for p in tmp_path.iterdir()]


def test_fresh_database_is_never_the_live_one(tmp_path: Path) -> None:
    live = tmp_path / "replay-t.db"
    live.write_text("the bot's cases")
    with pytest.raises(ValueError, match="live database"):
        fresh_database(Path("t.jsonl"), live=live, folder=tmp_path)
    assert live.read_text() == "the bot's cases"


async def _cases(db_path: Path) -> list[tuple[object, ...]]:
    db = await open_database(db_path)
    try:
        return [(c.number, c.action, c.duration_minutes, c.target_id, c.message_id, c.reason,
                 c.status) for c in await db.cases.all()]
    finally:
        await db.close()


async def test_the_same_replay_twice_gives_the_same_cases(
    tmp_path: Path, policy_holder: PolicyHolder
) -> None:
    # One member insulting again and again inside the escalation window: had shadow cases
    # counted as strikes, later messages would escalate, and a second run more so.
    path = tmp_path / "t.jsonl"
    path.write_text("\n".join(_line(i, "you idiot", i) for i in range(1, 7)) + "\n",
                    encoding="utf-8")
    runs = []
    for _ in range(2):
        db_path = fresh_database(path, folder=tmp_path)
        result = await replay(path, policy_holder, FakeScorer(), db_path, progress=False,
                              errors=io.StringIO(), keep_outcomes=False)
        assert result.cases_recorded == 6
        result.close()
        runs.append(await _cases(db_path))
    assert runs[0] == runs[1]
    assert {case[1] for case in runs[0]} == {"delete"}  # never escalated
    assert all(case[-1] is CaseStatus.SHADOW for case in runs[0])
    assert not any("escalated" in str(case[5]) for case in runs[0])


async def test_a_named_database_is_appended_to_as_before(
    tmp_path: Path, policy_holder: PolicyHolder
) -> None:
    db_path = tmp_path / "mine.db"
    for id in (1, 2):
        path = tmp_path / f"t{id}.jsonl"
        path.write_text(_line(id, "you idiot", id) + "\n", encoding="utf-8")
        result = await replay(path, policy_holder, FakeScorer(), db_path, progress=False,
                              errors=io.StringIO(), keep_outcomes=False)
        assert result.cases_recorded == 1  # counted per run, not the file's total
        assert report_data(result)["summary"]["cases"] == 1
        result.close()
    assert [(case[0], case[4]) for case in await _cases(db_path)] == [(1, 1), (2, 2)]


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _replay_cli(cwd: Path) -> str:
    env = {**os.environ, "VIGIL_DB_PATH": "vigil.db", "OMP_NUM_THREADS": "1",
           "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    env.pop("VIGIL_CONFIG_PATH", None)
    done = subprocess.run(
        [sys.executable, "-m", "bot", "replay", str(EXAMPLE), "--report", "r.json",
         "--report", "r.html", "--quiet"],
        cwd=cwd, env=env, capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


@pytest.mark.slow
async def test_cli_replay_twice_is_repeatable_and_leaves_the_live_database_alone(
    tmp_path: Path
) -> None:
    live = tmp_path / "vigil.db"
    db = await open_database(live)
    await db.close()
    before = _digest(live)
    rows = []
    for _ in range(2):
        out = _replay_cli(tmp_path)
        assert f"cases recorded in {tmp_path / 'replay-community-thread.db'}" in out
        with sqlite3.connect(tmp_path / "replay-community-thread.db") as conn:
            rows.append(conn.execute(
                "SELECT number, action, target_id, message_id, reason, status FROM cases "
                "ORDER BY id").fetchall())
        cases = int(re.search(r"cases recorded\s+(\d+)", out).group(1))  # type: ignore[union-attr]
        data = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
        page = (tmp_path / "r.html").read_text(encoding="utf-8")
        assert cases == len(rows[-1]) == data["summary"]["cases"] == len(data["cases"])
        assert f'data-total="cases"><b>{cases}</b>' in page
    assert rows[0] == rows[1]
    assert rows[0]
    assert {row[5] for row in rows[0]} == {"shadow"}
    assert _digest(live) == before
