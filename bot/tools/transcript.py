"""Reading transcript files (JSON lines) into MessageEvents, reporting bad lines."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from bot.event import AuthorFacts, MessageEvent


class TranscriptAuthor(BaseModel):
    model_config = ConfigDict(extra="ignore")

    id: int
    name: str = ""
    created_at: datetime | None = None
    joined_at: datetime | None = None
    roles: list[str | int] = Field(default_factory=list)
    bot: bool = False


class TranscriptLine(BaseModel):
    model_config = ConfigDict(extra="ignore")

    id: int
    ts: datetime
    guild_id: int
    channel_id: int
    author: TranscriptAuthor
    content: str
    reply_to: int | None = None


class TranscriptJoin(BaseModel):
    """Optional join records ``{"type": "join", "ts", "guild_id", "author"}`` (raids)."""

    model_config = ConfigDict(extra="ignore")

    type: str
    ts: datetime
    guild_id: int
    author: TranscriptAuthor


@dataclass(frozen=True, slots=True)
class BadLine:
    number: int
    problem: str


@dataclass(frozen=True, slots=True)
class Join:
    guild_id: int
    member: AuthorFacts
    at: datetime


def _utc(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _author(author: TranscriptAuthor) -> AuthorFacts:
    return AuthorFacts(
        id=author.id, name=author.name or str(author.id), created_at=_utc(author.created_at),
        joined_at=_utc(author.joined_at), roles=frozenset(str(r) for r in author.roles),
        is_bot=author.bot,
    )


def read_transcript(path: Path) -> Iterator[MessageEvent | Join | BadLine]:
    """Yield events in file order; a malformed line yields a BadLine and reading goes on."""
    parents: dict[int, tuple[str, int]] = {}
    with path.open(encoding="utf-8", errors="replace") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                raw = json.loads(line)
            except json.JSONDecodeError as exc:
                yield BadLine(number, f"not valid JSON ({exc.msg} at column {exc.colno})")
                continue
            if isinstance(raw, dict) and raw.get("type") == "join":
                try:
                    join = TranscriptJoin.model_validate(raw)
                except ValidationError as exc:
                    yield BadLine(number, _first_error(exc))
                    continue
                yield Join(join.guild_id, _author(join.author), _utc(join.ts) or join.ts)
                continue
            try:
                message = TranscriptLine.model_validate(raw)
            except ValidationError as exc:
                yield BadLine(number, _first_error(exc))
                continue
            parent = parents.get(message.reply_to) if message.reply_to is not None else None
            parents[message.id] = (message.content, message.author.id)
            yield MessageEvent.build(
                id=message.id, guild_id=message.guild_id, channel_id=message.channel_id,
                author=_author(message.author), content=message.content,
                created_at=_utc(message.ts) or message.ts, reply_to_id=message.reply_to,
                parent_text=parent[0] if parent else None,
                parent_author_id=parent[1] if parent else None,
            )


def _first_error(exc: ValidationError) -> str:
    errors = exc.errors()
    first = errors[0]
    key = ".".join(str(p) for p in first["loc"]) or "(line)"
    more = f" (+{len(errors) - 1} more)" if len(errors) > 1 else ""
    return f"{key}: {first['msg']}{more}"
