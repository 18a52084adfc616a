"""The HTML replay report: every decision explained, counts that agree with the summary,
the policy's own lines on the charts, one card per campaign, escaping, no network."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest

from bot.campaigns import CampaignDetector
from bot.policy_book import PolicyBook
from bot.policy_config import PolicyHolder
from bot.tools.replay import ReplayResult, replay, summary_table
from bot.tools.report import report_data, write_report
from bot.tools.simulate.cli import write as write_community
from tests.fakes import FakeScorer

EXAMPLE = Path(__file__).resolve().parents[3] / "examples" / "community-thread.jsonl"


async def _replay(path: Path, policy: PolicyBook | PolicyHolder, db: Path) -> ReplayResult:
    return await replay(path, policy, FakeScorer(), db, detector=CampaignDetector(),
                        progress=False, errors=io.StringIO(), keep_outcomes=False)


def _page(result: ReplayResult, tmp_path: Path) -> str:
    out = tmp_path / "r.html"
    write_report(result, out)
    return out.read_text(encoding="utf-8")


def _total(page: str, name: str) -> int:
    match = re.search(rf'data-total="{name}"><b>([\d,]+)</b>', page)
    assert match, name
    return int(match.group(1).replace(",", ""))


def _card(page: str, number: int) -> str:
    match = re.search(rf'<article class="card case" id="case-\d+-{number}".*?</article>', page,
                      re.S)
    assert match, number
    return match.group(0)


async def test_each_case_card_explains_the_decision(
    tmp_path: Path, policy_holder: PolicyHolder
) -> None:
    result = await _replay(EXAMPLE, policy_holder, tmp_path / "e.db")
    page = _page(result, tmp_path)
    assert 'id="dry-run"' in page
    assert "would have" in page
    first = _card(page, 1)
    assert "dex" in first  # the author
    assert "Only an idiot would believe those numbers" in first  # the excerpt
    assert "toxicity 0.95 &gt;= act 0.90" in first  # label, score and the line it crossed
    assert "would have deleted the message" in first
    assert "900000000000000010" in first  # the channel
    # The "FREE NITRO" deletes name the rule that fired, not a low spam score.
    nitro = _card(page, 3)
    assert "FREE NITRO" in nitro
    assert "scam-link rule</span> scam link: discord-gift.example imitates discord.gift" in nitro
    assert "→ delete (spam)" in nitro
    assert "Reason recorded in the database" in nitro
    result.close()


async def test_page_summary_and_json_give_the_same_counts(
    tmp_path: Path, policy_holder: PolicyHolder
) -> None:
    transcript, _ = write_community(tmp_path / "sim", members=60, seed=11, hours=12)
    result = await _replay(transcript, policy_holder, tmp_path / "s.db")
    page = _page(result, tmp_path)
    table = summary_table(result)
    data = report_data(result)
    cases = int(re.search(r"cases recorded\s+(\d+)", table).group(1))  # type: ignore[union-attr]
    assert cases == _total(page, "cases") == data["summary"]["cases"] == len(data["cases"])
    assert page.count('<article class="card case"') == cases
    assert _total(page, "messages") == data["summary"]["messages"] == len(data["messages"])
    assert _total(page, "campaign alerts") == len(data["campaigns"])
    for label, count in data["summary"]["flagged_per_label"].items():
        assert re.search(rf"\n  {label}\s+{count}\n", table + "\n")
        card = re.search(rf'data-label="{label}">.*?whatif-steps">.*?</p>', page, re.S)
        assert card
        assert f"<b>{count} flagged</b>" in card.group(0)
    result.close()


async def test_one_card_per_campaign_with_its_growth(
    tmp_path: Path, policy_holder: PolicyHolder
) -> None:
    transcript, _ = write_community(tmp_path / "sim", members=60, seed=11, hours=12)
    result = await _replay(transcript, policy_holder, tmp_path / "s.db")
    data = report_data(result)
    groups = data["campaign_groups"]
    assert len(groups) < len(data["campaigns"])  # growing campaigns alert more than once
    assert sum(g["alerts"] for g in groups) == len(data["campaigns"])
    # Each alert belongs to one campaign; no two campaigns of a kind share a message (a
    # raid's content may also be a copy-paste campaign: two kinds, two cards).
    seen: dict[str, set[int]] = {}
    for group in groups:
        ids = {i for a in data["campaigns"] if a["campaign"] == group["number"]
               for i in a["message_ids"]}
        assert not ids & seen.get(group["kind"], set())
        seen.setdefault(group["kind"], set()).update(ids)
        steps = [g["accounts"] for g in group["growth"]]
        assert steps == sorted(steps)
        assert len(steps) == group["alerts"]
    page = _page(result, tmp_path)
    cards = re.findall(r'<article class="card campaign" id="campaign-(\d+)"', page)
    assert cards == [str(g["number"]) for g in groups]
    grown = next(g for g in groups if g["alerts"] > 1 and g["kind"] == "campaign")
    card = re.search(rf'id="campaign-{grown["number"]}".*?</article>', page, re.S)
    assert card
    text = card.group(0)
    assert f"it grew over {grown['alerts']} alerts" in text
    assert "<h4>Accounts</h4>" in text
    assert "<h4>Sample messages</h4>" in text
    assert "<h4>Signals</h4>" in text
    assert "youth" in text
    assert '"samples"' not in text  # readable, not raw JSON
    result.close()


async def test_histograms_draw_the_policys_own_lines(
    tmp_path: Path, policy_holder: PolicyHolder
) -> None:
    result = await _replay(EXAMPLE, policy_holder, tmp_path / "e.db")
    page = _page(result, tmp_path)
    labels = policy_holder.current.labels
    for label in ("toxicity", "insult", "spam"):
        card = re.search(rf'data-label="{label}">.*?whatif-steps">.*?</p>', page, re.S)
        assert card, label
        body = card.group(0)
        assert body.count("<svg") == 2  # the histogram and the what-if curve
        assert f"review {labels[label].review:.2f}" in body
        assert f"act {labels[label].act:.2f}" in body
        assert "at 0.5 or above" not in body
    data = report_data(result)
    spam = data["labels"]["spam"]
    assert spam["review"] == labels["spam"].review
    assert spam["at_or_above_review"] >= spam["at_or_above_act"]
    result.close()


async def test_breakdowns_per_channel_and_author(
    tmp_path: Path, policy_holder: PolicyHolder
) -> None:
    result = await _replay(EXAMPLE, policy_holder, tmp_path / "e.db")
    page = _page(result, tmp_path)
    authors = re.search(r'<table id="per-author">.*?</table>', page, re.S)
    channels = re.search(r'<table id="per-channel">.*?</table>', page, re.S)
    assert authors
    assert channels
    first_row = re.search(r"<tbody>\s*<tr><td>(\w+) <code>", authors.group(0))
    assert first_row
    assert first_row.group(1) in ("dex", "promo_deals")
    assert "900000000000000010" in channels.group(0)
    result.close()


async def test_run_metadata_is_on_the_page_and_in_the_json(
    tmp_path: Path, policy_holder: PolicyHolder
) -> None:
    result = await _replay(EXAMPLE, policy_holder, tmp_path / "e.db")
    run = report_data(result)["run"]
    assert run["dry_run"] is True
    assert run["model_version"] == "fake-1"
    assert run["policy_version"] == policy_holder.current.version
    assert run["policy_sha256"]
    assert len(run["policy_sha256"]) == 64
    page = _page(result, tmp_path)
    assert run["policy_sha256"] in page
    assert "fake-1" in page
    assert str(EXAMPLE) in page
    result.close()


def _line(id: int, content: str, name: str) -> str:
    return json.dumps({
        "id": id, "ts": "2026-03-01T12:00:00Z", "guild_id": 1, "channel_id": 10,
        "reply_to": None, "content": content,
        "author": {"id": 5, "name": name, "created_at": "2020-01-01T00:00:00Z",
                   "joined_at": "2021-01-01T00:00:00Z", "roles": []},
    })


async def test_transcript_text_is_escaped_and_nothing_is_fetched(
    tmp_path: Path, policy_holder: PolicyHolder
) -> None:
    evil = "<script>alert(1)</script>"
    path = tmp_path / "t.jsonl"
    path.write_text(_line(1, f"you idiot {evil}", 'x"><img src=x onerror=alert(2)>') + "\n"
                    + "{not json " + evil + "\n", encoding="utf-8")
    result = await _replay(path, policy_holder, tmp_path / "x.db")
    page = _page(result, tmp_path)
    assert "<script" not in page.lower()
    assert "<img" not in page
    assert "you idiot &lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert not re.search(r'(src|href)="(https?:)?//', page)
    assert "@import" not in page
    assert not re.search(r"url\((?!#)", page)  # the charts' clip paths are local only
    result.close()


@pytest.mark.parametrize("content", ["", "good morning"])
async def test_an_empty_or_quiet_replay_still_renders(
    tmp_path: Path, policy_holder: PolicyHolder, content: str
) -> None:
    path = tmp_path / "t.jsonl"
    path.write_text(_line(1, content, "ann") + "\n" if content else "", encoding="utf-8")
    result = await _replay(path, policy_holder, tmp_path / "q.db")
    page = _page(result, tmp_path)
    assert page.startswith("<!DOCTYPE html>")
    assert _total(page, "cases") == 0
    assert "No cases: the policy would have done nothing." in page
    assert "No campaigns detected." in page
    result.close()


async def test_each_servers_policy_file_is_named(tmp_path: Path) -> None:
    folder = EXAMPLE.parent / "two-servers"
    book = PolicyBook(folder / "config")
    result = await _replay(folder / "transcript.jsonl", book, tmp_path / "t.db")
    policies = report_data(result)["run"]["policies"]
    assert len(policies) == 2
    files = {Path(p["file"]).parent.name for p in policies.values()}
    assert files == {"config", "guilds"}  # one server runs the default, one its own file
    assert len({p["version"] for p in policies.values()}) == 2
    page = _page(result, tmp_path)
    for used in policies.values():
        assert used["version"] in page
    result.close()
