"""Appeals: ``/appeal`` (in DMs too), the appeals channel, and Grant / Deny buttons.

Members appeal from the DM's Appeal button or ``/appeal``; both open the same modal
(``bot/discord/views.py``), which files through :class:`AppealService` and announces
``appeal_filed``. Here that becomes a post in the appeals channel. A moderator's Grant or
Deny opens a modal for a note to the member (required to deny), then goes back to
:meth:`AppealService.decide`, which reverses the action when granted and tells the member
by DM; ``appeal_decided`` (``on_appeal_decided(decision)``) announces it to the mod log.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.appeals import AppealDecision, AppealError
from bot.discord.buttons import NUMBER, Part, PersistentButton, missing_permission, say
from bot.discord.host import vigil
from bot.discord.views import open_appeal_modal, policy_channel
from bot.review import ReviewService
from bot.services import Services
from bot.storage.records import Appeal, AppealStatus, Case

if TYPE_CHECKING:
    from bot.discord.app import VigilBot

log = logging.getLogger(__name__)

#: case action -> the permission a moderator needs to decide its appeal
_DECIDER_PERMISSION = {"ban": "ban_members", "kick": "kick_members"}
#: Longest moderator's note on a decision; it goes into a DM and an embed field.
NOTE_MAX = 500
#: Cases listed per server by ``/appeal`` without a number (the most recent).
OWN_CASES = 10


def appeal_embed(appeal: Appeal, case: Case) -> discord.Embed:
    embed = discord.Embed(
        title=f"Appeal of case #{case.number} · {case.action}",
        description=appeal.text[:4000],
        colour=discord.Colour.blurple(),
    )
    embed.add_field(name="Member", value=f"<@{case.target_id}> ({case.target_name or '?'})")
    embed.add_field(name="Case reason", value=case.reason[:1024] or "-", inline=False)
    embed.add_field(name="Case status", value=case.status.value)
    if case.excerpt:
        embed.add_field(name="Message", value=case.excerpt[:1024], inline=False)
    embed.set_footer(text=f"appeal {appeal.id}")
    embed.timestamp = appeal.created_at
    return embed


#: The verdict part of a decision button's id, read back as "granted?".
_VERDICT = Part("grant|deny", lambda verdict: verdict == "grant")


class AppealDecisionButton(
    PersistentButton, prefix="appeal-decision", parts={"appeal": NUMBER, "verdict": _VERDICT},
):
    # No fixed permission: the one needed depends on the case's action (see _decidable).
    def __init__(self, appeal_id: int, grant: bool) -> None:
        super().__init__(
            (appeal_id, "grant" if grant else "deny"), label="Grant" if grant else "Deny",
            style=discord.ButtonStyle.success if grant else discord.ButtonStyle.danger,
        )
        self.appeal_id = appeal_id
        self.grant = grant

    async def clicked(self, interaction: discord.Interaction[Any]) -> None:
        # Checked before the modal opens, so nobody types a note that cannot be used.
        case = await _decidable(interaction, self.appeal_id)
        if case is not None:
            await interaction.response.send_modal(
                DecisionModal(self.appeal_id, case.number, self.grant))


class DecisionModal(discord.ui.Modal):
    """The moderator's note to the member: required to deny, optional to grant."""

    def __init__(self, appeal_id: int, number: int, grant: bool) -> None:
        verb = "Grant" if grant else "Deny"
        super().__init__(title=f"{verb} the appeal of case #{number}", timeout=900)
        self.appeal_id = appeal_id
        self.grant = grant
        self.note: discord.ui.TextInput[DecisionModal] = discord.ui.TextInput(
            label="Note to the member" + (" (optional)" if grant else ""),
            custom_id="decision_note",
            style=discord.TextStyle.paragraph,
            placeholder="Sent by DM and kept on the case" if grant
            else "Why the action stands; sent by DM and kept on the case",
            required=not grant,
            max_length=NOTE_MAX,
        )
        self.add_item(self.note)

    async def on_submit(self, interaction: discord.Interaction[Any]) -> None:
        await _decide(interaction, self.appeal_id, self.grant, self.note.value)


