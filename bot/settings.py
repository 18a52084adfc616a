"""Runtime settings read from the environment (``VIGIL_`` prefix).

Built explicitly by the entry point (never at import time) so tests make their own.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CONFIG = REPO_ROOT / "config" / "default.yaml"


class Settings(BaseSettings):
    """Process-level settings; the moderation policy itself lives in YAML."""

    model_config = SettingsConfigDict(env_prefix="VIGIL_", extra="ignore")

    #: Bot token. SecretStr keeps it out of reprs, logs and tracebacks.
    token: SecretStr | None = None
    db_path: Path = Path("vigil.db")
    #: A PostgreSQL database instead of the SQLite file: ``postgresql://user@host:port/name``
    #: (``VIGIL_DB_URL``; see docs/scaling.md).
    db_url: str | None = Field(default=None, pattern=r"^postgres(ql)?://")
    #: Run only these shards (``0-3``) of ``shard_count`` (``python -m bot run --shards``).
    shards: str | None = None
    shard_count: int | None = Field(default=None, ge=1)
    #: The policy: a YAML file every server runs, or a folder of ``default.yaml`` and
    #: ``guilds/<guild_id>.yaml`` (:mod:`bot.policy_book`).
    config_path: Path = DEFAULT_CONFIG
    log_level: str = "INFO"
    #: ``json``: one JSON object per log line (for log collectors).
    log_format: Literal["text", "json"] = "text"
    #: Serve Prometheus metrics on this port (``/metrics``); unset: no metrics server.
    metrics_port: int | None = Field(default=None, ge=1, le=65535)
    #: Guild to sync slash commands to instantly (global sync can take an hour).
    dev_guild_id: int | None = None
    #: Micro-batcher limits in front of the model worker thread.
    batch_max_size: int = Field(default=32, ge=1)
    batch_max_wait_ms: float = Field(default=15.0, ge=0)
    batch_queue_size: int = Field(default=1024, ge=1)
    #: A ban or kick still pending at start after this many hours (the bot was down when
    #: it was decided) goes to the review queue instead of being carried out that late.
    review_pending_after_hours: float = Field(default=6.0, gt=0, le=24 * 365)

    @property
    def database(self) -> Path | str:
        """Where the bot's data lives: ``db_url`` when set, else the SQLite ``db_path``."""
        return self.db_url or self.db_path
