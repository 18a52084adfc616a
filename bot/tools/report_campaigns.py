"""Campaign alerts grouped into campaigns: one card per campaign, with how it grew.

The detector alerts again each time a cluster grows (3 accounts, then 4, ...). Those alerts
are one campaign: an alert joins a campaign of the same guild, kind and target when they
share a message (or, for raids, which carry no messages, an account). The campaign keeps
its latest alert (the fullest evidence) and one growth step per alert.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from bot.coordination import ALERT_TITLES, CoordinationAlert
from bot.storage.records import Case

#: Campaigns kept for the page; past it alerts of new campaigns are only counted.
MAX_CAMPAIGNS = 500
#: Growth steps kept per campaign (the first ones and the latest).
MAX_GROWTH = 60
MAX_CASE_NUMBERS = 20


@dataclass(frozen=True, slots=True)
class Growth:
    at: datetime
    accounts: int
    messages: int
    score: float


@dataclass(slots=True)
class Campaign:
    number: int
    kind: str
    guild_id: int
    target_id: int | None
    latest: CoordinationAlert
    first_at: datetime
    growth: list[Growth] = field(default_factory=list)
    alerts: int = 0
    #: Review (and quarantine) case numbers its alerts opened.
    cases: list[int] = field(default_factory=list)
    _ids: set[int] = field(default_factory=set)

    @property
    def title(self) -> str:
        return ALERT_TITLES.get(self.kind, self.kind)

    def matches(self, alert: CoordinationAlert) -> bool:
        if (alert.kind, alert.guild_id, alert.target_id) != (
                self.kind, self.guild_id, self.target_id):
            return False
        return not self._ids.isdisjoint(_identity(alert))

    def grow(self, alert: CoordinationAlert, cases: Iterable[Case]) -> None:
        self.alerts += 1
        if alert.score >= self.latest.score or len(alert.accounts) >= len(self.latest.accounts):
            self.latest = alert
        self._ids.update(_identity(alert))
        step = Growth(alert.detected_at, len(alert.accounts), len(alert.message_ids),
                      alert.score)
        if len(self.growth) >= MAX_GROWTH:
            self.growth[-1] = step  # keep the first steps and always the latest
        else:
            self.growth.append(step)
        for case in cases:
            if len(self.cases) < MAX_CASE_NUMBERS:
                self.cases.append(case.number)

    @property
    def accounts(self) -> list[dict[str, object]]:
        """The accounts with their names and ages when the evidence has them."""
        named = self.latest.evidence.get("accounts")
        if isinstance(named, list) and named and isinstance(named[0], dict):
            return [a for a in named if isinstance(a, dict)]
        return [{"id": account} for account in self.latest.accounts]

    @property
    def samples(self) -> list[str]:
        samples = self.latest.evidence.get("samples")
        if isinstance(samples, list):
            return [str(s) for s in samples]
        text = self.latest.evidence.get("text")
        return [str(text)] if text else []


def _identity(alert: CoordinationAlert) -> set[int]:
    return set(alert.message_ids) if alert.message_ids else {-a for a in alert.accounts}


class CampaignBook:
    """Every alert of a replay, folded into campaigns."""

    def __init__(self, limit: int = MAX_CAMPAIGNS) -> None:
        self.limit = limit
        self.campaigns: list[Campaign] = []
        self.alerts = 0
        #: Alerts of campaigns past ``limit`` (counted, not kept).
        self.overflow = 0

    def add(self, alert: CoordinationAlert, cases: Iterable[Case] = ()) -> Campaign | None:
        self.alerts += 1
        for campaign in reversed(self.campaigns):
            if campaign.matches(alert):
                campaign.grow(alert, cases)
                return campaign
        if len(self.campaigns) >= self.limit:
            self.overflow += 1
            return None
        campaign = Campaign(len(self.campaigns) + 1, alert.kind, alert.guild_id,
                            alert.target_id, alert, alert.detected_at)
        campaign.grow(alert, cases)
        self.campaigns.append(campaign)
        return campaign

    def __len__(self) -> int:
        return len(self.campaigns)
