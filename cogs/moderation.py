"""Moderator slash commands. Every action is a case opened through the CaseService.

Commands are guild-only, hidden from members without the permission
(``default_permissions``) and checked again at run time (``has_permissions``), because
server admins can override who sees a command. Nobody acts on someone whose highest
role is at or above their own, or at or above the bot's.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.action_kinds import action_spec
from bot.cases import CaseError
from bot.discord.executor import moderator_refusal
from bot.review import ReviewService
from bot.services import Services
from bot.storage.records import Case, CaseKind, CaseStatus, NewCase

if TYPE_CHECKING:
    from bot.discord.app import VigilBot

log = logging.getLogger(__name__)


Reason = app_commands.Range[str, 1, 500]


def case_line(case: Case) -> str:
    when = discord.utils.format_dt(case.created_at, "d")
    by = f"<@{case.moderator_id}>" if case.moderator_id else "automod"
    minutes = f" {case.duration_minutes}m" if case.duration_minutes else ""
    return (f"**#{case.number}** {case.action}{minutes} · {case.status.value} · {when} · by {by}"
            f" — {discord.utils.escape_markdown(case.reason)[:120]}")


class Moderation(commands.Cog):
    case_group = app_commands.Group(
        name="case", description="Look up and amend moderation cases",
        guild_only=True, default_permissions=discord.Permissions(moderate_members=True),
    )

    def __init__(self, services: Services, review: ReviewService) -> None:
        self.services = services
        self.review = review

    # ------------------------------------------------------------- helpers

    async def _guard(self, interaction: discord.Interaction, target: discord.abc.User) -> bool:
        assert isinstance(interaction.user, discord.Member)
        assert interaction.guild is not None
        me = interaction.guild.me
        problem = moderator_refusal(interaction.user, target, me)
        if problem:
            await interaction.response.send_message(problem, ephemeral=True)
            return False
        return True

    async def _open(
        self,
        interaction: discord.Interaction,
        target: discord.abc.User,
        action: str,
        reason: str,
        *,
        minutes: int | None = None,
        status: CaseStatus = CaseStatus.PENDING,
    ) -> None:
        assert interaction.guild is not None
        # Carrying out means a DM and an API call or two: take the 3-second rule off.
        await interaction.response.defer(ephemeral=True, thinking=True)
        policy = self.services.policy.for_guild(interaction.guild.id)
        case = await self.services.cases.open(NewCase(
            guild_id=interaction.guild.id, target_id=target.id, target_name=str(target),
            action=action, reason=reason, status=status, kind=CaseKind.MANUAL,
            moderator_id=interaction.user.id, duration_minutes=minutes,
            policy_version=policy.version, strike=action_spec(action).strike,
        ))
        await interaction.edit_original_response(content=await self._report(case, target))

    async def _report(self, case: Case, target: discord.abc.User) -> str:
        done = action_spec(case.action).done or case.action
        if case.status is CaseStatus.FAILED:
            return (f"Case #{case.number} is recorded, but I could not {case.action} "
                    f"{target.mention}: {case.last_error}")
        text = f"Case #{case.number}: {done} {target.mention}."
        events = await self.review.history(case)
        failed = next((e for e in reversed(events) if e.kind == "notify_failed"), None)
        if failed is not None:
            text += f" ({_why_not_told(failed.detail)})"
        return text

    async def _undo(
        self,
        interaction: discord.Interaction,
        target: discord.abc.User,
        action: str,
        undo: str,
        reason: str,
    ) -> None:
        """Reverse the member's active ``action`` case, or record a manual ``undo`` case."""
        assert interaction.guild is not None
        active = await self.review.latest_active(interaction.guild.id, target.id, action)
        if active is None:
            await self._open(interaction, target, undo, reason)
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        case, outcome = await self.services.cases.resolve(
            active, actor_id=interaction.user.id, note=reason, reverse=True
        )
        if outcome is not None and not outcome.ok:
            text = f"I could not undo case #{case.number}: {outcome.error}"
        else:
            text = f"Case #{case.number} reversed: {action_spec(undo).done} {target.mention}."
        await interaction.edit_original_response(content=text)

    # ------------------------------------------------------------ commands

    @app_commands.command(description="Warn a member (they get a DM with the reason)")
    @app_commands.guild_only()
    @app_commands.default_permissions(moderate_members=True)
    @app_commands.checks.has_permissions(moderate_members=True)
    async def warn(self, interaction: discord.Interaction, member: discord.Member,
                   reason: Reason) -> None:
        if await self._guard(interaction, member):
            await self._open(interaction, member, "warn", reason)

    @app_commands.command(description="Time a member out")
    @app_commands.guild_only()
    @app_commands.default_permissions(moderate_members=True)
    @app_commands.checks.has_permissions(moderate_members=True)
    async def timeout(self, interaction: discord.Interaction, member: discord.Member,
                      minutes: app_commands.Range[int, 1, 40320], reason: Reason) -> None:
        if await self._guard(interaction, member):
            await self._open(interaction, member, "timeout", reason, minutes=minutes)

    @app_commands.command(description="End a member's timeout")
    @app_commands.guild_only()
    @app_commands.default_permissions(moderate_members=True)
    @app_commands.checks.has_permissions(moderate_members=True)
    async def untimeout(self, interaction: discord.Interaction, member: discord.Member,
                        reason: Reason = "timeout lifted") -> None:
        if not member.is_timed_out():
            await interaction.response.send_message(
                f"{member.mention} is not timed out.", ephemeral=True)
        elif await self._guard(interaction, member):
            await self._undo(interaction, member, "timeout", "untimeout", reason)

    @app_commands.command(description="Kick a member from the server")
    @app_commands.guild_only()
    @app_commands.default_permissions(kick_members=True)
    @app_commands.checks.has_permissions(kick_members=True)
    async def kick(self, interaction: discord.Interaction, member: discord.Member,
                   reason: Reason) -> None:
        if await self._guard(interaction, member):
            await self._open(interaction, member, "kick", reason)

    @app_commands.command(description="Ban a user (member or not)")
    @app_commands.guild_only()
    @app_commands.default_permissions(ban_members=True)
    @app_commands.checks.has_permissions(ban_members=True)
    async def ban(self, interaction: discord.Interaction, user: discord.User,
                  reason: Reason) -> None:
        if await self._guard(interaction, user):
            await self._open(interaction, user, "ban", reason)

    @app_commands.command(description="Lift a ban")
    @app_commands.guild_only()
    @app_commands.default_permissions(ban_members=True)
    @app_commands.checks.has_permissions(ban_members=True)
    async def unban(self, interaction: discord.Interaction, user: discord.User,
                    reason: Reason = "ban lifted") -> None:
        assert interaction.guild is not None
        try:
            await interaction.guild.fetch_ban(user)
        except discord.NotFound:
            await interaction.response.send_message(f"{user.mention} is not banned.",
                                                    ephemeral=True)
            return
        await self._undo(interaction, user, "ban", "unban", reason)

    @app_commands.command(description="Add a note to a member's record (no action)")
    @app_commands.guild_only()
    @app_commands.default_permissions(moderate_members=True)
    @app_commands.checks.has_permissions(moderate_members=True)
    async def note(self, interaction: discord.Interaction, member: discord.User,
                   text: Reason) -> None:
        await self._open(interaction, member, "note", text, status=CaseStatus.CLOSED)

    # ---------------------------------------------------------------- /case

    @case_group.command(name="show", description="Show one case and its history")
    @app_commands.checks.has_permissions(moderate_members=True)
    async def case_show(self, interaction: discord.Interaction,
                        number: app_commands.Range[int, 1]) -> None:
        assert interaction.guild is not None
        case = await self.review.by_number(interaction.guild.id, number)
        if case is None:
            await interaction.response.send_message(f"There is no case #{number}.",
                                                    ephemeral=True)
            return
        await interaction.response.send_message(
            embed=await self._case_embed(case), ephemeral=True)

    @case_group.command(name="list", description="List a member's cases, newest first")
    @app_commands.checks.has_permissions(moderate_members=True)
    async def case_list(self, interaction: discord.Interaction, member: discord.User) -> None:
        assert interaction.guild is not None
        cases = await self.review.for_member(interaction.guild.id, member.id)
        if not cases:
            text = f"{member.mention} has no cases."
        else:
            text = f"Cases of {member.mention}:\n" + "\n".join(case_line(c) for c in cases)
        await interaction.response.send_message(text[:2000], ephemeral=True)

    @case_group.command(name="reason", description="Change the reason of a case")
    @app_commands.checks.has_permissions(moderate_members=True)
    async def case_reason(self, interaction: discord.Interaction,
                          number: app_commands.Range[int, 1], reason: Reason) -> None:
        assert interaction.guild is not None
        try:
            case = await self.services.cases.get(interaction.guild.id, number)
        except CaseError as exc:
            await interaction.response.send_message(str(exc).capitalize() + ".",
                                                    ephemeral=True)
            return
        case = await self.services.cases.set_reason(case, reason, interaction.user.id)
        await interaction.response.send_message(
            f"Case #{case.number} reason is now: {case.reason}", ephemeral=True)

    async def _case_embed(self, case: Case) -> discord.Embed:
        embed = discord.Embed(title=f"Case #{case.number} · {case.action}",
                              description=case.reason[:4000] or "no reason",
                              colour=discord.Colour.blurple())
        embed.add_field(name="Member", value=f"<@{case.target_id}> ({case.target_name})")
        embed.add_field(name="Status", value=case.status.value)
        embed.add_field(name="By", value=f"<@{case.moderator_id}>" if case.moderator_id
                        else "automod")
        if case.duration_minutes:
            embed.add_field(name="Duration", value=f"{case.duration_minutes} minutes")
        if case.scores:
            top = sorted(case.scores.items(), key=lambda kv: -kv[1])[:4]
            embed.add_field(name="Scores", value=", ".join(f"{k} {v:.2f}" for k, v in top))
        if case.last_error:
            embed.add_field(name="Last error", value=case.last_error[:1024], inline=False)
        if case.excerpt:
            embed.add_field(name="Message", value=case.excerpt[:1024], inline=False)
        history = await self.review.history(case)
        lines = [f"{discord.utils.format_dt(e.at, 'f')} {e.kind}"
                 + (f" by <@{e.actor_id}>" if e.actor_id else "") for e in history[-10:]]
        embed.add_field(name="History", value="\n".join(lines)[:1024] or "-", inline=False)
        if case.jump_url:
            embed.url = case.jump_url
        embed.timestamp = case.created_at
        return embed


async def setup(bot: VigilBot) -> None:
    await bot.add_cog(Moderation(bot.services, bot.review))


#: Discord's code for a member whose DMs are closed to the bot.
_DMS_CLOSED = 50007


def _why_not_told(detail: dict[str, object]) -> str:
    """Why the member was not told, as the recorded outcome of the notice says."""
    if detail.get("dm_withheld"):
        return "I did not DM them: the action was going to be refused."
    if detail.get("code") == _DMS_CLOSED:
        return "I could not DM them: their DMs are closed."
    error = str(detail.get("error") or "unknown error")[:200]
    return f"I could not DM them: {error}."
