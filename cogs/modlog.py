"""The mod log: one line per case opened or resolved, and a warning when an action fails.

Fed only by custom events: ``case_opened`` / ``case_resolved`` from the CaseService hook
(bridged in ``bot/discord/app.py``), ``case_action`` from the Discord executor and
``appeal_decided`` from the appeals cog, ``member_data_erased`` from the admin cog.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import discord
from discord.ext import commands

from bot.actions import ActionOutcome
from bot.appeals import AppealDecision
from bot.discord.views import policy_channel
from bot.privacy import count_lines
from bot.review import ReviewService
from bot.services import Services
from bot.storage.records import AppealStatus, Case, CaseEvent, CaseStatus, Erasure

if TYPE_CHECKING:
    from bot.discord.app import VigilBot

log = logging.getLogger(__name__)

_COLOURS = {
    CaseStatus.PENDING: discord.Colour.orange(),
    CaseStatus.APPLIED: discord.Colour.red(),
    CaseStatus.FAILED: discord.Colour.dark_red(),
    CaseStatus.OPEN: discord.Colour.gold(),
    CaseStatus.SHADOW: discord.Colour.light_grey(),
    CaseStatus.CLOSED: discord.Colour.dark_grey(),
    CaseStatus.REVERSED: discord.Colour.green(),
}
#: Events that resolve a case; their ``note`` says why (an appeal's note, a review verdict).
_RESOLVING = frozenset({"resolved", "escalated"})


def log_embed(case: Case, headline: str, note: str = "") -> discord.Embed:
    by = f"<@{case.moderator_id}>" if case.moderator_id else "automod"
    minutes = f" ({case.duration_minutes} min)" if case.duration_minutes else ""
    embed = discord.Embed(
        title=f"Case #{case.number} · {case.action}{minutes} · {headline}",
        description=case.reason[:2000] or "no reason",
        colour=_COLOURS.get(case.status, discord.Colour.default()),
    )
    embed.add_field(name="Member", value=f"<@{case.target_id}> ({case.target_name or '?'})")
    embed.add_field(name="By", value=by)
    embed.add_field(name="Status", value=case.status.value)
    if case.jump_url:
        embed.add_field(name="Message", value=f"[Jump]({case.jump_url})")
    if note:
        embed.add_field(name="Note", value=note[:1024], inline=False)
    embed.timestamp = case.updated_at
    return embed


def resolution_note(events: list[CaseEvent]) -> str:
    """The note of the latest event that resolved the case ("" when it had none)."""
    for event in reversed(events):
        if event.kind in _RESOLVING:
            return str(event.detail.get("note") or "")
    return ""


class ModLog(commands.Cog):
    def __init__(self, bot: commands.Bot, services: Services, review: ReviewService) -> None:
        self.bot = bot
        self.services = services
        self.review = review

    async def _post(self, guild_id: int, embed: discord.Embed) -> None:
        """Into the mod log of the server the entry is about, never another's."""
        mod_log = self.services.policy.for_guild(guild_id).discord.mod_log
        channel = await policy_channel(self.bot, mod_log, guild_id)
        if channel is None:
            return
        try:
            await channel.send(embed=embed)
        except discord.HTTPException:
            log.exception("could not post to the mod log")

    @commands.Cog.listener()
    async def on_case_opened(self, case: Case) -> None:
        await self._post(case.guild_id, log_embed(
            case, "shadow" if case.status is CaseStatus.SHADOW else "opened"))

    @commands.Cog.listener()
    async def on_case_resolved(self, case: Case) -> None:
        note = resolution_note(await self.review.history(case))
        await self._post(case.guild_id, log_embed(case, "resolved", note))

    @commands.Cog.listener()
    async def on_appeal_decided(self, decision: AppealDecision) -> None:
        # A granted appeal resolves the case and is logged by on_case_resolved; a denial
        # leaves the case as it was, so only this entry records it.
        if decision.appeal.status is AppealStatus.DENIED:
            await self._post(decision.case.guild_id, log_embed(
                decision.case, "appeal denied", decision.appeal.decision_note or ""))

    @commands.Cog.listener()
    async def on_case_action(self, case: Case, outcome: ActionOutcome) -> None:
        if outcome.ok:
            return
        code = f" (code {outcome.code})" if outcome.code else ""
        embed = discord.Embed(
            title=f"Case #{case.number} · {case.action} failed",
            description=f"{outcome.error}{code}",
            colour=discord.Colour.dark_red(),
        )
        embed.add_field(name="Member", value=f"<@{case.target_id}>")
        await self._post(case.guild_id, embed)

    @commands.Cog.listener()
    async def on_member_data_erased(self, erasure: Erasure) -> None:
        embed = discord.Embed(
            title="Member data erased",
            description=f"<@{erasure.user_id}> (`{erasure.user_id}`), on request. Case numbers, "
                        "actions and outcomes are kept.",
            colour=discord.Colour.dark_grey(),
        )
        embed.add_field(name="By", value=f"<@{erasure.actor_id}>" if erasure.actor_id
                        else "command line")
        for label, count in count_lines(erasure.counts):
            embed.add_field(name=label.capitalize(), value=str(count))
        embed.timestamp = erasure.at
        await self._post(erasure.guild_id, embed)


async def setup(bot: VigilBot) -> None:
    await bot.add_cog(ModLog(bot, bot.services, bot.review))
