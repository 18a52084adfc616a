"""Through the fake Discord: the member's DM gives plain reasons, moderators see the scores."""

from __future__ import annotations

from tests.cogs.conftest import World


async def test_removal_dm_gives_plain_reasons_and_the_mod_log_keeps_scores(
    world: World,
) -> None:
    await world.alice.send(world.general, "you idiot")

    [dm] = world.alice.user.dm_channel.history()
    reason = {f.name: f.value for f in dm.embeds[0].fields}["Reason"]
    assert "insulting another member" in reason.lower()
    assert not any(word in reason for word in ("insult ", "toxicity", ">=", "0."))
    [case] = await world.cases()
    assert ">= act" in case.reason
    logged = world.modlog.history()[0].embeds[0]
    assert logged.description == case.reason  # moderators keep the machine reason


async def test_review_queue_still_shows_the_scores(world: World) -> None:
    await world.alice.send(world.general, "what a moron")

    queued = world.review.last_message
    assert queued is not None
    fields = {f.name: f.value for f in queued.embeds[0].fields}
    assert ">= review" in fields["Why"]
    assert "0.70" in fields["Scores"]

    await world.mod.click(queued, label="Remove")
    [dm] = world.alice.user.dm_channel.history()
    reason = {f.name: f.value for f in dm.embeds[0].fields}["Reason"]
    assert ">=" not in reason
    assert "insulting another member" in reason.lower()
