"""The report's charts, drawn with matplotlib from the bounded aggregates, as inline SVG.

Text stays text in the SVG (``svg.fonttype: none``), so the page is searchable and a
browser test can read the policy lines off a chart. No file, no network: each function
returns one ``<svg>`` string.
"""

from __future__ import annotations

import io
import math
from collections import Counter
from datetime import UTC, datetime
from typing import Any

import matplotlib

matplotlib.use("Agg")  # no display: render to memory only

import matplotlib.pyplot as plt
from matplotlib.dates import date2num
from matplotlib.figure import Figure

from bot.tools.report_stats import FINE_BINS, LabelStats, TimeBuckets, action_kind

#: Action kinds by severity, each with its colour (shared by the chart and the page).
ACTION_COLOURS: dict[str, str] = {
    "none": "#c8ccd2",
    "review": "#4c8bf5",
    "delete": "#f2b134",
    "warn": "#e8833a",
    "timeout": "#d6543d",
    "quarantine": "#9b59b6",
    "kick": "#8e2c48",
    "ban": "#2b2b2b",
}
EXTRA_COLOURS: tuple[str, ...] = ("#2a9d8f", "#6d597a", "#b5838d", "#457b9d", "#8d99ae")
REVIEW_COLOUR, ACT_COLOUR = "#4c8bf5", "#b0305a"
BAR_COLOUR = "#7d8fa6"
#: Bar sizes for the actions-over-time chart (seconds, name): the smallest giving <= 48 bars.
BUCKETS: tuple[tuple[int, str], ...] = (
    (60, "1 minute"), (5 * 60, "5 minutes"), (15 * 60, "15 minutes"), (3600, "1 hour"),
    (6 * 3600, "6 hours"), (86400, "1 day"), (7 * 86400, "1 week"), (30 * 86400, "30 days"),
)
MAX_BARS = 48
#: (``Any``: matplotlib types rc keys as literals.)
STYLE: Any = {
    "svg.fonttype": "none", "font.size": 8, "axes.spines.top": False,
    "axes.spines.right": False, "axes.edgecolor": "#8c959f", "axes.labelcolor": "#57606a",
    "xtick.color": "#57606a", "ytick.color": "#57606a", "svg.hashsalt": "vigil",
}


def action_colour(kind: str) -> str:
    if kind in ACTION_COLOURS:
        return ACTION_COLOURS[kind]
    return EXTRA_COLOURS[sum(map(ord, kind)) % len(EXTRA_COLOURS)]


def _svg(figure: Figure) -> str:
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    plt.close(figure)
    text = buffer.getvalue()
    return text[text.index("<svg"):]  # drop the XML prolog and doctype: inline in HTML


def _lines(axes: plt.Axes, review: float | None, act: float | None) -> None:
    """The policy's own bands as vertical lines, named with their values."""
    for value, name, colour, style in ((review, "review", REVIEW_COLOUR, "--"),
                                       (act, "act", ACT_COLOUR, "-")):
        if value is None or value >= 1.0:
            continue
        axes.axvline(value, color=colour, linestyle=style, linewidth=1.2)
        axes.text(value, 1.0, f" {name} {value:.2f}", color=colour, va="top",
                  transform=axes.get_xaxis_transform(), ha="left" if value < 0.8 else "right")


def histogram_svg(label: str, stats: LabelStats, review: float | None,
                  act: float | None) -> str:
    """Scores of one label in 20 bins, messages on a log axis, the policy's lines drawn."""
    counts = stats.coarse(20)
    with plt.rc_context(STYLE):
        figure, axes = plt.subplots(figsize=(4.2, 2.0))
        lefts = [i / 20 for i in range(20)]
        colours = [ACT_COLOUR if act is not None and left >= act - 1e-9 else
                   REVIEW_COLOUR if review is not None and left >= review - 1e-9 else BAR_COLOUR
                   for left in lefts]
        drawn = [i for i, count in enumerate(counts) if count]  # log axis: no empty bars
        axes.bar([lefts[i] for i in drawn], [counts[i] for i in drawn], width=0.048,
                 align="edge", color=[colours[i] for i in drawn])
        if any(counts):
            axes.set_yscale("log")
            axes.set_ylim(0.8, max(counts) * 2)
        axes.set_xlim(0, 1)
        axes.set_xlabel(f"{label} score")
        axes.set_ylabel("messages (log)")
        _lines(axes, review, act)
        return _svg(figure)


