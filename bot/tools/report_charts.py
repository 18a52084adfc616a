"""The report's inline SVG charts: score histograms and actions over time, with the
action palette the chart, legend and flagged table share."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from bot.tools.report_text import esc, parse_ts

#: Action kinds by severity, each with its colour (shared by the chart, legend and table).
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
#: Colours for action kinds the palette above does not know.
EXTRA_COLOURS: tuple[str, ...] = ("#2a9d8f", "#6d597a", "#b5838d", "#457b9d", "#8d99ae")
HIST_BINS = 20
#: Histogram bars below / at or above 0.5 (kept apart from the action colours).
LOW_COLOUR, HIGH_COLOUR = "#7d8fa6", "#b0305a"
#: Candidate bucket sizes for the actions-over-time chart, in seconds, with their names.
BUCKETS: tuple[tuple[int, str], ...] = (
    (60, "1 minute"), (5 * 60, "5 minutes"), (15 * 60, "15 minutes"), (3600, "1 hour"),
    (6 * 3600, "6 hours"), (86400, "1 day"), (7 * 86400, "1 week"), (30 * 86400, "30 days"),
)
MAX_BUCKETS = 48


def action_kind(action: Any) -> str:
    """``"timeout 30"`` -> ``"timeout"``: the chart and legend group by kind."""
    kind = str(action or "none").strip().split(" ", 1)[0].lower()
    return kind or "none"


def action_colour(kind: str, extra: dict[str, str] | None = None) -> str:
    if kind in ACTION_COLOURS:
        return ACTION_COLOURS[kind]
    extra = extra if extra is not None else {}
    if kind not in extra:
        extra[kind] = EXTRA_COLOURS[len(extra) % len(EXTRA_COLOURS)]
    return extra[kind]


def histogram(values: Iterable[float], bins: int = HIST_BINS) -> list[int]:
    """Counts of ``values`` (clamped to [0, 1]) in ``bins`` equal bins; 1.0 goes in the last."""
    counts = [0] * bins
    for value in values:
        index = min(bins - 1, max(0, int(min(1.0, max(0.0, value)) * bins)))
        counts[index] += 1
    return counts


def pick_bucket(span_seconds: float) -> tuple[int, str]:
    """The smallest bucket size that keeps the chart at ``MAX_BUCKETS`` bars or fewer."""
    for seconds, name in BUCKETS:
        if span_seconds / seconds < MAX_BUCKETS:
            return seconds, name
    seconds = max(BUCKETS[-1][0], math.ceil(span_seconds / MAX_BUCKETS / 86400) * 86400)
    return seconds, f"{seconds // 86400} days"


def _nice_max(value: int) -> int:
    """Round a count up to 1, 2 or 5 times a power of ten (for a linear axis)."""
    if value <= 1:
        return 1
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 5, 10):
        if value <= step * power:
            return step * power
    return 10 * power  # pragma: no cover - the loop always returns


def _fmt_bucket(moment: datetime, bucket: int) -> str:
    if bucket >= 86400:
        return moment.strftime("%Y-%m-%d")
    return moment.strftime("%m-%d %H:%M")


# --- SVG charts ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Frame:
    """A chart's plot area inside its SVG."""

    width: int
    height: int
    left: int = 44
    right: int = 10
    top: int = 10
    bottom: int = 36

    @property
    def plot_w(self) -> int:
        return self.width - self.left - self.right

    @property
    def plot_h(self) -> int:
        return self.height - self.top - self.bottom

    @property
    def base(self) -> int:
        return self.top + self.plot_h

    def open(self, title: str) -> str:
        return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {self.width} '
                f'{self.height}" width="100%" role="img" aria-label="{esc(title)}">'
                f"<title>{esc(title)}</title>")

    def axes(self, x_label: str, y_label: str) -> str:
        mid_y = self.top + self.plot_h / 2
        return (
            f'<line x1="{self.left}" y1="{self.base}" x2="{self.left + self.plot_w}" '
            f'y2="{self.base}" stroke="#8c959f"/>'
            f'<line x1="{self.left}" y1="{self.top}" x2="{self.left}" y2="{self.base}" '
            f'stroke="#8c959f"/>'
            f'<text x="{self.left + self.plot_w / 2:.1f}" y="{self.height - 3}" '
            f'text-anchor="middle">{esc(x_label)}</text>'
            f'<text x="11" y="{mid_y:.1f}" text-anchor="middle" '
            f'transform="rotate(-90 11 {mid_y:.1f})">{esc(y_label)}</text>'
        )

    def y_tick(self, y: float, text: str) -> str:
        return (f'<line x1="{self.left - 4}" y1="{y:.1f}" x2="{self.left + self.plot_w}" '
                f'y2="{y:.1f}" stroke="#eaeef2"/>'
                f'<text x="{self.left - 6}" y="{y + 4:.1f}" text-anchor="end">{esc(text)}</text>')

    def x_tick(self, x: float, text: str) -> str:
        return (f'<line x1="{x:.1f}" y1="{self.base}" x2="{x:.1f}" y2="{self.base + 4}" '
                f'stroke="#8c959f"/>'
                f'<text x="{x:.1f}" y="{self.base + 15}" text-anchor="middle">{esc(text)}</text>')


