"""The second server of the two-server tests: its channels, staff and members."""

from __future__ import annotations

from dataclasses import dataclass

import discord
import pytest
import simcord

from tests.cogs.conftest import MOD_PERMISSIONS, World

GREY = "what a moron"  # FakeScorer: review band
ABUSE = "you idiot"  # FakeScorer: act band (delete)


@dataclass
class Other:
    """The second server: its own channels, moderator, admin and members."""

    guild: simcord.GuildHandle
    general: simcord.ChannelHandle
    review: simcord.ChannelHandle
    modlog: simcord.ChannelHandle
    mod: simcord.MemberActor
    admin: simcord.MemberActor
    carol: simcord.MemberActor
    #: Alice is a member of both servers.
    alice: simcord.MemberActor


@pytest.fixture
async def other(world: World) -> Other:
    guild = world.env.create_guild("Other Server")
    mods = guild.create_role("Moderators", permissions=MOD_PERMISSIONS)
    admins = guild.create_role("Admins", permissions=discord.Permissions(
        manage_guild=True, view_channel=True, send_messages=True,
        use_application_commands=True))
    return Other(
        guild=guild, general=guild.create_text_channel("general"),
        review=guild.create_text_channel("queue"), modlog=guild.create_text_channel("log"),
        mod=guild.add_member(world.env.create_user("mod2"), roles=[mods]),
        admin=guild.add_member(world.env.create_user("admin2"), roles=[admins]),
        carol=guild.add_member(world.env.create_user("carol")),
        alice=guild.add_member(world.alice.user),
    )


async def setup_channels(world: World, other: Other) -> None:
    result = await other.admin.slash(other.general, "vigil setup", review=other.review,
                                     mod_log=other.modlog)
    assert result.response is not None
    assert "Channels saved for this server." in result.response.content


def texts(channel: simcord.ChannelHandle) -> str:
    return "\n".join(str(m.content) + str([e.to_dict() for e in m.embeds])
                     for m in channel.history())
