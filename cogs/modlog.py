"""The mod log: one entry per case that follows it, and lines for erasures.

Fed only by custom events: ``case_opened`` / ``case_updated`` / ``case_resolved`` from the
CaseService hook (bridged in ``bot/discord/app.py``), ``appeal_decided`` from the appeals
cog, ``member_data_erased`` from the admin cog. A case's entry is posted once, its message
id recorded on the case (a ``modlog_posted`` event), and edited as the case moves on: the
outcome of its action (with the error when it failed), who resolved it and why, an appeal
denied. A bot restarted finds the entry through the case's history.
"""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from typing import TYPE_CHECKING

import discord
from discord.ext import commands

from bot.appeals import AppealDecision
from bot.discord.views import policy_channel
from bot.privacy import count_lines
from bot.review import ReviewService
from bot.services import Services
from bot.storage.records import AppealStatus, Case, CaseEvent, CaseStatus, Erasure

if TYPE_CHECKING:
    from bot.discord.app import VigilBot

log = logging.getLogger(__name__)

_COLOURS = {
    CaseStatus.PENDING: discord.Colour.orange(),
    CaseStatus.APPLIED: discord.Colour.red(),
    CaseStatus.FAILED: discord.Colour.dark_red(),
    CaseStatus.OPEN: discord.Colour.gold(),
    CaseStatus.SHADOW: discord.Colour.light_grey(),
    CaseStatus.CLOSED: discord.Colour.dark_grey(),
    CaseStatus.REVERSED: discord.Colour.green(),
}
#: Events that resolve a case; their ``note`` says why (an appeal's note, a review verdict).
_RESOLVING = frozenset({"resolved", "escalated"})
POSTED = "modlog_posted"
EXCERPT_CHARS = 300
#: Per-case locks, so an edit never races the post it edits (bounded: old ones drop).
_LOCKS_KEPT = 1024


def log_embed(case: Case, history: list[CaseEvent] | None = None) -> discord.Embed:
    """The entry as the case now stands: status, outcome, excerpt, who resolved it."""
    events = history or []
    by = f"<@{case.moderator_id}>" if case.moderator_id else "automod"
    minutes = f" ({case.duration_minutes} min)" if case.duration_minutes else ""
    embed = discord.Embed(
        title=f"Case #{case.number} · {case.action}{minutes} · {case.status.value}",
        description=case.reason[:2000] or "no reason",
        colour=_COLOURS.get(case.status, discord.Colour.default()),
    )
    embed.add_field(name="Member", value=f"<@{case.target_id}> ({case.target_name or '?'})")
    embed.add_field(name="By", value=by)
    embed.add_field(name="Status", value=case.status.value)
    if case.jump_url:
        embed.add_field(name="Message", value=f"[Jump]({case.jump_url})")
    if case.excerpt:
        text = case.excerpt[:EXCERPT_CHARS].replace("`", "'")
        embed.add_field(name="Excerpt", value=f"```{text}```", inline=False)
    if case.status is CaseStatus.FAILED and case.last_error:
        embed.add_field(name="Error", value=case.last_error[:1024], inline=False)
    note, actor = resolution(events)
    if actor is not None or note:
        embed.add_field(name="Resolved by", value=f"<@{actor}>" if actor else "automod")
        if note:
            embed.add_field(name="Note", value=note[:1024], inline=False)
    denial = _denial(events)
    if denial:
        embed.add_field(name="Appeal", value=denial[:1024], inline=False)
    embed.timestamp = case.updated_at
    return embed


def resolution(events: list[CaseEvent]) -> tuple[str, int | None]:
    """(note, moderator) of the latest event that resolved the case; ("", None) if none."""
    for event in reversed(events):
        if event.kind in _RESOLVING:
            return str(event.detail.get("note") or ""), event.actor_id
    return "", None


def _denial(events: list[CaseEvent]) -> str:
    for event in reversed(events):
        if event.kind == "appeal_denied":
            by = f"<@{event.actor_id}>" if event.actor_id else "a moderator"
            note = event.detail.get("note")
            return f"denied by {by}" + (f": {note}" if note else "")
    return ""


def _posted(events: list[CaseEvent]) -> tuple[int, int] | None:
    for event in reversed(events):
        if event.kind == POSTED:
            return int(event.detail["channel_id"]), int(event.detail["message_id"])
    return None


