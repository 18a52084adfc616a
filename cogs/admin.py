"""``/vigil``: policy summary and reload, shadow mode, score preview, stats, and erasing a
member's data on request (Manage Server)."""

from __future__ import annotations

import contextlib
import re
from typing import TYPE_CHECKING, Any, Literal

import discord
from discord import app_commands
from discord.ext import commands

from bot.policy_config import Policy, PolicyConfigError
from bot.privacy import DataService, count_lines
from bot.review import ReviewService
from bot.services import Services

if TYPE_CHECKING:
    from bot.discord.app import VigilBot

#: A mention (``<@123>``, ``<@!123>``) or a bare user id.
_USER_REF = re.compile(r"<@!?(\d{1,20})>|(\d{1,20})")
#: How long the Erase / Cancel buttons wait.
CONFIRM_SECONDS = 120


def user_id_from(text: str) -> int | None:
    """The user id in a mention or a bare id; None for anything else. A string, not a
    user option, so members who already left (and deleted accounts) can be named."""
    match = _USER_REF.fullmatch(text.strip())
    return int(match[1] or match[2]) if match else None


class ForgetConfirm(discord.ui.View):
    """Erase / Cancel under the ephemeral question; only the admin who asked may answer."""

    def __init__(self, bot: commands.Bot, privacy: DataService,
                 asked: discord.Interaction[Any], user_id: int) -> None:
        super().__init__(timeout=CONFIRM_SECONDS)
        self.bot = bot
        self.privacy = privacy
        self.asked = asked
        self.user_id = user_id

    async def interaction_check(self, interaction: discord.Interaction[Any]) -> bool:
        # A double click queues two callbacks: only the first one may erase (and log).
        return interaction.user.id == self.asked.user.id and not self.is_finished()

    @discord.ui.button(label="Erase", style=discord.ButtonStyle.danger)
    async def erase(self, interaction: discord.Interaction[Any],
                    _: discord.ui.Button[ForgetConfirm]) -> None:
        self.stop()
        assert interaction.guild_id is not None
        erasure = await self.privacy.forget_member(interaction.guild_id, self.user_id,
                                                   interaction.user.id)
        rows = "\n".join(f"{label}: **{count}**" for label, count in count_lines(erasure.counts))
        await interaction.response.edit_message(
            content=f"Erased the data of <@{self.user_id}> (erasure #{erasure.id}).\n{rows}\n"
                    "Case numbers, actions, moderators and outcomes are kept.", view=None)
        self.bot.dispatch("member_data_erased", erasure)

    @discord.ui.button(label="Cancel", style=discord.ButtonStyle.secondary)
    async def cancel(self, interaction: discord.Interaction[Any],
                     _: discord.ui.Button[ForgetConfirm]) -> None:
        self.stop()
        await interaction.response.edit_message(content="Cancelled: nothing was erased.",
                                                view=None)

    async def on_timeout(self) -> None:
        with contextlib.suppress(discord.HTTPException):
            await self.asked.edit_original_response(content="No answer: nothing was erased.",
                                                    view=None)


def policy_summary(policy: Policy, *, bot_version: str, model_version: str) -> discord.Embed:
    shadow = "ON (scoring and recording only)" if policy.shadow_mode else "off"
    embed = discord.Embed(
        title="Vigil policy",
        description=(f"**Shadow mode: {shadow}**\n"
                     f"Policy `{policy.version or '?'}` · model `{model_version}` · "
                     f"Vigil {bot_version}"),
        colour=discord.Colour.blurple(),
    )
    rows = [f"`{label:<16}` review ≥ {rule.review:.2f} · act ≥ {rule.act:.2f} → {rule.action}"
            for label, rule in policy.labels.items()]
    embed.add_field(name="Labels", value="\n".join(rows)[:1024] or "-", inline=False)
    ladder = ", ".join(f"{s.strikes} strikes → {s.action}" for s in policy.escalation.ladder)
    embed.add_field(name="Escalation",
                    value=f"{ladder or 'none'} (window {policy.escalation.window_hours:g} h)",
                    inline=False)
    exempt = policy.exempt.roles + policy.exempt.channels
    embed.add_field(name="Exempt", value=", ".join(exempt)[:1024] or "none", inline=False)
    channels = policy.discord

    def mention(channel_id: int | None) -> str:
        return f"<#{channel_id}>" if channel_id else "not set"

    embed.add_field(name="Review", value=mention(channels.review))
    embed.add_field(name="Mod log", value=mention(channels.mod_log))
    embed.add_field(name="Appeals", value=mention(channels.appeals))
    embed.add_field(name="Campaigns", value="on" if policy.campaigns.enabled else "off")
    embed.add_field(name="Appeals per day", value=str(policy.appeals.per_day)
                    if policy.appeals.enabled else "appeals closed")
    return embed


