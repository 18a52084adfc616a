"""A server without a review channel is told so once, and the bot logs it at every start.

Flagged messages, alerts and (without an appeals channel) appeals wait in the review
channel; a server that has none set (or one that is not in that server) would never see
them. At start and on joining a server, the bot logs each such server; the first time, it
also sends the server's owner a DM saying how to set one (``/vigil setup``). Recorded in
the database, so a restart does not send it again.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import discord
from discord.ext import commands

from bot.discord.views import policy_channel
from bot.services import Services

if TYPE_CHECKING:
    from bot.discord.app import VigilBot

log = logging.getLogger(__name__)

NOTICE = (
    "Vigil is moderating **{guild}** but has no review channel there, so messages it flags "
    "for a moderator, campaign alerts and appeals have nowhere to go. A member with Manage "
    "Server can set one with `/vigil setup review:#channel` (and `mod_log`, `appeals`), or "
    "the bot's operator can set `discord.review` in the server's policy file. This notice "
    "is sent once."
)


class Onboarding(commands.Cog):
    def __init__(self, bot: commands.Bot, services: Services) -> None:
        self.bot = bot
        self.services = services

    @commands.Cog.listener()
    async def on_ready(self) -> None:
        for guild in self.bot.guilds:
            await self.check(guild)

    @commands.Cog.listener()
    async def on_guild_join(self, guild: discord.Guild) -> None:
        await self.check(guild)

    async def check(self, guild: discord.Guild) -> bool:
        """Log a server without a usable review channel and tell its owner once; True when
        the server has one."""
        review = self.services.policy.for_guild(guild.id).discord.review
        if await policy_channel(self.bot, review, guild.id) is not None:
            return True
        log.warning("guild %s (%s) has no review channel: flagged messages and alerts are "
                    "recorded but not shown; set one with /vigil setup", guild.id, guild.name)
        if not await self.services.settings.claim_review_notice(guild.id):
            return False
        try:
            owner = guild.owner or await guild.fetch_member(guild.owner_id or 0)
            await owner.send(NOTICE.format(guild=discord.utils.escape_markdown(guild.name)))
        except discord.HTTPException:
            log.warning("could not tell the owner of guild %s that it has no review channel",
                        guild.id)
        return False


async def setup(bot: VigilBot) -> None:
    await bot.add_cog(Onboarding(bot, bot.services))
