"""``python -m bot import dce EXPORT.json...``: DiscordChatExporter JSON to a transcript.

DiscordChatExporter (the tool admins already use to save a channel) writes one JSON file
per channel: ``guild {id, name}``, ``channel {id, name, ...}`` and ``messages [{id, type,
timestamp, content, author {id, name, nickname, isBot, roles [{id, name}]}, reference
{messageId}, attachments [...], embeds [...], mentions [...]}]``. Each message becomes one
transcript line (the format ``replay`` reads); a member joining (``GuildMemberJoin``)
becomes a ``{"type": "join"}`` line for raid detection; other system messages keep their
type so that replay skips and counts them. Exports give no account creation date: it is
read from the author's snowflake id, as Discord encodes it. Join dates are not exported
either: a member's join message in the exports gives theirs, otherwise it stays null.

Files are read whole (exports of a few hundred MB are fine); messages are written in
timestamp order across all files, so several channels of one server replay together.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TextIO

from bot.tools.transcript import MAX_CONTENT, MAX_NAME, MAX_ROLES, clean_text

#: Discord's epoch: snowflakes count milliseconds from here in their top 42 bits.
DISCORD_EPOCH = datetime(2015, 1, 1, tzinfo=UTC)
#: DiscordChatExporter's message kinds that are ordinary messages.
MESSAGE_KINDS = {"default": "default", "reply": "reply"}
JOIN_KIND = "guildmemberjoin"


class ExportError(ValueError):
    """A file that is not a DiscordChatExporter JSON export (named in the message)."""


@dataclass
class ImportCounts:
    files: int = 0
    messages: int = 0
    joins: int = 0
    attachments: int = 0
    embeds: int = 0
    #: Messages left out, by why.
    dropped: Counter[str] = field(default_factory=Counter)

    def summary(self) -> str:
        dropped = ", ".join(f"{n} {why}" for why, n in sorted(self.dropped.items()))
        return (f"{self.files} file(s): {self.messages} messages, {self.joins} joins, "
                f"{self.attachments} attachments, {self.embeds} embeds"
                + (f"; left out: {dropped}" if dropped else ""))


def snowflake_time(snowflake: int) -> datetime:
    """When a Discord id was made (an account's id: when the account was created)."""
    return DISCORD_EPOCH + timedelta(milliseconds=snowflake >> 22)


def convert(paths: Iterable[Path], out: TextIO) -> ImportCounts:
    """Write the transcript of every export in ``paths`` to ``out``, oldest first."""
    counts = ImportCounts()
    lines: list[tuple[datetime, int, dict[str, Any]]] = []
    for path in paths:
        lines.extend(_lines(path, counts))
        counts.files += 1
    lines.sort(key=lambda item: (item[0], item[1]))
    # A join in the export is the member's join date for their later messages.
    joined = {(line["guild_id"], line["author"]["id"]): line["ts"]
              for _, _, line in reversed(lines) if line.get("type") == "join"}
    for _, _, line in lines:
        line["author"]["joined_at"] = joined.get((line["guild_id"], line["author"]["id"]))
        out.write(json.dumps(line, ensure_ascii=False) + "\n")
    return counts


def _lines(path: Path, counts: ImportCounts) -> Iterator[tuple[datetime, int, dict[str, Any]]]:
    export = _load(path)
    guild_id = _snowflake(export["guild"].get("id"))
    channel_id = _snowflake(export["channel"].get("id"))
    if guild_id is None or channel_id is None:
        raise ExportError(f"{path}: guild.id and channel.id must be Discord ids "
                          "(a direct-message export has no server to moderate)")
    for number, message in enumerate(export["messages"]):
        line = _line(message, guild_id, channel_id, counts)
        if isinstance(line, str):
            counts.dropped[line] += 1
            continue
        yield _parse_time(line["ts"]), number, line


def _load(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_bytes().decode("utf-8-sig", "replace"))
    except OSError as exc:
        raise ExportError(f"{path}: cannot read ({exc.strerror})") from exc
    except (ValueError, RecursionError) as exc:
        raise ExportError(f"{path}: not valid JSON ({exc})") from exc
    if not (isinstance(data, dict) and isinstance(data.get("guild"), dict)
            and isinstance(data.get("channel"), dict) and isinstance(data.get("messages"), list)):
        raise ExportError(f"{path}: not a DiscordChatExporter JSON export (expected guild, "
                          "channel and messages; export with --format Json)")
    return data


def _line(message: Any, guild_id: int, channel_id: int,
          counts: ImportCounts) -> dict[str, Any] | str:
    """The transcript line of one exported message, or why it is left out."""
    if not isinstance(message, dict) or not isinstance(message.get("author"), dict):
        return "malformed messages"
    message_id = _snowflake(message.get("id"))
    author = _author(message["author"])
    stamp = message.get("timestamp")
    if message_id is None or author is None or not isinstance(stamp, str):
        return "malformed messages"
    try:
        ts = _parse_time(stamp).isoformat()
    except ValueError:
        return "messages with a bad timestamp"
    kind = str(message.get("type") or "Default").lower()
    if kind == JOIN_KIND:
        counts.joins += 1
        return {"type": "join", "ts": ts, "guild_id": guild_id, "author": author}
    content = message.get("content")
    content = clean_text(content) if isinstance(content, str) else ""
    attachments = _count(message.get("attachments"))
    embeds = _count(message.get("embeds"))
    counts.messages += 1
    counts.attachments += attachments
    counts.embeds += embeds
    line: dict[str, Any] = {
        "id": message_id, "ts": ts, "guild_id": guild_id, "channel_id": channel_id,
        "author": author, "content": content[:MAX_CONTENT],
        "reply_to": _reply_to(message.get("reference")),
        "attachments": attachments, "embeds": embeds,
    }
    if kind not in MESSAGE_KINDS:
        line["type"] = kind  # replay skips system messages and counts them by type
    return line


def _author(raw: dict[str, Any]) -> dict[str, Any] | None:
    author_id = _snowflake(raw.get("id"))
    if author_id is None:
        return None
    name = raw.get("nickname") or raw.get("name") or str(author_id)
    roles: list[str | int] = []
    for role in raw.get("roles") or []:
        if isinstance(role, dict):
            # Policy keys match a role's name or its id: keep both.
            if isinstance(role.get("name"), str) and role["name"]:
                roles.append(clean_text(role["name"])[:MAX_NAME])
            if (role_id := _snowflake(role.get("id"))) is not None:
                roles.append(role_id)
    return {
        "id": author_id, "name": clean_text(str(name))[:MAX_NAME],
        "created_at": snowflake_time(author_id).isoformat(), "joined_at": None,
        "roles": roles[:MAX_ROLES], "bot": bool(raw.get("isBot")),
    }


def _reply_to(reference: Any) -> int | None:
    return _snowflake(reference.get("messageId")) if isinstance(reference, dict) else None


def _snowflake(value: Any) -> int | None:
    """A Discord id (exports write them as strings); None for anything else."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str) and value.isdigit() and len(value) <= 20:
        value = int(value)
    return value if isinstance(value, int) and 0 < value < 1 << 63 else None


def _count(value: Any) -> int:
    return len(value) if isinstance(value, list) else 0


def _parse_time(stamp: str) -> datetime:
    """Exports write ISO 8601 with an offset (``2026-03-01T12:00:00.123+01:00``)."""
    parsed = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)
