"""The one normalised event every part of the core works on, whatever its source."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from bot.normalize import NormalizedText, normalize


@dataclass(frozen=True, slots=True)
class AuthorFacts:
    id: int
    name: str
    created_at: datetime | None = None
    joined_at: datetime | None = None
    #: Role ids (as strings) and role names; policy keys match either.
    roles: frozenset[str] = frozenset()
    is_bot: bool = False

    def account_age_days(self, now: datetime) -> float | None:
        if self.created_at is None:
            return None
        return (now - self.created_at).total_seconds() / 86400

    def is_new(self, now: datetime, new_days: float) -> bool:
        """An account younger than ``new_days`` (an unknown age is not new)."""
        age = self.account_age_days(now)
        return age is not None and age < new_days


@dataclass(frozen=True, slots=True)
class MessageEvent:
    id: int
    guild_id: int
    channel_id: int
    author: AuthorFacts
    text: NormalizedText
    created_at: datetime
    reply_to_id: int | None = None
    parent_text: str | None = None
    parent_author_id: int | None = None
    attachments: int = 0
    embeds: int = 0
    #: Names or ids of the channel (for policy overrides by name).
    channel_keys: frozenset[str] = field(default_factory=frozenset)
    edited: bool = False
    #: Link to the message in Discord, when known.
    jump_url: str | None = None

    @property
    def content(self) -> str:
        return self.text.raw

    @classmethod
    def build(
        cls,
        *,
        id: int,
        guild_id: int,
        channel_id: int,
        author: AuthorFacts,
        content: str,
        created_at: datetime,
        reply_to_id: int | None = None,
        parent_text: str | None = None,
        parent_author_id: int | None = None,
        attachments: int = 0,
        embeds: int = 0,
        channel_keys: Iterable[str] = (),
        edited: bool = False,
        jump_url: str | None = None,
    ) -> MessageEvent:
        """Build an event from raw content, normalising the text once here.

        The channel id is always one of ``channel_keys``, so policy keys by id always match.
        """
        return cls(
            id=id,
            guild_id=guild_id,
            channel_id=channel_id,
            author=author,
            text=normalize(content),
            created_at=created_at,
            reply_to_id=reply_to_id,
            parent_text=parent_text,
            parent_author_id=parent_author_id,
            attachments=attachments,
            embeds=embeds,
            channel_keys=frozenset({str(channel_id), *channel_keys}),
            edited=edited,
            jump_url=jump_url,
        )


def needs_rescore(before: str, after: str) -> bool:
    """Edits are re-scored only when the text itself changed (not embeds or pins)."""
    return normalize(before).text != normalize(after).text
