"""Offline replay: a transcript through normalise -> score -> decide -> record.

No Discord and no token: every case is recorded as SHADOW (what *would* have happened).
"""

from __future__ import annotations

import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from tqdm import tqdm

from bot.actions import OfflineExecutor
from bot.coordination import CoordinationAlert, CoordinationDetector
from bot.event import MessageEvent
from bot.pipeline import MessageOutcome
from bot.policy_config import PolicyHolder
from bot.services import build_services
from bot.tools.transcript import BadLine, Join, read_transcript
from models.api import Scorer

CHUNK = 32


@dataclass
class ReplayResult:
    outcomes: list[MessageOutcome] = field(default_factory=list)
    alerts: list[CoordinationAlert] = field(default_factory=list)
    bad_lines: list[BadLine] = field(default_factory=list)
    cases_recorded: int = 0


async def replay(
    transcript: Path,
    policy: PolicyHolder,
    scorer: Scorer,
    db_path: Path | str,
    *,
    detector: CoordinationDetector | None = None,
    progress: bool = True,
    errors: TextIO = sys.stderr,
) -> ReplayResult:
    services = await build_services(
        db_path=db_path, policy=policy, scorer=scorer, executor=OfflineExecutor(),
        detector=detector, live=False,
    )
    result = ReplayResult()
    total = sum(1 for line in transcript.open(encoding="utf-8", errors="replace") if line.strip())
    bar = tqdm(total=total, unit="msg", desc="replay", disable=not progress, file=errors)
    pending: list[MessageEvent] = []

    async def flush() -> None:
        if pending:
            result.outcomes.extend(await services.pipeline.handle_many(pending))
            bar.update(len(pending))
            pending.clear()

    try:
        for item in read_transcript(transcript):
            if isinstance(item, BadLine):
                result.bad_lines.append(item)
                print(f"{transcript}: line {item.number}: skipped: {item.problem}", file=errors)
                bar.update(1)
                continue
            if isinstance(item, Join):
                await flush()
                if detector is not None:
                    for alert in detector.observe_join(item.guild_id, item.member, item.at,
                                                       policy.current):
                        result.alerts.append(alert)
                        await services.pipeline.open_alert(alert, policy.current)
                bar.update(1)
                continue
            if item.author.is_bot:
                bar.update(1)
                continue
            pending.append(item)
            # Replies need their parent's scores stored first; flush at chunk size otherwise.
            if len(pending) >= CHUNK:
                await flush()
        await flush()
        for outcome in result.outcomes:
            result.alerts.extend(outcome.alerts)
        result.cases_recorded = len(await services.cases.all())
    finally:
        bar.close()
        await services.close()
    return result


def summary_table(result: ReplayResult) -> str:
    """The plain-text summary printed after a replay."""
    outcomes = result.outcomes
    flagged: Counter[str] = Counter()
    fired: Counter[str] = Counter()
    actions: Counter[str] = Counter()
    for outcome in outcomes:
        flagged.update(outcome.verdict.labels)
        fired.update(outcome.verdict.rules)
        actions[str(outcome.verdict.action)] += 1
    lines = [
        f"messages replayed   {len(outcomes):>6}",
        f"malformed lines     {len(result.bad_lines):>6}",
        f"cases recorded      {result.cases_recorded:>6}",
        f"campaign alerts     {len(result.alerts):>6}",
        "",
        "flagged per label",
    ]
    lines += [f"  {label:<17} {count:>6}" for label, count in flagged.most_common()] or ["  (none)"]
    lines += ["", "fired per rule"]
    lines += [f"  {rule:<17} {count:>6}" for rule, count in fired.most_common()] or ["  (none)"]
    lines += ["", "actions"]
    lines += [f"  {action:<17} {count:>6}" for action, count in actions.most_common()]
    def worst_label(o: MessageOutcome) -> str:
        # The label that fired counts, not e.g. profanity in a message flagged for spam.
        candidates = o.verdict.labels or tuple(o.scores)
        return max(candidates, key=lambda k: o.scores.get(k, 0.0), default="toxicity")

    top = sorted(
        (o for o in outcomes if o.case is not None),
        key=lambda o: o.scores.get(worst_label(o), 0.0), reverse=True,
    )[:5]
    if top:
        lines += ["", "top cases"]
        for o in top:
            assert o.case is not None
            worst = worst_label(o)
            text = o.event.text.raw.replace("\n", " ")
            text = text[:57] + "..." if len(text) > 60 else text
            lines.append(f"  #{o.case.number:<4} {o.case.action:<12} {worst} "
                         f"{o.scores.get(worst, 0.0):.2f}  {o.event.author.name}: {text}")
    for alert in result.alerts:
        lines.append(f"  alert: {alert.summary()}")
    return "\n".join(lines)
