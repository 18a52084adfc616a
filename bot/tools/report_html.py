"""The replay report as one self-contained HTML page, rendered with Jinja2.

The template (``templates/report.html.j2``) is autoescaped: everything from a transcript
(names, message text, evidence) is untrusted and reaches the page escaped; only the SVG
charts matplotlib drew here are marked safe. The page is rendered as a stream
(``render_chunks``): case cards are read back from the replay's spool one at a time.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import datetime
from itertools import islice
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from bot.tools.replay import ReplayResult
from bot.tools.report_charts import (
    action_colour,
    histogram_svg,
    timeline_svg,
    whatif_svg,
)
from bot.tools.report_stats import action_kind

TEMPLATES = Path(__file__).with_name("templates")
#: Case cards on the page (the JSON report has every case).
MAX_CASE_CARDS = 2_000
#: Malformed or failed lines listed on the page.
MAX_LINES_SHOWN = 200
BREAKDOWN_ROWS = 20
#: How the page names each rule.
RULE_NAMES: dict[str, str] = {
    "bands": "model score", "flood": "flood rule", "scam_links": "scam-link rule",
    "threat_wording": "threat-wording rule",
}
#: Campaign evidence shown in its own place on the card (the rest is listed as signals).
SHOWN_APART = {"text", "samples", "accounts", "message_ids", "features", "new_accounts",
               "first_ts", "last_ts", "similar_accounts"}


def when(value: Any) -> str:
    """ISO time -> ``2026-03-14 18:37:00 UTC``; anything unreadable is shown as it is."""
    try:
        moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return str(value or "")
    return moment.strftime("%Y-%m-%d %H:%M:%S UTC")


def signal_value(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.2f}"
    if isinstance(value, list | tuple):
        shown = ", ".join(str(v) for v in value[:5])
        return shown + (f" … +{len(value) - 5} more" if len(value) > 5 else "") or "none"
    if isinstance(value, Mapping):
        return ", ".join(f"{k} {signal_value(v)}" for k, v in value.items()) or "none"
    return str(value)


def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["j2", "html"]),
        undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
    )
    env.filters.update(when=when, signal=signal_value, kind=action_kind,
                       colour=lambda action: action_colour(action_kind(action)),
                       rule_name=lambda rule: RULE_NAMES.get(str(rule), str(rule)))
    return env


def _label_cards(labels: Mapping[str, Mapping[str, Any]],
                 result: ReplayResult) -> list[dict[str, Any]]:
    cards = []
    for label, line in labels.items():
        stats = result.stats.labels[label]
        review, act = line["review"], line["act"]
        cards.append({
            **line, "label": label,
            "histogram": Markup(histogram_svg(label, stats, review, act)),
            "whatif": Markup(whatif_svg(label, stats, review, act)),
            "steps": [(t / 10, stats.at_or_above(t / 10)) for t in range(1, 10)],
        })
    return cards


def _breakdown(result: ReplayResult) -> dict[str, Any]:
    stats = result.stats
    return {
        "channels": stats.channels.top(BREAKDOWN_ROWS),
        "channels_total": len(stats.channels.rows) + stats.channels.dropped,
        "authors": stats.authors.top(BREAKDOWN_ROWS),
        "authors_total": len(stats.authors.rows) + stats.authors.dropped,
        "authors_dropped": stats.authors.dropped,
    }


def render_chunks(result: ReplayResult, summary: Mapping[str, Any],
                  labels: Mapping[str, Mapping[str, Any]]) -> Iterator[str]:
    """The page, piece by piece (write each to the file as it comes)."""
    timeline = timeline_svg(result.stats.timeline)
    context = {
        "run": result.run, "summary": summary,
        "labels": _label_cards(labels, result),
        "timeline": Markup(timeline) if timeline else None,
        "quiet": result.stats.timeline.quiet,
        **_breakdown(result),
        "campaigns": result.campaigns.campaigns,
        "campaign_overflow": result.campaigns.overflow,
        "cases": islice(result.spool.read("cases"), MAX_CASE_CARDS),
        "cases_shown": min(summary["cases"], MAX_CASE_CARDS),
        "malformed": islice(result.spool.read("malformed_lines"), MAX_LINES_SHOWN),
        "failed": islice(result.spool.read("failed_lines"), MAX_LINES_SHOWN),
        "lines_shown": MAX_LINES_SHOWN,
        "skipped": result.stats.skipped.most_common(),
        "shown_apart": SHOWN_APART,
    }
    return _environment().get_template("report.html.j2").generate(**context)
