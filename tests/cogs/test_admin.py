"""``/vigil``: config show / reload, shadow toggle, score preview, stats."""

from __future__ import annotations

import simcord
from discord import app_commands

from bot.storage.records import ERASED, CaseStatus
from cogs.admin import CONFIRM_SECONDS, user_id_from
from tests.cogs.conftest import World


def embed_text(result: simcord.InteractionResult) -> str:
    assert result.acknowledged
    assert result.response is not None
    embed = result.response.embeds[0]
    parts = [embed.title or "", embed.description or ""]
    parts += [f"{f.name}: {f.value}" for f in embed.fields]
    return "\n".join(parts)


async def test_config_show_summarises_the_policy(world: World) -> None:
    result = await world.admin.slash(world.general, "vigil config show")

    assert result.ephemeral
    text = embed_text(result)
    assert "Shadow mode: off" in text
    assert "insult" in text
    assert "act ≥ 0.88 → delete" in text
    assert world.policy.current.version in text
    assert "fake-1" in text  # model version
    assert f"<#{world.review.id}>" in text


async def test_reload_with_a_broken_file_keeps_the_old_policy(world: World) -> None:
    before = world.policy.current
    world.policy.path.write_text("labels:\n  toxicity:\n    review: 2.5\n", encoding="utf-8")

    result = await world.admin.slash(world.general, "vigil config reload")

    assert result.acknowledged
    assert result.response is not None
    text = result.response.content
    assert f"still using policy `{before.version}`" in text
    assert "line 3" in text
    assert "labels.toxicity.review" in text
    assert world.policy.current is before
    # And the old policy is still enforced.
    await world.alice.send(world.general, "you idiot")
    assert (await world.case(1)).status is CaseStatus.APPLIED


async def test_reload_picks_up_a_valid_file(world: World) -> None:
    world.write_policy(shadow_mode=True)
    result = await world.admin.slash(world.general, "vigil config reload")
    assert result.response is not None
    assert "Policy reloaded" in result.response.content
    assert world.policy.for_guild(world.guild.id).shadow_mode


async def test_shadow_toggle_at_runtime(world: World) -> None:
    result = await world.admin.slash(world.general, "vigil shadow", mode="on")
    assert result.acknowledged
    assert world.policy.for_guild(world.guild.id).shadow_mode

    await world.alice.send(world.general, "you idiot")
    assert (await world.case(1)).status is CaseStatus.SHADOW
    assert len(world.general.history()) == 1

    await world.admin.slash(world.general, "vigil shadow", mode="off")
    await world.alice.send(world.general, "you idiot")
    assert (await world.case(2)).status is CaseStatus.APPLIED
    assert len(world.general.history()) == 1  # the second one was deleted


async def test_score_preview(world: World) -> None:
    result = await world.admin.slash(world.general, "vigil score", text="you 1d10t")

    text = embed_text(result)
    assert "insult" in text
    assert "**act**" in text  # the normalised text scores in the act band
    assert "Normalised text: you idiot" in text


async def test_stats(world: World) -> None:
    await world.alice.send(world.general, "hello there")
    await world.alice.send(world.general, "you idiot")
    await world.mod.slash(world.general, "warn", member=world.bob, reason="x")

    text = embed_text(await world.admin.slash(world.general, "vigil stats"))

    assert "Messages scored: **2**" in text
    assert "delete: 1" in text
    assert "warn: 1" in text
    assert "applied: 2" in text
    assert "Storage: writable; 0/1000 records held" in text


async def test_admin_commands_need_manage_server(world: World) -> None:
    assert "vigil stats" not in world.mod.available_commands(world.general)
    assert "vigil stats" in world.admin.available_commands(world.general)


def buttons(result: simcord.InteractionResult) -> list[str]:
    assert result.response is not None
    return [c["label"] for row in result.response.components for c in row["components"]]


