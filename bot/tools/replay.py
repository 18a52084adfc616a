"""Offline replay: a transcript through normalise -> score -> decide -> record.

No Discord and no token: every case is recorded as SHADOW (what *would* have happened).
One line never ends a replay: a refused line is a bad line, a message the pipeline fails
on is a failed line (both reported with their number), and skipped lines are counted by
reason.
"""

from __future__ import annotations

import logging
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
from bot.tools.transcript import BadLine, Join, Skipped, count_lines, read_lines
from models.api import Scorer

log = logging.getLogger(__name__)

CHUNK = 32


@dataclass
class ReplayResult:
    outcomes: list[MessageOutcome] = field(default_factory=list)
    alerts: list[CoordinationAlert] = field(default_factory=list)
    bad_lines: list[BadLine] = field(default_factory=list)
    #: Valid lines the pipeline failed on (the rest of the replay goes on).
    failed_lines: list[BadLine] = field(default_factory=list)
    #: Lines left out on purpose (bot authors, system messages), by reason.
    skipped: Counter[str] = field(default_factory=Counter)
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
    bar = tqdm(total=count_lines(transcript), unit="msg", desc="replay",
               disable=not progress, file=errors)
    pending: list[tuple[int, MessageEvent]] = []

    def failed(number: int, exc: Exception) -> None:
        log.error("line %d failed in the pipeline", number, exc_info=exc)
        problem = f"failed in the pipeline: {type(exc).__name__}: {exc}"[:300]
        result.failed_lines.append(BadLine(number, problem))
        print(f"{transcript}: line {number}: {problem}", file=errors)

    async def flush() -> None:
        if not pending:
            return
        try:
            result.outcomes.extend(await services.pipeline.handle_many([e for _, e in pending]))
        except Exception:
            # Find the line at fault by going one message at a time. (A failure after some
            # of the chunk was recorded records those again: rare now that the reader
            # bounds what it accepts.)
            for number, event in pending:
                try:
                    result.outcomes.append(await services.pipeline.handle(event))
                except Exception as exc:
                    failed(number, exc)
        bar.update(len(pending))
        pending.clear()

    async def join(number: int, item: Join) -> None:
        if detector is None:
            return
        try:
            for alert in detector.observe_join(item.guild_id, item.member, item.at,
                                               policy.current):
                result.alerts.append(alert)
                await services.pipeline.open_alert(alert, policy.current)
        except Exception as exc:
            failed(number, exc)

    try:
        for number, item in read_lines(transcript):
            if isinstance(item, BadLine):
                result.bad_lines.append(item)
                print(f"{transcript}: line {item.number}: skipped: {item.problem}", file=errors)
                bar.update(1)
                continue
            if isinstance(item, Skipped):
                result.skipped[item.reason] += 1
                bar.update(1)
                continue
            if isinstance(item, Join):
                await flush()
                await join(number, item)
                bar.update(1)
                continue
            pending.append((number, item))
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
        f"failed lines        {len(result.failed_lines):>6}",
        f"cases recorded      {result.cases_recorded:>6}",
        f"campaign alerts     {len(result.alerts):>6}",
        f"skipped lines       {sum(result.skipped.values()):>6}",
    ]
    lines += [f"  {reason:<17} {count:>6}" for reason, count in result.skipped.most_common()]
    lines += ["", "flagged per label"]
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
