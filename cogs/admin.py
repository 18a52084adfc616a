"""``/vigil``: policy summary and reload, channels, shadow mode, score preview, stats, and
erasing a member's data on request (Manage Server). Every command acts on the server it is
run in only: its policy, its channels, its switches, its cases."""

from __future__ import annotations

import contextlib
import re
from typing import TYPE_CHECKING, Any, Literal

import discord
from discord import app_commands
from discord.ext import commands

from bot.discord.settings_embed import policy_summary, shown_value
from bot.health import live_checks
from bot.policy_config import PolicyConfigError
from bot.privacy import DataService, count_lines
from bot.review import ReviewService
from bot.server_settings import CHANNELS
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


@app_commands.guild_only()
@app_commands.default_permissions(manage_guild=True)
class Admin(commands.GroupCog, group_name="vigil", group_description="Vigil settings"):
    config = app_commands.Group(name="config", description="The moderation policy")

    def __init__(self, bot: VigilBot, services: Services, review: ReviewService) -> None:
        self.bot = bot
        self.services = services
        self.review = review
        super().__init__()

    @config.command(name="show",
                    description="This server's thresholds, channels and switches, and where "
                                "each comes from")
    @app_commands.checks.has_permissions(manage_guild=True)
    async def config_show(self, interaction: discord.Interaction) -> None:
        assert interaction.guild_id is not None
        settings = self.services.settings
        embed = policy_summary(settings.policy(interaction.guild_id),
                               settings.describe(interaction.guild_id),
                               files=settings.files(interaction.guild_id),
                               bot_version=self.bot.version,
                               model_version=self.services.pipeline.model_version)
        await interaction.response.send_message(embed=embed, ephemeral=True)

    @config.command(name="reload",
                    description="Reload this server's policy files (a broken file keeps the "
                                "old policy)")
    @app_commands.checks.has_permissions(manage_guild=True)
    async def config_reload(self, interaction: discord.Interaction) -> None:
        assert interaction.guild_id is not None
        settings = self.services.settings
        old = settings.policy(interaction.guild_id).version
        try:
            policy = settings.reload(interaction.guild_id)
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

    @app_commands.command(name="shadow",
                          description="Score and record without acting in this server "
                                      "(on/off; file: as the policy file says)")
    @app_commands.checks.has_permissions(manage_guild=True)
    async def shadow(self, interaction: discord.Interaction,
                     mode: Literal["on", "off", "file"]) -> None:
        assert interaction.guild_id is not None
        settings = self.services.settings
        await settings.set_shadow(interaction.guild_id, interaction.user.id,
                                  None if mode == "file" else mode == "on")
        on = settings.policy(interaction.guild_id).shadow_mode
        text = ("Shadow mode ON in this server: messages are scored and cases recorded, "
                "nothing is acted on." if on
                else "Shadow mode off in this server: Vigil acts on the policy.")
        origin = ("as the policy file says" if mode == "file"
                  else "kept across restarts; `/vigil shadow file` goes back to the file's")
        await interaction.response.send_message(f"{text} ({origin}.)", ephemeral=True)
        self.bot.dispatch("server_settings_changed", interaction.guild_id, interaction.user.id,
                          f"Shadow mode {'ON' if on else 'off'} (`/vigil shadow {mode}`)")

    @app_commands.command(name="setup",
                          description="This server's review, mod-log and appeals channels")
    @app_commands.describe(
        review="Where flagged messages and alerts wait for a moderator",
        mod_log="Where every case is logged",
        appeals="Where members' appeals go (default: the review channel)",
        clear="Forget a channel set here (the policy file's applies again)",
    )
    @app_commands.checks.has_permissions(manage_guild=True)
    async def setup_channels(
        self, interaction: discord.Interaction, review: discord.TextChannel | None = None,
        mod_log: discord.TextChannel | None = None, appeals: discord.TextChannel | None = None,
        clear: Literal["review", "mod_log", "appeals", "all"] | None = None,
    ) -> None:
        guild = interaction.guild
        assert guild is not None
        chosen = {"review": review, "mod_log": mod_log, "appeals": appeals}
        foreign = [c for c in chosen.values() if c is not None and c.guild.id != guild.id]
        if foreign:
            await interaction.response.send_message(
                "Pick channels of this server.", ephemeral=True)
            return
        changes: dict[str, int | None] = {
            name: channel.id for name, channel in chosen.items() if channel is not None}
        if clear is not None:
            changes.update(dict.fromkeys(CHANNELS if clear == "all" else (clear,)))
        settings = self.services.settings
        if changes:
            await settings.set_channels(guild.id, interaction.user.id, **changes)
            self.bot.dispatch("server_settings_changed", guild.id, interaction.user.id, ", ".join(
                f"{name.replace('_', ' ')} channel → " + (f"<#{value}>" if value else "the file's")
                for name, value in changes.items()))
        lines = [f"**{name.replace('_', ' ')}**: {shown_value(s)} · _{s.origin}_"
                 for s in settings.describe(guild.id)
                 if (name := s.key.removeprefix("discord.")) in CHANNELS]
        unable = [c.mention for c in chosen.values()
                  if c is not None and not c.permissions_for(guild.me).send_messages]
        warning = (f"\nI cannot send messages in {', '.join(unable)}: give me Send Messages "
                   "and Embed Links there." if unable else "")
        head = "Channels saved for this server." if changes else "This server's channels:"
        await interaction.response.send_message(
            head + "\n" + "\n".join(lines) + warning, ephemeral=True)

    @app_commands.command(name="score", description="Show how the model scores a text")
    @app_commands.checks.has_permissions(manage_guild=True)
    async def score(self, interaction: discord.Interaction,
                    text: app_commands.Range[str, 1, 1000]) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        assert interaction.guild_id is not None
        preview = await self.review.preview(text, interaction.guild_id)
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

    @app_commands.command(name="health",
                          description="Gateway, storage, database, model weights, scoring queue")
    @app_commands.checks.has_permissions(manage_guild=True)
    async def health(self, interaction: discord.Interaction) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        checks = await live_checks(self.services, self.bot.latency)
        healthy = all(check.ok for check in checks)
        embed = discord.Embed(
            title="Vigil health: " + ("all good" if healthy else "needs attention"),
            colour=discord.Colour.green() if healthy else discord.Colour.red())
        for check in checks:
            embed.add_field(name=f"{'✅' if check.ok else '❌'} {check.name}",
                            value=check.detail[:1024], inline=False)
        await interaction.edit_original_response(embed=embed)


async def setup(bot: VigilBot) -> None:
    await bot.add_cog(Admin(bot, bot.services, bot.review))
