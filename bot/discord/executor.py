"""The one place where a case turns into Discord API calls.

:class:`DiscordExecutor` implements :class:`bot.actions.ActionExecutor` and never raises:
refusals, API errors, dropped connections and timeouts all come back as
:class:`ActionOutcome` failures carrying the error code (see :mod:`bot.discord.faults`),
so the core always records an outcome and no case is left PENDING by a fault.

Three promises to members:

* The checks Discord would make (permission, role hierarchy, member present) run before
  the notice; when the action would be refused, no "You were banned" goes out.
* A message removal that fails never stops the sanction after it; the delete's result is
  recorded beside the sanction's.
* If an action fails after the member was told of it, a correction follows.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

import discord

from bot.action_kinds import action_spec
from bot.actions import ActionOutcome
from bot.discord import notices
from bot.discord.faults import RetryPolicy, Sleep, Trace
from bot.discord.sanctions import (
    MAX_TIMEOUT,
    MISSING_PERMISSIONS,
    UNKNOWN_MEMBER,
    carry_out,
    check,
    check_delete,
    moderator_refusal,
    needs_member,
    unban,
    unquarantine,
    untimeout,
)
from bot.discord.views import AppealButton
from bot.policy_config import Policy
from bot.storage.records import Case, CaseKind

__all__ = [
    "CANNOT_DM", "MAX_TIMEOUT", "MISSING_PERMISSIONS", "UNKNOWN_GUILD", "UNKNOWN_MEMBER",
    "DiscordExecutor", "moderator_refusal",
]

log = logging.getLogger(__name__)

CANNOT_DM = 50007
UNKNOWN_GUILD = 10004


class DiscordExecutor:
    """Carries out cases through a connected discord.py client (attached after building)."""

    def __init__(self, policy: Callable[[int], Policy], *, retry: RetryPolicy | None = None,
                 sleep: Sleep = asyncio.sleep) -> None:
        #: A server's policy by its id (its appeals switch and quarantine role).
        self._policy = policy
        self._client: discord.Client | None = None
        self.retry = retry or RetryPolicy()
        #: How backoff waits; tests record the waits instead of sleeping.
        self.sleep = sleep

    def attach(self, client: discord.Client) -> None:
        self._client = client

    @property
    def client(self) -> discord.Client:
        if self._client is None:
            raise RuntimeError("DiscordExecutor used before a client was attached")
        return self._client

    def _trace(self) -> Trace:
        return Trace(self.retry, self.sleep)

    # ------------------------------------------------------------ protocol

    async def notify(self, case: Case) -> ActionOutcome:
        trace = self._trace()
        try:
            refusal = await self._preflight(trace, case)
        except Exception as exc:  # could not check: say nothing rather than guess
            return trace.failure(exc, "check", dm_withheld=True)
        if refusal is not None:
            log.info("case #%d: not telling member %s, the action would fail: %s",
                     case.number, case.target_id, refusal.error)
            return trace.refused(refusal, dm_withheld=True)
        guild = self.client.get_guild(case.guild_id)
        appeals = self._policy(case.guild_id).appeals.enabled
        embed = notices.notice(case, guild.name if guild else "the server", appeals=appeals)
        view = discord.ui.View(timeout=None)
        if appeals:
            view.add_item(AppealButton(case.guild_id, case.number))
        try:
            user = await self._user(trace, case.target_id)
            await trace.call("dm", lambda: user.send(embed=embed, view=view), idempotent=False)
        except Exception as exc:
            log.info("could not DM member %s about case #%d: %s", case.target_id, case.number, exc)
            return trace.failure(exc, "dm")
        return trace.success(dm=True)

    async def apply(self, case: Case, *, told: bool = False,
                    resumed: bool = False) -> ActionOutcome:
        trace = self._trace()
        try:
            found = await self._already_applied(trace, case) if resumed else None
            outcome = found or await self._apply(trace, case)
        except Exception as exc:
            outcome = trace.failure(exc, case.action)
        if told and not outcome.ok:
            outcome = await self._correct(case, outcome)
        return outcome

    async def reverse(self, case: Case) -> ActionOutcome:
        trace = self._trace()
        try:
            outcome = await self._reverse(trace, case)
        except Exception as exc:
            outcome = trace.failure(exc, f"undo {case.action}")
        return outcome

    async def tell(self, member_id: int, text: str) -> ActionOutcome:
        trace = self._trace()
        try:
            user = await self._user(trace, member_id)
            await trace.call("dm", lambda: user.send(text[:2000]), idempotent=False)
        except Exception as exc:
            return trace.failure(exc, "dm")
        return trace.success(dm=True)

    # ------------------------------------------------------------ actions

    async def _already_applied(self, trace: Trace, case: Case) -> ActionOutcome | None:
        """After a crash between starting an action and recording it: is it in place?

        A success when Discord shows it done (so it is not done twice); None to act."""
        guild = self.client.get_guild(case.guild_id)
        if guild is None or case.action not in ("ban", "kick", "timeout", "quarantine"):
            return None  # a delete finds the message gone by itself; a warn is its DM
        if case.action == "ban":
            try:
                target = discord.Object(case.target_id)
                await trace.call("fetch_ban", lambda: guild.fetch_ban(target),
                                 passthrough=(discord.NotFound,))
            except discord.NotFound:
                return None
            return trace.success(already_applied=True)
        member = await self._member(trace, guild, case.target_id)
        if member is None:
            # Gone: kicked by the run that stopped (or left); nothing is left to act on.
            return trace.success(already_applied=case.action == "kick", member_gone=True)
        if case.action == "timeout":
            until = member.timed_out_until
            return trace.success(already_applied=True) if until and until > discord.utils.utcnow() \
                else None
        if case.action == "quarantine":
            role = self._quarantine_role(guild)
            return trace.success(already_applied=True) if role and role in member.roles else None
        return None

    async def _preflight(self, trace: Trace, case: Case) -> ActionOutcome | None:
        """What acting would be refused for, asked before the member is told of it."""
        action = case.action
        if not action_spec(action).acts or action == "warn":
            return None
        guild = self.client.get_guild(case.guild_id)
        if guild is None:
            return ActionOutcome.failure("the bot is not in that server", UNKNOWN_GUILD)
        me = await self._me(trace, guild)
        if action == "delete":
            if case.kind is not CaseKind.MESSAGE or not case.message_id:
                return None
            return check_delete(await self._channel(trace, guild, case), me)
        member = await self._member(trace, guild, case.target_id)
        return check(action, me, member, self._quarantine_role(guild))

    async def _apply(self, trace: Trace, case: Case) -> ActionOutcome:
        action = case.action
        spec = action_spec(action)
        if not spec.acts:
            return ActionOutcome.success(nothing_to_do=True)
        guild = self.client.get_guild(case.guild_id)
        if guild is None:
            return ActionOutcome.failure("the bot is not in that server", UNKNOWN_GUILD)
        me = await self._me(trace, guild)
        detail: dict[str, object] = {}
        if spec.removes_message and case.kind is CaseKind.MESSAGE and case.message_id:
            removed = await self._delete_message(trace, guild, me, case)
            if action == "delete":
                return removed
            # The sanction is what is recorded; the removal's result rides along with it.
            detail["message_removed"] = removed.ok
            if not removed.ok:
                detail.update(delete_error=removed.error, delete_code=removed.code)
        if action == "warn":
            return trace.success(warned_by_dm=True)
        try:
            member = (await self._member(trace, guild, case.target_id)
                      if needs_member(action) or action == "ban" else None)
            role = self._quarantine_role(guild)
            refused = check(action, me, member, role)
            if refused:
                return trace.refused(refused, **detail)
            outcome = await carry_out(trace, case, guild, member, role)
        except Exception as exc:
            return trace.failure(exc, action, **detail)
        return ActionOutcome(outcome.ok, outcome.error, outcome.code, {**outcome.detail, **detail})

    async def _reverse(self, trace: Trace, case: Case) -> ActionOutcome:
        guild = self.client.get_guild(case.guild_id)
        if guild is None:
            return ActionOutcome.failure("the bot is not in that server", UNKNOWN_GUILD)
        me = await self._me(trace, guild)
        if case.action == "ban":
            refused = check("unban", me, None, None)
            return trace.refused(refused) if refused else await unban(trace, guild, case)
        member = await self._member(trace, guild, case.target_id)
        if member is None:  # left the server: nothing of ours remains on them
            return trace.success(member_gone=True)
        if case.action == "timeout":
            refused = check("untimeout", me, member, None)
            return trace.refused(refused) if refused else await untimeout(trace, member, case)
        if case.action == "quarantine":
            role = self._quarantine_role(guild)
            refused = check("quarantine", me, member, role)
            if refused or role is None:
                return trace.refused(refused or ActionOutcome.failure("no quarantine role"))
            return await unquarantine(trace, member, role, case)
        return trace.success(nothing_to_undo=True)

    async def _delete_message(
        self, trace: Trace, guild: discord.Guild, me: discord.Member, case: Case
    ) -> ActionOutcome:
        """Take the message down; never raises, so a failure cannot stop what follows."""
        assert case.message_id is not None
        try:
            channel = await self._channel(trace, guild, case)
            refused = check_delete(channel, me)
            if refused:
                return trace.refused(refused)
            message = channel.get_partial_message(case.message_id)  # type: ignore[union-attr]
            await trace.call("delete", message.delete, passthrough=(discord.NotFound,))
        except discord.NotFound:
            return trace.success(already_deleted=True)
        except Exception as exc:
            return trace.failure(exc, "delete")
        return trace.success()

    async def _correct(self, case: Case, outcome: ActionOutcome) -> ActionOutcome:
        """The member was told of an action that then failed: tell them what is true."""
        guild = self.client.get_guild(case.guild_id)
        told = await self.tell(case.target_id,
                               notices.correction(case, guild.name if guild else "the server"))
        detail = {**outcome.detail, "correction_sent": told.ok}
        if not told.ok:
            detail["correction_error"] = told.error
        return ActionOutcome(outcome.ok, outcome.error, outcome.code, detail)

    # ------------------------------------------------------------ lookups

    async def _user(self, trace: Trace, user_id: int) -> discord.User:
        cached = self.client.get_user(user_id)
        if cached is not None:
            return cached
        return await trace.call("fetch_user", lambda: self.client.fetch_user(user_id))

    async def _me(self, trace: Trace, guild: discord.Guild) -> discord.Member:
        if guild.me is not None:
            return guild.me
        assert self.client.user is not None
        me_id = self.client.user.id
        return await trace.call("fetch_member", lambda: guild.fetch_member(me_id))

    async def _member(self, trace: Trace, guild: discord.Guild,
                      user_id: int) -> discord.Member | None:
        member = guild.get_member(user_id)
        if member is not None:
            return member
        try:  # a cold cache after a restart: ask Discord
            return await trace.call("fetch_member", lambda: guild.fetch_member(user_id),
                                    passthrough=(discord.NotFound,))
        except discord.NotFound:
            return None

    async def _channel(self, trace: Trace, guild: discord.Guild,
                       case: Case) -> discord.abc.GuildChannel | discord.Thread:
        assert case.channel_id is not None
        channel_id = case.channel_id
        cached = guild.get_channel_or_thread(channel_id)
        if cached is not None:
            return cached
        return await trace.call("fetch_channel", lambda: guild.fetch_channel(channel_id))

    def _quarantine_role(self, guild: discord.Guild) -> discord.Role | None:
        role_id = self._policy(guild.id).discord.quarantine_role
        return guild.get_role(role_id) if role_id else None
