"""Score detector alerts against simulator ground truth, account by account."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.coordination import CoordinationAlert

#: Alert kinds that count as detecting each scenario kind.
KINDS = {"ring": ("campaign",), "spam": ("campaign",), "repeat": ("campaign",),
         "pile_on": ("pile_on",), "raid": ("raid",)}


@dataclass(frozen=True, slots=True)
class Row:
    scenario: str
    kind: str
    size: int
    flagged: int
    hits: int
    minutes_to_detect: float | None
    expect_alert: bool

    @property
    def precision(self) -> float | None:
        return self.hits / self.flagged if self.flagged else None

    @property
    def recall(self) -> float:
        return self.hits / self.size if self.size else 0.0


def evaluate(alerts: Sequence[CoordinationAlert], truth: dict[str, Any]) -> list[Row]:
    """One row per scenario: the accounts of every matching alert that touches it."""
    rows = []
    for scenario in truth["scenarios"]:
        members = set(scenario["accounts"])
        kinds = KINDS.get(scenario["kind"], ("campaign",))
        touching = [a for a in alerts if a.kind in kinds and members & set(a.accounts)
                    and (scenario.get("target_id") is None
                         or a.target_id == scenario["target_id"])]
        flagged = {account for a in touching for account in a.accounts}
        first = _ts(scenario["first_ts"])
        ttd = min(((a.detected_at - first).total_seconds() / 60 for a in touching), default=None)
        rows.append(Row(scenario["id"], scenario["kind"], len(members), len(flagged),
                        len(flagged & members), ttd, scenario.get("expect_alert", True)))
    return rows


def organic_flagged(alerts: Sequence[CoordinationAlert], truth: dict[str, Any]) -> set[int]:
    """Organic members (in no scenario) named in any alert."""
    planted = {a for s in truth["scenarios"] for a in s["accounts"]}
    planted.update(s["target_id"] for s in truth["scenarios"] if s.get("target_id"))
    organic = set(truth["organic"]) - planted
    return {a for alert in alerts for a in alert.accounts if a in organic}


def pooled(rows: Sequence[Row]) -> tuple[float | None, float]:
    """Account-level precision and recall over several scenarios together."""
    flagged = sum(r.flagged for r in rows)
    hits = sum(r.hits for r in rows)
    size = sum(r.size for r in rows)
    return (hits / flagged if flagged else None), (hits / size if size else 0.0)


def _ts(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))
