"""The single-instance lease on SQLite: a second live process is refused, a dead one's
lease is taken over, a lost lease stops the keeper vouching (issue 11 item 1).
PostgreSQL's advisory-lock lease is tested in tests/bot/storage/test_pg.py."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from bot.lease_keeper import LeaseKeeper
from bot.storage import Database, open_database
from bot.storage.lease import LeaseTakenError
from tests.fakes import FrozenClock

pytestmark = pytest.mark.sqlite_only

HOLD = """
import asyncio, sys
from datetime import timedelta
from bot.lease_keeper import LeaseKeeper
from bot.storage import open_database

async def main() -> None:
    db = await open_database(sys.argv[1])
    await LeaseKeeper(db.leases, ttl=timedelta(minutes=10)).acquire()
    print("held", flush=True)
    await asyncio.sleep(600)

asyncio.run(main())
"""


@pytest.fixture
def holder(tmp_path: Path) -> Iterator[subprocess.Popen[str]]:
    """Another process holding the lease of ``tmp_path/vigil.db``."""
    child = subprocess.Popen([sys.executable, "-c", HOLD, str(tmp_path / "vigil.db")],
                             stdout=subprocess.PIPE, text=True)
    assert child.stdout is not None
    assert child.stdout.readline().strip() == "held"
    yield child
    child.kill()
    child.wait()


async def move_elsewhere(db: Database) -> None:
    """Make the held lease look like another host's (its pid cannot be checked from here)."""
    await db.writer.run(lambda conn: conn.execute("UPDATE leases SET host = 'elsewhere'"))


async def test_a_second_live_process_is_refused_until_the_first_dies(
    tmp_path: Path, holder: subprocess.Popen[str]
) -> None:
    db = await open_database(tmp_path / "vigil.db")
    try:
        with pytest.raises(LeaseTakenError) as refused:
            await LeaseKeeper(db.leases).acquire()
        assert f"process {holder.pid}" in str(refused.value)
        holder.kill()  # SIGKILL: it never releases, its lease has ten minutes left
        holder.wait()
        keeper = LeaseKeeper(db.leases)
        await keeper.acquire()  # on this host and gone: taken over at once
        assert keeper.may_act()
    finally:
        await db.close()


async def test_a_lease_of_another_host_is_waited_out(db: Database) -> None:
    clock = FrozenClock()
    theirs = LeaseKeeper(db.leases, ttl=timedelta(seconds=60), clock=clock)
    await theirs.acquire()
    await move_elsewhere(db)
    ours = LeaseKeeper(db.leases, ttl=timedelta(seconds=60), clock=clock)
    with pytest.raises(LeaseTakenError):
        await ours.acquire()
    clock.advance(seconds=61)  # they stopped renewing
    await ours.acquire()
    assert ours.may_act()


async def test_a_lease_taken_over_stops_the_old_holder(db: Database) -> None:
    clock = FrozenClock()
    lost: list[str] = []
    old = LeaseKeeper(db.leases, ttl=timedelta(seconds=60), clock=clock, on_lost=lost.append)
    await old.acquire()
    assert await old.renew_once()
    clock.advance(seconds=30)
    assert old.may_act()
    clock.advance(seconds=31)  # stalled past its lease
    assert not old.may_act()
    await move_elsewhere(db)  # a process on another host...
    new = LeaseKeeper(db.leases, ttl=timedelta(seconds=60), clock=clock)
    await new.acquire()  # ...takes the lapsed lease
    assert not await old.renew_once()
    assert lost == ["another process took the lease over"]
    assert not old.may_act()
    assert new.may_act()


async def test_release_frees_the_lease_at_once(db: Database) -> None:
    first = LeaseKeeper(db.leases)
    await first.acquire()
    await first.release()
    assert await db.leases.current("actor") is None
    second = LeaseKeeper(db.leases)
    await second.acquire()
    assert second.may_act()
