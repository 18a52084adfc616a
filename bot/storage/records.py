"""Plain dataclasses the repositories return; no SQL or connections leak out."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any


class CaseStatus(StrEnum):
    PENDING = "pending"      # recorded, action not yet carried out
    APPLIED = "applied"      # action carried out
    FAILED = "failed"        # action attempted and refused (permissions, hierarchy, API)
    OPEN = "open"            # waiting for a moderator (review queue, campaign)
    SHADOW = "shadow"        # recorded only: shadow mode or an offline replay
    CLOSED = "closed"        # a review or note closed without further action
    REVERSED = "reversed"    # action undone (appeal granted, unban, untimeout)


class CaseKind(StrEnum):
    MESSAGE = "message"
    MANUAL = "manual"
    CAMPAIGN = "campaign"
    PILE_ON = "pile_on"
    RAID = "raid"


@dataclass(frozen=True, slots=True)
class NewCase:
    """What a caller knows when opening a case; the store adds number and timestamps."""

    guild_id: int
    target_id: int
    action: str
    reason: str
    status: CaseStatus
    kind: CaseKind = CaseKind.MESSAGE
    target_name: str = ""
    moderator_id: int | None = None
    duration_minutes: int | None = None
    labels: tuple[str, ...] = ()
    scores: dict[str, float] = field(default_factory=dict)
    model_version: str | None = None
    policy_version: str | None = None
    channel_id: int | None = None
    message_id: int | None = None
    excerpt: str = ""
    jump_url: str | None = None
    strike: bool = False


@dataclass(frozen=True, slots=True)
class Case:
    id: int
    guild_id: int
    number: int
    kind: CaseKind
    target_id: int
    target_name: str
    moderator_id: int | None
    action: str
    duration_minutes: int | None
    reason: str
    status: CaseStatus
    labels: tuple[str, ...]
    scores: dict[str, float]
    model_version: str | None
    policy_version: str | None
    channel_id: int | None
    message_id: int | None
    excerpt: str
    jump_url: str | None
    strike: bool
    last_error: str | None
    created_at: datetime
    updated_at: datetime

    @property
    def by_automod(self) -> bool:
        return self.moderator_id is None

    @classmethod
    def from_row(cls, row: Any) -> Case:
        return cls(
            id=row["id"],
            guild_id=row["guild_id"],
            number=row["number"],
            kind=CaseKind(row["kind"]),
            target_id=row["target_id"],
            target_name=row["target_name"],
            moderator_id=row["moderator_id"],
            action=row["action"],
            duration_minutes=row["duration_minutes"],
            reason=row["reason"],
            status=CaseStatus(row["status"]),
            labels=tuple(json.loads(row["labels"])),
            scores=json.loads(row["scores"]),
            model_version=row["model_version"],
            policy_version=row["policy_version"],
            channel_id=row["channel_id"],
            message_id=row["message_id"],
            excerpt=row["excerpt"],
            jump_url=row["jump_url"],
            strike=bool(row["strike"]),
            last_error=row["last_error"],
            created_at=datetime.fromisoformat(row["created_at"]),
            updated_at=datetime.fromisoformat(row["updated_at"]),
        )


@dataclass(frozen=True, slots=True)
class CaseEvent:
    id: int
    case_id: int
    at: datetime
    kind: str
    actor_id: int | None
    detail: dict[str, Any]


class AppealStatus(StrEnum):
    OPEN = "open"
    GRANTED = "granted"
    DENIED = "denied"


@dataclass(frozen=True, slots=True)
class Appeal:
    id: int
    case_id: int
    member_id: int
    text: str
    status: AppealStatus
    moderator_id: int | None
    decision_note: str | None
    created_at: datetime
    decided_at: datetime | None

    @classmethod
    def from_row(cls, row: Any) -> Appeal:
        decided = row["decided_at"]
        return cls(
            id=row["id"],
            case_id=row["case_id"],
            member_id=row["member_id"],
            text=row["text"],
            status=AppealStatus(row["status"]),
            moderator_id=row["moderator_id"],
            decision_note=row["decision_note"],
            created_at=datetime.fromisoformat(row["created_at"]),
            decided_at=datetime.fromisoformat(decided) if decided else None,
        )


@dataclass(frozen=True, slots=True)
class MessageScore:
    message_id: int
    guild_id: int
    channel_id: int
    author_id: int
    created_at: datetime
    scores: dict[str, float]
    stance: dict[str, Any] | None
    labels: tuple[str, ...]
    action: str
    band: str
    evasion: float
    model_version: str | None
    policy_version: str | None
    review_decision: str | None = None
    #: Rule id -> the labels that rule counted the message under (rows from before rule
    #: ids were recorded: empty).
    rules: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def band_labels(self) -> tuple[str, ...]:
        """Labels the model-threshold bands placed the message under."""
        return self.rules.get("bands", ()) if self.rules else self.labels

    @classmethod
    def from_row(cls, row: Any) -> MessageScore:
        return cls(
            message_id=row["message_id"],
            guild_id=row["guild_id"],
            channel_id=row["channel_id"],
            author_id=row["author_id"],
            created_at=datetime.fromisoformat(row["created_at"]),
            scores=json.loads(row["scores"]),
            stance=json.loads(row["stance"]) if row["stance"] else None,
            labels=tuple(json.loads(row["labels"])),
            action=row["action"],
            band=row["band"],
            evasion=row["evasion"],
            model_version=row["model_version"],
            policy_version=row["policy_version"],
            review_decision=row["review_decision"],
            rules={k: tuple(v) for k, v in json.loads(row["rules"] or "{}").items()},
        )


@dataclass(frozen=True, slots=True)
class CampaignRecord:
    id: int
    guild_id: int
    kind: str
    score: float
    accounts: tuple[int, ...]
    message_ids: tuple[int, ...]
    evidence: dict[str, Any]
    case_id: int | None
    created_at: datetime


#: What replaces a member's words (message excerpts, appeal statements, campaign samples)
#: once their data is erased on request.
ERASED = "[erased]"


@dataclass(frozen=True, slots=True)
class ErasureCounts:
    #: Per-message score rows (and skipped-message records) deleted.
    message_scores: int = 0
    #: Cases whose message excerpt or member name was redacted.
    cases: int = 0
    #: Appeal statements redacted.
    appeals: int = 0
    #: Campaign records whose sample texts or member name were redacted.
    campaigns: int = 0
    #: Recent messages dropped from memory (flood history, campaign window).
    in_memory: int = 0

    @property
    def total(self) -> int:
        return self.message_scores + self.cases + self.appeals + self.campaigns + self.in_memory


@dataclass(frozen=True, slots=True)
class Erasure:
    """One honoured erasure request, as logged (the erased text is never kept)."""

    id: int
    guild_id: int
    user_id: int
    actor_id: int | None
    source: str
    at: datetime
    counts: ErasureCounts

    @classmethod
    def from_row(cls, row: Any) -> Erasure:
        return cls(
            id=row["id"], guild_id=row["guild_id"], user_id=row["user_id"],
            actor_id=row["actor_id"], source=row["source"],
            at=datetime.fromisoformat(row["at"]), counts=ErasureCounts(**json.loads(row["counts"])),
        )
