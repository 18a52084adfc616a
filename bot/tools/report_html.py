"""The replay report as one self-contained HTML page: inline CSS and inline SVG, no scripts.

``render_html`` takes the dict ``bot.tools.report.report_data`` builds. Everything that came from a
transcript or a detector (ids, labels, actions, evidence, problems) is user-provided text and
goes through ``html.escape`` before it reaches the page.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from html import escape
from typing import Any

#: Labels in the order the models emit them; unknown labels follow, sorted.
LABEL_ORDER: tuple[str, ...] = (
    "toxicity", "insult", "identity_attack", "profanity", "threat", "spam",
)
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
MAX_IDS_SHOWN = 3
MAX_ID_CHARS = 24
MAX_EVIDENCE_CHARS = 80

CSS = """
*{box-sizing:border-box}
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;
 color:#1f2328;background:#f6f7f9}
main{max-width:1160px;margin:0 auto;padding:24px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 10px}
.sub{color:#656d76;margin:0 0 16px}
.totals{display:flex;flex-wrap:wrap;gap:12px}
.total{background:#fff;border:1px solid #d8dee4;border-radius:8px;padding:10px 16px;min-width:130px}
.total b{display:block;font-size:24px}.total span{color:#656d76;font-size:12px}
.hists{display:grid;grid-template-columns:repeat(auto-fill,minmax(360px,1fr));gap:12px}
.card{background:#fff;border:1px solid #d8dee4;border-radius:8px;padding:10px 12px}
.card h3{font-size:14px;margin:0 0 4px}
svg text{font:11px system-ui,sans-serif;fill:#57606a}
.legend{display:flex;flex-wrap:wrap;gap:14px;margin:6px 0 0;padding:0;list-style:none}
.legend li{display:flex;align-items:center;gap:6px}
.swatch{display:inline-block;width:12px;height:12px;border-radius:2px}
table{border-collapse:collapse;width:100%;background:#fff;border:1px solid #d8dee4}
th,td{text-align:left;padding:6px 10px;border-bottom:1px solid #eaeef2;vertical-align:top}
th{background:#f0f2f5;font-weight:600;font-size:13px}
td.num{text-align:right;font-variant-numeric:tabular-nums}
code{font:12px ui-monospace,SFMono-Regular,Menlo,monospace;white-space:nowrap}
td{overflow-wrap:break-word}td.wrap{overflow-wrap:anywhere}td.nowrap{white-space:nowrap}
.pill{display:inline-block;padding:1px 8px;border-radius:10px;color:#fff;font-size:12px}
.pill.light{color:#1f2328}
.empty{color:#656d76;font-style:italic}
.note{color:#656d76;font-size:12px;margin:4px 0 0}
"""


# --- small helpers -------------------------------------------------------------------------


def _e(value: Any) -> str:
    """Escape anything for HTML text or a double-quoted attribute."""
    return escape(str(value), quote=True)


def _num(value: Any, default: float = 0.0) -> float:
    try:
        result = float(value)
    except (TypeError, ValueError):
        return default
    return result if math.isfinite(result) else default


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


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


def _pill(kind: str, text: str, extra: dict[str, str]) -> str:
    light = " light" if kind in ("none", "delete") else ""
    return (f'<span class="pill{light}" style="background:{action_colour(kind, extra)}">'
            f"{_e(text)}</span>")


def parse_ts(value: Any) -> datetime | None:
    """ISO 8601 to an aware UTC datetime; naive times are taken as UTC; junk gives None."""
    if not isinstance(value, str) or not value:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def is_flagged(message: Mapping[str, Any]) -> bool:
    """Flagged: the policy put it in a band or chose an action."""
    return (str(message.get("band") or "none") != "none"
            or action_kind(message.get("action")) != "none")


def worst_score(message: Mapping[str, Any]) -> float:
    scores = message.get("scores") or {}
    return max((_num(v) for v in scores.values()), default=0.0)


def top_scores(message: Mapping[str, Any], n: int = 3) -> list[tuple[str, float]]:
    scores = message.get("scores") or {}
    ranked = sorted(((str(k), _num(v)) for k, v in scores.items()), key=lambda kv: -kv[1])
    return ranked[:n]


def labels_in(messages: Iterable[Mapping[str, Any]]) -> list[str]:
    seen = {str(k) for m in messages for k in (m.get("scores") or {})}
    known = [label for label in LABEL_ORDER if label in seen]
    return known + sorted(seen - set(LABEL_ORDER))


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
                f'{self.height}" width="100%" role="img" aria-label="{_e(title)}">'
                f"<title>{_e(title)}</title>")

    def axes(self, x_label: str, y_label: str) -> str:
        mid_y = self.top + self.plot_h / 2
        return (
            f'<line x1="{self.left}" y1="{self.base}" x2="{self.left + self.plot_w}" '
            f'y2="{self.base}" stroke="#8c959f"/>'
            f'<line x1="{self.left}" y1="{self.top}" x2="{self.left}" y2="{self.base}" '
            f'stroke="#8c959f"/>'
            f'<text x="{self.left + self.plot_w / 2:.1f}" y="{self.height - 3}" '
            f'text-anchor="middle">{_e(x_label)}</text>'
            f'<text x="11" y="{mid_y:.1f}" text-anchor="middle" '
            f'transform="rotate(-90 11 {mid_y:.1f})">{_e(y_label)}</text>'
        )

    def y_tick(self, y: float, text: str) -> str:
        return (f'<line x1="{self.left - 4}" y1="{y:.1f}" x2="{self.left + self.plot_w}" '
                f'y2="{y:.1f}" stroke="#eaeef2"/>'
                f'<text x="{self.left - 6}" y="{y + 4:.1f}" text-anchor="end">{_e(text)}</text>')

    def x_tick(self, x: float, text: str) -> str:
        return (f'<line x1="{x:.1f}" y1="{self.base}" x2="{x:.1f}" y2="{self.base + 4}" '
                f'stroke="#8c959f"/>'
                f'<text x="{x:.1f}" y="{self.base + 15}" text-anchor="middle">{_e(text)}</text>')


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
            f'height="{height:.1f}" fill="{colour}"><title>{_e(label)} {low:.2f}–{high:.2f}: '
            f"{count:,} messages</title></rect>"
        )
    for tick in (0.0, 0.25, 0.5, 0.75, 1.0):
        parts.append(frame.x_tick(frame.left + tick * frame.plot_w, f"{tick:g}"))
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
                f"{_e(_fmt_bucket(start, timeline.bucket_seconds))} UTC · {_e(kind)}: "
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
        f'<li class="legend-item" data-action="{_e(kind)}"><span class="swatch" '
        f'style="background:{action_colour(kind, extra)}"></span>{_e(kind)}</li>'
        for kind in kinds
    )
    return f'<ul class="legend">{items}</ul>'


# --- page sections -------------------------------------------------------------------------


def totals(data: Mapping[str, Any]) -> dict[str, int]:
    messages = data.get("messages") or []
    cases = {m.get("case") for m in messages if m.get("case") is not None}
    return {
        "messages": len(messages),
        "flagged": sum(1 for m in messages if is_flagged(m)),
        "cases": len(cases),
        "campaigns": len(data.get("campaigns") or []),
        "malformed lines": len(data.get("malformed_lines") or []),
    }


def _header(data: Mapping[str, Any]) -> str:
    boxes = "".join(
        f'<div class="total" data-total="{_e(name)}"><b>{value:,}</b><span>{_e(name)}</span></div>'
        for name, value in totals(data).items()
    )
    moments = [t for m in data.get("messages") or [] if (t := parse_ts(m.get("ts")))]
    span = (f"{min(moments):%Y-%m-%d %H:%M} – {max(moments):%Y-%m-%d %H:%M} UTC"
            if moments else "no dated messages")
    return (f"<header><h1>Vigil replay report</h1><p class=\"sub\">{_e(span)}</p>"
            f'<div class="totals">{boxes}</div></header>')


def _histograms(messages: Sequence[Mapping[str, Any]]) -> str:
    labels = labels_in(messages)
    if not labels:
        return '<h2>Score distribution</h2><p class="empty">No scores to chart.</p>'
    cards = []
    for label in labels:
        values = [_num(m["scores"][label]) for m in messages
                  if label in (m.get("scores") or {})]
        counts = histogram(values)
        over = sum(1 for v in values if v >= 0.5)
        cards.append(
            f'<div class="card" data-label="{_e(label)}"><h3>{_e(label)}</h3>'
            f"{histogram_svg(label, counts)}"
            f'<p class="note">{len(values):,} scored · {over:,} at 0.5 or above</p></div>'
        )
    return ('<h2>Score distribution per label</h2>'
            '<p class="note">20 bins over [0, 1]; bars at 0.5 and above in red; '
            'message counts on a log scale.</p>'
            f'<div class="hists">{"".join(cards)}</div>')


def _timeline(messages: Sequence[Mapping[str, Any]], extra: dict[str, str]) -> str:
    head = "<h2>Actions over time</h2>"
    timeline = build_timeline(messages)
    if timeline is None:
        return head + '<p class="empty">No dated messages.</p>'
    notes = [f"{timeline.skipped_none:,} messages with no action not shown"]
    if timeline.undated:
        notes.append(f"{timeline.undated:,} messages without a readable time left out")
    if not timeline.kinds:
        return head + f'<p class="empty">No actions taken ({_e("; ".join(notes))}).</p>'
    return (f'{head}<div class="card">{timeline_svg(timeline, extra)}'
            f"{legend_html(timeline.kinds, extra)}"
            f'<p class="note">{_e("; ".join(notes))}.</p></div>')


def _scores_cell(message: Mapping[str, Any]) -> str:
    return ", ".join(f"{_e(label)} <b>{score:.2f}</b>" for label, score in top_scores(message))


def _flagged_table(messages: Sequence[Mapping[str, Any]], extra: dict[str, str]) -> str:
    flagged = sorted((m for m in messages if is_flagged(m)), key=lambda m: -worst_score(m))
    head = f"<h2>Flagged messages ({len(flagged):,})</h2>"
    if not flagged:
        return head + '<p class="empty">No flagged messages.</p>'
    rows = []
    for message in flagged:
        moment = parse_ts(message.get("ts"))
        when = f"{moment:%Y-%m-%d %H:%M:%S}" if moment else str(message.get("ts") or "")
        action = str(message.get("action") or "none")
        labels = ", ".join(_e(label) for label in message.get("labels") or [])
        case = message.get("case")
        rows.append(
            f'<tr class="flagged" data-id="{_e(message.get("id", ""))}">'
            f'<td>{_id_code(message.get("id", ""), MAX_ID_CHARS * 2)}</td>'
            f'<td class="nowrap">{_e(when)}</td>'
            f"<td>{_pill(action_kind(action), action, extra)}</td><td>{labels}</td>"
            f"<td>{_scores_cell(message)}</td>"
            f'<td class="num">{"#" + _e(case) if case is not None else "—"}</td></tr>'
        )
    return (f"{head}<table><thead><tr><th>message</th><th>time (UTC)</th><th>action</th>"
            "<th>labels</th><th>top scores</th><th>case</th></tr></thead>"
            f'<tbody>{"".join(rows)}</tbody></table>')


def _id_code(value: Any, limit: int = MAX_ID_CHARS) -> str:
    """An id in ``<code>``, clipped, with the whole id as a tooltip (both escaped)."""
    text = str(value)
    return f'<code title="{_e(text)}">{_e(_clip(text, limit))}</code>'


def abbreviate_ids(ids: Sequence[Any], shown: int = MAX_IDS_SHOWN) -> str:
    """The first few ids, each clipped, and how many more there are (escaped)."""
    parts = [_id_code(i) for i in ids[:shown]]
    if len(ids) > shown:
        parts.append(f"… +{len(ids) - shown:,} more")
    return ", ".join(parts) if parts else "—"


def _evidence_value(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.3g}"
    if isinstance(value, list | tuple) and len(value) > MAX_IDS_SHOWN:
        head = json.dumps(list(value[:MAX_IDS_SHOWN]), default=str)[:-1]
        return f"{head}, … +{len(value) - MAX_IDS_SHOWN}]"
    if isinstance(value, str):
        return value
    return json.dumps(value, default=str)


def evidence_summary(evidence: Any) -> str:
    """``key: value`` per line, values clipped; every piece escaped."""
    if not isinstance(evidence, Mapping):
        return _e(_clip(str(evidence), MAX_EVIDENCE_CHARS)) if evidence else "—"
    if not evidence:
        return "—"
    lines = [f"<b>{_e(key)}</b>: {_e(_clip(_evidence_value(value), MAX_EVIDENCE_CHARS))}"
             for key, value in evidence.items()]
    return "<br>".join(lines)


def _campaign_table(campaigns: Sequence[Mapping[str, Any]]) -> str:
    head = f"<h2>Campaigns ({len(campaigns):,})</h2>"
    if not campaigns:
        return head + '<p class="empty">No campaigns detected.</p>'
    rows = []
    for alert in sorted(campaigns, key=lambda a: -_num(a.get("score"))):
        accounts = alert.get("accounts") or []
        ids = list(alert.get("message_ids") or [])
        moment = parse_ts(alert.get("detected_at"))
        when = f"{moment:%Y-%m-%d %H:%M}" if moment else str(alert.get("detected_at") or "")
        target = alert.get("target_id")
        rows.append(
            f'<tr class="campaign"><td>{_e(alert.get("kind", ""))}</td>'
            f'<td class="num">{_num(alert.get("score")):.2f}</td>'
            f'<td class="num">{len(accounts):,}</td><td class="nowrap">{_e(when)}</td>'
            f"<td>{_id_code(target) if target else '—'}</td>"
            f"<td>{len(ids):,}: {abbreviate_ids(ids)}</td>"
            f'<td class="wrap">{evidence_summary(alert.get("evidence"))}</td></tr>'
        )
    return (f"{head}<table><thead><tr><th>kind</th><th>score</th><th>accounts</th>"
            "<th>detected (UTC)</th><th>target</th><th>messages</th><th>evidence</th></tr>"
            f'</thead><tbody>{"".join(rows)}</tbody></table>')


def _malformed(lines: Sequence[Mapping[str, Any]]) -> str:
    head = f"<h2>Malformed lines ({len(lines):,})</h2>"
    if not lines:
        return head + '<p class="empty">None.</p>'
    items = "".join(
        f'<li class="malformed">line {_e(b.get("line", "?"))}: {_e(b.get("problem", ""))}</li>'
        for b in lines
    )
    return f"{head}<ul>{items}</ul>"


def render_html(data: Mapping[str, Any]) -> str:
    """The whole report page; works on empty data and never trusts a string in it."""
    messages = [m for m in data.get("messages") or [] if isinstance(m, Mapping)]
    campaigns = [c for c in data.get("campaigns") or [] if isinstance(c, Mapping)]
    bad = [b for b in data.get("malformed_lines") or [] if isinstance(b, Mapping)]
    clean = {"messages": messages, "campaigns": campaigns, "malformed_lines": bad}
    extra: dict[str, str] = {}
    body = "".join((
        _header(clean),
        _histograms(messages),
        _timeline(messages, extra),
        _flagged_table(messages, extra),
        _campaign_table(campaigns),
        _malformed(bad),
    ))
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>Vigil replay report</title><style>{CSS}</style></head>"
            f"<body><main>{body}</main></body></html>\n")
