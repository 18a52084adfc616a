"""SQL for what each server's admins set from Discord (table ``guild_settings``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.storage.engine import Connection
from bot.storage.writer import Writer


@dataclass(frozen=True, slots=True)
class GuildSettingsRow:
    """One server's row; None: not set from Discord (its policy file decides)."""

    guild_id: int
    review: int | None = None
    mod_log: int | None = None
    appeals: int | None = None
    shadow_mode: bool | None = None
    set_by: int | None = None
    set_at: datetime | None = None
    review_notice_at: datetime | None = None

    @classmethod
    def from_row(cls, row: Any) -> GuildSettingsRow:
        shadow = row["shadow_mode"]
        return cls(
            guild_id=row["guild_id"], review=row["review_channel"],
            mod_log=row["mod_log_channel"], appeals=row["appeals_channel"],
            shadow_mode=None if shadow is None else bool(shadow), set_by=row["set_by"],
            set_at=_when(row["set_at"]), review_notice_at=_when(row["review_notice_at"]),
        )


def _when(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


class GuildSettingsRepository:
    def __init__(self, conn: Connection, writer: Writer) -> None:
        self._conn = conn
        self._writer = writer

    async def all(self) -> list[GuildSettingsRow]:
        async with self._conn.execute("SELECT * FROM guild_settings ORDER BY guild_id") as cur:
            return [GuildSettingsRow.from_row(row) for row in await cur.fetchall()]

    async def get(self, guild_id: int) -> GuildSettingsRow:
        async with self._conn.execute(
            "SELECT * FROM guild_settings WHERE guild_id = ?", (guild_id,)
        ) as cursor:
            row = await cursor.fetchone()
        return GuildSettingsRow.from_row(row) if row else GuildSettingsRow(guild_id)

    async def save(self, settings: GuildSettingsRow) -> None:
        """Write the server's channels and shadow mode (the notice time is kept)."""
        shadow = None if settings.shadow_mode is None else int(settings.shadow_mode)
        values = (settings.guild_id, settings.review, settings.mod_log, settings.appeals,
                  shadow, settings.set_by,
                  settings.set_at.isoformat() if settings.set_at else None)

        async def upsert(conn: Connection) -> None:
            await conn.execute(
                """INSERT INTO guild_settings (guild_id, review_channel, mod_log_channel,
                       appeals_channel, shadow_mode, set_by, set_at)
                   VALUES (?,?,?,?,?,?,?)
                   ON CONFLICT (guild_id) DO UPDATE SET
                       review_channel = excluded.review_channel,
                       mod_log_channel = excluded.mod_log_channel,
                       appeals_channel = excluded.appeals_channel,
                       shadow_mode = excluded.shadow_mode,
                       set_by = excluded.set_by, set_at = excluded.set_at""",
                values,
            )

        await self._writer.run(upsert)

    async def mark_review_notice(self, guild_id: int, at: datetime) -> bool:
        """Record that the server was told it has no review channel; False when it had
        been told already (so the notice goes out once, across restarts)."""
        async def mark(conn: Connection) -> bool:
            await conn.execute(
                "INSERT INTO guild_settings (guild_id) VALUES (?) ON CONFLICT DO NOTHING",
                (guild_id,))
            cursor = await conn.execute(
                """UPDATE guild_settings SET review_notice_at = ?
                   WHERE guild_id = ? AND review_notice_at IS NULL""",
                (at.isoformat(), guild_id))
            return cursor.rowcount == 1

        return await self._writer.run(mark)
