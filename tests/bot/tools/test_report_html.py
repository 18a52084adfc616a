"""The HTML replay report: totals, charts, tables, empty data and escaping."""

from __future__ import annotations

import random
import re
from collections import Counter
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from typing import Any

import pytest

from bot.tools.report_html import (
    abbreviate_ids,
    build_timeline,
    evidence_summary,
    histogram,
    pick_bucket,
    render_html,
)

LABELS = ("toxicity", "insult", "identity_attack", "profanity", "threat", "spam")
START = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)


def _message(i: int, action: str = "none", *, band: str = "none", case: int | None = None,
             scores: dict[str, float] | None = None, minutes: float = 0.0) -> dict[str, Any]:
    scores = scores or dict.fromkeys(LABELS, 0.01)
    return {
        "id": f"m{i}",
        "action": action,
        "labels": [k for k, v in scores.items() if v >= 0.5],
        "scores": scores,
        "band": band,
        "case": case,
        "ts": (START + timedelta(minutes=minutes)).isoformat(),
        "author_id": f"u{i % 7}",
    }


def sample_data(n_clean: int = 40) -> dict[str, Any]:
    rng = random.Random(7)
    messages = [
        _message(i, scores={k: round(rng.random() * 0.3, 4) for k in LABELS},
                 minutes=i * 3)
        for i in range(n_clean)
    ]
    messages += [
        _message(100, "delete", band="act", case=1, minutes=10,
                 scores={**dict.fromkeys(LABELS, 0.05), "toxicity": 0.91, "insult": 0.8}),
        _message(101, "timeout 30", band="act", case=2, minutes=55,
                 scores={**dict.fromkeys(LABELS, 0.05), "threat": 0.97}),
        _message(102, "review", band="review", minutes=70,
                 scores={**dict.fromkeys(LABELS, 0.05), "spam": 0.62}),
    ]
    campaigns = [{
        "kind": "campaign",
        "accounts": ["u1", "u2", "u3", "u4"],
        "message_ids": ["m1", "m2", "m3", "m4", "m5"],
        "score": 0.8731,
        "detected_at": (START + timedelta(minutes=60)).isoformat(),
        "target_id": "m0",
        "evidence": {"similarity": 0.9123, "window_s": 600, "text": "same text everywhere"},
    }]
    malformed = [{"line": 17, "problem": "not JSON: Expecting value"}]
    return {"messages": messages, "campaigns": campaigns, "malformed_lines": malformed}


def _total(page: str, name: str) -> int:
    match = re.search(rf'data-total="{name}"><b>([\d,]+)</b>', page)
    assert match, name
    return int(match.group(1).replace(",", ""))


def test_totals_in_header() -> None:
    page = render_html(sample_data())
    assert _total(page, "messages") == 43
    assert _total(page, "flagged") == 3
    assert _total(page, "cases") == 2
    assert _total(page, "campaigns") == 1
    assert _total(page, "malformed lines") == 1


def test_one_histogram_svg_per_label_plus_timeline() -> None:
    page = render_html(sample_data())
    for label in LABELS:
        card = re.search(rf'<div class="card" data-label="{label}">(.*?)</div>', page, re.S)
        assert card, label
        assert card.group(1).count("<svg") == 1
        assert f"{label} score" in card.group(1)  # x axis label
        assert "messages (log)" in card.group(1)  # y axis label
    # six histograms and one timeline
    assert page.count("<svg") == len(LABELS) + 1


def test_legend_lists_each_action_kind_taken() -> None:
    page = render_html(sample_data())
    legend = re.findall(r'class="legend-item" data-action="([^"]+)"', page)
    assert legend == ["review", "delete", "timeout"]
    assert "5 minutes buckets" in page  # a 117-minute span in 5-minute bars


def test_flagged_table_has_flagged_messages_only_worst_first() -> None:
    page = render_html(sample_data())
    rows = re.findall(r'<tr class="flagged" data-id="([^"]+)"', page)
    assert rows == ["m101", "m100", "m102"]
    assert "timeout 30" in page
    assert "#1" in page
    assert "#2" in page
    assert "threat <b>0.97</b>" in page


