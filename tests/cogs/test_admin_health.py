"""``/vigil health``: the running bot's gateway, storage, database, model and queue."""

from __future__ import annotations

import simcord
from discord import app_commands

from tests.cogs.conftest import World


def fields(result: simcord.InteractionResult) -> dict[str, str]:
    assert result.acknowledged
    assert result.response is not None
    embed = result.response.embeds[0]
    return {"title": embed.title or "", **{f.name: f.value for f in embed.fields}}


async def test_health_reports_every_part_as_good(world: World) -> None:
    result = await world.admin.slash(world.general, "vigil health")

    assert result.ephemeral
    shown = fields(result)
    assert shown["title"] == "Vigil health: all good"
    assert "connected, heartbeat" in shown["✅ gateway"]
    assert shown["✅ storage"].startswith("writable")
    assert "readable and writable" in shown["✅ database"]
    assert "hashes match" in shown["✅ model"]
    assert shown["✅ scoring"] == "model fake-1; 0 request(s) waiting"


async def test_health_needs_attention_while_storage_is_failing(world: World) -> None:
    # What the writer records once a write used up its patience on a locked database.
    health = world.bot.services.db.writer.health
    health.failing_since = world.env.now()
    health.last_error = "database is locked"

    shown = fields(await world.admin.slash(world.general, "vigil health"))

    assert shown["title"] == "Vigil health: needs attention"
    assert "FAILING since" in shown["❌ storage"]
    assert "database is locked" in shown["❌ storage"]


async def test_health_needs_manage_server(world: World) -> None:
    commands = {c.name: c for c in await world.bot.tree.fetch_commands()}
    world.guild.set_command_permissions(commands["vigil"], {world.mod_role: True})

    result = await world.mod.slash(world.general, "vigil health")

    assert result.response is not None
    assert result.response.content == "You need the Manage Guild permission to do that."
    assert [type(e) for e in world.env.errors] == [app_commands.MissingPermissions]