@app_commands.guild_only()
@app_commands.default_permissions(manage_guild=True)
class Admin(commands.GroupCog, group_name="vigil", group_description="Vigil settings"):
    config = app_commands.Group(name="config", description="The moderation policy")

    def __init__(self, bot: VigilBot, services: Services, review: ReviewService) -> None:
        self.bot = bot
        self.services = services
        self.review = review
        super().__init__()

    @config.command(name="show", description="Summarise thresholds, actions and shadow mode")
    @app_commands.checks.has_permissions(manage_guild=True)
    async def config_show(self, interaction: discord.Interaction) -> None:
        embed = policy_summary(self.services.policy.current, bot_version=self.bot.version,
                               model_version=self.services.pipeline.model_version)
        await interaction.response.send_message(embed=embed, ephemeral=True)

    @config.command(name="reload",
                    description="Reload the policy file (a broken file keeps the old one)")
    @app_commands.checks.has_permissions(manage_guild=True)
    async def config_reload(self, interaction: discord.Interaction) -> None:
        holder = self.services.policy
        old = holder.current.version
        try:
            policy = holder.reload()
        except PolicyConfigError as exc:
            text = str(exc)
            if len(text) > 1800:
                text = text[:1800] + "\n…"
            await interaction.response.send_message(
                f"The policy file has errors; still using policy `{old}`.\n```\n{text}\n```",
                ephemeral=True)
            return
        await interaction.response.send_message(
            f"Policy reloaded: `{old}` → `{policy.version}`."
            + (" Shadow mode is ON." if policy.shadow_mode else ""), ephemeral=True)

    @app_commands.command(name="shadow", description="Score and record without acting (on/off)")
    @app_commands.checks.has_permissions(manage_guild=True)
    async def shadow(self, interaction: discord.Interaction, mode: Literal["on", "off"]) -> None:
        holder = self.services.policy
        holder.current = holder.current.model_copy(update={"shadow_mode": mode == "on"})
        text = ("Shadow mode ON: messages are scored and cases recorded, nothing is acted on."
                if mode == "on" else "Shadow mode off: Vigil acts on the policy again.")
        await interaction.response.send_message(
            text + " (Until the next reload or restart; set `shadow_mode` in the file to keep it.)",
            ephemeral=True)

    @app_commands.command(name="score", description="Show how the model scores a text")
    @app_commands.checks.has_permissions(manage_guild=True)
    async def score(self, interaction: discord.Interaction,
                    text: app_commands.Range[str, 1, 1000]) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        preview = await self.review.preview(text)
        rows = [f"`{p.label:<16}` {p.score:.3f}  (review {p.review:.2f} · act {p.act:.2f}"
                f" → {p.action})  **{p.band}**" for p in preview.labels]
        embed = discord.Embed(title="Score preview", colour=discord.Colour.blurple(),
                              description="\n".join(rows))
        embed.add_field(name="Normalised text", value=preview.normalized[:1024] or "-",
                        inline=False)
        embed.add_field(name="Evasion", value=f"{preview.evasion:.2f}")
        embed.set_footer(text=f"model {preview.model_version}")
        await interaction.edit_original_response(embed=embed)

    @app_commands.command(name="stats", description="Case counts and messages scored")
    @app_commands.checks.has_permissions(manage_guild=True)
    async def stats(self, interaction: discord.Interaction) -> None:
        assert interaction.guild is not None
        stats = await self.review.stats(interaction.guild.id)

        def table(counts: dict[str, int]) -> str:
            return "\n".join(f"{key}: {value}" for key, value in
                             sorted(counts.items(), key=lambda kv: -kv[1])) or "none"

        embed = discord.Embed(title="Vigil stats", colour=discord.Colour.blurple(),
                              description=f"Messages scored: **{stats.messages_scored}**")
        embed.add_field(name="Cases by action", value=table(stats.by_action))
        embed.add_field(name="Cases by status", value=table(stats.by_status))
        embed.add_field(name="Storage", value=self.services.storage().summary(), inline=False)
        await interaction.response.send_message(embed=embed, ephemeral=True)

    @app_commands.command(name="forget",
                          description="Erase a member's stored messages and scores (also after "
                                      "they left)")
    @app_commands.describe(member="A mention or a user id")
    @app_commands.checks.has_permissions(manage_guild=True)
    async def forget(self, interaction: discord.Interaction,
                     member: app_commands.Range[str, 1, 40]) -> None:
        user_id = user_id_from(member)
        if user_id is None:
            await interaction.response.send_message(
                "Name the member with a mention or their user id (Developer Mode → Copy User ID).",
                ephemeral=True)
            return
        view = ForgetConfirm(self.bot, self.services.privacy, interaction, user_id)
        await interaction.response.send_message(
            f"Erase what Vigil stores about <@{user_id}> (`{user_id}`) in this server? Their "
            "message scores are deleted and the text of their messages and appeals on cases "
            "becomes `[erased]`; case numbers, actions, moderators and outcomes stay. "
            "This cannot be undone.", view=view, ephemeral=True)


async def setup(bot: VigilBot) -> None:
    await bot.add_cog(Admin(bot, bot.services, bot.review))
