"""SQLite's migrations and their PostgreSQL twins build the same schema, on real engines."""

from __future__ import annotations

from pathlib import Path

import asyncpg
import pytest

from bot.storage import open_database
from bot.storage.schema import migration_scripts
from tests.pg_server import PgServer

#: Column types as each engine names them, mapped to one family.
FAMILY = {"INTEGER": "integer", "bigint": "integer", "TEXT": "text", "text": "text",
          "REAL": "real", "double precision": "real"}
#: Bookkeeping of the PostgreSQL migration runner (SQLite keeps it in PRAGMA user_version).
PG_ONLY = {"vigil_schema_migrations"}

Columns = dict[str, dict[str, tuple[str, bool]]]


async def sqlite_schema(path: Path) -> tuple[Columns, set[str]]:
    db = await open_database(path)
    try:
        tables: Columns = {}
        async with db.conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        ) as cursor:
            names = [row[0] for row in await cursor.fetchall()]
        for name in names:
            async with db.conn.execute(f"PRAGMA table_info({name})") as cursor:
                tables[name] = {r["name"]: (FAMILY[r["type"]], bool(r["notnull"] or r["pk"]))
                                for r in await cursor.fetchall()}
        async with db.conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
        ) as cursor:
            indexes = {row[0] for row in await cursor.fetchall()}
        return tables, indexes
    finally:
        await db.close()


async def pg_schema(url: str) -> tuple[Columns, set[str]]:
    conn = await asyncpg.connect(url)
    try:
        tables: Columns = {}
        for r in await conn.fetch(
            """SELECT table_name, column_name, data_type, is_nullable
               FROM information_schema.columns WHERE table_schema = 'public'
               ORDER BY table_name, ordinal_position"""
        ):
            if r["table_name"] in PG_ONLY:
                continue
            tables.setdefault(r["table_name"], {})[r["column_name"]] = (
                FAMILY[r["data_type"]], r["is_nullable"] == "NO")
        # Named indexes only: SQLite names its constraint indexes sqlite_autoindex_*.
        indexes = {r["indexname"] for r in await conn.fetch(
            """SELECT indexname FROM pg_indexes WHERE schemaname = 'public'
               AND indexname NOT LIKE '%_pkey' AND indexname NOT LIKE '%_key'""")}
        return tables, indexes
    finally:
        await conn.close()


def test_both_dialects_have_the_same_migration_numbers() -> None:
    sqlite = [n for n, _ in migration_scripts("sqlite")]
    postgres = [n for n, _ in migration_scripts("postgresql")]
    assert sqlite == postgres, "every migration needs its twin in migrations/postgres/"


async def test_both_engines_build_the_same_tables_columns_and_indexes(
    tmp_path: Path, pg_server: PgServer
) -> None:
    sqlite_tables, sqlite_indexes = await sqlite_schema(tmp_path / "v.db")
    pg_tables, pg_indexes = await pg_schema(pg_server.fresh_database())
    assert set(sqlite_tables) == set(pg_tables)
    for table, columns in sqlite_tables.items():
        assert columns == pg_tables[table], table
    assert sqlite_indexes == pg_indexes
    assert {"cases", "case_events", "appeals", "message_scores", "leases"} <= set(pg_tables)


async def test_the_append_only_rule_and_foreign_keys_hold_on_postgres(
    pg_server: PgServer,
) -> None:
    url = pg_server.fresh_database()
    db = await open_database(url)
    try:
        assert db.dialect == "postgresql"
        assert await db.schema_version() == len(migration_scripts("postgresql"))
        assert await db.migrate() == []  # a second start applies nothing
    finally:
        await db.close()
    conn = await asyncpg.connect(url)
    try:
        with pytest.raises(asyncpg.ForeignKeyViolationError):
            await conn.execute("INSERT INTO case_events (case_id, at, kind) VALUES (99, 'x', 'y')")
        triggers = {r["tgname"] for r in await conn.fetch(
            "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")}
        assert triggers == {"case_events_append_only", "erasures_append_only"}
    finally:
        await conn.close()
