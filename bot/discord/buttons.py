"""The base of Vigil's persistent buttons, and the ephemeral answer they share.

A persistent button is a :class:`discord.ui.DynamicItem`: its custom id
(``vigil:<prefix>:<part>:<part>``) carries everything the click needs, so it works on any
message ever posted, across restarts, without storing views. A subclass names its prefix
and its parts once; the base builds the id, parses it back into constructor arguments and
refuses a clicker without the permission the button asks for.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, ClassVar, Self

import discord


async def say(interaction: discord.Interaction[Any], text: str) -> None:
    """Answer ephemerally whether or not the interaction was answered already."""
    if interaction.response.is_done():
        await interaction.followup.send(text, ephemeral=True)
    else:
        await interaction.response.send_message(text, ephemeral=True)


def missing_permission(interaction: discord.Interaction[Any], permission: str) -> str | None:
    """The permission's display name when the clicker lacks it (``ban_members``: "Ban
    Members"); None when they have it.

    Checked guild-wide, from the member's roles: a button acts on messages and members
    anywhere in the server, so Manage Messages granted only in #review must not let a
    helper delete elsewhere through the queue. Outside a guild nobody has it."""
    granted = getattr(interaction.user, "guild_permissions", None)  # a Member's roles
    if granted is not None and getattr(granted, permission):
        return None
    return permission.replace("_", " ").title()


@dataclass(frozen=True, slots=True)
class Part:
    """One ``:``-separated piece of a custom id: what it may look like, how it is read."""

    pattern: str
    parse: Callable[[str], Any]


#: A database id or number.
NUMBER = Part("[0-9]+", int)


def choice(enum: type[StrEnum], members: Any) -> Part:
    """A part that is one of ``members`` (values of ``enum``), read back as the member."""
    return Part("|".join(re.escape(enum(m).value) for m in members), enum)


class PersistentButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    # The base is never registered; its template matches nothing.
    template=r"(?!)",
):
    #: The parts of the custom id after ``vigil:<prefix>:``, in constructor order.
    parts: ClassVar[Mapping[str, Part]]
    prefix: ClassVar[str]

    def __init_subclass__(cls, *, prefix: str, parts: Mapping[str, Part]) -> None:
        cls.prefix, cls.parts = prefix, parts
        fields = ":".join(f"(?P<{name}>{part.pattern})" for name, part in parts.items())
        super().__init_subclass__(template=f"vigil:{re.escape(prefix)}:{fields}")

    def __init__(
        self, values: tuple[object, ...], *, label: str, style: discord.ButtonStyle,
        permission: str | None = None,
    ) -> None:
        """``values`` as they are written in the id; ``permission`` the clicker needs."""
        custom_id = ":".join(("vigil", self.prefix, *map(str, values)))
        super().__init__(discord.ui.Button(label=label, style=style, custom_id=custom_id))
        self.permission = permission

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any],
        match: re.Match[str],
    ) -> Self:
        # Subclasses take their parts positionally, in the order ``parts`` names them.
        make: Callable[..., Self] = cls
        return make(*(part.parse(match[name]) for name, part in cls.parts.items()))

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        if self.permission is not None:
            name = missing_permission(interaction, self.permission)
            if name is not None:
                await say(interaction, f"You need the {name} permission for that.")
                return
        await self.clicked(interaction)

    async def clicked(self, interaction: discord.Interaction[Any]) -> None:
        """What a permitted click does."""
        raise NotImplementedError
