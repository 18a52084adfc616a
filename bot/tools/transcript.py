"""Reading transcript files (JSON lines) into MessageEvents, reporting bad lines.

Every non-blank line yields exactly one item: an event, a join, a :class:`BadLine` (refused,
with the reason) or a :class:`Skipped` line (bots, system messages). Values are bounded so
that whatever is accepted can go through the whole pipeline: ids fit SQLite's signed 64
bits (as Discord snowflakes do), timestamps lie in a sane range (so windows can be
subtracted), text has no lone surrogates (replaced with U+FFFD) and a bounded length.
"""

from __future__ import annotations

import json
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any, BinaryIO

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError

from bot.event import AuthorFacts, MessageEvent
from bot.policy_types import Snowflake

EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
LATEST = datetime(2100, 1, 1, tzinfo=UTC)
#: Discord's own ceiling (Nitro) for a message; names and roles are far shorter there.
MAX_CONTENT = 4000
MAX_NAME = 100
MAX_ROLES = 250
#: Discord allows 10 files and 10 embeds; exports of other tools may count more.
MAX_ATTACHED = 1000
#: A longer line is refused without being held in memory whole.
MAX_LINE_BYTES = 1 << 20
#: Recent messages remembered for replies' context; a reply to an older one is scored
#: without its parent's text (its stored scores still count), so memory stays bounded.
MAX_PARENTS = 20_000
#: ``type`` values of ordinary messages (Discord's names and numbers for default and reply).
MESSAGE_TYPES = frozenset({"message", "default", "reply", "0", "19"})


