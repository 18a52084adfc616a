"""The replay's bounded aggregates, campaign grouping and decision wording."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.coordination import CoordinationAlert
from bot.policy import Verdict
from bot.policy_config import Action, ActionKind
from bot.rules import Hit, LabelAct
from bot.rules.bands import Band
from bot.tools.report_campaigns import MAX_GROWTH, CampaignBook
from bot.tools.report_spool import explain, would_have
from bot.tools.report_stats import (
    MAX_TIME_BUCKETS,
    BoundedTallies,
    LabelStats,
    TimeBuckets,
    score_bin,
)

START = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def test_scores_on_a_line_count_at_that_line() -> None:
    assert score_bin(0.35) == 35
    assert score_bin(0.29) == 29  # 0.29 * 100 is 28.999... in floating point
    assert score_bin(0.0) == 0
    assert score_bin(1.0) == 99
    assert score_bin(float("nan")) == 0
    stats = LabelStats()
    for score in (0.1, 0.34, 0.35, 0.35, 0.6, 0.99):
        stats.add(score)
    assert stats.at_or_above(0.35) == 4
    assert stats.at_or_above(0.6) == 2
    assert stats.at_or_above(0.0) == 6
    assert sum(stats.coarse(20)) == 6


def test_tallies_stay_bounded_and_keep_the_busiest() -> None:
    tallies = BoundedTallies(limit=100)
    loud = tallies.row(1, "loud")
    loud.cases = 5
    for key in range(2, 1_000):
        tallies.row(key).messages += 1
    assert len(tallies.rows) <= 100
    assert tallies.dropped >= 899
    assert tallies.top(1) == [(1, loud)]


def test_time_buckets_coarsen_instead_of_growing() -> None:
    buckets = TimeBuckets()
    for minute in range(0, 60 * 24 * 30, 7):  # a month, one action every 7 minutes
        buckets.add(START + timedelta(minutes=minute), "delete")
    buckets.add(START, "none")
    assert len(buckets.counts) <= MAX_TIME_BUCKETS
    assert buckets.size > 60
    assert sum(c["delete"] for c in buckets.counts.values()) == len(range(0, 43_200, 7))
    assert buckets.quiet == 1
    size, merged = buckets.at_least(86_400)
    assert size == 86_400
    assert len(merged) in (30, 31)


def _alert(ids: list[int], accounts: list[int], minute: int, kind: str = "campaign",
           score: float = 0.7) -> CoordinationAlert:
    return CoordinationAlert(kind, 1, score, tuple(accounts), tuple(ids),
                             START + timedelta(minutes=minute),
                             evidence={"samples": ["buy now"], "features": {"youth": 1.0}})


def test_a_growing_campaign_is_one_campaign_with_its_growth() -> None:
    book = CampaignBook()
    book.add(_alert([1, 2, 3], [10, 11, 12], 0))
    book.add(_alert([1, 2, 3, 4], [10, 11, 12, 13], 5, score=0.8))
    book.add(_alert([7, 8, 9], [20, 21, 22], 6))  # another ring
    book.add(_alert([], [30, 31, 32], 7, kind="raid"))
    book.add(_alert([], [31, 32, 33, 34], 8, kind="raid"))
    assert len(book) == 3
    assert book.alerts == 5
    first = book.campaigns[0]
    assert [(g.accounts, g.messages) for g in first.growth] == [(3, 3), (4, 4)]
    assert first.latest.score == 0.8
    assert first.samples == ["buy now"]
    assert [g.accounts for g in book.campaigns[2].growth] == [3, 4]


def test_growth_steps_are_capped_but_keep_the_latest() -> None:
    book = CampaignBook()
    for n in range(3, MAX_GROWTH + 20):
        book.add(_alert(list(range(n)), list(range(100, 100 + n)), n))
    (campaign,) = book.campaigns
    assert len(campaign.growth) == MAX_GROWTH
    assert campaign.growth[-1].accounts == MAX_GROWTH + 19
    assert campaign.alerts == MAX_GROWTH + 17


def test_would_have_wording() -> None:
    assert would_have("delete", None, "dex", on_message=True) == (
        "would have deleted the message, and told dex by DM")
    assert would_have("timeout", 60, "dex", on_message=True) == (
        "would have timed out dex for 60 minutes and deleted the message, and told dex by DM")
    assert would_have("review", None, "3 accounts", on_message=False) == (
        "would have sent it to the moderators' review queue")


def test_explain_names_the_rule_behind_the_action() -> None:
    delete = Action(kind=ActionKind.DELETE)
    verdict = Verdict(delete, Band.ACT, ("spam",), (
        "spam 0.05 >= review 0.04", "scam link: disc0rd.gift imitates discord.gift"),
        hits=(Hit("bands", ("spam 0.05 >= review 0.04",), reviews=("spam",)),
              Hit("scam_links", ("scam link: disc0rd.gift imitates discord.gift",),
                  acts=(LabelAct("spam", delete),))))
    lines = explain(verdict)
    assert lines == [
        {"rule": "bands", "reason": "spam 0.05 >= review 0.04",
         "outcome": "acted on by another rule: delete (spam)"},
        {"rule": "scam_links", "reason": "scam link: disc0rd.gift imitates discord.gift",
         "outcome": "delete (spam)"},
    ]
