"""Replay reports: JSON for tools, HTML (with charts) for people."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from bot.tools.replay import ReplayResult


def report_data(result: ReplayResult) -> dict[str, Any]:
    """The JSON shape evaluations rely on: keep ``messages`` and ``campaigns`` stable."""
    messages = []
    for outcome in result.outcomes:
        entry: dict[str, Any] = {
            "id": outcome.event.id,
            "action": str(outcome.verdict.action),
            "labels": list(outcome.verdict.labels),
            # Which rules fired: the bands (model scores) or a rule that needs no model.
            "rules": list(outcome.verdict.rules),
            "scores": {k: round(v, 4) for k, v in outcome.scores.items()},
        }
        if outcome.parent_stance is not None or outcome.claim_stances:
            entry["stance"] = {
                **({"parent": _rounded(outcome.parent_stance)} if outcome.parent_stance else {}),
                **({"claims": {k: _rounded(v) for k, v in outcome.claim_stances.items()}}
                   if outcome.claim_stances else {}),
            }
        entry["band"] = outcome.verdict.band.value
        entry["case"] = outcome.case.number if outcome.case else None
        entry["ts"] = outcome.event.created_at.isoformat()
        entry["author_id"] = outcome.event.author.id
        messages.append(entry)
    campaigns = [
        {
            "kind": alert.kind,
            "accounts": list(alert.accounts),
            "message_ids": list(alert.message_ids),
            "score": round(alert.score, 4),
            "detected_at": alert.detected_at.isoformat(),
            "target_id": alert.target_id,
            "evidence": alert.evidence,
        }
        for alert in result.alerts
    ]
    return {
        "messages": messages,
        "campaigns": campaigns,
        "malformed_lines": [{"line": b.number, "problem": b.problem} for b in result.bad_lines],
        "failed_lines": [{"line": b.number, "problem": b.problem} for b in result.failed_lines],
        "skipped_lines": dict(result.skipped.most_common()),
    }


def _rounded(values: dict[str, float] | None) -> dict[str, float]:
    return {k: round(v, 4) for k, v in (values or {}).items()}


def write_report(result: ReplayResult, path: Path) -> None:
    data = report_data(result)
    if path.suffix.lower() in (".html", ".htm"):
        from bot.tools.report_html import render_html

        path.write_text(render_html(data), encoding="utf-8")
    else:
        path.write_text(json.dumps(data, indent=2, default=str), encoding="utf-8")
