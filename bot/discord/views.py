"""The member-facing appeal controls, shared by the DM the executor sends and ``/appeal``.

The Appeal button is a :class:`~bot.discord.buttons.PersistentButton`: its custom id
carries the guild and case number, so a click works on any DM ever sent, across restarts,
without storing views. Both the button and ``/appeal`` open :class:`AppealModal`; a filed appeal is
announced with the custom event ``appeal_filed`` (``on_appeal_filed(appeal, case)``),
which ``cogs.appeals`` turns into a post in the appeals channel.
"""

from __future__ import annotations

import logging
from typing import Any

import discord

from bot.appeals import AppealError
from bot.discord.buttons import NUMBER, PersistentButton, say
from bot.discord.host import vigil

log = logging.getLogger(__name__)

APPEAL_TEXT_MAX = 1500
#: (channel, guild) pairs already warned about: a shared file naming one server's channels
#: would otherwise log once per case of every other server.
_WARNED: set[tuple[int, int]] = set()


class AppealModal(discord.ui.Modal):
    def __init__(self, guild_id: int, number: int, min_length: int) -> None:
        super().__init__(title=f"Appeal case #{number}", timeout=900)
        self.guild_id = guild_id
        self.number = number
        self.text: discord.ui.TextInput[AppealModal] = discord.ui.TextInput(
            label="Why should this be reversed?",
            custom_id="appeal_text",
            style=discord.TextStyle.paragraph,
            min_length=min(min_length, APPEAL_TEXT_MAX),
            max_length=APPEAL_TEXT_MAX,
        )
        self.add_item(self.text)

    async def on_submit(self, interaction: discord.Interaction[Any]) -> None:
        bot = vigil(interaction)
        try:
            appeal = await bot.services.appeals.file(
                self.guild_id, self.number, interaction.user.id, self.text.value
            )
        except AppealError as exc:
            await say(interaction, f"Your appeal could not be filed: {exc}.")
            return
        case = await bot.review.get(appeal.case_id, self.guild_id)
        await interaction.response.send_message(
            f"Your appeal of case #{self.number} was sent to the moderators. "
            "You will get their decision here.",
            ephemeral=interaction.guild is not None,
        )
        bot.dispatch("appeal_filed", appeal, case)


async def open_appeal_modal(
    interaction: discord.Interaction[Any], guild_id: int, number: int
) -> None:
    """Check what can be checked before the member types, then show the modal."""
    bot = vigil(interaction)
    settings = bot.services.policy.for_guild(guild_id).appeals
    case = await bot.review.by_number(guild_id, number)
    if not settings.enabled:
        await say(interaction, "Appeals are closed in this server.")
    elif case is None or case.target_id != interaction.user.id:
        await say(interaction, f"You have no case #{number} to appeal in that server.")
    else:
        await interaction.response.send_modal(
            AppealModal(guild_id, number, settings.min_length)
        )


class AppealButton(PersistentButton, prefix="appeal", parts={"guild": NUMBER, "number": NUMBER}):
    def __init__(self, guild_id: int, number: int) -> None:
        super().__init__((guild_id, number), label="Appeal", style=discord.ButtonStyle.primary)
        self.guild_id = guild_id
        self.number = number

    async def clicked(self, interaction: discord.Interaction[Any]) -> None:
        await open_appeal_modal(interaction, self.guild_id, self.number)


async def policy_channel(
    client: discord.Client, channel_id: int | None, guild_id: int
) -> discord.abc.Messageable | None:
    """A channel a server's policy names (review, mod log, appeals), only if it is in that
    server: a shared default file or a mistyped id must never carry one server's cases
    into another's channel. None when unset, gone or elsewhere."""
    if not channel_id:
        return None
    channel = client.get_channel(channel_id)
    if channel is None:
        try:
            channel = await client.fetch_channel(channel_id)
        except discord.HTTPException:
            return None
    if getattr(getattr(channel, "guild", None), "id", None) != guild_id:
        if (channel_id, guild_id) not in _WARNED:  # once per pair, not per case
            _WARNED.add((channel_id, guild_id))
            log.warning("channel %s named by guild %s's policy is not in that guild: nothing "
                        "of it is posted there (set its channels with /vigil setup)",
                        channel_id, guild_id)
        return None
    return channel if isinstance(channel, discord.abc.Messageable) else None


def score_lines(scores: dict[str, float], limit: int = 6) -> str:
    top = sorted(scores.items(), key=lambda kv: -kv[1])[:limit]
    return "\n".join(f"`{label:<16}` {value:.2f}" for label, value in top) or "-"
