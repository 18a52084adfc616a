"""Campaign, pile-on and raid alerts in the review channel, with Confirm / Dismiss.

The coordination detector opens one OPEN case per alert through the pipeline; this cog
listens for ``case_opened`` and formats those cases (accounts, messages, score, evidence).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

import discord
from discord.ext import commands

from bot.coordination import ALERT_TITLES
from bot.discord.buttons import NUMBER, PersistentButton, choice, say
from bot.discord.host import vigil
from bot.discord.views import policy_channel
from bot.review import ALERT_KINDS, ReviewDecision, ReviewError, ReviewService
from bot.services import Services
from bot.storage.records import CampaignRecord, Case, CaseStatus

if TYPE_CHECKING:
    from bot.discord.app import VigilBot

log = logging.getLogger(__name__)

MAX_ACCOUNTS_SHOWN = 15


class AlertButton(
    PersistentButton, prefix="alert",
    parts={"case": NUMBER,
           "decision": choice(ReviewDecision, (ReviewDecision.CONFIRM, ReviewDecision.DISMISS))},
):
    def __init__(self, case_id: int, decision: ReviewDecision) -> None:
        confirm = decision is ReviewDecision.CONFIRM
        super().__init__(
            (case_id, decision.value), label="Confirm" if confirm else "Dismiss",
            style=discord.ButtonStyle.danger if confirm else discord.ButtonStyle.secondary,
            permission="moderate_members",
        )
        self.case_id = case_id
        self.decision = decision

    async def clicked(self, interaction: discord.Interaction[Any]) -> None:
        bot = vigil(interaction)
        case = await bot.review.get(self.case_id, interaction.guild_id)
        if case is None:
            await say(interaction, "That alert does not exist in this server.")
            return
        await interaction.response.defer()
        try:
            case = await bot.review.decide(self.case_id, self.decision, interaction.user.id)
        except ReviewError as exc:
            await say(interaction, str(exc).capitalize() + ".")
            return
        message = interaction.message
        embed = message.embeds[0].copy() if message and message.embeds else discord.Embed()
        embed.colour = discord.Colour.dark_grey()
        embed.add_field(name="Decision",
                        value=f"{self.decision.value} by {interaction.user.mention}",
                        inline=False)
        await interaction.edit_original_response(embed=embed, view=None)


def alert_embed(case: Case, record: CampaignRecord | None) -> discord.Embed:
    title = ALERT_TITLES.get(case.kind.value, case.kind.value)
    embed = discord.Embed(title=f"{title} · case #{case.number}", description=case.reason,
                          colour=discord.Colour.red())
    score = record.score if record else case.scores.get("campaign", 0.0)
    embed.add_field(name="Score", value=f"{score:.2f}")
    if record is not None:
        embed.add_field(name="Accounts", value=str(len(record.accounts)))
        embed.add_field(name="Messages", value=str(len(record.message_ids)))
        shown = " ".join(f"<@{a}>" for a in record.accounts[:MAX_ACCOUNTS_SHOWN])
        more = len(record.accounts) - MAX_ACCOUNTS_SHOWN
        embed.add_field(name="Who", value=shown + (f" and {more} more" if more > 0 else "")
                        or "-", inline=False)
        new = record.evidence.get("new_accounts")
        if new:
            embed.add_field(name="New accounts", value=str(len(new)))
        domains = record.evidence.get("domains")
        if domains:
            embed.add_field(name="Shared links", value=", ".join(map(str, domains))[:1024])
    if case.target_id:
        embed.add_field(name="Target", value=f"<@{case.target_id}>")
    if case.channel_id:
        embed.add_field(name="Channel", value=f"<#{case.channel_id}>")
    if case.excerpt:
        embed.add_field(name="Evidence", value="> " + case.excerpt[:1000].replace("\n", "\n> "),
                        inline=False)
    embed.timestamp = case.created_at
    return embed


class Campaigns(commands.Cog):
    def __init__(self, bot: commands.Bot, services: Services, review: ReviewService) -> None:
        self.bot = bot
        self.services = services
        self.review = review

    @commands.Cog.listener()
    async def on_case_opened(self, case: Case) -> None:
        if case.kind not in ALERT_KINDS or case.status is not CaseStatus.OPEN:
            return
        review = self.services.policy.for_guild(case.guild_id).discord.review
        channel = await policy_channel(self.bot, review, case.guild_id)
        if channel is None:
            log.warning("%s alert (case #%d) but no review channel is configured",
                        case.kind.value, case.number)
            return
        # The pipeline saves the campaign record right after opening the case.
        record = await self.review.campaign_for(case)
        view = discord.ui.View(timeout=None)
        view.add_item(AlertButton(case.id, ReviewDecision.CONFIRM))
        view.add_item(AlertButton(case.id, ReviewDecision.DISMISS))
        try:
            await channel.send(embed=alert_embed(case, record), view=view)
        except discord.HTTPException:
            log.exception("could not post alert case #%d", case.number)


async def setup(bot: VigilBot) -> None:
    bot.add_dynamic_items(AlertButton)
    await bot.add_cog(Campaigns(bot, bot.services, bot.review))
