"""Appeals end to end: DM button or /appeal -> modal -> appeals channel -> Grant / Deny
-> the moderator's note modal."""

from __future__ import annotations

import discord
import simcord

from bot.storage.records import AppealStatus, CaseStatus, NewCase
from tests.cogs.conftest import World

WHY = "I was quoting the troll to report them, not insulting anyone."
NOTE = "You were quoting them to report it; sorry for the ban."


def buttons(message: discord.Message) -> list[str]:
    return [child.label or "" for row in message.components for child in row.children]  # type: ignore[attr-defined]


async def appeal_from_dm(world: World, member: simcord.MemberActor,
                         text: str = WHY) -> simcord.InteractionResult:
    dm = [m for m in member.user.dm_channel.history() if buttons(m) == ["Appeal"]][-1]
    shown = await member.user.click(dm, label="Appeal")
    assert shown.acknowledged
    assert shown.modal is not None
    return await member.user.submit_modal(shown, {"appeal_text": text})


async def decide(world: World, label: str, note: str | None = None,
                 actor: simcord.MemberActor | None = None) -> simcord.InteractionResult:
    """Click Grant or Deny on the latest appeal post and submit the note modal."""
    actor = actor or world.mod
    posted = world.appeals.last_message
    assert posted is not None
    shown = await actor.click(posted, label=label)
    assert shown.modal is not None, shown
    return await actor.submit_modal(shown, {} if note is None else {"decision_note": note})


def note_input(shown: simcord.InteractionResult) -> dict[str, object]:
    assert shown.modal is not None
    [row] = shown.modal["components"]
    [text_input] = row["components"]
    return text_input  # type: ignore[no-any-return]


async def test_granted_appeal_unbans_and_tells_the_member(world: World) -> None:
    await world.mod.slash(world.general, "ban", user=world.alice, reason="slurs")
    assert world.guild.get_ban(world.alice) is not None

    filed = await appeal_from_dm(world, world.alice)

    assert filed.acknowledged
    assert filed.response is not None
    assert "sent to the moderators" in filed.response.content
    posted = world.appeals.last_message
    assert posted is not None
    assert posted.embeds[0].title == "Appeal of case #1 · ban"
    assert posted.embeds[0].description == WHY
    assert buttons(posted) == ["Grant", "Deny"]

    decided = await decide(world, "Grant")  # the note is optional when granting

    assert decided.acknowledged
    assert world.guild.get_ban(world.alice) is None
    case = await world.case(1)
    assert case.status is CaseStatus.REVERSED
    [appeal] = await world.bot.services.db.appeals.for_case(case.id)
    assert appeal.status is AppealStatus.GRANTED
    assert appeal.moderator_id == world.mod.id
    told = world.alice.user.dm_channel.history()[-1]
    assert told.content.startswith("Your appeal of case #1 was granted")
    updated = world.appeals.last_message
    assert updated is not None
    assert buttons(updated) == []
    assert "granted by" in updated.embeds[0].fields[-1].value


async def test_denied_appeal_keeps_the_timeout(world: World) -> None:
    await world.mod.slash(world.general, "timeout", member=world.alice, minutes=60,
                          reason="spam")
    await appeal_from_dm(world, world.alice)

    decided = await decide(world, "Deny", "Three links in a minute is spam; wait it out.")

    assert decided.acknowledged
    assert world.alice.member is not None
    assert world.alice.member.is_timed_out()
    case = await world.case(1)
    assert case.status is CaseStatus.APPLIED
    [denied] = [e for e in await world.events(case) if e.kind == "appeal_denied"]
    assert denied.detail["note"] == "Three links in a minute is spam; wait it out."
    told = world.alice.user.dm_channel.history()[-1]
    assert told.content == ("Your appeal of case #1 was denied.\n"
                            "Moderator's note: Three links in a minute is spam; wait it out.")
    (entry,) = world.modlog.history()  # the case's one entry, edited
    logged = entry.embeds[0]
    assert logged.title == "Case #1 · timeout (60 min) · applied"
    assert {f.name: f.value for f in logged.fields}["Appeal"] == (
        f"denied by {world.mod.mention}: Three links in a minute is spam; wait it out.")


