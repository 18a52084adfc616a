"""Automod through a real discord.py client: delete, shadow mode, hierarchy, closed DMs."""

from __future__ import annotations

from bot.storage.records import CaseKind, CaseStatus
from tests.cogs.conftest import World


async def test_abusive_message_is_deleted_and_recorded(world: World) -> None:
    sent = await world.alice.send(world.general, "you are an idiot")

    assert [m.id for m in world.general.history()] == []  # gone
    [case] = await world.cases()
    assert case.kind is CaseKind.MESSAGE
    assert case.action == "delete"
    assert case.status is CaseStatus.APPLIED
    assert case.message_id == sent.id
    assert case.target_id == world.alice.id
    assert case.jump_url
    assert str(sent.id) in case.jump_url
    assert case.scores["insult"] > 0.9
    # The member got a DM with the case number, the reason and an Appeal button.
    [dm] = world.alice.user.dm_channel.history()
    assert dm.embeds[0].title == f"Case #{case.number}"
    assert "insulting another member" in dm.embeds[0].fields[0].value.lower()
    assert [c.label for row in dm.components for c in row.children] == ["Appeal"]
    kinds = [e.kind for e in await world.events(case) if e.kind != "modlog_posted"]
    assert kinds == ["opened", "notify_started", "member_notified", "apply_started", "applied"]


async def test_clean_message_is_left_alone_and_scored(world: World) -> None:
    await world.alice.send(world.general, "good morning everyone")

    assert len(world.general.history()) == 1
    assert await world.cases() == []
    assert await world.bot.services.db.scores.count(world.guild.id) == 1


async def test_bots_webhooks_dms_and_exempt_roles_are_not_acted_on(world: World) -> None:
    exempt = world.guild.create_role("Moderator")  # exempt by name in the default policy
    carol = world.guild.add_member(world.env.create_user("carol"), roles=[exempt])
    helper = world.guild.add_member(world.env.create_user("helper", bot=True))

    hook = world.guild.create_webhook(world.general, "feeds")

    await carol.send(world.general, "you idiot")
    await helper.send(world.general, "you idiot")
    await hook.send("you idiot")
    await world.alice.user.send_dm("you idiot")

    assert len(world.general.history()) == 3
    assert await world.cases() == []
    # The bot author is never scored; carol is scored, the policy exempts her.
    assert await world.bot.services.db.scores.count(world.guild.id) == 1


async def test_edit_is_rescored_only_when_text_changes(world: World) -> None:
    message = await world.alice.send(world.general, "nice weather")
    batches = len(world.scorer.batches)

    await world.alice.edit(message, "nice weather")
    assert len(world.scorer.batches) == batches

    await world.alice.edit(message, "nice weather, idiot")
    [case] = await world.cases()
    assert case.action == "delete"
    assert case.status is CaseStatus.APPLIED
    assert world.general.history() == []


async def test_reply_parent_text_reaches_the_pipeline(world: World) -> None:
    parent = await world.bob.send(world.general, "the sky is green")
    await world.alice.send(world.general, "no that is wrong", reply_to=parent)

    last = world.scorer.batches[-1]
    assert last[0].parent == "the sky is green"


async def test_shadow_mode_records_without_acting(world: World) -> None:
    world.write_policy(shadow_mode=True)
    world.policy.reload()

    await world.alice.send(world.general, "you are an idiot")

    assert len(world.general.history()) == 1  # still there
    [case] = await world.cases()
    assert case.status is CaseStatus.SHADOW
    assert world.alice.user.dm_channel.history() == []


async def test_role_hierarchy_failure_is_recorded_without_crashing(world: World) -> None:
    # A role above the bot's own: Discord would refuse to time this member out.
    elder = world.guild.create_role("Elder", position=50)
    carol = world.guild.add_member(world.env.create_user("carol"), roles=[elder])

    await carol.send(world.general, "I will kill you")  # threat -> timeout 1440

    [case] = await world.cases()
    assert case.action == "timeout"
    assert case.status is CaseStatus.FAILED
    assert "Elder" in (case.last_error or "")
    events = await world.events(case)
    assert events[-1].detail["code"] == 50013
    assert carol.member is not None
    assert not carol.member.is_timed_out()
    # The mod log says the action failed.
    assert any("failed" in (m.embeds[0].title or "") for m in world.modlog.history())
    # The bot still works afterwards.
    await world.alice.send(world.general, "you idiot")
    assert (await world.case(2)).status is CaseStatus.APPLIED


async def test_missing_permission_in_channel_is_recorded(world: World) -> None:
    import discord

    locked = world.guild.create_text_channel(
        "locked", overwrites={world.guild.me: discord.PermissionOverwrite(manage_messages=False)}
    )
    await world.alice.send(locked, "you idiot")

    [case] = await world.cases()
    assert case.status is CaseStatus.FAILED
    assert "Manage Messages" in (case.last_error or "")
    assert (await world.events(case))[-1].detail["code"] == 50013
    assert len(locked.history()) == 1


async def test_closed_dms_are_recorded_on_the_case(world: World) -> None:
    world.env.inject_error("POST", f"/channels/{world.alice.user.dm_channel.id}/messages",
                           status=403, code=50007, message="Cannot send messages to this user")

    await world.alice.send(world.general, "you are an idiot")

    [case] = await world.cases()
    assert case.status is CaseStatus.APPLIED  # the delete still happened
    events = await world.events(case)
    failed = [e for e in events if e.kind == "notify_failed"]
    assert failed
    assert failed[0].detail["code"] == 50007
    assert world.general.history() == []


async def test_timeout_runs_from_the_case_time(world: World) -> None:
    await world.alice.send(world.general, "I will kill you")

    [case] = await world.cases()
    assert case.status is CaseStatus.APPLIED
    member = world.alice.member
    assert member is not None
    assert member.timed_out_until is not None
    minutes = (member.timed_out_until - case.created_at).total_seconds() / 60
    assert round(minutes) == 1440
