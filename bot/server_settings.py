"""Each server's channels and switches as its admins set them from Discord.

``/vigil setup`` (review, mod-log and appeals channels), ``/vigil shadow`` and ``/vigil
config reload|show`` act on the server they are run in only. What is set is written to the
database first, then put in the :class:`~bot.policy_book.PolicyBook`, so a restart keeps
it; :meth:`ServerSettings.describe` says where each value a server runs comes from (its
file, the default file, a command or the built-in default). No Discord imports here.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from enum import Enum

from bot.clock import Clock, utcnow
from bot.policy_book import GuildOverrides, PolicyBook
from bot.policy_config import Policy
from bot.rules.flood import FloodRule
from bot.storage.guild_settings import GuildSettingsRepository, GuildSettingsRow

log = logging.getLogger(__name__)

#: The channels ``/vigil setup`` sets, as named in the policy's ``discord`` section.
CHANNELS = ("review", "mod_log", "appeals")


class Keep(Enum):
    """Leave this value as it is (``None`` clears it back to the file's)."""

    KEEP = "keep"


KEEP = Keep.KEEP


@dataclass(frozen=True, slots=True)
class Setting:
    """One value a server runs and where it came from."""

    key: str
    value: object
    origin: str


class ServerSettings:
    def __init__(self, book: PolicyBook, store: GuildSettingsRepository, *,
                 clock: Clock = utcnow) -> None:
        self.book = book
        self._store = store
        self.clock = clock

    async def load(self) -> int:
        """Put every stored server's settings in the book (at start); how many servers."""
        rows = await self._store.all()
        for row in rows:
            self.book.set_overrides(row.guild_id, _overrides(row))
        return len(rows)

    async def set_channels(
        self, guild_id: int, actor_id: int, *, review: int | Keep | None = KEEP,
        mod_log: int | Keep | None = KEEP, appeals: int | Keep | None = KEEP,
    ) -> GuildOverrides:
        """Set (an id) or clear (None) the server's channels; the others stay."""
        row = await self._store.get(guild_id)
        row = replace(
            row, review=row.review if isinstance(review, Keep) else review,
            mod_log=row.mod_log if isinstance(mod_log, Keep) else mod_log,
            appeals=row.appeals if isinstance(appeals, Keep) else appeals)
        return await self._save(row, actor_id)

    async def set_shadow(self, guild_id: int, actor_id: int, mode: bool | None) -> GuildOverrides:
        """Shadow mode on or off for this server; None: back to what its file says."""
        row = await self._store.get(guild_id)
        return await self._save(replace(row, shadow_mode=mode), actor_id)

    async def _save(self, row: GuildSettingsRow, actor_id: int) -> GuildOverrides:
        row = replace(row, set_by=actor_id, set_at=self.clock())
        await self._store.save(row)  # stored first: what the book holds survives a restart
        overrides = _overrides(row)
        self.book.set_overrides(row.guild_id, overrides)
        log.info("guild %s settings set by %s: %s", row.guild_id, actor_id, overrides)
        return overrides

    def reload(self, guild_id: int) -> Policy:
        """Re-read the default and this server's file for this server only."""
        return self.book.reload(guild_id)

    def policy(self, guild_id: int) -> Policy:
        return self.book.for_guild(guild_id)

    def describe(self, guild_id: int) -> list[Setting]:
        """The server's channels and switches, each with its origin."""
        policy = self.book.for_guild(guild_id)
        book = self.book
        settings = [Setting(f"discord.{name}", getattr(policy.discord, name),
                            book.origin(guild_id, f"discord.{name}")) for name in CHANNELS]
        settings.append(Setting("discord.quarantine_role", policy.discord.quarantine_role,
                                book.origin(guild_id, "discord.quarantine_role")))
        settings.append(Setting("shadow_mode", policy.shadow_mode,
                                book.origin(guild_id, "shadow_mode")))
        campaigns = policy.campaigns
        settings.append(Setting(
            "campaigns", f"on, {campaigns.min_accounts}+ accounts, review from "
                         f"{campaigns.review_score:.2f}" if campaigns.enabled else "off",
            book.origin(guild_id, "campaigns")))
        flood = FloodRule.settings(policy)
        settings.append(Setting(
            "flood", f"{flood.repeats} repeats in {flood.window_minutes:g} min, "
                     f"{flood.mentions} mentions → {flood.action}",
            book.origin(guild_id, "flood")))
        settings.append(Setting("claims", ", ".join(c.id for c in policy.claims) or "none",
                                book.origin(guild_id, "claims")))
        return settings

    def files(self, guild_id: int) -> str:
        """The files the server's policy is read from, as shown to its admins."""
        own = self.book.own_file(guild_id)
        default = self.book.default_path.name
        if own is None:
            return default
        return f"{default} + {own.parent.name}/{own.name}"

    async def claim_review_notice(self, guild_id: int) -> bool:
        """For a server without a usable review channel: True the first time only (the
        caller then tells its admins), across restarts."""
        return await self._store.mark_review_notice(guild_id, self.clock())


def _overrides(row: GuildSettingsRow) -> GuildOverrides:
    return GuildOverrides(review=row.review, mod_log=row.mod_log, appeals=row.appeals,
                          shadow_mode=row.shadow_mode, set_by=row.set_by, set_at=row.set_at)
