"""Moderator slash commands: each one's success, and the refusals."""

from __future__ import annotations

import discord
import simcord
from discord import app_commands

from bot.storage.records import CaseKind, CaseStatus, NewCase
from tests.bot.storage import lock_holder
from tests.cogs.conftest import World


def reply(result: simcord.InteractionResult) -> str:
    assert result.acknowledged
    assert result.response is not None
    return result.response.content


async def test_warn_opens_a_manual_case_and_dms_the_member(world: World) -> None:
    result = await world.mod.slash(world.general, "warn", member=world.alice, reason="be nice")

    assert result.ephemeral
    assert reply(result) == f"Case #1: warned {world.alice.mention}."
    case = await world.case(1)
    assert case.kind is CaseKind.MANUAL
    assert case.moderator_id == world.mod.id
    assert case.status is CaseStatus.APPLIED
    assert case.strike
    [dm] = world.alice.user.dm_channel.history()
    assert "warning" in (dm.embeds[0].description or "")
    assert dm.embeds[0].fields[0].value == "be nice"


async def test_timeout_and_untimeout(world: World) -> None:
    result = await world.mod.slash(world.general, "timeout", member=world.alice, minutes=30,
                                   reason="cool off")
    assert reply(result).startswith("Case #1: timed out")
    assert world.alice.member is not None
    assert world.alice.member.is_timed_out()

    result = await world.mod.slash(world.general, "untimeout", member=world.alice)
    assert reply(result).startswith("Case #1 reversed")
    assert not world.alice.member.is_timed_out()
    assert (await world.case(1)).status is CaseStatus.REVERSED


async def test_untimeout_of_someone_not_timed_out_is_refused(world: World) -> None:
    result = await world.mod.slash(world.general, "untimeout", member=world.alice)
    assert reply(result) == f"{world.alice.mention} is not timed out."
    assert await world.cases() == []


async def test_kick(world: World) -> None:
    result = await world.mod.slash(world.general, "kick", member=world.alice, reason="spam")
    assert reply(result).startswith("Case #1: kicked")
    assert world.alice.id not in world.guild.member_ids()
    assert (await world.case(1)).status is CaseStatus.APPLIED


async def test_ban_and_unban(world: World) -> None:
    result = await world.mod.slash(world.general, "ban", user=world.alice, reason="raiding")
    assert reply(result).startswith("Case #1: banned")
    assert world.guild.get_ban(world.alice) is not None
    # The DM went out before the ban, with the appeal button.
    [dm] = world.alice.user.dm_channel.history()
    assert "banned" in (dm.embeds[0].description or "")

    result = await world.mod.slash(world.general, "unban", user=world.alice.user)
    assert reply(result).startswith("Case #1 reversed")
    assert world.guild.get_ban(world.alice) is None
    assert (await world.case(1)).status is CaseStatus.REVERSED


async def test_unban_of_someone_not_banned(world: World) -> None:
    result = await world.mod.slash(world.general, "unban", user=world.alice.user)
    assert reply(result) == f"{world.alice.mention} is not banned."


async def test_note_records_a_closed_case_without_dm(world: World) -> None:
    result = await world.mod.slash(world.general, "note", member=world.alice,
                                   text="was warned verbally")
    assert reply(result).startswith("Case #1: noted on")
    case = await world.case(1)
    assert case.action == "note"
    assert case.status is CaseStatus.CLOSED
    assert world.alice.user.dm_channel.history() == []


async def test_case_show_list_and_reason(world: World) -> None:
    await world.mod.slash(world.general, "warn", member=world.alice, reason="first")
    await world.mod.slash(world.general, "note", member=world.alice, text="second")

    shown = await world.mod.slash(world.general, "case show", number=1)
    assert shown.acknowledged
    assert shown.ephemeral
    assert shown.response is not None
    embed = shown.response.embeds[0]
    assert embed.title == "Case #1 · warn"
    assert embed.description == "first"

    listed = await world.mod.slash(world.general, "case list", member=world.alice)
    text = reply(listed)
    assert "**#2** note" in text
    assert "**#1** warn" in text
    assert text.index("#2") < text.index("#1")

    changed = await world.mod.slash(world.general, "case reason", number=1, reason="rude")
    assert reply(changed) == "Case #1 reason is now: rude"
    assert (await world.case(1)).reason == "rude"

    missing = await world.mod.slash(world.general, "case show", number=99)
    assert reply(missing) == "There is no case #99."


async def test_members_without_permission_do_not_see_mod_commands(world: World) -> None:
    visible = world.alice.available_commands(world.general)
    assert "appeal" in visible
    for name in ("warn", "timeout", "kick", "ban", "unban", "note", "case show", "vigil stats"):
        assert name not in visible
    assert "ban" in world.mod.available_commands(world.general)


