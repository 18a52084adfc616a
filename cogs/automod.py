"""Automatic moderation: every guild message (and changed edit) through the pipeline.

Discord in: a message becomes a :class:`MessageEvent` (author facts with role ids and
names, reply parent, channel id and name). Out: nothing here — the pipeline records the
case and the CaseService carries it out through the one executor. Exemptions and shadow
mode are policy decisions made in the core. Member joins feed the raid detector.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import discord
from discord.ext import commands

from bot.event import AuthorFacts, MessageEvent, needs_rescore
from bot.pipeline import MessageOutcome
from bot.services import Services

if TYPE_CHECKING:
    from bot.discord.app import VigilBot

log = logging.getLogger(__name__)

_SCORED_TYPES = (discord.MessageType.default, discord.MessageType.reply)


def author_facts(member: discord.Member) -> AuthorFacts:
    roles = frozenset(str(role.id) for role in member.roles if not role.is_default())
    roles |= frozenset(role.name for role in member.roles if not role.is_default())
    return AuthorFacts(
        id=member.id, name=member.name, created_at=member.created_at,
        joined_at=member.joined_at, roles=roles, is_bot=member.bot,
    )


def message_event(message: discord.Message, *, edited: bool = False) -> MessageEvent | None:
    """The core's view of a guild message; None for what automod never scores."""
    if (
        message.guild is None
        or message.webhook_id is not None
        or message.author.bot
        or not isinstance(message.author, discord.Member)
        or message.type not in _SCORED_TYPES
        or not message.content.strip()
    ):
        return None
    reply_to_id = parent_text = parent_author_id = None
    if message.reference is not None and message.reference.message_id is not None:
        reply_to_id = message.reference.message_id
        parent = message.reference.resolved
        if isinstance(parent, discord.Message):
            parent_text = parent.content or None
            parent_author_id = parent.author.id
    channel = message.channel
    keys = {str(channel.id)}
    name = getattr(channel, "name", None)
    if name:
        keys.add(name)
    parent_channel = getattr(channel, "parent", None)  # threads follow their channel's rules
    if parent_channel is not None:
        keys |= {str(parent_channel.id), parent_channel.name}
    return MessageEvent.build(
        id=message.id, guild_id=message.guild.id, channel_id=channel.id,
        author=author_facts(message.author), content=message.content,
        created_at=message.edited_at if edited and message.edited_at else message.created_at,
        reply_to_id=reply_to_id, parent_text=parent_text, parent_author_id=parent_author_id,
        attachments=len(message.attachments), embeds=len(message.embeds),
        channel_keys=frozenset(keys), edited=edited, jump_url=message.jump_url,
    )


class Automod(commands.Cog):
    def __init__(self, services: Services) -> None:
        self.services = services

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        event = message_event(message)
        if event is not None:
            await self._handle(event)

    @commands.Cog.listener()
    async def on_message_edit(self, before: discord.Message, after: discord.Message) -> None:
        if not needs_rescore(before.content, after.content):
            return  # embeds unfurled, pinned, ...: the text is what is scored
        event = message_event(after, edited=True)
        if event is not None:
            await self._handle(event)

    async def _handle(self, event: MessageEvent) -> MessageOutcome:
        outcome = await self.services.pipeline.handle(event)
        if outcome.case is not None:
            log.info("message %s -> case #%d %s (%s)", event.id, outcome.case.number,
                     outcome.case.action, outcome.case.status.value)
        return outcome

    @commands.Cog.listener()
    async def on_member_join(self, member: discord.Member) -> None:
        pipeline = self.services.pipeline
        policy = self.services.policy.for_guild(member.guild.id)
        if pipeline.detector is None or member.bot or not policy.campaigns.enabled:
            return
        at = member.joined_at or discord.utils.utcnow()
        alerts = pipeline.detector.observe_join(member.guild.id, author_facts(member), at, policy)
        for alert in alerts:
            await pipeline.open_alert(alert, policy)


async def setup(bot: VigilBot) -> None:
    await bot.add_cog(Automod(bot.services))
