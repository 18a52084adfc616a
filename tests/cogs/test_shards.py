"""Two bot processes on different shard ranges share one PostgreSQL, and one restarts.

Each process is a real OS process (tests/cogs/shard_process.py): a sharded VigilBot in
its own simcord world, whose server lives on a shard of that process's range.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import asyncpg
import simcord

from bot.discord.app import VigilBot, create_bot
from bot.policy_book import PolicyBook
from bot.settings import DEFAULT_CONFIG
from bot.shards import ShardRange, shard_of
from bot.storage.records import CaseStatus, NewCase
from tests.fakes import FakeScorer
from tests.pg_server import PgServer

ROOT = Path(__file__).resolve().parents[2]
SHARD_COUNT = 4
#: A server on shard 0 and one on shard 2 of 4 ((id >> 22) % 4).
GUILD_LOW = 4000 << 22
GUILD_HIGH = 4002 << 22


def spawn(url: str, shards: str, guild: int, workdir: Path, *, messages: int,
          first: int = 1, hold: float = 0.0) -> subprocess.Popen[str]:
    command = [sys.executable, "-m", "tests.cogs.shard_process", "--db", url, "--shards", shards,
               "--shard-count", str(SHARD_COUNT), "--guild-id", str(guild), "--messages",
               str(messages), "--first", str(first), "--hold", str(hold),
               "--workdir", str(workdir)]
    env = {**os.environ, "OMP_NUM_THREADS": "1", "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env=env)


def first_line(process: subprocess.Popen[str]) -> dict[str, Any]:
    assert process.stdout is not None
    line = process.stdout.readline()
    if not line:
        _, errors = process.communicate(timeout=60)
        raise AssertionError(f"process gave no report (rc {process.returncode}): {errors}")
    return dict(json.loads(line))


def finish(process: subprocess.Popen[str]) -> int:
    _, errors = process.communicate(timeout=90)
    assert process.returncode in (0, 3), errors
    return process.returncode


def query(url: str, sql: str) -> list[asyncpg.Record]:
    async def go() -> list[asyncpg.Record]:
        conn = await asyncpg.connect(url)
        try:
            return list(await conn.fetch(sql))
        finally:
            await conn.close()

    return asyncio.run(go())


def test_the_servers_sit_on_the_shards_the_test_assumes() -> None:
    assert shard_of(GUILD_LOW, SHARD_COUNT) == 0
    assert shard_of(GUILD_HIGH, SHARD_COUNT) == 2
    assert ShardRange.parse("0-1", SHARD_COUNT).owns(GUILD_LOW)
    assert not ShardRange.parse("0-1", SHARD_COUNT).owns(GUILD_HIGH)


def test_two_processes_on_two_ranges_share_the_database_and_one_restarts(
    pg_server: PgServer, tmp_path: Path
) -> None:
    url = pg_server.fresh_database()
    # Each holds its lease until stopped (SIGTERM), however slow the machine is.
    low = spawn(url, "0-1", GUILD_LOW, tmp_path, messages=2, hold=120)
    high = spawn(url, "2-3", GUILD_HIGH, tmp_path, messages=2, hold=120)
    try:
        low_report, high_report = first_line(low), first_line(high)
        # Both run at once, each on its own shards with its own lease.
        assert (low_report["shard_ids"], high_report["shard_ids"]) == ([0, 1], [2, 3])
        assert low_report["shard_count"] == high_report["shard_count"] == SHARD_COUNT
        assert low_report["guilds_seen"] == [GUILD_LOW]
        assert high_report["guilds_seen"] == [GUILD_HIGH]
        leases = {r["name"]: r["pid"] for r in query(url, "SELECT name, pid FROM leases")}
        assert leases == {"actor:shards=0-1/4": low.pid, "actor:shards=2-3/4": high.pid}

        # A second process on a range already running is refused, naming the holder.
        duplicate = spawn(url, "0-1", GUILD_LOW, tmp_path, messages=1)
        refusal = first_line(duplicate)
        assert finish(duplicate) == 3
        assert "another Vigil" in refusal["refused"]
        assert f"process {low.pid}" in refusal["refused"]

        assert [c[0] for c in low_report["cases"]] == [1, 2]
        assert [c[0] for c in high_report["cases"]] == [1, 2]
        # Each carried out its own cases; neither touched the other's (a process used to
        # reconcile every pending case at start, the other range's in-flight ones too).
        for report in (low_report, high_report):
            assert {status for _, status, _ in report["cases"]} == {"applied"}, report
    finally:
        for process in (low, high):
            process.send_signal(signal.SIGTERM)
        for process in (low, high):
            assert finish(process) == 0

    # The low range restarts: its lease was released, its cases are there, numbering goes on.
    again = spawn(url, "0-1", GUILD_LOW, tmp_path, messages=1, first=3)
    report = first_line(again)
    assert finish(again) == 0
    assert [(n, excerpt) for n, _, excerpt in report["cases"]] == [
        (1, "you idiot number 1"), (2, "you idiot number 2"), (3, "you idiot number 3")]
    assert {status for _, status, _ in report["cases"]} == {"applied"}, report
    # The member's strikes recorded by the first process escalate in the restarted one.
    assert len(set(report["targets"])) == 1
    assert report["actions"] == ["delete", "timeout", "timeout"]

    # Nothing of one server reached the other, and nothing was recorded twice.
    rows = query(url, "SELECT guild_id, COUNT(*) AS n, COUNT(DISTINCT number) AS d "
                      "FROM cases GROUP BY guild_id ORDER BY guild_id")
    assert [(r["guild_id"], r["n"], r["d"]) for r in rows] == [(GUILD_LOW, 3, 3),
                                                               (GUILD_HIGH, 2, 2)]
    assert query(url, "SELECT name FROM leases") == []  # every process let go on exit


async def test_a_process_at_start_finishes_only_its_own_shards_pending_cases(
    tmp_path: Path,
) -> None:
    # One database, a pending case in a server of each range: the process on 0-1 starts
    # and carries out its own server's case; the other server's stays pending, since the
    # process on 2-3 may be carrying it out that very moment.
    shutil.copy(DEFAULT_CONFIG, tmp_path / "policy.yaml")
    bot = await create_bot(db_path=tmp_path / "vigil.db",
                           policy=PolicyBook(tmp_path / "policy.yaml"), scorer=FakeScorer(),
                           max_wait=0, shards=ShardRange.parse("0-1", SHARD_COUNT))
    env = simcord.Env(bot)
    guild = env.create_guild("server on 0-1", id=GUILD_LOW)
    member = guild.add_member(env.create_user("member"))
    cases = bot.services.db.cases
    clock = bot.services.cases.clock
    own = await cases.create(NewCase(GUILD_LOW, member.id, "warn", "insult",
                                     CaseStatus.PENDING), clock())
    other = await cases.create(NewCase(GUILD_HIGH, member.id, "ban", "spam ring",
                                       CaseStatus.PENDING), clock())
    await env.start()
    try:
        assert isinstance(env.bot, VigilBot)
        task = env.bot._reconcile_task
        assert task is not None
        await asyncio.wait_for(asyncio.shield(task), timeout=30)
        assert [c.id for c in env.bot.reconciled] == [own.id]
        finished = await cases.get(own.id)
        assert finished is not None
        assert finished.status is CaseStatus.APPLIED
        untouched = await cases.get(other.id)
        assert untouched is not None
        assert untouched.status is CaseStatus.PENDING
        assert [e.kind for e in await cases.events(other.id)] == ["opened"]
    finally:
        await env.shutdown()
        await bot.lease.release()
        await bot.services.close()