async def test_runtime_permission_check_refuses(world: World) -> None:
    # An admin let "Helpers" see /ban, but they lack Ban Members: the runtime check refuses.
    helpers = world.guild.create_role("Helpers", permissions=discord.Permissions(
        moderate_members=True, view_channel=True, send_messages=True,
        use_application_commands=True))
    helper = world.guild.add_member(world.env.create_user("helper"), roles=[helpers])
    commands = {c.name: c for c in await world.bot.tree.fetch_commands()}
    world.guild.set_command_permissions(commands["ban"], {helpers: True})

    result = await helper.slash(world.general, "ban", user=world.alice, reason="x")

    assert result.acknowledged
    assert result.ephemeral
    assert reply(result) == "You need the Ban Members permission to do that."
    assert world.guild.get_ban(world.alice) is None
    assert await world.cases() == []
    assert [type(e) for e in world.env.errors] == [app_commands.MissingPermissions]


async def test_target_above_the_moderator_is_refused(world: World) -> None:
    backend = world.env.backend
    backend.edit_role(world.guild.id, world.guild.roles["TestBot"].id, {"position": 10})
    senior_role = world.guild.create_role("Senior", position=5)  # above Moderators, below me
    senior = world.guild.add_member(world.env.create_user("senior"), roles=[senior_role])

    result = await world.mod.slash(world.general, "ban", user=senior, reason="x")

    assert result.ephemeral
    assert reply(result) == (f"{senior.mention}'s highest role (Senior) is at or above yours; "
                             "ask someone higher up.")
    assert world.guild.get_ban(senior) is None
    assert await world.cases() == []


async def test_target_above_the_bot_is_refused(world: World) -> None:
    elder_role = world.guild.create_role("Elder", position=50)
    elder = world.guild.add_member(world.env.create_user("elder"), roles=[elder_role])
    # The owner outranks everyone, so only the bot's own rank stands in the way.
    owner = simcord.MemberActor(world.env, world.guild, world.guild.owner)

    result = await owner.slash(world.general, "kick", member=elder, reason="x")

    assert result.ephemeral
    assert "is at or above mine (TestBot)" in reply(result)
    assert elder.id in world.guild.member_ids()
    assert await world.cases() == []


async def test_cannot_moderate_yourself(world: World) -> None:
    result = await world.mod.slash(world.general, "warn", member=world.mod, reason="x")
    assert reply(result) == "You cannot moderate yourself."


async def test_pending_case_from_a_crash_is_carried_out_after_restart(world: World) -> None:
    # Recorded, then the process died before acting (record first, act second).
    db = world.bot.services.db
    await db.cases.create(NewCase(
        guild_id=world.guild.id, target_id=world.alice.id, action="ban", reason="crash",
        status=CaseStatus.PENDING, kind=CaseKind.MANUAL, moderator_id=world.mod.id,
    ), world.env.now())

    bot = await world.restart()

    assert [c.number for c in bot.reconciled] == [1]
    case = await world.case(1)
    assert case.status is CaseStatus.APPLIED
    assert "reconciled" in [e.kind for e in await world.events(case)]
    assert world.guild.get_ban(world.alice) is not None


async def test_the_moderator_hears_why_the_member_was_not_told(world: World) -> None:
    await world.mod.slash(world.general, "warn", member=world.alice, reason="first")
    dms = f"/channels/{world.alice.user.dm_channel.id}/messages"
    world.env.inject_error("POST", dms, status=403, code=50007,
                           message="Cannot send messages to this user")
    closed = await world.mod.slash(world.general, "warn", member=world.alice, reason="again")
    world.env.inject_error("POST", dms, status=400, code=50035, message="Invalid Form Body")
    broken = await world.mod.slash(world.general, "warn", member=world.alice, reason="third")

    assert reply(closed).endswith("(I could not DM them: their DMs are closed.)")
    assert "their DMs are closed" not in reply(broken)
    assert "I could not DM them:" in reply(broken)
    assert "Invalid Form Body" in reply(broken)


async def test_a_command_during_a_long_lock_says_nothing_was_done(world: World) -> None:
    holder = lock_holder.start(world.db_path, 4.0, write=True)  # past the writer's patience
    try:
        result = await world.mod.slash(world.general, "warn", member=world.alice, reason="x")
    finally:
        assert holder.wait(timeout=30) == 0
    assert "database is busy" in reply(result)
    assert "nothing was done" in reply(result)
    assert world.alice.user.dm_channel is None or world.alice.user.dm_channel.history() == []
    # The command failed (and says so); the only error raised is the busy database.
    assert [type(getattr(e, "original", e)).__name__ for e in world.env.errors] == \
        ["StorageBusyError"]
    world.command_errors.clear()
    again = await world.mod.slash(world.general, "warn", member=world.alice, reason="x")
    assert reply(again).startswith("Case #1:")
