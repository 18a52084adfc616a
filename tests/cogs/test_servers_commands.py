"""Two servers on one bot: moderator commands, case lists, stats and erasure in one
server never reach the other (issue 13)."""

from __future__ import annotations

from bot.storage.records import ERASED
from tests.cogs.conftest import World
from tests.cogs.two_servers import ABUSE, Other, other, setup_channels, texts

__all__ = ["other"]  # the fixture, used by name


async def test_cases_and_stats_are_per_server(world: World, other: Other) -> None:
    await world.alice.send(world.general, ABUSE)  # case #1 in the first server
    await other.mod.slash(other.general, "warn", member=other.carol, reason="spam")  # #1 there

    shown = await other.mod.slash(other.general, "case show", number=1)
    listed = await other.mod.slash(other.general, "case list", member=other.alice)
    stats = await other.admin.slash(other.general, "vigil stats")

    assert shown.response is not None
    text = str(shown.response.content) + str([e.to_dict() for e in shown.response.embeds])
    assert "warn" in text
    assert ABUSE not in text
    assert listed.response is not None
    assert ABUSE not in str(listed.response.content) + str(
        [e.to_dict() for e in listed.response.embeds])
    assert stats.response is not None
    counted = str(stats.response.embeds[0].to_dict())
    assert "Messages scored: **0**" in counted
    assert "warn: 1" in counted
    assert "delete" not in counted


async def test_forget_in_one_server_leaves_the_member_in_another_alone(
    world: World, other: Other,
) -> None:
    await world.alice.send(world.general, ABUSE)  # her case #1 in the first server
    await other.alice.send(other.general, ABUSE)  # and #1 in the second

    asked = await other.admin.slash(other.general, "vigil forget", member=str(world.alice.id))
    assert asked.response is not None
    await other.admin.click(asked.response, label="Erase")

    theirs = await world.bot.services.db.cases.by_number(other.guild.id, 1)
    assert theirs is not None
    assert theirs.excerpt == ERASED
    assert (await world.case(1)).excerpt == ABUSE
    assert await world.bot.services.db.scores.count(world.guild.id) == 1
    assert await world.bot.services.db.scores.count(other.guild.id) == 0


async def test_moderation_commands_in_one_server_touch_only_that_server(
    world: World, other: Other,
) -> None:
    # Alice is in both; the second server's moderators sanction her there, through every
    # moderator command. The first server keeps her as she was, and records nothing.
    await setup_channels(world, other)
    await world.mod.slash(world.general, "note", member=world.alice, text="ours")  # our #1
    log_before = len(world.modlog.history())

    async def run(command: str, **options: object) -> str:
        result = await other.mod.slash(other.general, command, **options)
        assert result.response is not None, command
        return str(result.response.content)

    assert (await run("timeout", member=other.alice, minutes=30, reason="flood")).startswith(
        "Case #1: timed out")
    assert other.alice.member is not None
    assert other.alice.member.is_timed_out()
    assert world.alice.member is not None
    assert not world.alice.member.is_timed_out()
    assert (await run("untimeout", member=other.alice)).startswith("Case #1 reversed")
    assert (await run("note", member=other.alice, text="theirs")).startswith("Case #2")
    assert await run("case reason", number=1, reason="flooding") == \
        "Case #1 reason is now: flooding"
    assert (await run("ban", user=other.alice, reason="raiding")).startswith("Case #3: banned")
    assert other.guild.get_ban(other.alice) is not None
    assert world.guild.get_ban(world.alice) is None
    assert world.alice.id in world.guild.member_ids()
    assert (await run("unban", user=other.alice.user)).startswith("Case #3 reversed")
    rejoined = other.guild.add_member(other.alice.user)
    assert (await run("kick", member=rejoined, reason="spam")).startswith("Case #4: kicked")
    assert world.alice.id in world.guild.member_ids()

    # Their numbering, reasons and log are theirs; ours still holds only our note.
    theirs = await world.bot.services.db.cases.all(other.guild.id)
    assert [(c.number, c.action) for c in theirs] == [
        (1, "timeout"), (2, "note"), (3, "ban"), (4, "kick")]
    assert theirs[0].reason == "flooding"
    [ours] = await world.cases()
    assert (ours.number, ours.action, ours.reason) == (1, "note", "ours")
    assert len(world.modlog.history()) == log_before
    assert "flooding" not in texts(world.modlog) + texts(world.review)
    assert "raiding" in texts(other.modlog)
