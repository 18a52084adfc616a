"""The review queue: grey-band messages go to moderators with Remove / Keep / Timeout / Ban.

Listens for ``case_opened``; posts OPEN message cases to the policy's review channel.
The buttons are persistent (:class:`~bot.discord.buttons.PersistentButton`): their custom
id carries the case id, so they work on every queue message ever posted, across restarts.
Each click is checked against the clicker's permissions and recorded through
:class:`ReviewService`.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

import discord
from discord.ext import commands

from bot.discord.buttons import NUMBER, PersistentButton, choice, say
from bot.discord.executor import moderator_refusal
from bot.discord.host import vigil
from bot.discord.views import policy_channel, score_lines
from bot.review import ReviewDecision, ReviewError
from bot.services import Services
from bot.storage.records import Case, CaseKind, CaseStatus

if TYPE_CHECKING:
    from bot.discord.app import VigilBot

log = logging.getLogger(__name__)

#: decision -> (label, style, permission the clicker needs)
BUTTONS: dict[ReviewDecision, tuple[str, discord.ButtonStyle, str]] = {
    ReviewDecision.REMOVE: ("Remove", discord.ButtonStyle.danger, "manage_messages"),
    ReviewDecision.KEEP: ("Keep", discord.ButtonStyle.secondary, "manage_messages"),
    ReviewDecision.TIMEOUT: ("Timeout 1h", discord.ButtonStyle.primary, "moderate_members"),
    ReviewDecision.BAN: ("Ban", discord.ButtonStyle.danger, "ban_members"),
}
_VERB = {
    ReviewDecision.REMOVE: "removed the message",
    ReviewDecision.KEEP: "kept the message",
    ReviewDecision.TIMEOUT: "timed the author out",
    ReviewDecision.BAN: "banned the author",
}


class ReviewButton(
    PersistentButton, prefix="review",
    parts={"case": NUMBER, "decision": choice(ReviewDecision, BUTTONS)},
):
    def __init__(self, case_id: int, decision: ReviewDecision) -> None:
        label, style, permission = BUTTONS[decision]
        super().__init__((case_id, decision.value), label=label, style=style,
                         permission=permission)
        self.case_id = case_id
        self.decision = decision

    async def clicked(self, interaction: discord.Interaction[Any]) -> None:
        bot = vigil(interaction)
        case = await bot.review.get(self.case_id, interaction.guild_id)
        if case is None:
            await say(interaction, "That case does not exist in this server.")
            return
        if self.decision in (ReviewDecision.TIMEOUT, ReviewDecision.BAN):
            problem = await _hierarchy_problem(interaction, case)
            if problem:
                await say(interaction, problem)
                return
        await interaction.response.defer()
        try:
            case = await bot.review.decide(self.case_id, self.decision, interaction.user.id)
        except ReviewError as exc:
            await say(interaction, str(exc).capitalize() + ".")
            return
        embed = decided_embed(interaction.message, case, self.decision, interaction.user)
        await interaction.edit_original_response(embed=embed, view=None)
        if case.status is CaseStatus.FAILED:
            await say(interaction, f"Case #{case.number}: recorded, but it failed: "
                                   f"{case.last_error}")
        else:
            await say(interaction, f"Case #{case.number}: {_VERB[self.decision]}.")


async def _hierarchy_problem(interaction: discord.Interaction[Any], case: Case) -> str | None:
    guild = interaction.guild
    assert guild is not None
    assert isinstance(interaction.user, discord.Member)
    target: discord.abc.User | None = guild.get_member(case.target_id)
    if target is None:
        try:
            target = await guild.fetch_member(case.target_id)
        except discord.NotFound:
            return None  # left the server: a ban still works, no roles to compare
    return moderator_refusal(interaction.user, target, guild.me)


def decided_embed(
    message: discord.Message | None, case: Case, decision: ReviewDecision,
    moderator: discord.abc.User,
) -> discord.Embed:
    embed = message.embeds[0].copy() if message and message.embeds else discord.Embed()
    embed.colour = discord.Colour.dark_grey()
    embed.add_field(
        name="Decision",
        value=f"{decision.value} by {moderator.mention} → {case.status.value}",
        inline=False,
    )
    return embed


def review_embed(case: Case) -> discord.Embed:
    embed = discord.Embed(
        title=f"Review · case #{case.number}",
        description=("> " + discord.utils.escape_mentions(case.excerpt).replace("\n", "\n> "))
        [:4000] if case.excerpt else "(no text)",
        colour=discord.Colour.gold(),
        url=case.jump_url,
    )
    embed.add_field(name="Author", value=f"<@{case.target_id}> ({case.target_name})")
    if case.channel_id:
        embed.add_field(name="Channel", value=f"<#{case.channel_id}>")
    embed.add_field(name="Scores", value=score_lines(case.scores), inline=False)
    if case.reason:
        embed.add_field(name="Why", value=case.reason[:1024], inline=False)
    if case.jump_url:
        embed.add_field(name="Message", value=f"[Jump to message]({case.jump_url})")
    embed.set_footer(text=f"model {case.model_version} · policy {case.policy_version}")
    embed.timestamp = case.created_at
    return embed


def review_view(case: Case) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    for decision in BUTTONS:
        view.add_item(ReviewButton(case.id, decision))
    return view


class ReviewQueue(commands.Cog):
    def __init__(self, bot: commands.Bot, services: Services) -> None:
        self.bot = bot
        self.services = services

    @commands.Cog.listener()
    async def on_case_opened(self, case: Case) -> None:
        if case.kind is not CaseKind.MESSAGE or case.status is not CaseStatus.OPEN:
            return
        channel_id = self.services.policy.for_guild(case.guild_id).discord.review
        channel = await policy_channel(self.bot, channel_id, case.guild_id)
        if channel is None:
            log.warning("case #%d needs review but no review channel is configured "
                        "(discord.review = %s)", case.number, channel_id)
            return
        try:
            await channel.send(embed=review_embed(case), view=review_view(case))
        except discord.HTTPException:
            log.exception("could not post case #%d to the review channel", case.number)


async def setup(bot: VigilBot) -> None:
    bot.add_dynamic_items(ReviewButton)
    await bot.add_cog(ReviewQueue(bot, bot.services))
