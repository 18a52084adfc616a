"""The checks Discord would make, made first, and the API calls behind each action.

Checks are pure (:func:`check`): the executor runs them before the member is told anything
and again just before acting, so a member never reads "You were banned" when the bot
cannot ban them. Calls go through a :class:`~bot.discord.faults.Trace` (retries, faults).
"""

from __future__ import annotations

from datetime import timedelta

import discord

from bot.actions import ActionOutcome
from bot.discord.faults import Trace
from bot.storage.records import Case

MISSING_PERMISSIONS = 50013
UNKNOWN_MEMBER = 10007
#: Discord's limit for a timeout.
MAX_TIMEOUT = timedelta(days=28)

#: What each member-facing action needs: the permission, the verb for refusals, and
#: whether the member must be in the server (a ban by id works on anyone).
_NEEDS: dict[str, tuple[str, str, bool]] = {
    "ban": ("ban_members", "ban", False),
    "unban": ("ban_members", "unban", False),
    "kick": ("kick_members", "kick", True),
    "timeout": ("moderate_members", "time out", True),
    "untimeout": ("moderate_members", "remove the timeout of", True),
    "quarantine": ("manage_roles", "change the roles of", True),
}

_PERMISSION_NAMES = {
    "manage_messages": "Manage Messages",
    "moderate_members": "Moderate Members",
    "kick_members": "Kick Members",
    "ban_members": "Ban Members",
    "manage_roles": "Manage Roles",
}


def needs_member(action: str) -> bool:
    return _NEEDS.get(action, ("", "", False))[2]


def check(
    action: str, me: discord.Member, member: discord.Member | None,
    quarantine_role: discord.Role | None,
) -> ActionOutcome | None:
    """Why ``action`` would be refused (None when Discord would allow it)."""
    if action not in _NEEDS:
        return None
    permission, verb, needs = _NEEDS[action]
    if member is None:
        if needs:
            return ActionOutcome.failure("the member is not in the server", UNKNOWN_MEMBER)
        return missing(permission, verb) if not getattr(me.guild_permissions, permission) else None
    if action == "unban":
        return missing(permission, verb) if not me.guild_permissions.ban_members else None
    refused = refuse(me, member, permission, verb)
    if refused:
        return refused
    if action == "timeout" and member.guild_permissions.administrator:
        return ActionOutcome.failure(
            f"cannot time out {member}: administrators cannot be timed out", MISSING_PERMISSIONS)
    if action == "quarantine":
        if quarantine_role is None:
            return ActionOutcome.failure(
                "no quarantine role is configured (discord.quarantine_role)")
        if quarantine_role >= me.top_role:
            return ActionOutcome.failure(
                f"the quarantine role {quarantine_role.name} is not below my highest role",
                MISSING_PERMISSIONS)
    return None


def check_delete(channel: discord.abc.GuildChannel | discord.Thread,
                 me: discord.Member) -> ActionOutcome | None:
    if not channel.permissions_for(me).manage_messages:
        return missing("manage_messages", f"delete the message in #{channel.name}")
    return None


async def carry_out(
    trace: Trace, case: Case, guild: discord.Guild, member: discord.Member | None,
    quarantine_role: discord.Role | None,
) -> ActionOutcome:
    """The API call for ``case.action`` (or its undo); checks have passed."""
    reason = audit_reason(case)
    action = case.action
    if action == "ban":
        await trace.call("ban", lambda: guild.ban(
            discord.Object(case.target_id), reason=reason, delete_message_seconds=0))
        return trace.success()
    if action == "unban":
        return await unban(trace, guild, case)
    assert member is not None  # check() refused actions that need a member
    if action == "kick":
        try:
            await trace.call("kick", lambda: member.kick(reason=reason),
                             passthrough=(discord.NotFound,))
        except discord.NotFound:  # gone since the check: a retried kick that got through
            return trace.success(already_gone=True)
    elif action == "timeout":
        # The timeout runs from when the case became due (recorded, or escalated by a
        # moderator), so carrying it out late after a restart never extends it.
        until = case.updated_at + timedelta(minutes=case.duration_minutes or 0)
        now = discord.utils.utcnow()
        if until <= now:
            return trace.success(skipped="timeout already over")
        until = min(until, now + MAX_TIMEOUT)
        await trace.call("timeout", lambda: member.timeout(until, reason=reason))
        return trace.success(until=until.isoformat())
    elif action == "untimeout":
        return await untimeout(trace, member, case)
    elif action == "quarantine":
        assert quarantine_role is not None
        await trace.call("quarantine", lambda: member.add_roles(quarantine_role, reason=reason))
    else:
        return trace.refused(ActionOutcome.failure(f"unknown action {action!r}"))
    return trace.success()


async def unban(trace: Trace, guild: discord.Guild, case: Case) -> ActionOutcome:
    try:
        await trace.call("unban", lambda: guild.unban(
            discord.Object(case.target_id), reason=audit_reason(case)),
            passthrough=(discord.NotFound,))
    except discord.NotFound:
        return trace.success(not_banned=True)
    return trace.success()


async def untimeout(trace: Trace, member: discord.Member, case: Case) -> ActionOutcome:
    await trace.call("untimeout", lambda: member.timeout(None, reason=audit_reason(case)))
    return trace.success()


async def unquarantine(trace: Trace, member: discord.Member, role: discord.Role,
                       case: Case) -> ActionOutcome:
    await trace.call("unquarantine", lambda: member.remove_roles(role, reason=audit_reason(case)))
    return trace.success()


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


def refuse(
    me: discord.Member, member: discord.Member, permission: str, verb: str
) -> ActionOutcome | None:
    """What Discord would answer, checked first: permission, owner, role hierarchy."""
    if not getattr(me.guild_permissions, permission):
        return missing(permission, verb)
    if member.id == member.guild.owner_id:
        return ActionOutcome.failure(f"cannot {verb} the server owner", MISSING_PERMISSIONS)
    if me.top_role <= member.top_role:
        return ActionOutcome.failure(
            f"cannot {verb} {member}: their highest role ({member.top_role.name}) is not below "
            f"mine ({me.top_role.name})",
            MISSING_PERMISSIONS,
        )
    return None


def missing(permission: str, verb: str) -> ActionOutcome:
    name = _PERMISSION_NAMES.get(permission, permission)
    return ActionOutcome.failure(f"cannot {verb}: I am missing the {name} permission",
                                 MISSING_PERMISSIONS)


def audit_reason(case: Case) -> str:
    return f"Vigil case #{case.number}: {case.reason}"[:512]