def whatif_points(stats: LabelStats) -> list[tuple[float, int]]:
    """(threshold, messages at or above it) at every 0.01 from 0.01 to 1.00."""
    return [(i / FINE_BINS, stats.at_or_above(i / FINE_BINS)) for i in range(1, FINE_BINS + 1)]


def whatif_svg(label: str, stats: LabelStats, review: float | None, act: float | None) -> str:
    """Cases per threshold: how many messages this label alone would flag at each line."""
    points = whatif_points(stats)
    with plt.rc_context(STYLE):
        figure, axes = plt.subplots(figsize=(4.2, 2.0))
        xs, ys = [p[0] for p in points], [p[1] for p in points]
        axes.step(xs, ys, where="post", color="#1f2328", linewidth=1.2)
        if max(ys, default=0) > 50:
            axes.set_yscale("symlog", linthresh=10)
        axes.set_xlim(0, 1)
        axes.set_ylim(bottom=0)
        axes.set_xlabel(f"{label} threshold")
        axes.set_ylabel("messages at or above")
        _lines(axes, review, act)
        return _svg(figure)


def pick_bucket(span_seconds: float) -> tuple[int, str]:
    """The smallest bar size that keeps the chart at ``MAX_BARS`` bars or fewer."""
    for seconds, name in BUCKETS:
        if span_seconds / seconds < MAX_BARS:
            return seconds, name
    seconds = max(BUCKETS[-1][0], math.ceil(span_seconds / MAX_BARS / 86400) * 86400)
    return seconds, f"{seconds // 86400} days"


def bucket_name(seconds: int) -> str:
    return next((name for size, name in BUCKETS if size == seconds), f"{seconds // 86400} days")


def timeline_svg(timeline: TimeBuckets) -> str | None:
    """Actions per time bar, stacked by kind; None when nothing was actioned."""
    if timeline.first is None or timeline.last is None or not timeline.counts:
        return None
    size, _ = pick_bucket((timeline.last - timeline.first).total_seconds())
    size, counts = timeline.at_least(size)
    kinds = sorted({k for c in counts.values() for k in c},
                   key=lambda k: (list(ACTION_COLOURS).index(k) if k in ACTION_COLOURS
                                  else len(ACTION_COLOURS), k))
    starts = sorted(counts)
    moments = [float(date2num(datetime.fromtimestamp(s, tz=UTC))) for s in starts]
    with plt.rc_context(STYLE):
        figure, axes = plt.subplots(figsize=(10, 2.6))
        bottom = [0] * len(starts)
        width = size / 86400 * 0.85  # matplotlib dates are in days
        for kind in kinds:
            heights = [counts[s].get(kind, 0) for s in starts]
            axes.bar(moments, heights, width=width, bottom=bottom, align="edge",
                     color=action_colour(kind), label=kind)
            bottom = [b + h for b, h in zip(bottom, heights, strict=True)]
        axes.set_ylabel("messages actioned")
        axes.set_xlabel(f"time (UTC), {bucket_name(size)} bars")
        axes.legend(frameon=False, ncols=min(len(kinds), 8), loc="upper left",
                    bbox_to_anchor=(0, 1.18))
        axes.xaxis_date(tz=UTC)
        figure.autofmt_xdate()
        return _svg(figure)


def kinds_in(actions: Counter[str]) -> list[str]:
    return sorted({action_kind(a) for a in actions})
