"""The one interface repositories write SQL against, whichever engine is behind it.

Repositories speak a small dialect both engines accept: ``?`` placeholders, ``INSERT ...
RETURNING id`` for new ids, ``ON CONFLICT ... DO UPDATE/NOTHING`` for upserts, text
timestamps. A :class:`Connection` runs one statement and hands back its rows (mappings
that also index by position) and how many rows it changed; an :class:`Engine` owns the
connections, the migrations and the transactions the :class:`bot.storage.writer.Writer`
runs. SQLite (:mod:`bot.storage.sqlite`) is the embedded default; a ``postgresql://`` URL
selects PostgreSQL (:mod:`bot.storage.pg`).
"""

from __future__ import annotations

from collections.abc import Awaitable, Generator, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any, Protocol

#: The dialects a :class:`Connection` may be.
SQLITE = "sqlite"
POSTGRESQL = "postgresql"

_PG_SCHEMES = ("postgresql://", "postgres://")


def is_postgres_url(target: Path | str) -> bool:
    """A ``postgresql://`` (or ``postgres://``) URL; anything else is a SQLite path."""
    return str(target).startswith(_PG_SCHEMES)


class DatabaseUnavailableError(Exception):
    """The database named cannot be reached or opened (said plainly, password left out)."""


def as_target(text: str) -> Path | str:
    """A ``--db`` argument: a PostgreSQL URL stays text (a Path would fold its ``//``)."""
    return text if is_postgres_url(text) else Path(text)


def is_missing(target: Path | str) -> bool:
    """A SQLite file that does not exist (a URL is the server's to answer for)."""
    return not is_postgres_url(target) and not Path(target).is_file()


def describe_target(target: Path | str) -> str:
    """The database as it may be printed: a URL without its password."""
    text = str(target)
    if not is_postgres_url(text):
        return text
    scheme, _, rest = text.partition("://")
    credentials, at, location = rest.rpartition("@")
    if not at:
        return text
    user = credentials.split(":", 1)[0]
    return f"{scheme}://{user}@{location}"


@dataclass(slots=True)
class Rows:
    """What one statement returned: its rows (all fetched) and the rows it changed."""

    rows: list[Any]
    rowcount: int

    async def fetchone(self) -> Any:
        """The first row, or None when there is none."""
        return self.rows[0] if self.rows else None

    async def fetchall(self) -> list[Any]:
        return self.rows


class Result:
    """One statement, both awaited (``cursor = await conn.execute(...)``) and used as a
    context (``async with conn.execute(...) as cursor``), as repositories always have."""

    __slots__ = ("_pending", "_rows")

    def __init__(self, pending: Awaitable[Rows]) -> None:
        self._pending = pending
        self._rows: Rows | None = None

    async def _resolve(self) -> Rows:
        if self._rows is None:
            self._rows = await self._pending
        return self._rows

    def __await__(self) -> Generator[Any, None, Rows]:
        return self._resolve().__await__()

    async def __aenter__(self) -> Rows:
        return await self._resolve()

    async def __aexit__(
        self, kind: type[BaseException] | None, exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        return None


class Connection(Protocol):
    """One statement at a time, ``?`` placeholders; inside or outside a transaction."""

    dialect: str

    def execute(self, sql: str, parameters: Sequence[Any] = ()) -> Result: ...

    async def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None: ...

    async def lock(self, space: str, key: int) -> None:
        """Hold a lock on ``(space, key)`` until the transaction ends: other writers of
        the same key wait. SQLite's write transaction already excludes every other."""
        ...


class Engine(Protocol):
    """The connections of one database, its migrations and its write transactions."""

    dialect: str
    #: For reads outside a write (each statement sees what is committed).
    conn: Connection

    def transaction(self) -> AbstractAsyncContextManager[Connection]:
        """A connection inside one transaction: committed on leaving, rolled back on error."""
        ...

    def is_transient(self, exc: BaseException) -> bool:
        """An error that clears by itself (a lock, a serialisation conflict, a restart)."""
        ...

    async def reclaim(self, tables: Sequence[str]) -> None:
        """After erasing text: drop the old copies the engine keeps (WAL pages, dead rows)."""
        ...

    async def schema_version(self) -> int: ...

    async def migrate(self) -> list[int]: ...

    async def close(self) -> None: ...


def is_unique_violation(exc: BaseException) -> bool:
    """A UNIQUE constraint refused the write, in either engine."""
    if getattr(exc, "sqlstate", None) == "23505":  # PostgreSQL's unique_violation
        return True
    import sqlite3

    return isinstance(exc, sqlite3.IntegrityError) and "UNIQUE" in str(exc)


def to_numbered(sql: str) -> str:
    """``?`` placeholders as PostgreSQL's ``$1, $2, ...``; a ``?`` in a quoted literal stays."""
    out: list[str] = []
    number = 0
    quote: str | None = None
    for char in sql:
        if quote is not None:
            if char == quote:
                quote = None
        elif char in ("'", '"'):
            quote = char
        elif char == "?":
            number += 1
            out.append(f"${number}")
            continue
        out.append(char)
    return "".join(out)
