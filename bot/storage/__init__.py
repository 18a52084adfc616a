"""All SQL lives here. Repositories return plain dataclasses from ``bot.storage.records``."""

from bot.storage.db import Database, open_database

__all__ = ["Database", "open_database"]