def _log_ticks(top: int) -> list[int]:
    ticks, value = [1], 10
    while value <= top:
        ticks.append(value)
        value *= 10
    return ticks


def histogram_svg(label: str, counts: Sequence[int]) -> str:
    """Scores of one label: 20 bins over [0, 1], message count on a log axis.

    Most messages score near zero, so a linear axis would hide the tail that matters; the
    bar height is ``log10(1 + count)`` so a single message still shows.
    """
    frame = Frame(width=360, height=170)
    top = max(counts, default=0)
    scale_top = math.log10(1 + max(10, _nice_pow10(top)))
    parts = [frame.open(f"{label} score distribution")]
    for tick in _log_ticks(max(10, _nice_pow10(top))):
        y = frame.base - math.log10(1 + tick) / scale_top * frame.plot_h
        parts.append(frame.y_tick(y, _compact(tick)))
    bar_w = frame.plot_w / len(counts) if counts else frame.plot_w
    for index, count in enumerate(counts):
        if not count:
            continue
        height = math.log10(1 + count) / scale_top * frame.plot_h
        x = frame.left + index * bar_w
        low, high = index / len(counts), (index + 1) / len(counts)
        colour = HIGH_COLOUR if low >= 0.5 else LOW_COLOUR
        parts.append(
            f'<rect x="{x + 0.5:.1f}" y="{frame.base - height:.1f}" width="{bar_w - 1:.1f}" '
            f'height="{height:.1f}" fill="{colour}"><title>{esc(label)} {low:.2f}–{high:.2f}: '
            f"{count:,} messages</title></rect>"
        )
    for at in (0.0, 0.25, 0.5, 0.75, 1.0):
        parts.append(frame.x_tick(frame.left + at * frame.plot_w, f"{at:g}"))
    parts.append(frame.axes(f"{label} score", "messages (log)"))
    parts.append("</svg>")
    return "".join(parts)


def _compact(value: int) -> str:
    """1, 10, 100, 1k, 10k, 1M: short tick labels for a log axis."""
    for size, suffix in ((1_000_000, "M"), (1_000, "k")):
        if value >= size:
            return f"{value / size:g}{suffix}"
    return str(value)


def _nice_pow10(value: int) -> int:
    """The smallest power of ten at or above ``value`` (at least 1)."""
    return 1 if value <= 1 else 10 ** math.ceil(math.log10(value))


