"""The mod log hears case events; it is never called by other cogs."""

from __future__ import annotations

from tests.cogs.conftest import World


def titles(world: World) -> list[str]:
    return [m.embeds[0].title or "" for m in world.modlog.history() if m.embeds]


async def test_opened_and_resolved_cases_are_logged(world: World) -> None:
    await world.mod.slash(world.general, "ban", user=world.alice, reason="raid")
    await world.mod.slash(world.general, "unban", user=world.alice.user)

    assert titles(world) == ["Case #1 · ban · opened", "Case #1 · ban · resolved"]
    opened, resolved = world.modlog.history()
    fields = {f.name: f.value for f in opened.embeds[0].fields}
    assert fields["By"] == world.mod.mention
    assert world.alice.mention in fields["Member"]
    assert opened.embeds[0].description == "raid"
    assert {f.name: f.value for f in resolved.embeds[0].fields}["Status"] == "reversed"


async def test_automod_and_review_cases_are_logged(world: World) -> None:
    await world.alice.send(world.general, "you idiot")  # act band: delete
    await world.bob.send(world.general, "what a moron")  # review band

    assert titles(world) == ["Case #1 · delete · opened", "Case #2 · review · opened"]
    assert {f.name: f.value for f in world.modlog.history()[0].embeds[0].fields}["By"] == "automod"


async def test_shadow_cases_are_logged_as_shadow(world: World) -> None:
    world.write_policy(shadow_mode=True)
    world.policy.reload()

    await world.alice.send(world.general, "you idiot")

    assert titles(world) == ["Case #1 · delete · shadow"]


async def test_no_mod_log_channel_means_no_posts(world: World) -> None:
    world.write_policy(discord={"review": world.review.id})
    world.policy.reload()

    await world.mod.slash(world.general, "warn", member=world.alice, reason="x")

    assert world.modlog.history() == []
    assert (await world.case(1)).action == "warn"
