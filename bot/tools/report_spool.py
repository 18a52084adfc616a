"""What a replay writes down as it goes: one JSON line per message, case, alert and bad line,
in temporary files, so a long transcript never sits in memory. The reports are assembled
from these files (and the bounded aggregates) at the end.

The entries are also where a decision is explained: each message and case carries the
rules that fired with their reasons (``insult 0.43 >= review 0.35``, ``scam link: ...``),
and each case the action it *would* have carried out.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from bot.action_kinds import action_spec
from bot.coordination import CoordinationAlert
from bot.pipeline import MessageOutcome
from bot.policy import Verdict
from bot.storage.records import Case
from bot.tools.transcript import BadLine

KINDS = ("messages", "cases", "campaigns", "malformed_lines", "failed_lines")
EXCERPT_CHARS = 300


class ReportSpool:
    """Append-only JSON-lines files in a temporary folder, one per kind of entry."""

    def __init__(self) -> None:
        self._folder = tempfile.TemporaryDirectory(prefix="vigil-replay-")
        root = Path(self._folder.name)
        self._paths = {kind: root / f"{kind}.jsonl" for kind in KINDS}
        self._files = {kind: path.open("w", encoding="utf-8")
                       for kind, path in self._paths.items()}
        self.counts = dict.fromkeys(KINDS, 0)

    def add(self, kind: str, entry: dict[str, Any]) -> None:
        self._files[kind].write(json.dumps(entry, default=str, ensure_ascii=False) + "\n")
        self.counts[kind] += 1

    def read(self, kind: str) -> Iterator[dict[str, Any]]:
        """The entries of ``kind`` in the order they came (readable while still writing)."""
        self._files[kind].flush()
        with self._paths[kind].open(encoding="utf-8") as lines:
            for line in lines:
                yield json.loads(line)

    def close(self) -> None:
        for handle in self._files.values():
            handle.close()
        self._folder.cleanup()


def hits_of(verdict: Verdict) -> list[dict[str, Any]]:
    """Each rule that fired: its reasons, the labels it acted on (with the action it asked
    for) and the labels it sent to review."""
    return [
        {"rule": hit.rule, "reasons": list(hit.reasons),
         "acts": [{"label": a.label, "action": str(a.action)} for a in hit.acts],
         "reviews": list(hit.reviews)}
        for hit in verdict.hits
    ]


def explain(verdict: Verdict) -> list[dict[str, str]]:
    """One line per reason of each rule that fired, with what it led to: a band reason
    names its label first (``insult 0.43 >= review 0.35``), so its outcome is that label's;
    a rule's other reasons lead to the labels it acted on (``scam link: ... -> delete``)."""
    acted = {a.label: str(a.action) for hit in verdict.hits for a in hit.acts}
    lines = []
    for hit in verdict.hits:
        own = {a.label: str(a.action) for a in hit.acts}
        for reason in hit.reasons:
            label = reason.split(" ", 1)[0] if hit.rule == "bands" else None
            if label is not None and label in own:
                outcome = f"{own[label]} ({label})"
            elif label is not None and label in acted:
                outcome = f"acted on by another rule: {acted[label]} ({label})"
            elif label is not None:
                outcome = f"review ({label})"
            elif own:
                outcome = ", ".join(f"{action} ({label})" for label, action in own.items())
            else:
                outcome = "review (" + ", ".join(hit.reviews) + ")" if hit.reviews else ""
            lines.append({"rule": hit.rule, "reason": reason, "outcome": outcome})
    fired = {reason for hit in verdict.hits for reason in hit.reasons}
    lines += [{"rule": "policy", "reason": reason, "outcome": ""}
              for reason in verdict.reasons if reason not in fired]
    return lines


def would_have(action: str, minutes: int | None, who: str, *, on_message: bool) -> str:
    """What the bot would have done, in words: this is a dry run, nothing was done."""
    kind = action.split(" ", 1)[0]
    spec = action_spec(kind)
    name = who or "the member"
    phrases = {
        "none": "would have done nothing",
        "review": "would have sent it to the moderators' review queue",
        "delete": "would have deleted the message",
        "warn": f"would have warned {name}",
        "timeout": f"would have timed out {name} for {minutes or 0} minutes",
        "quarantine": f"would have quarantined {name}",
        "kick": f"would have kicked {name}",
        "ban": f"would have banned {name}",
    }
    text = phrases.get(kind, f"would have taken the action {kind!r}")
    if on_message and spec.removes_message and kind != "delete":
        text += " and deleted the message"
    if spec.notifies:
        text += f", and told {name} by DM"
    return text


