"""``replay --db postgresql://...`` records the same cases as ``replay --db file.db``."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from bot.campaigns import CampaignDetector
from bot.policy_config import PolicyHolder
from bot.settings import DEFAULT_CONFIG
from bot.storage import open_database
from bot.tools.replay import replay
from tests.fakes import FakeScorer
from tests.pg_server import PgServer

ROOT = Path(__file__).resolve().parents[3]


async def recorded(target: Path | str) -> dict[str, Any]:
    """Everything a replay leaves in the database, engine-neutral (row ids left out)."""
    db = await open_database(target)
    try:
        cases = await db.cases.all()
        return {
            "cases": [dataclasses.replace(c, id=0) for c in cases],
            "events": [[(e.kind, e.actor_id, e.detail) for e in await db.cases.events(c.id)]
                       for c in cases],
            "campaigns": [dataclasses.replace(c, id=0, case_id=None)
                          for c in await db.campaigns.all()],
            "scores": await db.scores.count(),
        }
    finally:
        await db.close()


@pytest.fixture(scope="module")
def transcript(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A simulated community: organic members, insults, a campaign ring, raids."""
    out = tmp_path_factory.mktemp("sim")
    subprocess.run([sys.executable, "-m", "bot.simulate", "--out", str(out), "--members", "80",
                    "--hours", "4", "--seed", "3"], check=True, cwd=ROOT)
    return out / "community.jsonl"


async def test_replay_records_the_same_cases_on_both_engines(
    transcript: Path, tmp_path: Path, pg_server: PgServer
) -> None:
    url = pg_server.fresh_database()
    results = {}
    for name, target in (("sqlite", tmp_path / "replay.db"), ("postgres", url)):
        result = await replay(transcript, PolicyHolder(DEFAULT_CONFIG), FakeScorer(), target,
                              detector=CampaignDetector(), progress=False)
        result.close()
        results[name] = await recorded(target)
    sqlite, postgres = results["sqlite"], results["postgres"]
    assert sqlite["cases"], "the transcript should open cases"
    assert sqlite["scores"] > 100
    assert postgres == sqlite


@pytest.mark.slow
def test_the_replay_command_with_a_postgres_url_matches_a_sqlite_file(
    tmp_path: Path, pg_server: PgServer
) -> None:
    """The command itself, with the real model: the same cases whichever --db."""
    url = pg_server.fresh_database()
    path = tmp_path / "replay.db"
    for target in (str(path), url):
        done = subprocess.run(
            [sys.executable, "-m", "bot", "replay", "examples/community-thread.jsonl",
             "--db", target, "--quiet"], cwd=ROOT, capture_output=True, text=True, check=False)
        assert done.returncode == 0, done.stderr
        assert "cases recorded in" in done.stdout
    assert url.split("?")[0] in done.stdout  # the URL is named, without a password
    import asyncio

    sqlite, postgres = asyncio.run(recorded(path)), asyncio.run(recorded(url))
    assert sqlite["cases"]
    assert postgres == sqlite
