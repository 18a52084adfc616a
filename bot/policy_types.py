"""The building blocks of a policy that rules share: actions, probabilities, label bands.

A leaf module: the rule plug-ins in ``bot.rules`` and the full :class:`bot.policy_config.Policy`
both build on it, so neither needs the other.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any, Self

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator


class ActionKind(StrEnum):
    """What the bot does to a message or member, ordered by severity below."""

    NONE = "none"
    REVIEW = "review"
    DELETE = "delete"
    WARN = "warn"
    TIMEOUT = "timeout"
    QUARANTINE = "quarantine"
    KICK = "kick"
    BAN = "ban"


SEVERITY: dict[ActionKind, int] = {kind: rank for rank, kind in enumerate(ActionKind)}


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Action(Strict):
    """An action with its parameters. YAML accepts ``delete``, ``timeout 30`` or a mapping."""

    kind: ActionKind
    #: Timeout length; required for ``timeout``.
    minutes: int | None = Field(default=None, ge=1, le=40320)

    @model_validator(mode="before")
    @classmethod
    def _from_shorthand(cls, value: Any) -> Any:
        if isinstance(value, str):
            kind, _, minutes = value.strip().partition(" ")
            return {"kind": kind, **({"minutes": minutes} if minutes else {})}
        return value

    @model_validator(mode="after")
    def _check_minutes(self) -> Self:
        if self.kind is ActionKind.TIMEOUT and self.minutes is None:
            raise ValueError("a timeout needs minutes, e.g. 'timeout 30'")
        return self

    @property
    def severity(self) -> int:
        return SEVERITY[self.kind]

    def __str__(self) -> str:
        return f"timeout {self.minutes}" if self.kind is ActionKind.TIMEOUT else self.kind.value

    @property
    def enforces(self) -> bool:
        """Does this action do something to the member or message (not just review)?"""
        return self.kind not in (ActionKind.NONE, ActionKind.REVIEW)


Probability = Annotated[float, Field(ge=0.0, le=1.0)]

#: A Discord id: SQLite and the API take signed 64-bit integers.
Snowflake = Annotated[int, Field(ge=0, lt=2**63)]

#: Upper bounds that keep every window a valid ``timedelta`` from any sane timestamp and
#: every count something a message can reach (``.inf`` or ``1e12`` would crash or disable).
MAX_WINDOW_HOURS = 24 * 365
MAX_COUNT = 10_000


def _real_phrase(value: str) -> str:
    # Matching is by substring: " " or "." would match every message and turn automod off.
    phrase = value.strip()
    if sum(ch.isalnum() for ch in phrase) < 3:
        raise ValueError("an allowed phrase needs at least 3 letters or digits")
    return phrase


AllowPhrase = Annotated[str, Field(max_length=200), AfterValidator(_real_phrase)]


class LabelRule(Strict):
    """Two bands per label: from ``review`` a moderator looks; from ``act`` the bot acts."""

    review: Probability = 1.0
    act: Probability = 1.0
    action: Action = Action(kind=ActionKind.DELETE)
    #: Does a hit at the act band count as a strike for escalation?
    strike: bool = True

    @model_validator(mode="after")
    def _bands_ordered(self) -> Self:
        if self.review > self.act:
            raise ValueError(f"review band ({self.review}) must not exceed act band ({self.act})")
        return self
