"""The replay report as one self-contained HTML page: inline CSS and inline SVG, no scripts.

``render_html`` takes the dict ``bot.tools.report.report_data`` builds and lays out the
sections; the charts are drawn in ``report_charts`` and every untrusted value is escaped
through ``report_text``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from bot.tools.report_charts import (
    action_colour,
    action_kind,
    build_timeline,
    histogram,
    histogram_svg,
    legend_html,
    pick_bucket,
    timeline_svg,
)
from bot.tools.report_text import (
    MAX_ID_CHARS,
    abbreviate_ids,
    as_number,
    esc,
    evidence_summary,
    id_code,
    parse_ts,
)

#: Re-exported: the report's tests and callers import these from here.
__all__ = ["abbreviate_ids", "build_timeline", "evidence_summary", "histogram", "pick_bucket",
           "render_html"]

#: Labels in the order the models emit them; unknown labels follow, sorted.
LABEL_ORDER: tuple[str, ...] = (
    "toxicity", "insult", "identity_attack", "profanity", "threat", "spam",
)

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


def _pill(kind: str, text: str, extra: dict[str, str]) -> str:
    light = " light" if kind in ("none", "delete") else ""
    return (f'<span class="pill{light}" style="background:{action_colour(kind, extra)}">'
            f"{esc(text)}</span>")


def is_flagged(message: Mapping[str, Any]) -> bool:
    """Flagged: the policy put it in a band or chose an action."""
    return (str(message.get("band") or "none") != "none"
            or action_kind(message.get("action")) != "none")


def worst_score(message: Mapping[str, Any]) -> float:
    scores = message.get("scores") or {}
    return max((as_number(v) for v in scores.values()), default=0.0)


def top_scores(message: Mapping[str, Any], n: int = 3) -> list[tuple[str, float]]:
    scores = message.get("scores") or {}
    ranked = sorted(((str(k), as_number(v)) for k, v in scores.items()), key=lambda kv: -kv[1])
    return ranked[:n]


def labels_in(messages: Iterable[Mapping[str, Any]]) -> list[str]:
    seen = {str(k) for m in messages for k in (m.get("scores") or {})}
    known = [label for label in LABEL_ORDER if label in seen]
    return known + sorted(seen - set(LABEL_ORDER))


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
        f'<div class="total" data-total="{esc(name)}"><b>{value:,}</b>'
        f"<span>{esc(name)}</span></div>"
        for name, value in totals(data).items()
    )
    moments = [t for m in data.get("messages") or [] if (t := parse_ts(m.get("ts")))]
    span = (f"{min(moments):%Y-%m-%d %H:%M} – {max(moments):%Y-%m-%d %H:%M} UTC"
            if moments else "no dated messages")
    return (f"<header><h1>Vigil replay report</h1><p class=\"sub\">{esc(span)}</p>"
            f'<div class="totals">{boxes}</div></header>')


def _histograms(messages: Sequence[Mapping[str, Any]]) -> str:
    labels = labels_in(messages)
    if not labels:
        return '<h2>Score distribution</h2><p class="empty">No scores to chart.</p>'
    cards = []
    for label in labels:
        values = [as_number(m["scores"][label]) for m in messages
                  if label in (m.get("scores") or {})]
        counts = histogram(values)
        over = sum(1 for v in values if v >= 0.5)
        cards.append(
            f'<div class="card" data-label="{esc(label)}"><h3>{esc(label)}</h3>'
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
        return head + f'<p class="empty">No actions taken ({esc("; ".join(notes))}).</p>'
    return (f'{head}<div class="card">{timeline_svg(timeline, extra)}'
            f"{legend_html(timeline.kinds, extra)}"
            f'<p class="note">{esc("; ".join(notes))}.</p></div>')


def _scores_cell(message: Mapping[str, Any]) -> str:
    return ", ".join(f"{esc(label)} <b>{score:.2f}</b>" for label, score in top_scores(message))


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
        labels = ", ".join(esc(label) for label in message.get("labels") or [])
        case = message.get("case")
        rows.append(
            f'<tr class="flagged" data-id="{esc(message.get("id", ""))}">'
            f'<td>{id_code(message.get("id", ""), MAX_ID_CHARS * 2)}</td>'
            f'<td class="nowrap">{esc(when)}</td>'
            f"<td>{_pill(action_kind(action), action, extra)}</td><td>{labels}</td>"
            f"<td>{_scores_cell(message)}</td>"
            f'<td class="num">{"#" + esc(case) if case is not None else "—"}</td></tr>'
        )
    return (f"{head}<table><thead><tr><th>message</th><th>time (UTC)</th><th>action</th>"
            "<th>labels</th><th>top scores</th><th>case</th></tr></thead>"
            f'<tbody>{"".join(rows)}</tbody></table>')


def _campaign_table(campaigns: Sequence[Mapping[str, Any]]) -> str:
    head = f"<h2>Campaigns ({len(campaigns):,})</h2>"
    if not campaigns:
        return head + '<p class="empty">No campaigns detected.</p>'
    rows = []
    for alert in sorted(campaigns, key=lambda a: -as_number(a.get("score"))):
        accounts = alert.get("accounts") or []
        ids = list(alert.get("message_ids") or [])
        moment = parse_ts(alert.get("detected_at"))
        when = f"{moment:%Y-%m-%d %H:%M}" if moment else str(alert.get("detected_at") or "")
        target = alert.get("target_id")
        rows.append(
            f'<tr class="campaign"><td>{esc(alert.get("kind", ""))}</td>'
            f'<td class="num">{as_number(alert.get("score")):.2f}</td>'
            f'<td class="num">{len(accounts):,}</td><td class="nowrap">{esc(when)}</td>'
            f"<td>{id_code(target) if target else '—'}</td>"
            f"<td>{len(ids):,}: {abbreviate_ids(ids)}</td>"
            f'<td class="wrap">{evidence_summary(alert.get("evidence"))}</td></tr>'
        )
    return (f"{head}<table><thead><tr><th>kind</th><th>score</th><th>accounts</th>"
            "<th>detected (UTC)</th><th>target</th><th>messages</th><th>evidence</th></tr>"
            f'</thead><tbody>{"".join(rows)}</tbody></table>')


def _malformed(lines: Sequence[Mapping[str, Any]], title: str = "Malformed lines") -> str:
    head = f"<h2>{esc(title)} ({len(lines):,})</h2>"
    if not lines:
        return head + '<p class="empty">None.</p>'
    items = "".join(
        f'<li class="malformed">line {esc(b.get("line", "?"))}: {esc(b.get("problem", ""))}</li>'
        for b in lines
    )
    return f"{head}<ul>{items}</ul>"


def _skipped(counts: Mapping[str, Any]) -> str:
    """Lines left out on purpose (bots, system messages), by reason; nothing when none."""
    rows = [(str(k), v) for k, v in counts.items() if isinstance(v, int)]
    if not rows:
        return ""
    items = "".join(f'<li class="skipped">{esc(reason)}: {count:,}</li>' for reason, count in rows)
    return f"<h2>Skipped lines ({sum(c for _, c in rows):,})</h2><ul>{items}</ul>"


def render_html(data: Mapping[str, Any]) -> str:
    """The whole report page; works on empty data and never trusts a string in it."""
    messages = [m for m in data.get("messages") or [] if isinstance(m, Mapping)]
    campaigns = [c for c in data.get("campaigns") or [] if isinstance(c, Mapping)]
    bad = [b for b in data.get("malformed_lines") or [] if isinstance(b, Mapping)]
    failed = [b for b in data.get("failed_lines") or [] if isinstance(b, Mapping)]
    skipped = data.get("skipped_lines")
    clean = {"messages": messages, "campaigns": campaigns, "malformed_lines": bad}
    extra: dict[str, str] = {}
    body = "".join((
        _header(clean),
        _histograms(messages),
        _timeline(messages, extra),
        _flagged_table(messages, extra),
        _campaign_table(campaigns),
        _malformed(bad),
        _malformed(failed, "Lines the pipeline failed on") if failed else "",
        _skipped(skipped if isinstance(skipped, Mapping) else {}),
    ))
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>Vigil replay report</title><style>{CSS}</style></head>"
            f"<body><main>{body}</main></body></html>\n")
