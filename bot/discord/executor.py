"""The one place where a case turns into Discord API calls.

:class:`DiscordExecutor` implements :class:`bot.actions.ActionExecutor`. It never raises
for Discord's refusals: missing permissions, role hierarchy, closed DMs and API errors come
back as :class:`ActionOutcome` failures carrying Discord's JSON error code, so the core
records them on the case. Before acting it checks what Discord would check (the bot's
permission and that its top role is above the member's) and reports the same code, 50013.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import discord

from bot.action_kinds import action_spec
from bot.actions import ActionOutcome
from bot.discord.views import AppealButton
from bot.policy_config import Policy
from bot.storage.records import Case, CaseKind

log = logging.getLogger(__name__)

MISSING_PERMISSIONS = 50013
CANNOT_DM = 50007
UNKNOWN_MEMBER = 10007
UNKNOWN_GUILD = 10004
#: Discord's limit for a timeout.
MAX_TIMEOUT = timedelta(days=28)

_PERMISSION_NAMES = {
    "manage_messages": "Manage Messages",
    "moderate_members": "Moderate Members",
    "kick_members": "Kick Members",
    "ban_members": "Ban Members",
    "manage_roles": "Manage Roles",
}

def describe_error(exc: discord.HTTPException) -> ActionOutcome:
    """An API refusal as an outcome: text for people, the JSON code for the record."""
    return ActionOutcome.failure(str(exc) or f"HTTP {exc.status}", code=exc.code or None)


class DiscordExecutor:
    """Carries out cases through a connected discord.py client (attached after building)."""

    def __init__(self, policy: Callable[[], Policy]) -> None:
        self._policy = policy
        self._client: discord.Client | None = None

    def attach(self, client: discord.Client) -> None:
        self._client = client

    @property
    def client(self) -> discord.Client:
        if self._client is None:
            raise RuntimeError("DiscordExecutor used before a client was attached")
        return self._client

    # ------------------------------------------------------------ protocol

    async def notify(self, case: Case) -> ActionOutcome:
        guild = self.client.get_guild(case.guild_id)
        try:
            user = await self._user(case.target_id)
            embed = self._notice(case, guild.name if guild else "the server")
            view = discord.ui.View(timeout=None)
            if self._policy().appeals.enabled:
                view.add_item(AppealButton(case.guild_id, case.number))
            await user.send(embed=embed, view=view)
        except discord.HTTPException as exc:
            log.info("could not DM member %s about case #%d: %s", case.target_id, case.number, exc)
            return describe_error(exc)
        return ActionOutcome.success(dm=True)

    async def apply(self, case: Case) -> ActionOutcome:
        try:
            outcome = await self._apply(case)
        except discord.HTTPException as exc:
            outcome = describe_error(exc)
        self._announce(case, outcome)
        return outcome

    async def reverse(self, case: Case) -> ActionOutcome:
        try:
            outcome = await self._reverse(case)
        except discord.HTTPException as exc:
            outcome = describe_error(exc)
        self._announce(case, outcome)
        return outcome

    async def tell(self, member_id: int, text: str) -> ActionOutcome:
        try:
            user = await self._user(member_id)
            await user.send(text[:2000])
        except discord.HTTPException as exc:
            return describe_error(exc)
        return ActionOutcome.success(dm=True)

    # ------------------------------------------------------------ actions

    async def _apply(self, case: Case) -> ActionOutcome:
        action = case.action
        spec = action_spec(action)
        if not spec.acts:
            return ActionOutcome.success(nothing_to_do=True)
        guild = self.client.get_guild(case.guild_id)
        if guild is None:
            return ActionOutcome.failure("the bot is not in that server", UNKNOWN_GUILD)
        me = await self._me(guild)
        detail: dict[str, Any] = {}
        if spec.removes_message and case.kind is CaseKind.MESSAGE and case.message_id:
            removed = await self._delete_message(guild, me, case)
            if action == "delete":
                return removed
            # Escalated actions take the message down too; the action is what is recorded.
            detail["message_removed"] = removed.ok
        if action == "warn":
            return ActionOutcome.success(warned_by_dm=True)
        if action == "unban":
            return await self._unban(guild, me, case)
        if action == "ban":
            outcome = await self._ban(guild, me, case)
        else:
            member = await self._member(guild, case.target_id)
            if member is None:
                return ActionOutcome.failure("the member is not in the server", UNKNOWN_MEMBER)
            if action == "timeout":
                outcome = await self._timeout(me, member, case)
            elif action == "untimeout":
                outcome = await self._untimeout(me, member, case)
            elif action == "kick":
                refused = _refuse(me, member, "kick_members", "kick")
                if refused:
                    return refused
                await member.kick(reason=_audit_reason(case))
                outcome = ActionOutcome.success()
            elif action == "quarantine":
                outcome = await self._quarantine(me, member, case, add=True)
            else:
                return ActionOutcome.failure(f"unknown action {action!r}")
        if outcome.ok and detail:
            return ActionOutcome.success(**{**outcome.detail, **detail})
        return outcome

    async def _reverse(self, case: Case) -> ActionOutcome:
        guild = self.client.get_guild(case.guild_id)
        if guild is None:
            return ActionOutcome.failure("the bot is not in that server", UNKNOWN_GUILD)
        me = await self._me(guild)
        if case.action == "ban":
            return await self._unban(guild, me, case)
        member = await self._member(guild, case.target_id)
        if member is None:  # left the server: nothing of ours remains on them
            return ActionOutcome.success(member_gone=True)
        if case.action == "timeout":
            return await self._untimeout(me, member, case)
        if case.action == "quarantine":
            return await self._quarantine(me, member, case, add=False)
        return ActionOutcome.success(nothing_to_undo=True)

    async def _delete_message(
        self, guild: discord.Guild, me: discord.Member, case: Case
    ) -> ActionOutcome:
        assert case.message_id is not None
        assert case.channel_id is not None
        channel = guild.get_channel_or_thread(case.channel_id)
        if channel is None:
            channel = await guild.fetch_channel(case.channel_id)
        if not channel.permissions_for(me).manage_messages:
            return _missing("manage_messages", f"delete the message in #{channel.name}")
        try:
            await channel.get_partial_message(case.message_id).delete()  # type: ignore[union-attr]
        except discord.NotFound:
            return ActionOutcome.success(already_deleted=True)
        return ActionOutcome.success()

    async def _timeout(
        self, me: discord.Member, member: discord.Member, case: Case
    ) -> ActionOutcome:
        refused = _refuse(me, member, "moderate_members", "time out")
        if refused:
            return refused
        if member.guild_permissions.administrator:
            return ActionOutcome.failure(
                f"cannot time out {member}: administrators cannot be timed out",
                MISSING_PERMISSIONS,
            )
        # The timeout runs from when the case became due (recorded, or escalated by a
        # moderator), so carrying it out late after a restart never extends it.
        until = case.updated_at + timedelta(minutes=case.duration_minutes or 0)
        now = discord.utils.utcnow()
        if until <= now:
            return ActionOutcome.success(skipped="timeout already over")
        until = min(until, now + MAX_TIMEOUT)
        await member.timeout(until, reason=_audit_reason(case))
        return ActionOutcome.success(until=until.isoformat())

    async def _untimeout(
        self, me: discord.Member, member: discord.Member, case: Case
    ) -> ActionOutcome:
        refused = _refuse(me, member, "moderate_members", "remove the timeout of")
        if refused:
            return refused
        await member.timeout(None, reason=_audit_reason(case))
        return ActionOutcome.success()

    async def _quarantine(
        self, me: discord.Member, member: discord.Member, case: Case, *, add: bool
    ) -> ActionOutcome:
        role_id = self._policy().discord.quarantine_role
        role = member.guild.get_role(role_id) if role_id else None
        if role is None:
            return ActionOutcome.failure(
                "no quarantine role is configured (discord.quarantine_role)")
        refused = _refuse(me, member, "manage_roles", "change the roles of")
        if refused:
            return refused
        if role >= me.top_role:
            return ActionOutcome.failure(
                f"the quarantine role {role.name} is not below my highest role",
                MISSING_PERMISSIONS,
            )
        if add:
            await member.add_roles(role, reason=_audit_reason(case))
        else:
            await member.remove_roles(role, reason=_audit_reason(case))
        return ActionOutcome.success()

    async def _ban(self, guild: discord.Guild, me: discord.Member, case: Case) -> ActionOutcome:
        member = await self._member(guild, case.target_id)
        if member is not None:
            refused = _refuse(me, member, "ban_members", "ban")
            if refused:
                return refused
        elif not me.guild_permissions.ban_members:
            return _missing("ban_members", "ban")
        await guild.ban(discord.Object(case.target_id), reason=_audit_reason(case),
                        delete_message_seconds=0)
        return ActionOutcome.success()

    async def _unban(self, guild: discord.Guild, me: discord.Member, case: Case) -> ActionOutcome:
        if not me.guild_permissions.ban_members:
            return _missing("ban_members", "unban")
        try:
            await guild.unban(discord.Object(case.target_id), reason=_audit_reason(case))
        except discord.NotFound:
            return ActionOutcome.success(not_banned=True)
        return ActionOutcome.success()

    # ------------------------------------------------------------ lookups

    async def _user(self, user_id: int) -> discord.User:
        return self.client.get_user(user_id) or await self.client.fetch_user(user_id)

    async def _me(self, guild: discord.Guild) -> discord.Member:
        assert self.client.user is not None
        return guild.me or await guild.fetch_member(self.client.user.id)

    async def _member(self, guild: discord.Guild, user_id: int) -> discord.Member | None:
        member = guild.get_member(user_id)
        if member is not None:
            return member
        try:  # a cold cache after a restart: ask Discord
            return await guild.fetch_member(user_id)
        except discord.NotFound:
            return None

    def _notice(self, case: Case, guild_name: str) -> discord.Embed:
        headline = (action_spec(case.action).dm_headline
                    or "A moderator acted on your account in **{guild}**.")
        embed = discord.Embed(
            title=f"Case #{case.number}",
            description=headline.format(guild=guild_name, minutes=case.duration_minutes),
            colour=discord.Colour.orange(),
        )
        embed.add_field(name="Reason", value=(case.reason or "no reason given")[:1024],
                        inline=False)
        if case.excerpt:
            embed.add_field(name="Your message", value=_quote(case.excerpt), inline=False)
        if self._policy().appeals.enabled:
            embed.set_footer(text="If you think this is a mistake, press Appeal and tell us why.")
        return embed

    def _announce(self, case: Case, outcome: ActionOutcome) -> None:
        """Let listeners (the mod log) hear how an action went, as a custom event."""
        if self._client is not None:
            self._client.dispatch("case_action", case, outcome)


def moderator_refusal(
    moderator: discord.Member, target: discord.abc.User, me: discord.Member
) -> str | None:
    """Why ``moderator`` may not act on ``target`` (None when they may)."""
    guild = moderator.guild
    if target.id == moderator.id:
        return "You cannot moderate yourself."
    if target.id == me.id:
        return "I will not act on myself."
    if not isinstance(target, discord.Member):
        return None  # not in the server (e.g. /ban by id): no roles to compare
    if target.id == guild.owner_id:
        return "The server owner cannot be moderated."
    if moderator.id != guild.owner_id and target.top_role >= moderator.top_role:
        return (f"{target.mention}'s highest role ({target.top_role.name}) is at or above yours; "
                "ask someone higher up.")
    if target.top_role >= me.top_role:
        return (f"{target.mention}'s highest role ({target.top_role.name}) is at or above mine "
                f"({me.top_role.name}); move my role above theirs in Server Settings > Roles.")
    return None


def _refuse(
    me: discord.Member, member: discord.Member, permission: str, verb: str
) -> ActionOutcome | None:
    """What Discord would answer, checked first: permission, owner, role hierarchy."""
    if not getattr(me.guild_permissions, permission):
        return _missing(permission, verb)
    if member.id == member.guild.owner_id:
        return ActionOutcome.failure(f"cannot {verb} the server owner", MISSING_PERMISSIONS)
    if me.top_role <= member.top_role:
        return ActionOutcome.failure(
            f"cannot {verb} {member}: their highest role ({member.top_role.name}) is not below "
            f"mine ({me.top_role.name})",
            MISSING_PERMISSIONS,
        )
    return None


def _missing(permission: str, verb: str) -> ActionOutcome:
    name = _PERMISSION_NAMES.get(permission, permission)
    return ActionOutcome.failure(f"cannot {verb}: I am missing the {name} permission",
                                 MISSING_PERMISSIONS)


def _audit_reason(case: Case) -> str:
    return f"Vigil case #{case.number}: {case.reason}"[:512]


def _quote(text: str, limit: int = 300) -> str:
    text = discord.utils.escape_mentions(text)
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return "> " + text.replace("\n", "\n> ")
