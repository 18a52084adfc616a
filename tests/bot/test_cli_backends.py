"""The command line names databases by URL or path, and ``run`` takes a shard range."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.cli import main
from bot.storage import open_database
from bot.storage.records import CaseStatus, MessageScore, NewCase
from tests.pg_server import PgServer

ROOT = Path(__file__).resolve().parents[2]
AT = datetime(2026, 3, 1, tzinfo=UTC)


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "bot", *args], capture_output=True,
                          text=True, cwd=ROOT, timeout=120, check=False,
                          env={**os.environ, **(env or {})})


async def seed(url: str) -> None:
    db = await open_database(url)
    try:
        await db.cases.create(NewCase(1, 5, "delete", "insult", CaseStatus.APPLIED,
                                      excerpt="you idiot"), AT)
        await db.scores.save(MessageScore(
            message_id=9, guild_id=1, channel_id=2, author_id=5, created_at=AT,
            scores={"insult": 0.9}, stance=None, labels=("insult",), action="delete",
            band="act", evasion=0.0, model_version=None, policy_version=None))
    finally:
        await db.close()


def test_forget_and_purge_work_on_a_postgres_url(pg_server: PgServer) -> None:
    url = pg_server.fresh_database()
    asyncio.run(seed(url))
    done = run("forget", "--db", url, "--guild", "1", "--user", "5")
    assert done.returncode == 0, done.stderr
    assert "erased the data of user 5 in guild 1" in done.stdout
    purge = run("purge", "--db", url, "--days", "1")
    assert purge.returncode == 0, purge.stderr

    async def check() -> tuple[str, int]:
        db = await open_database(url)
        try:
            case = await db.cases.by_number(1, 1)
            assert case is not None
            return case.excerpt, await db.scores.count()
        finally:
            await db.close()

    assert asyncio.run(check()) == ("[erased]", 0)


def test_an_unreachable_postgres_is_a_plain_error_without_the_password(tmp_path: Path) -> None:
    url = f"postgresql://vigil:hunter2@/vigil?host={tmp_path}&port=1"
    done = run("forget", "--db", url, "--guild", "1", "--user", "5")
    assert done.returncode == 2
    assert "cannot open the PostgreSQL database postgresql://vigil@" in done.stderr
    assert "hunter2" not in done.stderr + done.stdout
    assert "Traceback" not in done.stderr


def test_vigil_db_url_is_the_database_when_no_db_is_given(pg_server: PgServer) -> None:
    url = pg_server.fresh_database()
    asyncio.run(seed(url))
    done = run("calibrate", env={"VIGIL_DB_URL": url})
    assert done.returncode == 0, done.stderr
    assert "0 messages with a moderator's decision in postgresql://vigil@" in done.stdout


def test_a_sqlite_path_stays_sqlite(tmp_path: Path) -> None:
    done = run("forget", "--db", str(tmp_path / "absent.db"), "--guild", "1", "--user", "5")
    assert done.returncode == 2
    assert "no such database" in done.stderr


@pytest.mark.parametrize(("argv", "message"), [
    (["--shards", "0-3"], "--shards and --shard-count go together"),
    (["--shards", "3-1", "--shard-count", "4"], "runs backwards"),
    (["--shards", "0-4", "--shard-count", "4"], "shard ids run 0..3"),
    (["--shards", "zero", "--shard-count", "4"], "takes a range like 0-3"),
    (["--shards", "0-1", "--shard-count", "0"], "at least 1"),
])
def test_run_refuses_a_wrong_shard_range_before_connecting(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["run", *argv]) == 2
    assert message in capsys.readouterr().err
