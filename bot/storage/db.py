"""Connection setup and numbered migrations (``PRAGMA user_version`` holds the last applied)."""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path

import aiosqlite

from bot.storage.writer import RetryPolicy, Writer

_MIGRATION_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")


def migration_scripts() -> list[tuple[int, str]]:
    """(number, sql) of every bundled migration, in order."""
    folder = resources.files("bot.storage") / "migrations"
    found = []
    for entry in folder.iterdir():
        match = _MIGRATION_NAME.match(entry.name)
        if match:
            found.append((int(match.group(1)), entry.read_text(encoding="utf-8")))
    found.sort()
    numbers = [n for n, _ in found]
    if numbers != list(range(1, len(numbers) + 1)):
        raise RuntimeError(f"migrations must be numbered 1..n without gaps, found {numbers}")
    return found


class Database:
    """One aiosqlite connection with WAL and foreign keys; repositories share it."""

    def __init__(
        self, conn: aiosqlite.Connection, path: Path | str, retry: RetryPolicy | None = None
    ) -> None:
        self.conn = conn
        self.path = path
        from bot.storage.appeals import AppealRepository
        from bot.storage.campaigns import CampaignRepository
        from bot.storage.cases import CaseRepository
        from bot.storage.erasure import ErasureRepository
        from bot.storage.lease import LeaseRepository
        from bot.storage.retention import RetentionRepository
        from bot.storage.scores import ScoreRepository
        from bot.storage.skipped import SkippedRepository

        #: Every write of every repository is one transaction through this writer.
        self.writer = Writer(conn, retry)
        self.cases = CaseRepository(conn, self.writer)
        self.appeals = AppealRepository(conn, self.writer)
        self.scores = ScoreRepository(conn, self.writer)
        self.campaigns = CampaignRepository(conn, self.writer)
        self.erasures = ErasureRepository(conn, self.writer)
        self.skipped = SkippedRepository(conn, self.writer)
        self.retention = RetentionRepository(conn, self.writer)
        self.leases = LeaseRepository(conn, self.writer)

    async def schema_version(self) -> int:
        async with self.conn.execute("PRAGMA user_version") as cursor:
            row = await cursor.fetchone()
        return int(row[0]) if row else 0

    async def migrate(self) -> list[int]:
        """Apply pending migrations, each in its own transaction; return those applied."""
        current = await self.schema_version()
        applied = []
        for number, sql in migration_scripts():
            if number <= current:
                continue
            # executescript commits first; wrap explicitly so a failure leaves no half schema.
            await self.conn.executescript(
                f"BEGIN;\n{sql}\nPRAGMA user_version = {number};\nCOMMIT;"
            )
            applied.append(number)
        return applied

    async def close(self) -> None:
        await self.conn.close()


#: How long SQLite itself waits for a lock per attempt. Short: the wait blocks the
#: connection's thread (reads queue behind it); the writer retries in asyncio instead.
BUSY_TIMEOUT_MS = 100


async def open_database(path: Path | str, retry: RetryPolicy | None = None) -> Database:
    """Open (creating if needed) and migrate the database at ``path``."""
    if str(path) != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    conn = await aiosqlite.connect(str(path))
    conn.row_factory = aiosqlite.Row
    await conn.execute("PRAGMA journal_mode = WAL")
    await conn.execute("PRAGMA foreign_keys = ON")
    # Migrations run at start, before the bot writes: they may wait longer for the lock.
    await conn.execute("PRAGMA busy_timeout = 5000")
    # Deleted and overwritten content is zeroed, so erased text (bot.privacy) leaves the file.
    await conn.execute("PRAGMA secure_delete = ON")
    db = Database(conn, path, retry)
    try:
        await db.migrate()
        await conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    except Exception:
        await conn.close()
        raise
    return db
