"""Opening a database by its name: a ``postgresql://`` URL or a SQLite path.

Either way the same repositories run on it through one engine interface
(:mod:`bot.storage.engine`): SQLite in :mod:`bot.storage.sqlite_engine`, PostgreSQL in
:mod:`bot.storage.pg`. Migrations are numbered per dialect (:mod:`bot.storage.schema`).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from bot.storage.engine import POSTGRESQL, Connection, Engine, is_postgres_url
from bot.storage.schema import migration_scripts
from bot.storage.writer import RetryPolicy, Writer

if TYPE_CHECKING:
    from bot.storage.pg_lease import AdvisoryLeaseRepository

__all__ = ["Database", "migration_scripts", "open_database"]


class Database:
    """One engine's connections; the repositories share them and one writer."""

    def __init__(
        self, engine: Engine, path: Path | str, retry: RetryPolicy | None = None
    ) -> None:
        self.engine = engine
        self.dialect = engine.dialect
        self.conn: Connection = engine.conn
        self.path = path
        conn = engine.conn
        from bot.storage.appeals import AppealRepository
        from bot.storage.campaigns import CampaignRepository
        from bot.storage.cases import CaseRepository
        from bot.storage.erasure import ErasureRepository
        from bot.storage.lease import LeaseRepository
        from bot.storage.retention import RetentionRepository
        from bot.storage.scores import ScoreRepository
        from bot.storage.skipped import SkippedRepository

        #: Every write of every repository is one transaction through this writer.
        self.writer = Writer(engine, retry)
        self.cases = CaseRepository(conn, self.writer)
        self.appeals = AppealRepository(conn, self.writer)
        self.scores = ScoreRepository(conn, self.writer)
        self.campaigns = CampaignRepository(conn, self.writer)
        self.erasures = ErasureRepository(conn, self.writer)
        self.skipped = SkippedRepository(conn, self.writer)
        self.retention = RetentionRepository(conn, self.writer)
        self.leases = LeaseRepository(conn, self.writer)
        #: On PostgreSQL the lease is an advisory lock held by its own session.
        self._advisory: AdvisoryLeaseRepository | None = None
        if engine.dialect == POSTGRESQL:
            from bot.storage.pg_lease import AdvisoryLeaseRepository

            self._advisory = AdvisoryLeaseRepository(conn, self.writer, str(path))
            self.leases = self._advisory

    async def schema_version(self) -> int:
        return await self.engine.schema_version()

    async def migrate(self) -> list[int]:
        """Apply pending migrations, each in its own transaction; return those applied."""
        return await self.engine.migrate()

    async def close(self) -> None:
        if self._advisory is not None:
            await self._advisory.close()
        await self.engine.close()


async def open_database(target: Path | str, retry: RetryPolicy | None = None) -> Database:
    """Open and migrate ``target``: a ``postgresql://user@host:port/name`` URL, or the
    path of a SQLite file (created if needed)."""
    engine: Engine
    if is_postgres_url(target):
        from bot.storage.pg import open_postgres

        engine = await open_postgres(str(target))
    else:
        from bot.storage.sqlite_engine import open_sqlite

        engine = await open_sqlite(target)
    return Database(engine, target, retry)
