"""Members are told only what happens: checks before the notice, corrections after a failure,
and a failed message removal never stops the sanction after it."""

from __future__ import annotations

import pytest
import simcord
import yaml

from bot.settings import DEFAULT_CONFIG
from bot.storage.records import CaseStatus
from tests.bot.discord.transport import FaultyTransport
from tests.cogs.conftest import World


def insult_action(world: World, action: str) -> None:
    """Automod answers an insult with ``action`` instead of a plain delete."""
    labels = yaml.safe_load(DEFAULT_CONFIG.read_text(encoding="utf-8"))["labels"]
    labels["insult"]["action"] = action
    world.write_policy(labels=labels)
    world.policy.reload()


def dms(member: simcord.MemberActor) -> list[str]:
    """What the member read in their DMs: notice headlines and plain texts."""
    return [m.embeds[0].description or "" if m.embeds else m.content
            for m in member.user.dm_channel.history()]


async def no_waits(seconds: float) -> None:
    return None


@pytest.mark.parametrize("action", ["timeout 30", "kick", "ban", "quarantine"])
async def test_no_notice_when_the_action_would_be_refused(world: World, action: str) -> None:
    insult_action(world, action)
    elder = world.guild.create_role("Elder", position=50)  # above the bot's own role
    carol = world.guild.add_member(world.env.create_user("carol"), roles=[elder])

    await carol.send(world.general, "you are an idiot")

    [case] = await world.cases()
    assert case.status is CaseStatus.FAILED
    assert dms(carol) == []  # never "You were banned" for a ban that cannot happen
    events = await world.events(case)
    [withheld] = [e for e in events if e.kind == "notify_failed"]
    assert withheld.detail["dm_withheld"] is True
    assert events[-1].detail["code"] == 50013 or action == "quarantine"
    assert carol.member is not None
    assert world.guild.get_ban(carol) is None


async def test_no_notice_of_a_removal_the_bot_may_not_make(world: World) -> None:
    import discord

    me = world.guild.me
    assert me is not None
    locked = world.guild.create_text_channel(
        "locked", overwrites={me: discord.PermissionOverwrite(manage_messages=False)})

    await world.alice.send(locked, "you idiot")

    [case] = await world.cases()
    assert case.status is CaseStatus.FAILED
    assert dms(world.alice) == []


@pytest.mark.parametrize("fault", ["503", "403 missing permissions", "connection reset",
                                   "timeout"])
async def test_a_removal_that_fails_after_the_notice_is_corrected(world: World,
                                                                   fault: str) -> None:
    world.bot.executor.sleep = no_waits
    transport = FaultyTransport(world.bot)
    transport.fail("DELETE", f"/channels/{world.general.id}/messages/*", fault, times=None)

    await world.alice.send(world.general, "you are an idiot")

    [case] = await world.cases()
    assert case.status is CaseStatus.FAILED
    notice, correction = dms(world.alice)
    assert "was removed" in notice
    assert correction.startswith(f"Correction to case #{case.number} in **Vigil Test**")
    assert "could not be removed after all" in correction
    assert (await world.events(case))[-1].detail["correction_sent"] is True


async def test_a_ban_that_fails_after_the_notice_is_corrected(world: World) -> None:
    world.bot.executor.sleep = no_waits
    transport = FaultyTransport(world.bot)
    transport.fail("PUT", f"/guilds/{world.guild.id}/bans/{world.alice.id}", "500", times=None)

    await world.mod.slash(world.general, "ban", user=world.alice, reason="slurs")

    case = await world.case(1)
    assert case.status is CaseStatus.FAILED
    assert case.last_error
    assert "500" in case.last_error
    notice, correction = dms(world.alice)
    assert "banned" in notice
    assert "the ban did not take effect: you were not banned" in correction
    assert world.guild.get_ban(world.alice) is None


@pytest.mark.parametrize("action", ["timeout 30", "kick", "ban"])
@pytest.mark.parametrize("fault", ["500", "403 missing permissions", "connection reset",
                                   "timeout", "429 long (RateLimited)"])
async def test_a_failed_delete_never_stops_the_sanction(world: World, action: str,
                                                        fault: str) -> None:
    insult_action(world, action)
    world.bot.executor.sleep = no_waits
    transport = FaultyTransport(world.bot)
    transport.fail("DELETE", f"/channels/{world.general.id}/messages/*", fault, times=None)

    await world.alice.send(world.general, "you are an idiot")

    [case] = await world.cases()
    assert case.action == action.split()[0]
    assert case.status is CaseStatus.APPLIED
    detail = (await world.events(case))[-1].detail
    assert detail["message_removed"] is False
    assert detail["delete_error"]
    if action == "ban":
        assert world.guild.get_ban(world.alice) is not None
    elif action == "kick":
        assert world.alice.id not in world.guild.member_ids()
    else:
        assert world.alice.member is not None
        assert world.alice.member.is_timed_out()
    assert len(dms(world.alice)) == 1  # the notice, and no correction: it all happened
    assert len(world.general.history()) == 1  # the message itself is still there
