"""What the member reads: the case notice and, when an action fails after it, the correction."""

from __future__ import annotations

import discord

from bot.action_kinds import action_spec
from bot.member_reasons import member_reason
from bot.storage.records import Case


def notice(case: Case, guild_name: str, *, appeals: bool) -> discord.Embed:
    headline = (action_spec(case.action).dm_headline
                or "A moderator acted on your account in **{guild}**.")
    embed = discord.Embed(
        title=f"Case #{case.number}",
        description=headline.format(guild=guild_name, minutes=case.duration_minutes),
        colour=discord.Colour.orange(),
    )
    # Plain words: the scores behind an automatic case are for moderators only.
    embed.add_field(name="Reason", value=(member_reason(case) or "no reason given")[:1024],
                    inline=False)
    if case.excerpt:
        embed.add_field(name="Your message", value=quote(case.excerpt), inline=False)
    if appeals:
        embed.set_footer(text="If you think this is a mistake, press Appeal and tell us why.")
    return embed


def correction(case: Case, guild_name: str) -> str:
    """Sent after a notice whose action then failed: the member is told what is true."""
    spec = action_spec(case.action)
    what = spec.correction or f"{spec.name} did not take effect"
    return (f"Correction to case #{case.number} in **{guild_name}**: {what}. "
            "Please disregard the earlier message about it.")


def quote(text: str, limit: int = 300) -> str:
    text = discord.utils.escape_mentions(text)
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return "> " + text.replace("\n", "\n> ")
