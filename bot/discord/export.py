"""``python -m bot export``: a channel's history, through the bot's own token, as a transcript.

The bot reads what it can read (View Channel and Read Message History in the channel; the
Message Content intent, or every message reads empty) over the REST API, oldest first, and
writes one transcript line per message (the format ``replay`` reads). Roles and join dates
come from the member (fetched once per author when not cached: a member who left has
none). Nothing is stored and nothing is posted.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TextIO

import discord

log = logging.getLogger(__name__)

#: Message types replay treats as ordinary messages; others keep their name (skipped there).
ORDINARY = {discord.MessageType.default: "default", discord.MessageType.reply: "reply"}


class ExportError(RuntimeError):
    """The channel cannot be read (its id, and what Discord said)."""


@dataclass
class ExportCounts:
    channels: int = 0
    messages: int = 0
    attachments: int = 0
    embeds: int = 0

    def summary(self) -> str:
        return (f"{self.channels} channel(s): {self.messages} messages, "
                f"{self.attachments} attachments, {self.embeds} embeds")


class _Members:
    """Authors' member records, fetched once each (None: not in the server any more)."""

    def __init__(self, guild: discord.Guild | None) -> None:
        self.guild = guild
        self._known: dict[int, discord.Member | None] = {}

    async def get(self, author: discord.User | discord.Member) -> discord.Member | None:
        if isinstance(author, discord.Member):
            return author
        if self.guild is None or not isinstance(self.guild, discord.Guild):
            return None
        if author.id not in self._known:
            member = self.guild.get_member(author.id)
            if member is None:
                try:
                    member = await self.guild.fetch_member(author.id)
                except discord.NotFound:
                    member = None
            self._known[author.id] = member
        return self._known[author.id]


def author_line(author: discord.User | discord.Member,
                member: discord.Member | None) -> dict[str, Any]:
    roles: list[str | int] = []
    if member is not None:
        for role in member.roles:
            if not role.is_default():  # @everyone is every member's: no policy key
                roles.extend((role.name, role.id))
    return {
        "id": author.id, "name": (member.display_name if member else author.name)[:100],
        "created_at": author.created_at.isoformat(),
        "joined_at": member.joined_at.isoformat() if member and member.joined_at else None,
        "roles": roles, "bot": author.bot, "system": author.system,
    }


async def message_line(message: discord.Message, members: _Members) -> dict[str, Any]:
    assert message.guild is not None
    line: dict[str, Any] = {
        "id": message.id, "ts": message.created_at.isoformat(), "guild_id": message.guild.id,
        "channel_id": message.channel.id,
        "author": author_line(message.author, await members.get(message.author)),
        "content": message.content,
        "reply_to": message.reference.message_id if message.reference else None,
        "attachments": len(message.attachments), "embeds": len(message.embeds),
    }
    if message.type not in ORDINARY:
        line["type"] = message.type.name
    return line


async def _channel(client: discord.Client, channel_id: int) -> discord.abc.Messageable:
    channel = client.get_channel(channel_id)
    if channel is None:
        try:
            channel = await client.fetch_channel(channel_id)
        except (discord.NotFound, discord.Forbidden) as exc:
            raise ExportError(f"channel {channel_id}: {exc.text or exc}") from exc
    if not isinstance(channel, discord.TextChannel | discord.Thread | discord.VoiceChannel):
        raise ExportError(f"channel {channel_id} is not a server text channel or thread")
    return channel


async def export_channels(
    client: discord.Client, channel_ids: Sequence[int], since: datetime,
    until: datetime | None, out: TextIO, *, progress: Callable[[int], None] | None = None,
) -> ExportCounts:
    """Write every message of ``channel_ids`` from ``since`` (to ``until``) to ``out``."""
    counts = ExportCounts()
    for channel_id in channel_ids:
        channel = await _channel(client, channel_id)
        guild = getattr(channel, "guild", None)
        # Logged in over REST only, the guild is a placeholder without roles: fetch it.
        if guild is not None and (not isinstance(guild, discord.Guild) or not guild.roles):
            guild = await client.fetch_guild(guild.id)
        members = _Members(guild)
        try:
            async for message in channel.history(limit=None, after=since, before=until,
                                                 oldest_first=True):
                out.write(json.dumps(await message_line(message, members),
                                     ensure_ascii=False) + "\n")
                counts.messages += 1
                counts.attachments += len(message.attachments)
                counts.embeds += len(message.embeds)
                if progress is not None:
                    progress(1)
        except discord.Forbidden as exc:
            raise ExportError(f"channel {channel_id}: the bot may not read its history "
                              f"(View Channel and Read Message History): {exc.text}") from exc
        counts.channels += 1
    return counts


def run_export(token: str, channel_ids: Sequence[int], since: datetime, until: datetime | None,
               out: TextIO, *, progress: Callable[[int], None] | None = None) -> ExportCounts:
    """Log in over REST only (no gateway session), export, log out."""
    async def main() -> ExportCounts:
        intents = discord.Intents.none()
        intents.guilds = True
        intents.message_content = True
        async with discord.Client(intents=intents) as client:
            await client.login(token)
            return await export_channels(client, channel_ids, since, until, out,
                                         progress=progress)

    try:
        return asyncio.run(main())
    except discord.LoginFailure as exc:
        raise ExportError("Discord rejected VIGIL_TOKEN; reset the token in the Developer "
                          "Portal.") from exc
    except (OSError, discord.GatewayNotFound) as exc:  # aiohttp's connection errors are OSErrors
        raise ExportError(f"cannot reach Discord: {exc}") from exc