async def _decidable(interaction: discord.Interaction[Any], appeal_id: int) -> Case | None:
    """The appeal's case when this user may decide it here; otherwise say why and None."""
    found = await vigil(interaction).review.appeal(appeal_id)
    if found is None or interaction.guild is None or found[1].guild_id != interaction.guild.id:
        await say(interaction, "That appeal does not exist in this server.")
        return None
    appeal, case = found
    name = missing_permission(
        interaction, _DECIDER_PERMISSION.get(case.action, "moderate_members"))
    if name is not None:
        await say(interaction, f"You need the {name} permission to decide this appeal.")
        return None
    if appeal.status is not AppealStatus.OPEN:
        await say(interaction, f"That appeal was already {appeal.status.value}.")
        return None
    return case


async def _decide(
    interaction: discord.Interaction[Any], appeal_id: int, grant: bool, note: str
) -> None:
    """Decide through the core, then mark the appeals-channel post and tell the moderator."""
    # Checked again: permissions or the appeal may have changed while the modal was open.
    if await _decidable(interaction, appeal_id) is None:
        return
    note = note.strip()
    if not grant and not note:
        await say(interaction, "A denial needs a note: tell the member why the action stands.")
        return
    await interaction.response.defer()
    bot = vigil(interaction)
    try:
        decision = await bot.services.appeals.decide(
            appeal_id, interaction.user.id, grant=grant, note=note)
    except AppealError as exc:
        await say(interaction, f"Could not decide: {exc}.")
        return
    bot.dispatch("appeal_decided", decision)
    outcome = _outcome(decision, interaction.user)
    await interaction.edit_original_response(
        embed=_decided_embed(interaction.message, outcome, decision), view=None)
    await say(interaction, f"Appeal of case #{decision.case.number} {outcome}.")


def _outcome(decision: AppealDecision, moderator: discord.abc.User) -> str:
    grant = decision.appeal.status is AppealStatus.GRANTED
    verdict = "granted" if grant else "denied"
    outcome = f"{verdict} by {moderator.mention}; case is {decision.case.status.value}"
    if decision.reversal is not None and not decision.reversal.ok:
        outcome += f"; undoing the action failed: {decision.reversal.error}"
    if not decision.member_told:
        outcome += "; the member could not be told (DMs closed)"
    return outcome


def _decided_embed(
    message: discord.Message | None, outcome: str, decision: AppealDecision
) -> discord.Embed:
    embed = message.embeds[0].copy() if message and message.embeds else discord.Embed()
    grant = decision.appeal.status is AppealStatus.GRANTED
    embed.colour = discord.Colour.green() if grant else discord.Colour.dark_grey()
    if decision.appeal.decision_note:
        embed.add_field(name="Moderator's note", value=decision.appeal.decision_note,
                        inline=False)
    embed.add_field(name="Decision", value=outcome, inline=False)
    return embed


def decision_view(appeal: Appeal) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(AppealDecisionButton(appeal.id, grant=True))
    view.add_item(AppealDecisionButton(appeal.id, grant=False))
    return view


