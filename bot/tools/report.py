"""Replay reports: JSON for tools, HTML (with charts) for people.

Both are assembled from what the replay wrote down as it went (``ReplayResult.spool``)
and its bounded aggregates, and written out as a stream: a 20,000-message transcript needs
no more memory for its report than a 2,000-message one.

JSON fields tools rely on stay as they were (``messages``, ``campaigns`` with one entry per
alert, ``malformed_lines``, ``failed_lines``, ``skipped_lines``); the report adds
``cases``, ``campaign_groups`` (one per campaign, with its growth), ``labels``
(histograms and the policy's lines), ``summary`` (the counts the summary table prints)
and ``run`` (transcript, policy file and hash, model version, database; a dry run).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from bot.tools.replay import ReplayResult
from bot.tools.report_campaigns import Campaign

#: The JSON document's arrays, in order: read back from the spool as a stream.
STREAMED = ("messages", "campaigns", "malformed_lines", "failed_lines", "cases")


def summary_counts(result: ReplayResult) -> dict[str, Any]:
    """The counts the summary table prints; the page and the JSON show the same."""
    stats = result.stats
    return {
        "messages": stats.messages,
        "flagged": stats.flagged,
        "cases": stats.cases,
        "cases_by_kind": dict(stats.case_kinds.most_common()),
        "campaign_alerts": result.campaigns.alerts,
        "campaigns": len(result.campaigns),
        "malformed_lines": stats.bad_lines,
        "failed_lines": stats.failed_lines,
        "skipped_lines": sum(stats.skipped.values()),
        "held": stats.held,
        "flagged_per_label": {label: s.flagged for label, s in stats.labels.items()
                              if s.flagged},
        "fired_per_rule": dict(stats.fired.most_common()),
        "actions": dict(stats.actions.most_common()),
    }


def label_lines(result: ReplayResult) -> dict[str, dict[str, Any]]:
    """Per label: the policy's review and act lines (global: channel and role overrides
    may move them), a 20-bin histogram and the counts at or above each line."""
    thresholds = result.run.get("thresholds") or {}
    out: dict[str, dict[str, Any]] = {}
    for label in result.stats.label_order():
        stats = result.stats.labels[label]
        lines = thresholds.get(label) or {}
        review, act = lines.get("review"), lines.get("act")
        out[label] = {
            "review": review, "act": act, "action": lines.get("action"),
            "scored": stats.scored, "flagged": stats.flagged,
            "at_or_above_review": stats.at_or_above(review) if review is not None else None,
            "at_or_above_act": stats.at_or_above(act) if act is not None else None,
            "histogram": stats.coarse(20),
        }
    return out


def campaign_group(campaign: Campaign) -> dict[str, Any]:
    alert = campaign.latest
    return {
        "number": campaign.number, "kind": campaign.kind, "title": campaign.title,
        "guild_id": campaign.guild_id, "target_id": campaign.target_id,
        "channel_id": alert.channel_id, "score": round(alert.score, 4),
        "alerts": campaign.alerts, "cases": campaign.cases,
        "first_detected_at": campaign.first_at.isoformat(),
        "accounts": campaign.accounts, "samples": campaign.samples,
        "message_ids": list(alert.message_ids),
        "growth": [{"at": g.at.isoformat(), "accounts": g.accounts, "messages": g.messages,
                    "score": round(g.score, 4)} for g in campaign.growth],
        "evidence": alert.evidence,
    }


def _tail(result: ReplayResult) -> dict[str, Any]:
    """The parts of the document that are small: aggregates and metadata."""
    return {
        "skipped_lines": dict(result.stats.skipped.most_common()),
        "campaign_groups": [campaign_group(c) for c in result.campaigns.campaigns],
        "labels": label_lines(result),
        "summary": summary_counts(result),
        "run": result.run,
    }


def report_data(result: ReplayResult) -> dict[str, Any]:
    """The whole JSON report as one dict (for tests and small transcripts)."""
    data: dict[str, Any] = {kind: list(result.spool.read(kind)) for kind in STREAMED}
    data.update(_tail(result))
    return data


def _write_json(result: ReplayResult, out: IO[str]) -> None:
    out.write("{")
    for index, kind in enumerate(STREAMED):
        out.write(f'{"," if index else ""}\n"{kind}": [')
        for number, entry in enumerate(result.spool.read(kind)):
            out.write(("," if number else "") + "\n  " + json.dumps(entry, default=str))
        out.write("\n]")
    for key, value in _tail(result).items():
        out.write(f",\n{json.dumps(key)}: {json.dumps(value, indent=2, default=str)}")
    out.write("\n}\n")


def write_report(result: ReplayResult, path: Path) -> None:
    """``.html``/``.htm``: the page; anything else: the JSON document. Written as a stream."""
    if path.suffix.lower() in (".html", ".htm"):
        from bot.tools.report_html import render_chunks

        chunks: Iterator[str] = render_chunks(result, summary_counts(result),
                                              label_lines(result))
        with path.open("w", encoding="utf-8") as out:
            out.writelines(chunks)
        return
    with path.open("w", encoding="utf-8") as out:
        _write_json(result, out)
