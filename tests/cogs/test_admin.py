"""``/vigil``: config show / reload, shadow toggle, score preview, stats."""

from __future__ import annotations

import simcord

from bot.storage.records import CaseStatus
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
    assert world.policy.current.shadow_mode


async def test_shadow_toggle_at_runtime(world: World) -> None:
    result = await world.admin.slash(world.general, "vigil shadow", mode="on")
    assert result.acknowledged
    assert world.policy.current.shadow_mode

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


async def test_admin_commands_need_manage_server(world: World) -> None:
    assert "vigil stats" not in world.mod.available_commands(world.general)
    assert "vigil stats" in world.admin.available_commands(world.general)