class ModLog(commands.Cog):
    def __init__(self, bot: commands.Bot, services: Services, review: ReviewService) -> None:
        self.bot = bot
        self.services = services
        self.review = review
        self._locks: OrderedDict[int, asyncio.Lock] = OrderedDict()
        #: Entries being posted or edited: the bot's shutdown lets them finish (they read
        #: and note the case) before the services close the database.
        self._inflight: set[asyncio.Task[object]] = set()

    async def cog_unload(self) -> None:
        await self.drain()

    async def drain(self, seconds: float = 5.0) -> None:
        """Wait for the entries being posted or edited now."""
        pending = [task for task in self._inflight if not task.done()]
        if pending:
            await asyncio.wait(pending, timeout=seconds)

    async def _channel(self, guild_id: int) -> discord.abc.Messageable | None:
        """The mod log of the server the entry is about, never another's."""
        mod_log = self.services.policy.for_guild(guild_id).discord.mod_log
        return await policy_channel(self.bot, mod_log, guild_id)

    async def _post(self, guild_id: int, embed: discord.Embed) -> discord.Message | None:
        channel = await self._channel(guild_id)
        if channel is None:
            return None
        try:
            return await channel.send(embed=embed)
        except discord.HTTPException:
            log.exception("could not post to the mod log")
            return None

    def _lock(self, case_id: int) -> asyncio.Lock:
        lock = self._locks.pop(case_id, None) or asyncio.Lock()
        self._locks[case_id] = lock
        while len(self._locks) > _LOCKS_KEPT:
            self._locks.popitem(last=False)
        return lock

    async def _show(self, case: Case) -> None:
        """Post the case's entry, or edit the one posted, to show the case as it stands."""
        task = asyncio.current_task()
        if task is not None:
            self._inflight.add(task)
            task.add_done_callback(self._inflight.discard)
        async with self._lock(case.id):
            current = await self.services.cases.by_id(case.id) or case
            history = await self.review.history(current)
            embed = log_embed(current, history)
            where = _posted(history)
            if where is not None and await self._edit(current.guild_id, where, embed):
                return
            message = await self._post(current.guild_id, embed)
            if message is not None:
                await self.services.cases.note(current, POSTED, detail={
                    "channel_id": message.channel.id, "message_id": message.id})

    async def _edit(self, guild_id: int, where: tuple[int, int], embed: discord.Embed) -> bool:
        channel = await self._channel(guild_id)
        if channel is None or getattr(channel, "id", None) != where[0]:
            return False  # the mod log moved: a fresh entry there
        try:
            await channel.get_partial_message(where[1]).edit(embed=embed)  # type: ignore[attr-defined]
        except discord.NotFound:
            return False  # deleted by someone: post it again
        except discord.HTTPException:
            log.exception("could not edit the mod-log entry of a case")
            return True  # it exists; a later change edits it again
        return True

    @commands.Cog.listener()
    async def on_case_opened(self, case: Case) -> None:
        await self._show(case)

    @commands.Cog.listener()
    async def on_case_updated(self, case: Case) -> None:
        await self._show(case)

    @commands.Cog.listener()
    async def on_case_resolved(self, case: Case) -> None:
        await self._show(case)

    @commands.Cog.listener()
    async def on_appeal_decided(self, decision: AppealDecision) -> None:
        # A granted appeal resolves the case (case_resolved); a denial leaves its status as
        # it was, so the entry gains the denial and who made it.
        if decision.appeal.status is AppealStatus.DENIED:
            await self._show(decision.case)

    @commands.Cog.listener()
    async def on_member_data_erased(self, erasure: Erasure) -> None:
        embed = discord.Embed(
            title="Member data erased",
            description=f"<@{erasure.user_id}> (`{erasure.user_id}`), on request. Case numbers, "
                        "actions and outcomes are kept.",
            colour=discord.Colour.dark_grey(),
        )
        embed.add_field(name="By", value=f"<@{erasure.actor_id}>" if erasure.actor_id
                        else "command line")
        for label, count in count_lines(erasure.counts):
            embed.add_field(name=label.capitalize(), value=str(count))
        embed.timestamp = erasure.at
        await self._post(erasure.guild_id, embed)


    @commands.Cog.listener()
    async def on_server_settings_changed(self, guild_id: int, actor_id: int,
                                         change: str) -> None:
        """``/vigil setup`` or ``/vigil shadow`` in this server, for its moderators to see."""
        embed = discord.Embed(title="Vigil settings changed", description=change[:2000],
                              colour=discord.Colour.blurple())
        embed.add_field(name="By", value=f"<@{actor_id}>")
        await self._post(guild_id, embed)


async def setup(bot: VigilBot) -> None:
    await bot.add_cog(ModLog(bot, bot.services, bot.review))