def _rounded(values: dict[str, float] | None) -> dict[str, float]:
    return {k: round(v, 4) for k, v in (values or {}).items()}


def message_entry(outcome: MessageOutcome) -> dict[str, Any]:
    """One message of the JSON report: the fields tools rely on (``id``, ``action``,
    ``labels``, ``rules``, ``scores``, ``stance``, ``band``, ``case``, ``ts``,
    ``author_id``), then what explains it (``channel_id``; for flagged messages also the
    author's name, the excerpt, the reasons and each rule's hit)."""
    verdict, event = outcome.verdict, outcome.event
    entry: dict[str, Any] = {
        "id": event.id,
        "action": str(verdict.action),
        "labels": list(verdict.labels),
        "rules": list(verdict.rules),
        "scores": _rounded(outcome.scores),
    }
    if outcome.parent_stance is not None or outcome.claim_stances:
        entry["stance"] = {
            **({"parent": _rounded(outcome.parent_stance)} if outcome.parent_stance else {}),
            **({"claims": {k: _rounded(v) for k, v in outcome.claim_stances.items()}}
               if outcome.claim_stances else {}),
        }
    entry["band"] = verdict.band.value
    entry["case"] = outcome.case.number if outcome.case else None
    entry["ts"] = event.created_at.isoformat()
    entry["author_id"] = event.author.id
    entry["channel_id"] = event.channel_id
    if verdict.band.value != "none" or verdict.needs_case:
        entry["author_name"] = event.author.name
        entry["excerpt"] = event.text.raw[:EXCERPT_CHARS]
        entry["reasons"] = list(verdict.reasons)
        entry["hits"] = hits_of(verdict)
        entry["why"] = explain(verdict)
    return entry


def case_entry(case: Case, outcome: MessageOutcome | None = None,
               campaign: int | None = None) -> dict[str, Any]:
    """One case as the page shows it: who, where, what was said, why, and what would
    have been done."""
    entry: dict[str, Any] = {
        "number": case.number,
        "guild_id": case.guild_id,
        "kind": case.kind.value,
        "status": case.status.value,
        "action": case.action,
        "duration_minutes": case.duration_minutes,
        "would_have": would_have(case.action, case.duration_minutes, case.target_name,
                                 on_message=case.message_id is not None),
        "target_id": case.target_id,
        "author_name": case.target_name,
        "channel_id": case.channel_id,
        "message_id": case.message_id,
        "excerpt": case.excerpt,
        "labels": list(case.labels),
        # The reason the database holds, verbatim.
        "reason": case.reason,
        "strike": case.strike,
        "at": case.created_at.isoformat(),
    }
    if outcome is not None:
        entry["hits"] = hits_of(outcome.verdict)
        entry["why"] = explain(outcome.verdict)
        entry["scores"] = _rounded(outcome.scores)
    else:
        entry["hits"], entry["scores"] = [], case.scores
        entry["why"] = [{"rule": case.kind.value, "reason": case.reason, "outcome": case.action}]
    if campaign is not None:
        entry["campaign"] = campaign
    return entry


def alert_entry(alert: CoordinationAlert, campaign: int | None) -> dict[str, Any]:
    """One alert of the JSON report's ``campaigns`` (the fields tools rely on), with the
    campaign it belongs to: a growing campaign alerts more than once."""
    entry: dict[str, Any] = {
        "kind": alert.kind,
        "accounts": list(alert.accounts),
        "message_ids": list(alert.message_ids),
        "score": round(alert.score, 4),
        "detected_at": alert.detected_at.isoformat(),
        "target_id": alert.target_id,
        "evidence": alert.evidence,
    }
    if campaign is not None:
        entry["campaign"] = campaign
    return entry


def bad_line_entry(line: BadLine) -> dict[str, Any]:
    return {"line": line.number, "problem": line.problem}
