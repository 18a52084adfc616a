"""Migrations, pragmas and the append-only case history, on SQLite and PostgreSQL."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import asyncpg
import pytest

from bot.storage import Database, open_database
from bot.storage.db import migration_scripts
from bot.storage.records import CaseStatus, NewCase

AT = datetime(2026, 3, 1, tzinfo=UTC)
#: The append-only triggers' refusal: SQLite's RAISE(ABORT) or PL/pgSQL's RAISE EXCEPTION.
REFUSED = (sqlite3.IntegrityError, asyncpg.RaiseError)


@pytest.mark.sqlite_only
async def test_fresh_database_is_migrated_with_wal_and_foreign_keys(db: Database) -> None:
    assert await db.schema_version() == len(migration_scripts())
    async with db.conn.execute("PRAGMA journal_mode") as cur:
        assert (await cur.fetchone())[0] == "wal"
    async with db.conn.execute("PRAGMA foreign_keys") as cur:
        assert (await cur.fetchone())[0] == 1
    async with db.conn.execute("SELECT name FROM sqlite_master WHERE type='table'") as cur:
        tables = {row[0] for row in await cur.fetchall()}
    assert {"cases", "case_events", "appeals", "message_scores", "campaigns"} <= tables


async def test_migrations_apply_once(tmp_path: Path) -> None:
    first = await open_database(tmp_path / "a.db")
    await first.cases.create(NewCase(1, 5, "warn", "r", CaseStatus.APPLIED), AT)
    await first.close()
    again = await open_database(tmp_path / "a.db")
    try:
        assert await again.migrate() == []
        assert len(await again.cases.all()) == 1  # data survives reopening
    finally:
        await again.close()


def test_migration_files_are_numbered_without_gaps() -> None:
    numbers = [n for n, _ in migration_scripts()]
    assert numbers == list(range(1, len(numbers) + 1))


async def test_case_numbers_are_per_guild(db: Database) -> None:
    a1 = await db.cases.create(NewCase(1, 5, "warn", "r", CaseStatus.APPLIED), AT)
    b1 = await db.cases.create(NewCase(2, 5, "warn", "r", CaseStatus.APPLIED), AT)
    a2 = await db.cases.create(NewCase(1, 6, "ban", "r", CaseStatus.PENDING), AT)
    assert (a1.number, b1.number, a2.number) == (1, 1, 2)
    assert (await db.cases.by_number(1, 2)) == a2


async def test_case_events_are_append_only(db: Database) -> None:
    case = await db.cases.create(NewCase(1, 5, "warn", "r", CaseStatus.PENDING), AT)
    await db.cases.update(case.id, AT, "applied", status=CaseStatus.APPLIED)
    events = await db.cases.events(case.id)
    assert [e.kind for e in events] == ["opened", "applied"]
    with pytest.raises(REFUSED, match="append-only"):
        await db.conn.execute("DELETE FROM case_events")
    with pytest.raises(REFUSED, match="append-only"):
        await db.conn.execute("UPDATE case_events SET kind = 'x'")


async def test_foreign_keys_enforced(db: Database) -> None:
    with pytest.raises((sqlite3.IntegrityError, asyncpg.ForeignKeyViolationError)):
        await db.appeals.create(case_id=999, member_id=1, text="please", at=AT)


async def test_strikes_count_only_live_strikes_in_window(db: Database) -> None:
    def strike(status: CaseStatus) -> NewCase:
        return NewCase(1, 5, "delete", "r", status, strike=True)

    await db.cases.create(strike(CaseStatus.APPLIED), datetime(2026, 2, 1, tzinfo=UTC))  # old
    await db.cases.create(strike(CaseStatus.APPLIED), AT)
    reversed_case = await db.cases.create(strike(CaseStatus.APPLIED), AT)
    await db.cases.update(reversed_case.id, AT, "resolved", status=CaseStatus.REVERSED)
    await db.cases.create(NewCase(1, 5, "warn", "r", CaseStatus.APPLIED), AT)  # not a strike
    assert await db.cases.count_strikes(1, 5, datetime(2026, 2, 28, tzinfo=UTC)) == 1


OPEN_ONE = """
import asyncio, sys
from bot.storage import open_database

async def main() -> None:
    db = await open_database(sys.argv[1])
    await db.close()

asyncio.run(main())
"""


@pytest.mark.parametrize("attempt", range(4))
def test_processes_opening_a_new_file_at_once_migrate_it_once(
    tmp_path: Path, attempt: int
) -> None:
    """Several bot processes (shards) starting together on a fresh file: every one opens
    it, each migration is applied once."""
    import subprocess
    import sys

    path = tmp_path / f"fresh{attempt}.db"
    starts = [subprocess.Popen([sys.executable, "-c", OPEN_ONE, str(path)],
                               stderr=subprocess.PIPE, text=True) for _ in range(4)]
    errors = [p.communicate(timeout=60)[1] for p in starts]
    assert [p.returncode for p in starts] == [0, 0, 0, 0], errors
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == len(migration_scripts())