async def test_forget_asks_first_then_erases_and_reports_counts(world: World) -> None:
    await world.alice.send(world.general, "you idiot")  # case #1, deleted
    await world.alice.send(world.general, "hello there everyone")
    await world.bob.send(world.general, "you idiot")  # case #2
    scores = world.bot.services.db.scores

    asked = await world.admin.slash(world.general, "vigil forget", member=str(world.alice.id))

    assert asked.ephemeral
    assert asked.response is not None
    assert f"<@{world.alice.id}>" in asked.response.content
    assert "cannot be undone" in asked.response.content
    assert buttons(asked) == ["Erase", "Cancel"]
    assert await scores.count(world.guild.id) == 3  # nothing erased before the click

    done = await world.admin.click(asked.response, label="Erase")

    assert done.acknowledged
    assert done.response is not None
    text = done.response.content
    assert "message scores deleted: **2**" in text
    assert "cases redacted: **1**" in text
    assert done.response.components == []
    assert await scores.count(world.guild.id) == 1  # Bob's
    case, bobs = await world.cases()
    assert (case.number, case.action, case.excerpt, case.target_id) == (
        1, "delete", ERASED, world.alice.id)
    assert bobs.excerpt == "you idiot"
    assert (await world.events(case))[-1].kind == "data_erased"
    logged = world.modlog.history()[-1].embeds[0]
    assert logged.title == "Member data erased"
    fields = {f.name: f.value for f in logged.fields}
    assert fields["By"] == world.admin.mention
    assert fields["Message scores deleted"] == "2"
    assert "you idiot" not in str(logged.to_dict())


async def test_forget_works_for_someone_who_left(world: World) -> None:
    await world.alice.send(world.general, "you idiot")
    world.guild.remove_member(world.alice)
    await world.env.settle()

    asked = await world.admin.slash(world.general, "vigil forget",
                                    member=f"<@{world.alice.id}>")
    assert asked.response is not None
    done = await world.admin.click(asked.response, label="Erase")

    assert done.response is not None
    assert "cases redacted: **1**" in done.response.content
    assert (await world.case(1)).excerpt == ERASED


async def test_forget_cancelled_unanswered_or_malformed_erases_nothing(world: World) -> None:
    await world.alice.send(world.general, "you idiot")

    asked = await world.admin.slash(world.general, "vigil forget", member=str(world.alice.id))
    assert asked.response is not None
    cancelled = await world.admin.click(asked.response, label="Cancel")
    assert cancelled.response is not None
    assert cancelled.response.content == "Cancelled: nothing was erased."
    unanswered = await world.admin.slash(world.general, "vigil forget",
                                         member=str(world.alice.id))
    await world.env.advance_time(CONFIRM_SECONDS + 1)
    assert unanswered.response is not None
    assert unanswered.response.content == "No answer: nothing was erased."
    assert unanswered.response.components == []
    bad = await world.admin.slash(world.general, "vigil forget", member="alice")
    assert bad.ephemeral
    assert bad.response is not None
    assert "mention or their user id" in bad.response.content

    assert (await world.case(1)).excerpt == "you idiot"
    assert await world.bot.services.privacy.log(world.guild.id) == []


async def test_forget_needs_manage_server(world: World) -> None:
    assert "vigil forget" not in world.mod.available_commands(world.general)
    # An admin let moderators see /vigil, but they lack Manage Server: the runtime check refuses.
    commands = {c.name: c for c in await world.bot.tree.fetch_commands()}
    world.guild.set_command_permissions(commands["vigil"], {world.mod_role: True})
    await world.alice.send(world.general, "you idiot")

    result = await world.mod.slash(world.general, "vigil forget", member=str(world.alice.id))

    assert result.ephemeral
    assert result.response is not None
    assert result.response.content == "You need the Manage Guild permission to do that."
    assert [type(e) for e in world.env.errors] == [app_commands.MissingPermissions]
    assert (await world.case(1)).excerpt == "you idiot"
    assert await world.bot.services.privacy.log(world.guild.id) == []


def test_a_member_is_named_by_mention_or_id() -> None:
    assert [user_id_from(t) for t in ("<@123>", "<@!123>", " 123 ", "alice", "<@&123>", "")] \
        == [123, 123, 123, None, None, None]
