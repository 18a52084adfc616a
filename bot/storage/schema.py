"""The numbered migrations, one folder per dialect with the same numbers.

``migrations/NNNN_name.sql`` are SQLite's; ``migrations/postgres/NNNN_name.sql`` their
PostgreSQL twins (BIGINT ids, identity keys, trigger functions). A test builds both
schemas on real engines and compares their tables and columns.
"""

from __future__ import annotations

import re
from importlib import resources

from bot.storage.engine import POSTGRESQL, SQLITE

_MIGRATION_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")
_FOLDERS = {SQLITE: ("migrations",), POSTGRESQL: ("migrations", "postgres")}


def migration_scripts(dialect: str = SQLITE) -> list[tuple[int, str]]:
    """(number, sql) of every bundled migration of ``dialect``, in order."""
    folder = resources.files("bot.storage")
    for part in _FOLDERS[dialect]:
        folder = folder / part
    found = []
    for entry in folder.iterdir():
        match = _MIGRATION_NAME.match(entry.name)
        if match:
            found.append((int(match.group(1)), entry.read_text(encoding="utf-8")))
    found.sort()
    numbers = [n for n, _ in found]
    if numbers != list(range(1, len(numbers) + 1)):
        raise RuntimeError(f"{dialect} migrations must be numbered 1..n without gaps, "
                           f"found {numbers}")
    return found
