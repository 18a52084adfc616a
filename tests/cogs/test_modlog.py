"""The mod log: one entry per case, edited as the case moves on (issue 11 item 8).

It hears case events only; it is never called by other cogs."""

from __future__ import annotations

import discord

from tests.cogs.conftest import World


def titles(world: World) -> list[str]:
    return [m.embeds[0].title or "" for m in world.modlog.history() if m.embeds]


def fields(message: discord.Message) -> dict[str, str]:
    return {f.name or "": f.value or "" for f in message.embeds[0].fields}


async def test_one_entry_follows_a_case_from_applied_to_reversed(world: World) -> None:
    await world.mod.slash(world.general, "ban", user=world.alice, reason="raid")
    assert titles(world) == ["Case #1 · ban · applied"]  # not left "pending"

    await world.mod.slash(world.general, "unban", user=world.alice.user)

    (entry,) = world.modlog.history()  # the same message, edited
    assert entry.embeds[0].title == "Case #1 · ban · reversed"
    shown = fields(entry)
    assert shown["By"] == world.mod.mention
    assert shown["Resolved by"] == world.mod.mention
    assert world.alice.mention in shown["Member"]
    assert entry.embeds[0].description == "raid"
    posted = [e for e in await world.events(await world.case(1)) if e.kind == "modlog_posted"]
    assert [e.detail["message_id"] for e in posted] == [entry.id]


async def test_automod_entries_carry_the_excerpt(world: World) -> None:
    await world.alice.send(world.general, "you idiot")  # act band: delete
    await world.bob.send(world.general, "what a moron")  # review band

    assert titles(world) == ["Case #1 · delete · applied", "Case #2 · review · open"]
    first, second = world.modlog.history()
    assert fields(first)["By"] == "automod"
    assert "you idiot" in fields(first)["Excerpt"]
    assert "what a moron" in fields(second)["Excerpt"]


async def test_a_failed_action_shows_its_error_on_the_entry(world: World) -> None:
    elder = world.guild.create_role("Elder", position=50)  # above the bot's own role
    carol = world.guild.add_member(world.env.create_user("carol"), roles=[elder])

    await carol.send(world.general, "I will kill you")  # threat -> timeout, refused

    (entry,) = world.modlog.history()
    assert entry.embeds[0].title == "Case #1 · timeout (1440 min) · failed"
    assert "Elder" in fields(entry)["Error"]


async def test_a_restarted_bot_edits_the_entry_it_posted_before(world: World) -> None:
    await world.mod.slash(world.general, "timeout", member=world.alice, minutes=30,
                          reason="cool off")
    await world.restart()

    await world.mod.slash(world.general, "untimeout", member=world.alice)

    (entry,) = world.modlog.history()
    assert entry.embeds[0].title == "Case #1 · timeout (30 min) · reversed"


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
