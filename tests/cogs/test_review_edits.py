"""A queued message edited: its queue item stops acting, one sanction at most (issue 11, 4)."""

from __future__ import annotations

import discord

from bot.storage.records import CaseStatus
from tests.cogs.conftest import World

GREY = "what a moron"  # review band


async def queue(world: World) -> tuple[discord.Message, discord.Message]:
    sent = await world.alice.send(world.general, GREY)
    queued = world.review.last_message
    assert queued is not None
    return sent, queued


async def test_edit_into_abuse_then_remove_on_the_stale_item_acts_once(world: World) -> None:
    sent, stale = await queue(world)

    await world.alice.edit(sent, "what a moron, idiot")
    result = await world.mod.click(stale, label="Remove")

    review, removal = await world.cases()
    assert (review.action, review.status) == ("review", CaseStatus.CLOSED)
    assert (removal.action, removal.status) == ("delete", CaseStatus.APPLIED)
    assert result.followups[-1].content == (
        f"Case #{review.number} was already decided (status closed).")
    assert world.general.history() == []
    assert len(world.alice.user.dm_channel.history()) == 1  # one DM, for the removal
    assert [e.kind for e in await world.events(removal)].count("applied") == 1


async def test_edit_still_grey_posts_a_fresh_item_and_retires_the_old(world: World) -> None:
    sent, stale = await queue(world)

    await world.alice.edit(sent, "what a moron, honestly")
    fresh = world.review.last_message
    assert fresh is not None
    assert fresh.id != stale.id
    assert "honestly" in (fresh.embeds[0].description or "")

    refused = await world.mod.click(stale, label="Ban")
    assert world.guild.get_ban(world.alice) is None
    assert "already decided" in (refused.followups[-1].content or "")
    await world.mod.click(fresh, label="Remove")

    old, new = await world.cases()
    assert (old.status, new.action, new.status) == (
        CaseStatus.CLOSED, "delete", CaseStatus.APPLIED)
    assert world.general.history() == []
    assert len(world.alice.user.dm_channel.history()) == 1