def test_campaign_row() -> None:
    page = render_html(sample_data())
    rows = re.findall(r'<tr class="campaign">(.*?)</tr>', page, re.S)
    assert len(rows) == 1
    row = rows[0]
    assert "<td>campaign</td>" in row
    assert ">0.87<" in row
    assert '<td class="num">4</td>' in row
    assert "… +2 more" in row
    assert "similarity</b>: 0.912" in row


def test_malformed_lines_listed() -> None:
    page = render_html(sample_data())
    assert '<li class="malformed">line 17: not JSON: Expecting value</li>' in page


@pytest.mark.parametrize("data", [
    {"messages": [], "campaigns": [], "malformed_lines": []},
    {},
])
def test_empty_data(data: dict[str, Any]) -> None:
    page = render_html(data)
    assert page.startswith("<!DOCTYPE html>")
    assert _total(page, "messages") == 0
    assert _total(page, "flagged") == 0
    assert "No flagged messages." in page
    assert "No campaigns detected." in page
    assert "<svg" not in page


def test_messages_without_actions_or_dates() -> None:
    data = {"messages": [_message(1), {**_message(2), "ts": "not a time"}]}
    page = render_html(data)
    assert "No actions taken" in page
    assert "1 messages without a readable time left out" in page


def test_user_text_is_escaped() -> None:
    evil = "<script>alert(1)</script>"
    data = sample_data(3)
    data["messages"][-1]["id"] = f'x"><img src=x onerror=alert(2)>{evil}'
    data["messages"][-1]["labels"] = [evil]
    data["messages"][-1]["scores"] = {evil: 0.99}
    data["messages"][-1]["action"] = evil
    data["campaigns"][0]["kind"] = evil
    data["campaigns"][0]["message_ids"] = [evil]
    data["campaigns"][0]["evidence"] = {evil: evil, "text": f"look {evil}", "n": [evil] * 9}
    data["campaigns"][0]["target_id"] = evil
    data["malformed_lines"] = [{"line": evil, "problem": evil}]
    page = render_html(data)
    assert "<script" not in page.lower()
    assert "<img" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "look &lt;script&gt;" in page


def test_report_has_no_external_resources() -> None:
    page = render_html(sample_data())
    assert not re.search(r'(src|href)="(https?:)?//', page)
    assert "@import" not in page
    assert "url(" not in page


def test_write_report_html(tmp_path: Any) -> None:
    from bot.tools import report

    result = SimpleNamespace(outcomes=[], alerts=[], bad_lines=[], failed_lines=[],
                             skipped=Counter())
    path = tmp_path / "r.html"
    report.write_report(result, path)  # type: ignore[arg-type]
    assert path.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_helpers() -> None:
    assert histogram([0.0, 0.049, 0.05, 0.999, 1.0, 1.5, -1]) == [3, 1] + [0] * 17 + [3]
    assert pick_bucket(0) == (60, "1 minute")
    assert pick_bucket(3 * 3600)[1] == "5 minutes"
    assert pick_bucket(3 * 86400)[1] == "6 hours"
    assert pick_bucket(40 * 86400)[1] == "1 day"
    assert pick_bucket(5 * 365 * 86400)[0] >= 30 * 86400
    assert abbreviate_ids([]) == "—"
    assert ">" + "a" * 23 + "…<" in abbreviate_ids(["a" * 40])
    assert evidence_summary({}) == "—"
    assert evidence_summary("<b>") == "&lt;b&gt;"


def test_timeline_buckets_and_mixed_offsets() -> None:
    messages = [
        {"action": "delete", "ts": "2024-05-01T12:00:00+00:00"},
        {"action": "delete", "ts": "2024-05-01T14:30:00+02:00"},  # 12:30 UTC
        {"action": "ban", "ts": "2024-05-01T13:59:00"},  # naive: UTC
        {"action": "none", "ts": "2024-05-01T13:00:00Z"},
    ]
    timeline = build_timeline(messages)
    assert timeline is not None
    assert timeline.bucket_name == "5 minutes"
    assert sum(sum(c.values()) for c in timeline.counts) == 3
    assert timeline.kinds == ["delete", "ban"]
    assert timeline.skipped_none == 1
