"""``/vigil``: policy summary and reload, shadow mode, score preview, stats (Manage Server)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

import discord
from discord import app_commands
from discord.ext import commands

from bot.policy_config import Policy, PolicyConfigError
from bot.review import ReviewService
from bot.services import Services

if TYPE_CHECKING:
    from bot.app import VigilBot


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
        await interaction.response.send_message(embed=embed, ephemeral=True)


async def setup(bot: VigilBot) -> None:
    await bot.add_cog(Admin(bot, bot.services, bot.review))
