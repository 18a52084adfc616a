"""``python -m bot import dce``: DiscordChatExporter JSON exports become a transcript."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.event import MessageEvent
from bot.tools.dce import ExportError, convert, snowflake_time
from bot.tools.transcript import BadLine, Join, Skipped, read_lines

ROOT = Path(__file__).resolve().parents[3]
EXPORT = Path(__file__).parent / "fixtures" / "dce-general.json"


def converted(*paths: Path) -> tuple[list[dict[str, object]], str]:
    out = io.StringIO()
    counts = convert(paths, out)
    return [json.loads(line) for line in out.getvalue().splitlines()], counts.summary()


def test_snowflake_time_is_discords_epoch_plus_the_top_bits() -> None:
    # Discord's documented example: 175928847299117063 was made 2016-04-30 11:18:25.796 UTC
    assert snowflake_time(175928847299117063) == datetime(2016, 4, 30, 11, 18, 25, 796000,
                                                          tzinfo=UTC)


def test_an_export_becomes_transcript_lines_in_time_order() -> None:
    lines, summary = converted(EXPORT)
    assert [line.get("type") for line in lines] == [
        "join", None, None, None, "channelpinnedmessage"]
    join, alice, bob, helper, pinned = lines
    assert join["author"]["joined_at"] == "2026-03-01T09:00:00+00:00"  # type: ignore[index]
    # +02:00 in the export: 10:00 UTC, so before bob's 10:05 reply although listed first
    assert alice["ts"] == "2026-03-01T10:00:00.123000+00:00"
    assert alice["author"] == {  # nickname shown, both role name and id kept
        "id": 80351110224678912, "name": "Alice W.",
        "created_at": "2015-08-10T17:26:37.529000+00:00", "joined_at": None,
        "roles": ["Regulars", 900000000000000050], "bot": False}
    assert alice["guild_id"] == 900000000000000001
    assert alice["channel_id"] == 900000000000000010
    assert bob["reply_to"] == alice["id"]
    assert (bob["attachments"], bob["embeds"]) == (2, 1)
    assert helper["author"]["bot"] is True  # type: ignore[index]
    assert pinned["reply_to"] == bob["id"]
    assert summary == ("1 file(s): 4 messages, 1 joins, 2 attachments, 1 embeds; left out: "
                       "1 malformed messages, 1 messages with a bad timestamp")


def test_the_transcript_replays_as_events_joins_and_skipped_lines(tmp_path: Path) -> None:
    transcript = tmp_path / "t.jsonl"
    with transcript.open("w", encoding="utf-8") as out:
        convert([EXPORT], out)
    items = [item for _, item in read_lines(transcript)]
    assert not [i for i in items if isinstance(i, BadLine)]
    assert isinstance(items[0], Join)
    events = [i for i in items if isinstance(i, MessageEvent)]
    assert [e.author.name for e in events] == ["Alice W.", "bob"]
    assert events[1].parent_text == "Has anyone tried the new build?"
    assert (events[1].attachments, events[1].embeds) == (2, 1)
    assert "Regulars" in events[0].author.roles
    assert "900000000000000050" in events[0].author.roles
    skipped = [i.reason for i in items if isinstance(i, Skipped)]
    assert skipped == ["bot author", "system message (type channelpinnedmessage)"]


def test_several_exports_interleave_by_time(tmp_path: Path) -> None:
    data = json.loads(EXPORT.read_text(encoding="utf-8"))
    data["channel"]["id"] = "900000000000000011"
    data["messages"] = [{
        "id": "1100000000000000250", "type": "Default", "timestamp": "2026-03-01T10:01:00Z",
        "content": "other channel", "attachments": [], "embeds": [],
        "author": {"id": "1090000000000000002", "name": "bob", "isBot": False, "roles": []}}]
    other = tmp_path / "other.json"
    other.write_text(json.dumps(data), encoding="utf-8")
    lines, summary = converted(EXPORT, other)
    assert [line.get("content") for line in lines[1:3]] == [
        "Has anyone tried the new build?", "other channel"]
    assert lines[2]["channel_id"] == 900000000000000011
    assert summary.startswith("2 file(s): 5 messages")


@pytest.mark.parametrize(("text", "problem"), [
    ("{not json", "not valid JSON"),
    ('{"messages": []}', "not a DiscordChatExporter JSON export"),
    ('{"guild": {"id": "0"}, "channel": {"id": "5"}, "messages": []}', "must be Discord ids"),
])
def test_a_file_that_is_not_an_export_is_named_in_the_error(
        tmp_path: Path, text: str, problem: str) -> None:
    path = tmp_path / "x.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ExportError, match=problem) as error:
        converted(path)
    assert str(path) in str(error.value)


def test_the_command_writes_stdout_and_counts_on_stderr(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot", "import", "dce", str(EXPORT)], cwd=ROOT,
        capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    assert len(result.stdout.splitlines()) == 5
    assert "4 messages, 1 joins, 2 attachments, 1 embeds" in result.stderr
    missing = subprocess.run(
        [sys.executable, "-m", "bot", "import", "dce", str(tmp_path / "nope.json")], cwd=ROOT,
        capture_output=True, text=True, timeout=120, check=False)
    assert missing.returncode == 2
    assert "cannot read" in missing.stderr
    assert not missing.stdout