async def test_granted_appeal_with_a_note(world: World) -> None:
    await world.mod.slash(world.general, "ban", user=world.alice, reason="slurs")
    await appeal_from_dm(world, world.alice)

    decided = await decide(world, "Grant", f"  {NOTE}  ")

    assert decided.acknowledged
    assert world.guild.get_ban(world.alice) is None
    case = await world.case(1)
    assert case.status is CaseStatus.REVERSED
    [resolved] = [e for e in await world.events(case) if e.kind == "resolved"]
    assert resolved.detail["note"] == f"appeal granted: {NOTE}"
    [appeal] = await world.bot.services.db.appeals.for_case(case.id)
    assert appeal.decision_note == NOTE
    told = world.alice.user.dm_channel.history()[-1]
    assert told.content.startswith("Your appeal of case #1 was granted")
    assert told.content.endswith(f"Moderator's note: {NOTE}")
    updated = world.appeals.last_message
    assert updated is not None
    assert {f.name: f.value for f in updated.embeds[0].fields}["Moderator's note"] == NOTE
    (entry,) = world.modlog.history()
    logged = entry.embeds[0]
    assert logged.title == "Case #1 · ban · reversed"
    shown = {f.name: f.value for f in logged.fields}
    assert shown["Note"] == f"appeal granted: {NOTE}"
    assert shown["Resolved by"] == world.mod.mention  # who granted it


async def test_a_denial_needs_a_note(world: World) -> None:
    await world.mod.slash(world.general, "timeout", member=world.alice, minutes=60,
                          reason="spam")
    await appeal_from_dm(world, world.alice)
    posted = world.appeals.last_message
    assert posted is not None

    shown = await world.mod.click(posted, label="Deny")
    assert note_input(shown)["required"] is True
    assert note_input(shown)["max_length"] == 500
    refused = await world.mod.submit_modal(shown, {"decision_note": "   "})

    assert refused.ephemeral
    assert refused.response is not None
    assert refused.response.content == (
        "A denial needs a note: tell the member why the action stands.")
    case = await world.case(1)
    [appeal] = await world.bot.services.db.appeals.for_case(case.id)
    assert appeal.status is AppealStatus.OPEN
    assert buttons(world.appeals.last_message) == ["Grant", "Deny"]  # type: ignore[arg-type]
    assert not any("denied" in m.content for m in world.alice.user.dm_channel.history())


async def test_a_granting_note_is_optional(world: World) -> None:
    await world.mod.slash(world.general, "warn", member=world.alice, reason="rude")
    await appeal_from_dm(world, world.alice)
    posted = world.appeals.last_message
    assert posted is not None

    shown = await world.mod.click(posted, label="Grant")

    assert note_input(shown)["required"] is False


async def test_an_appeal_decided_while_the_modal_was_open_is_not_decided_twice(
    world: World,
) -> None:
    await world.mod.slash(world.general, "ban", user=world.alice, reason="slurs")
    await appeal_from_dm(world, world.alice)
    posted = world.appeals.last_message
    assert posted is not None
    granting = await world.mod.click(posted, label="Grant")

    await decide(world, "Deny", "Slurs are a ban here.")
    late = await world.mod.submit_modal(granting, {"decision_note": NOTE})

    assert late.response is not None
    assert late.response.content == "That appeal was already denied."
    assert world.guild.get_ban(world.alice) is not None


async def test_appeal_command_works_in_dms(world: World) -> None:
    await world.mod.slash(world.general, "warn", member=world.alice, reason="rude")

    shown = await world.alice.user.slash("appeal", case=1)

    assert shown.acknowledged
    assert shown.modal is not None
    filed = await world.alice.user.submit_modal(shown, {"appeal_text": WHY})
    assert filed.acknowledged
    [appeal] = await world.bot.services.db.appeals.for_case((await world.case(1)).id)
    assert appeal.member_id == world.alice.id


