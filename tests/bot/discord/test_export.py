"""``python -m bot export``: channel history read through the bot, against simcord."""

from __future__ import annotations

import io
import json
from datetime import timedelta
from pathlib import Path

import pytest

from bot.discord.export import ExportError, export_channels
from bot.tools.transcript import read_lines
from tests.cogs.conftest import World


async def test_history_since_a_date_becomes_transcript_lines(
        world: World, tmp_path: Path) -> None:
    await world.alice.send(world.general, "an old message, before the export window")
    await world.env.advance_time(120)
    since = world.env.now() - timedelta(seconds=60)
    question = await world.mod.send(world.general, "has anyone tried the new build?")
    await world.bob.send(world.general, "yes, screenshots", reply_to=question,
                         attachments=[("a.png", b"\x89PNG..."), ("b.png", b"\x89PNG...")])
    out = io.StringIO()
    ticks: list[int] = []
    counts = await export_channels(world.bot, [world.general.id], since, None, out,
                                   progress=ticks.append)
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [line["content"] for line in lines] == [
        "has anyone tried the new build?", "yes, screenshots"]
    mod, bob = lines
    assert mod["guild_id"] == world.guild.id
    assert mod["channel_id"] == world.general.id
    assert mod["author"]["id"] == world.mod.id
    assert "Moderators" in mod["author"]["roles"]
    assert world.mod_role.id in mod["author"]["roles"]
    assert mod["author"]["joined_at"] is not None
    assert bob["reply_to"] == mod["id"]
    assert (bob["attachments"], bob["embeds"]) == (2, 0)
    assert counts.summary() == "1 channel(s): 2 messages, 2 attachments, 0 embeds"
    assert sum(ticks) == 2
    # What export writes, replay reads: the reply finds its parent's text.
    transcript = tmp_path / "t.jsonl"
    transcript.write_text(out.getvalue(), encoding="utf-8")
    events = [item for _, item in read_lines(transcript)]
    assert events[1].parent_text == "has anyone tried the new build?"  # type: ignore[union-attr]


async def test_an_unknown_channel_is_a_clear_error(world: World) -> None:
    with pytest.raises(ExportError, match="channel 12345"):
        await export_channels(world.bot, [12345], world.env.now(), None, io.StringIO())