@dataclass(frozen=True, slots=True)
class Timeline:
    bucket_seconds: int
    bucket_name: str
    starts: list[datetime]
    #: Per bucket: action kind -> count (messages with no action are left out).
    counts: list[Counter[str]]
    kinds: list[str]
    skipped_none: int
    undated: int


def build_timeline(messages: Sequence[Mapping[str, Any]]) -> Timeline | None:
    """Bucket the messages that drew an action by time; None when none is dated."""
    dated = [(parse_ts(m.get("ts")), action_kind(m.get("action"))) for m in messages]
    moments = [t for t, _ in dated if t is not None]
    if not moments:
        return None
    first, last = min(moments), max(moments)
    bucket, name = pick_bucket((last - first).total_seconds())
    origin = math.floor(first.timestamp() / bucket) * bucket
    n_buckets = int((last.timestamp() - origin) // bucket) + 1
    counts: list[Counter[str]] = [Counter() for _ in range(n_buckets)]
    skipped = 0
    for moment, kind in dated:
        if moment is None:
            continue
        if kind == "none":
            skipped += 1
            continue
        counts[int((moment.timestamp() - origin) // bucket)][kind] += 1
    seen = {kind for c in counts for kind in c}
    kinds = [k for k in ACTION_COLOURS if k in seen] + sorted(seen - set(ACTION_COLOURS))
    starts = [datetime.fromtimestamp(origin + i * bucket, tz=UTC) for i in range(n_buckets)]
    return Timeline(bucket, name, starts, counts, kinds, skipped, len(dated) - len(moments))


def timeline_svg(timeline: Timeline, extra: dict[str, str]) -> str:
    """Stacked bars, one per bucket, one colour per action kind, linear count axis."""
    frame = Frame(width=1100, height=260, left=48, right=40, bottom=40)
    totals = [sum(c.values()) for c in timeline.counts]
    top = _nice_max(max(totals, default=0))
    parts = [frame.open(f"actions per {timeline.bucket_name}")]
    steps = next(s for s in (5, 4, 2, 1) if top % s == 0)
    for i in range(steps + 1):
        value = top * i / steps
        y = frame.base - value / top * frame.plot_h
        parts.append(frame.y_tick(y, f"{value:,.0f}"))
    n = len(timeline.counts)
    bar_w = frame.plot_w / n
    gap = min(4.0, bar_w * 0.2)
    for index, (start, bucket_counts) in enumerate(zip(timeline.starts, timeline.counts,
                                                       strict=True)):
        x = frame.left + index * bar_w
        y = float(frame.base)
        for kind in timeline.kinds:
            count = bucket_counts.get(kind, 0)
            if not count:
                continue
            height = count / top * frame.plot_h
            y -= height
            parts.append(
                f'<rect x="{x + gap / 2:.1f}" y="{y:.1f}" width="{bar_w - gap:.1f}" '
                f'height="{height:.1f}" fill="{action_colour(kind, extra)}"><title>'
                f"{esc(_fmt_bucket(start, timeline.bucket_seconds))} UTC · {esc(kind)}: "
                f"{count:,}</title></rect>"
            )
    label_every = max(1, math.ceil(n / 8))
    for index in range(0, n, label_every):
        x = frame.left + (index + 0.5) * bar_w
        parts.append(frame.x_tick(x, _fmt_bucket(timeline.starts[index],
                                                 timeline.bucket_seconds)))
    parts.append(frame.axes(f"time (UTC), {timeline.bucket_name} buckets",
                            "messages actioned"))
    parts.append("</svg>")
    return "".join(parts)


def legend_html(kinds: Iterable[str], extra: dict[str, str]) -> str:
    items = "".join(
        f'<li class="legend-item" data-action="{esc(kind)}"><span class="swatch" '
        f'style="background:{action_colour(kind, extra)}"></span>{esc(kind)}</li>'
        for kind in kinds
    )
    return f'<ul class="legend">{items}</ul>'


# --- page sections -------------------------------------------------------------------------