async def test_appeal_in_dms_finds_servers_another_process_runs(world: World) -> None:
    # Sharded, DMs reach one process, whose guild cache holds only its own shards'
    # servers: the member's cases elsewhere are found in the database, not the cache.
    elsewhere = 4002 << 22
    assert world.bot.get_guild(elsewhere) is None
    clock = world.bot.services.cases.clock
    await world.bot.services.db.cases.create(
        NewCase(elsewhere, world.alice.id, "timeout", "flood", CaseStatus.APPLIED,
                duration_minutes=10), clock())
    await world.mod.slash(world.general, "warn", member=world.alice, reason="rude")

    listed = await world.alice.user.slash("appeal")
    assert listed.response is not None
    assert f"**Vigil Test** (`{world.guild.id}`): #1 warn" in listed.response.content
    assert f"**a server** (`{elsewhere}`): #1 timeout" in listed.response.content

    # Case #1 in both: the member is asked which, and both are named.
    ambiguous = await world.alice.user.slash("appeal", case=1)
    assert ambiguous.response is not None
    assert "Several servers have a case #1" in ambiguous.response.content
    assert f"`{elsewhere}`" in ambiguous.response.content
    chosen = await world.alice.user.slash("appeal", case=1, guild=str(elsewhere))
    assert chosen.modal is not None


async def test_only_the_member_can_appeal(world: World) -> None:
    await world.mod.slash(world.general, "warn", member=world.alice, reason="rude")

    result = await world.bob.slash(world.general, "appeal", case=1)

    assert result.acknowledged
    assert result.modal is None
    assert result.response is not None
    assert result.response.content == "You have no case #1 to appeal in that server."


async def test_one_open_appeal_per_case(world: World) -> None:
    await world.mod.slash(world.general, "warn", member=world.alice, reason="rude")
    await appeal_from_dm(world, world.alice)

    again = await appeal_from_dm(world, world.alice, "Please, I really meant no harm at all.")

    assert again.acknowledged
    assert again.response is not None
    assert "already has an appeal waiting" in again.response.content
    assert len([m for m in world.appeals.history() if m.embeds]) == 1


async def test_appeals_are_rate_limited(world: World) -> None:
    world.write_policy(appeals={"enabled": True, "per_day": 1, "min_length": 20})
    world.policy.reload()
    await world.mod.slash(world.general, "warn", member=world.alice, reason="one")
    await world.mod.slash(world.general, "warn", member=world.alice, reason="two")
    await world.alice.user.slash("appeal", case=1)  # opens the modal only
    shown = await world.alice.user.slash("appeal", case=1)
    await world.alice.user.submit_modal(shown, {"appeal_text": WHY})

    shown = await world.alice.user.slash("appeal", case=2)
    refused = await world.alice.user.submit_modal(shown, {"appeal_text": WHY})

    assert refused.response is not None
    assert "1 appeals a day" in refused.response.content
    assert await world.bot.services.db.appeals.for_case((await world.case(2)).id) == []


async def test_only_moderators_decide(world: World) -> None:
    await world.mod.slash(world.general, "ban", user=world.alice, reason="slurs")
    await appeal_from_dm(world, world.alice)
    posted = world.appeals.last_message
    assert posted is not None

    for label in ("Grant", "Deny"):
        result = await world.bob.click(posted, label=label)

        assert result.acknowledged
        assert result.ephemeral
        assert result.modal is None
        assert result.response is not None
        assert "Ban Members" in result.response.content
    assert world.guild.get_ban(world.alice) is not None
    [appeal] = await world.bot.services.db.appeals.for_case((await world.case(1)).id)
    assert appeal.status is AppealStatus.OPEN


async def test_closed_dms_on_decision_are_recorded(world: World) -> None:
    await world.mod.slash(world.general, "warn", member=world.alice, reason="rude")
    await appeal_from_dm(world, world.alice)
    posted = world.appeals.last_message
    assert posted is not None
    world.env.inject_error("POST", f"/channels/{world.alice.user.dm_channel.id}/messages",
                           status=403, code=50007, message="Cannot send messages to this user")

    decided = await decide(world, "Deny", "A warning stays on record.")

    assert decided.acknowledged
    events = await world.events(await world.case(1))
    failed = [e for e in events if e.kind == "decision_dm_failed"]
    assert failed
    assert failed[0].detail["code"] == 50007
    assert "could not be told" in decided.followups[-1].content


async def test_dm_appeal_button_works_after_a_restart(world: World) -> None:
    await world.mod.slash(world.general, "ban", user=world.alice, reason="slurs")
    await world.restart()  # cold caches: the new client knows only itself

    await appeal_from_dm(world, world.alice)
    await world.restart()  # the Grant / Deny buttons survive a restart too
    await decide(world, "Grant", NOTE)

    assert world.guild.get_ban(world.alice) is None
    assert (await world.case(1)).status is CaseStatus.REVERSED