class Appeals(commands.Cog):
    def __init__(self, bot: commands.Bot, services: Services, review: ReviewService) -> None:
        self.bot = bot
        self.services = services
        self.review = review

    @app_commands.command(description="Appeal a moderation decision about you")
    @app_commands.allowed_contexts(guilds=True, dms=True, private_channels=False)
    @app_commands.allowed_installs(guilds=True, users=False)
    @app_commands.describe(
        case="The case number from the bot's DM (leave out to list your cases)",
        guild="The server's id, when you have a case with that number in several servers",
    )
    async def appeal(self, interaction: discord.Interaction,
                     case: app_commands.Range[int, 1] | None = None,
                     guild: str | None = None) -> None:
        guild_id: int | None
        if case is None:
            await say(interaction, await self._own_cases(interaction))
            return
        if interaction.guild is not None:
            guild_id = interaction.guild.id
        elif guild is not None:
            guild_id = int(guild) if guild.strip().isdigit() else None
            if guild_id is None:
                await say(interaction, "`guild` must be a server id (digits only).")
                return
        else:
            guild_id = await self._guild_of(interaction.user.id, case)
            if guild_id is None:
                await self._ask_for_guild(interaction, case)
                return
        await open_appeal_modal(interaction, guild_id, case)

    async def _guild_ids(self, interaction: discord.Interaction) -> list[int]:
        """In a server that server; in a DM every server where the member has cases, from
        the database: DMs reach one process, and its servers may not be all of them."""
        if interaction.guild is not None:
            return [interaction.guild.id]
        return await self.review.guilds_of_member(interaction.user.id)

    def _server_name(self, guild_id: int) -> str:
        guild = self.bot.get_guild(guild_id)
        name = discord.utils.escape_markdown(guild.name) if guild else "a server"
        return f"**{name}** (`{guild_id}`)"

    async def _own_cases(self, interaction: discord.Interaction) -> str:
        """The member's own cases, per server: in a server that server's only, in a DM
        every server they have cases in (nobody else's, whoever asks)."""
        lines = []
        for guild_id in await self._guild_ids(interaction):
            cases = await self.review.for_member(guild_id, interaction.user.id, OWN_CASES)
            if cases:
                listed = ", ".join(f"#{c.number} {c.action} ({c.status.value})" for c in cases)
                lines.append(f"{self._server_name(guild_id)}: {listed}")
        if not lines:
            return "You have no cases in any server I moderate."
        return ("Your cases:\n" + "\n".join(lines) + "\nRun `/appeal case:<number>` "
                "(with `guild:<id>` from a DM when the number is in several servers).")[:1900]

    async def _candidates(self, member_id: int, number: int) -> list[int]:
        found = []
        for guild_id in await self.review.guilds_of_member(member_id):
            case = await self.review.by_number(guild_id, number)
            if case is not None and case.target_id == member_id:
                found.append(guild_id)
        return found

    async def _guild_of(self, member_id: int, number: int) -> int | None:
        """In a DM: the one server where this member has a case with that number."""
        found = await self._candidates(member_id, number)
        return found[0] if len(found) == 1 else None

    async def _ask_for_guild(self, interaction: discord.Interaction, number: int) -> None:
        found = await self._candidates(interaction.user.id, number)
        if not found:
            await say(interaction, f"You have no case #{number} in any server I moderate.")
        else:
            names = ", ".join(self._server_name(g) for g in found)
            await say(interaction, f"Several servers have a case #{number} of yours: {names}. "
                                   "Run `/appeal` again with the `guild` option.")

    @commands.Cog.listener()
    async def on_appeal_filed(self, appeal: Appeal, case: Case) -> None:
        channels = self.services.policy.for_guild(case.guild_id).discord
        # Without an appeals channel in this server, moderators still see appeals in the
        # review queue.
        channel = (await policy_channel(self.bot, channels.appeals, case.guild_id)
                   or await policy_channel(self.bot, channels.review, case.guild_id))
        if channel is None:
            log.warning("appeal %d of case #%d filed, but no appeals channel is configured",
                        appeal.id, case.number)
            return
        try:
            await channel.send(embed=appeal_embed(appeal, case), view=decision_view(appeal))
        except discord.HTTPException:
            log.exception("could not post appeal %d", appeal.id)


async def setup(bot: VigilBot) -> None:
    bot.add_dynamic_items(AppealDecisionButton)
    await bot.add_cog(Appeals(bot, bot.services, bot.review))