def clean_text(text: str) -> str:
    """``text`` with lone surrogates (valid in JSON escapes, not in UTF-8) as U+FFFD."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        # UTF-16 pairs split surrogates back up; the ones left alone become U+FFFD.
        return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    return text


def _utc(value: datetime) -> datetime:
    try:
        value = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    except OverflowError as exc:
        raise ValueError("timestamp out of range") from exc
    if not EARLIEST <= value < LATEST:
        raise ValueError(f"timestamp outside {EARLIEST.year}-{LATEST.year - 1}")
    return value


def _text(limit: int) -> AfterValidator:
    def check(value: str) -> str:
        if len(value) > limit:
            raise ValueError(f"longer than {limit} characters ({len(value)})")
        return clean_text(value)
    return AfterValidator(check)


Timestamp = Annotated[datetime, AfterValidator(_utc)]
Name = Annotated[str, _text(MAX_NAME)]


class TranscriptAuthor(BaseModel):
    model_config = ConfigDict(extra="ignore")

    id: Snowflake
    name: Name = ""
    created_at: Timestamp | None = None
    joined_at: Timestamp | None = None
    roles: list[Name | Snowflake] = Field(
        default_factory=list, max_length=MAX_ROLES)
    bot: bool = False
    #: Discord's own system user (welcome and boost messages).
    system: bool = False


class TranscriptLine(BaseModel):
    model_config = ConfigDict(extra="ignore")

    id: Snowflake
    ts: Timestamp
    guild_id: Snowflake
    channel_id: Snowflake
    author: TranscriptAuthor
    content: Annotated[str, _text(MAX_CONTENT)]
    reply_to: Snowflake | None = None
    #: How many files and embeds the message carried (``import dce`` and ``export`` count them).
    attachments: int = Field(default=0, ge=0, le=MAX_ATTACHED)
    embeds: int = Field(default=0, ge=0, le=MAX_ATTACHED)


class TranscriptJoin(BaseModel):
    """Optional join records ``{"type": "join", "ts", "guild_id", "author"}`` (raids)."""

    model_config = ConfigDict(extra="ignore")

    type: str
    ts: Timestamp
    guild_id: Snowflake
    author: TranscriptAuthor


@dataclass(frozen=True, slots=True)
class BadLine:
    number: int
    problem: str


@dataclass(frozen=True, slots=True)
class Skipped:
    """A valid line the replay leaves out on purpose; ``event`` when it is a message."""

    number: int
    reason: str
    event: MessageEvent | None = None


@dataclass(frozen=True, slots=True)
class Join:
    guild_id: int
    member: AuthorFacts
    at: datetime


Item = MessageEvent | Join | BadLine | Skipped


def _author(author: TranscriptAuthor) -> AuthorFacts:
    return AuthorFacts(
        id=author.id, name=author.name or str(author.id), created_at=author.created_at,
        joined_at=author.joined_at, roles=frozenset(str(r) for r in author.roles),
        is_bot=author.bot,
    )


def read_lines(path: Path) -> Iterator[tuple[int, Item]]:
    """``(line number, item)`` for every non-blank line, in file order."""
    parents: OrderedDict[int, tuple[str, int]] = OrderedDict()
    with path.open("rb") as handle:
        for number, line in _raw_lines(handle):
            if isinstance(line, BadLine):
                yield number, line
            elif line.strip():
                yield number, _item(number, line, parents)


def read_transcript(path: Path) -> Iterator[MessageEvent | Join | BadLine]:
    """Events, joins and bad lines as before :func:`read_lines`: bot-authored messages come
    through as events (``author.is_bot``); system messages are left out."""
    for _, item in read_lines(path):
        if isinstance(item, Skipped):
            if item.event is not None:
                yield item.event
        else:
            yield item


def count_lines(path: Path) -> int:
    """Non-blank lines, the items :func:`read_lines` yields (for a progress bar)."""
    with path.open("rb") as handle:
        return sum(1 for _, line in _raw_lines(handle)
                   if isinstance(line, BadLine) or line.strip())


def _raw_lines(handle: BinaryIO) -> Iterator[tuple[int, str | BadLine]]:
    """Lines split on newline only (text mode would split on a bare CR inside a line too),
    decoded with replacement; an over-long line is skipped without reading it whole."""
    number = 0
    while chunk := handle.readline(MAX_LINE_BYTES + 1):
        number += 1
        if len(chunk) > MAX_LINE_BYTES and not chunk.endswith(b"\n"):
            while (rest := handle.readline(MAX_LINE_BYTES)) and not rest.endswith(b"\n"):
                pass
            yield number, BadLine(number, f"line longer than {MAX_LINE_BYTES} bytes")
            continue
        yield number, chunk.decode("utf-8", "replace")


def _item(number: int, line: str, parents: OrderedDict[int, tuple[str, int]]) -> Item:
    try:
        raw = json.loads(line)
    except json.JSONDecodeError as exc:
        return BadLine(number, f"not valid JSON ({exc.msg} at column {exc.colno})")
    except (ValueError, RecursionError) as exc:  # 5000-digit numbers, [[[[...]]]]
        return BadLine(number, f"not valid JSON ({type(exc).__name__})")
    kind = _kind(raw)
    if kind == "join":
        try:
            join = TranscriptJoin.model_validate(raw)
        except ValidationError as exc:
            return BadLine(number, _first_error(exc))
        return Join(join.guild_id, _author(join.author), join.ts)
    if kind is not None and kind not in MESSAGE_TYPES:
        return Skipped(number, f"system message (type {kind})")
    try:
        message = TranscriptLine.model_validate(raw)
    except ValidationError as exc:
        return BadLine(number, _first_error(exc))
    if message.author.system:
        return Skipped(number, "system message (system author)")
    parent = parents.get(message.reply_to) if message.reply_to is not None else None
    parents[message.id] = (message.content, message.author.id)
    if len(parents) > MAX_PARENTS:  # bounded memory: the oldest is forgotten
        parents.popitem(last=False)
    event = MessageEvent.build(
        id=message.id, guild_id=message.guild_id, channel_id=message.channel_id,
        author=_author(message.author), content=message.content, created_at=message.ts,
        reply_to_id=message.reply_to, parent_text=parent[0] if parent else None,
        parent_author_id=parent[1] if parent else None,
        attachments=message.attachments, embeds=message.embeds,
    )
    if message.author.bot:
        return Skipped(number, "bot author", event)
    return event


def _kind(raw: Any) -> str | None:
    """The line's ``type``, lower-cased and shortened (it names a report entry)."""
    if not isinstance(raw, dict) or raw.get("type") is None:
        return None
    kind = raw["type"]
    if isinstance(kind, bool) or not isinstance(kind, str | int):
        return "unknown"
    return clean_text(str(kind)).lower()[:40]


def _first_error(exc: ValidationError) -> str:
    errors = exc.errors()
    first = errors[0]
    # pydantic names union members and validators in locations: keep the field path
    key = ".".join(str(p) for p in first["loc"] if "[" not in str(p)) or "(line)"
    more = f" (+{len(errors) - 1} more)" if len(errors) > 1 else ""
    return f"{key}: {first['msg'].removeprefix('Value error, ')}{more}"
