"""``/vigil config show``: one server's policy, channels and switches, and where each
value comes from (its own file, the default file, a command, or the built-in default)."""

from __future__ import annotations

import discord

from bot.policy_config import Policy
from bot.server_settings import Setting

#: How each setting is named to admins.
_NAMES = {
    "discord.review": "Review channel",
    "discord.mod_log": "Mod log",
    "discord.appeals": "Appeals channel",
    "discord.quarantine_role": "Quarantine role",
    "shadow_mode": "Shadow mode",
    "campaigns": "Campaigns",
    "flood": "Flood",
    "claims": "Claims",
}


def shown_value(setting: Setting) -> str:
    if setting.key == "discord.quarantine_role":
        return f"<@&{setting.value}>" if setting.value else "not set"
    if setting.key.startswith("discord."):
        return f"<#{setting.value}>" if setting.value else "not set"
    if setting.key == "shadow_mode":
        return "ON (scoring and recording only)" if setting.value else "off"
    return str(setting.value)


def policy_summary(policy: Policy, settings: list[Setting], *, files: str, bot_version: str,
                   model_version: str) -> discord.Embed:
    shadow = "ON (scoring and recording only)" if policy.shadow_mode else "off"
    embed = discord.Embed(
        title="Vigil policy",
        description=(f"**Shadow mode: {shadow}**\n"
                     f"Policy `{policy.version or '?'}` from {files} · model `{model_version}`"
                     f" · Vigil {bot_version}"),
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
    lines = [f"**{_NAMES.get(s.key, s.key)}**: {shown_value(s)} · _{s.origin}_"
             for s in settings]
    embed.add_field(name="This server's channels and switches (value · from)",
                    value="\n".join(lines)[:1024], inline=False)
    embed.add_field(name="Appeals per day", value=str(policy.appeals.per_day)
                    if policy.appeals.enabled else "appeals closed")
    return embed
