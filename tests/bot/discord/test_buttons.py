"""PersistentButton: the custom id a subclass declares is built, parsed back and guarded."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

import discord

from bot.discord.buttons import NUMBER, PersistentButton, choice


class Colour(StrEnum):
    RED = "red"
    BLUE = "blue"


class Sample(
    PersistentButton, prefix="sample", parts={"item": NUMBER, "colour": choice(Colour, Colour)}
):
    def __init__(self, item: int, colour: Colour) -> None:
        super().__init__((item, colour.value), label="Go", style=discord.ButtonStyle.primary,
                         permission="ban_members")
        self.thing, self.colour = item, colour


async def test_the_custom_id_round_trips_through_the_template() -> None:
    button = Sample(7, Colour.BLUE)
    assert button.custom_id == "vigil:sample:7:blue"
    match = Sample.__discord_ui_compiled_template__.match(button.custom_id)
    assert match is not None
    back = await Sample.from_custom_id(None, None, match)  # type: ignore[arg-type]
    assert (back.thing, back.colour) == (7, Colour.BLUE)
    assert Sample.__discord_ui_compiled_template__.match("vigil:sample:7:green") is None


class _Response:
    def __init__(self) -> None:
        self.sent: list[str] = []

    def is_done(self) -> bool:
        return False

    async def send_message(self, text: str, **_: Any) -> None:
        self.sent.append(text)


class _Member:
    def __init__(self, permissions: discord.Permissions) -> None:
        self.guild_permissions = permissions


class _Interaction:
    def __init__(self, *, ban_members: bool, in_channel: bool | None = None) -> None:
        """``ban_members`` from the clicker's roles; ``in_channel`` (default the same) in
        the channel the button was clicked in."""
        channel = ban_members if in_channel is None else in_channel
        self.permissions = discord.Permissions(ban_members=channel)
        self.user = _Member(discord.Permissions(ban_members=ban_members))
        self.response = _Response()


async def test_a_clicker_without_the_permission_is_refused() -> None:
    clicks: list[object] = []

    class Counting(Sample, prefix="counting", parts=Sample.parts):
        async def clicked(self, interaction: discord.Interaction[Any]) -> None:
            clicks.append(interaction)

    refused, allowed = _Interaction(ban_members=False), _Interaction(ban_members=True)
    await Counting(1, Colour.RED).callback(refused)  # type: ignore[arg-type]
    await Counting(1, Colour.RED).callback(allowed)  # type: ignore[arg-type]
    assert refused.response.sent == ["You need the Ban Members permission for that."]
    assert clicks == [allowed]


async def test_the_permission_is_checked_guild_wide_not_in_the_channel() -> None:
    clicks: list[object] = []

    class Counting(Sample, prefix="counting2", parts=Sample.parts):
        async def clicked(self, interaction: discord.Interaction[Any]) -> None:
            clicks.append(interaction)

    # Granted only by a channel overwrite where the button was posted: refused.
    channel_only = _Interaction(ban_members=False, in_channel=True)
    await Counting(1, Colour.RED).callback(channel_only)  # type: ignore[arg-type]
    assert channel_only.response.sent == ["You need the Ban Members permission for that."]
    # From a role, even where a channel overwrite takes it away: allowed.
    role = _Interaction(ban_members=True, in_channel=False)
    await Counting(1, Colour.RED).callback(role)  # type: ignore[arg-type]
    assert clicks == [role]
