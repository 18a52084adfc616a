"""Offline replay: a transcript through normalise -> score -> decide -> record.

No Discord and no token: every case is recorded as SHADOW (what *would* have happened),
and a SHADOW case never counts as a strike, so the same transcript replayed into a fresh
database gives the same cases. One line never ends a replay: a refused line is a bad line,
a message the pipeline fails on is a failed line (both reported with their number), and
skipped lines are counted by reason.

Memory stays bounded: each outcome is folded into aggregates (``report_stats``) and
written to temporary JSON lines (``report_spool``) as it comes; only callers that ask
(``keep_outcomes``, the default for library use) also get every outcome in a list.
"""

from __future__ import annotations

import hashlib
import logging
import sys
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

from tqdm import tqdm

from bot.actions import OfflineExecutor
from bot.coordination import CoordinationAlert, CoordinationDetector
from bot.event import MessageEvent
from bot.pipeline import MessageOutcome
from bot.policy_book import PolicyBook, as_book
from bot.policy_config import PolicyHolder
from bot.services import build_services
from bot.storage.engine import describe_target
from bot.storage.records import Case
from bot.tools.report_campaigns import CampaignBook
from bot.tools.report_spool import (
    ReportSpool,
    alert_entry,
    bad_line_entry,
    case_entry,
    message_entry,
)
from bot.tools.report_stats import ReplayStats
from bot.tools.transcript import BadLine, Join, Skipped, count_lines, read_lines
from models.api import Scorer

log = logging.getLogger(__name__)

CHUNK = 32
#: Bad and failed lines kept in memory (all of them reach the report through the spool).
MAX_KEPT_LINES = 1_000
#: Campaigns the summary table lists (the report has them all).
SUMMARY_CAMPAIGNS = 20


@dataclass
class ReplayResult:
    #: Every outcome and alert, only when ``replay(keep_outcomes=True)``.
    outcomes: list[MessageOutcome] = field(default_factory=list)
    alerts: list[CoordinationAlert] = field(default_factory=list)
    #: The first ``MAX_KEPT_LINES`` of each (``stats`` counts them all).
    bad_lines: list[BadLine] = field(default_factory=list)
    #: Valid lines the pipeline failed on (the rest of the replay goes on).
    failed_lines: list[BadLine] = field(default_factory=list)
    #: Lines left out on purpose (bot authors, system messages), by reason.
    skipped: Counter[str] = field(default_factory=Counter)
    stats: ReplayStats = field(default_factory=ReplayStats)
    campaigns: CampaignBook = field(default_factory=CampaignBook)
    spool: ReportSpool = field(default_factory=ReportSpool)
    #: What ran: transcript, policy file and hash, model version, database, times.
    run: dict[str, Any] = field(default_factory=dict)
    keep_outcomes: bool = True

    @property
    def cases_recorded(self) -> int:
        """Cases this replay recorded (message cases and campaign cases)."""
        return self.stats.cases

    def take(self, outcome: MessageOutcome) -> None:
        if self.keep_outcomes:
            self.outcomes.append(outcome)
        self.stats.add(outcome)
        self.spool.add("messages", message_entry(outcome))
        if outcome.case is not None:
            self.stats.add_cases([outcome.case])
            self.spool.add("cases", case_entry(outcome.case, outcome))
        for alert, cases in zip(outcome.alerts, split_alert_cases(outcome.alert_cases,
                                                                  len(outcome.alerts)),
                                strict=True):
            self.take_alert(alert, cases)

    def take_alert(self, alert: CoordinationAlert, cases: Sequence[Case]) -> None:
        if self.keep_outcomes:
            self.alerts.append(alert)
        campaign = self.campaigns.add(alert, cases)
        number = campaign.number if campaign is not None else None
        self.spool.add("campaigns", alert_entry(alert, number))
        self.stats.add_cases(cases)
        for case in cases:
            self.spool.add("cases", case_entry(case, campaign=number))

    def bad(self, line: BadLine, *, failed: bool = False) -> None:
        kept = self.failed_lines if failed else self.bad_lines
        if len(kept) < MAX_KEPT_LINES:
            kept.append(line)
        if failed:
            self.stats.failed_lines += 1
        else:
            self.stats.bad_lines += 1
        self.spool.add("failed_lines" if failed else "malformed_lines", bad_line_entry(line))

    def close(self) -> None:
        """Remove the temporary files (the reports must be written before)."""
        self.spool.close()


def split_alert_cases(cases: Sequence[Case], alerts: int) -> list[list[Case]]:
    """The cases of one message's alerts, per alert: each alert opens one review case,
    then its quarantine cases, in that order."""
    groups: list[list[Case]] = [[] for _ in range(alerts)]
    index = -1
    for case in cases:
        if case.action == "review" or index < 0:
            index = min(index + 1, alerts - 1)
        if index >= 0:
            groups[index].append(case)
    return groups


def file_sha256(path: Path | None) -> str | None:
    if path is None or not Path(path).is_file():
        return None
    digest = hashlib.sha256()
    with Path(path).open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 16), b""):
            digest.update(block)
    return digest.hexdigest()


def policies_used(policy: PolicyBook | PolicyHolder,
                  guilds: Iterable[int]) -> dict[str, dict[str, Any]]:
    """Per server in the transcript: the policy file it ran (its own in a policy folder,
    else the default), that file's SHA-256 and the policy version recorded on its cases."""
    book = as_book(policy)
    used = {}
    for guild in sorted(guilds):
        path = book.own_file(guild) or book.default_path
        used[str(guild)] = {"file": str(path), "sha256": file_sha256(path),
                            "version": book.for_guild(guild).version}
    return used


def run_info(transcript: Path, policy: PolicyBook | PolicyHolder, scorer: Scorer,
             db_path: Path | str) -> dict[str, Any]:
    # A policy folder: its default.yaml (each server's version is on its cases).
    policy_path = getattr(policy, "default_path", None) or getattr(policy, "path", None)
    return {
        "dry_run": True,
        "transcript": str(transcript),
        "transcript_sha256": file_sha256(transcript),
        "policy_file": str(policy_path) if policy_path is not None else None,
        "policy_sha256": file_sha256(policy_path),
        "policy_version": policy.current.version,
        "model_version": getattr(scorer, "version", None),
        "database": describe_target(db_path),  # a URL without its password
        # The global bands (channel and role overrides may move them for some messages).
        "thresholds": {
            label: {"review": rule.review, "act": rule.act, "action": str(rule.action)}
            for label, rule in policy.current.labels.items()
        },
        "started_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }


async def replay(
    transcript: Path,
    policy: PolicyBook | PolicyHolder,
    scorer: Scorer,
    db_path: Path | str,
    *,
    detector: CoordinationDetector | None = None,
    progress: bool = True,
    errors: TextIO = sys.stderr,
    keep_outcomes: bool = True,
) -> ReplayResult:
    services = await build_services(
        db_path=db_path, policy=policy, scorer=scorer, executor=OfflineExecutor(),
        detector=detector, live=False,
    )
    result = ReplayResult(keep_outcomes=keep_outcomes,
                          run=run_info(transcript, policy, scorer, db_path))
    total = count_lines(transcript)
    result.run["lines"] = total
    bar = tqdm(total=total, unit="msg", desc="replay", disable=not progress, file=errors)
    pending: list[tuple[int, MessageEvent]] = []

    def failed(number: int, exc: Exception) -> None:
        log.error("line %d failed in the pipeline", number, exc_info=exc)
        problem = f"failed in the pipeline: {type(exc).__name__}: {exc}"[:300]
        result.bad(BadLine(number, problem), failed=True)
        print(f"{transcript}: line {number}: {problem}", file=errors)

    async def flush() -> None:
        if not pending:
            return
        try:
            outcomes = await services.pipeline.handle_many([e for _, e in pending])
        except Exception:
            # Find the line at fault by going one message at a time. (A failure after some
            # of the chunk was recorded records those again: rare now that the reader
            # bounds what it accepts.)
            outcomes = []
            for number, event in pending:
                try:
                    outcomes.append(await services.pipeline.handle(event))
                except Exception as exc:
                    failed(number, exc)
        for outcome in outcomes:
            result.take(outcome)
        bar.update(len(pending))
        pending.clear()

    async def join(number: int, item: Join) -> None:
        if detector is None:
            return
        try:
            server = services.policy.for_guild(item.guild_id)  # the join's server's
            for alert in detector.observe_join(item.guild_id, item.member, item.at, server):
                result.take_alert(alert, await services.pipeline.open_alert(alert, server))
        except Exception as exc:
            failed(number, exc)

    try:
        for number, item in read_lines(transcript):
            if isinstance(item, BadLine):
                result.bad(item)
                print(f"{transcript}: line {item.number}: skipped: {item.problem}", file=errors)
                bar.update(1)
                continue
            if isinstance(item, Skipped):
                result.skipped[item.reason] += 1
                result.stats.skipped[item.reason] += 1
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
    finally:
        bar.close()
        await services.close()
    result.run["policies"] = policies_used(policy, result.stats.guilds)
    result.run["finished_at"] = datetime.now(UTC).isoformat(timespec="seconds")
    return result


def fresh_database(transcript: Path, live: Path | str | None = None,
                   folder: Path | None = None) -> Path:
    """The database a replay writes when ``--db`` names none: ``replay-<stem>.db`` in the
    current folder, created fresh on every run (an older one, with its -wal/-shm/-journal
    files, is removed), so replays never append to each other. It is never the live
    database: when ``live`` (the bot's VIGIL_DB_PATH) is that same file, it refuses."""
    path = (folder or Path.cwd()) / f"replay-{transcript.stem}.db"
    if live is not None and path.resolve() == Path(live).resolve():
        raise ValueError(f"{path} is the bot's live database (VIGIL_DB_PATH); "
                         "name another with --db")
    for suffix in ("", "-wal", "-shm", "-journal"):
        path.with_name(path.name + suffix).unlink(missing_ok=True)
    return path


def summary_table(result: ReplayResult) -> str:
    """The plain-text summary printed after a replay (the page shows the same counts)."""
    stats = result.stats
    kinds = ", ".join(f"{n} {k}" for k, n in stats.case_kinds.most_common())
    lines = [
        f"messages replayed   {stats.messages:>6}",
        f"malformed lines     {stats.bad_lines:>6}",
        f"failed lines        {stats.failed_lines:>6}",
        f"cases recorded      {stats.cases:>6}" + (f"   ({kinds})" if kinds else ""),
        f"campaign alerts     {result.campaigns.alerts:>6}",
        f"campaigns           {len(result.campaigns):>6}",
        f"skipped lines       {sum(stats.skipped.values()):>6}",
    ]
    lines += [f"  {reason:<17} {count:>6}" for reason, count in stats.skipped.most_common()]
    if stats.held:
        lines.append(f"held (db locked)    {stats.held:>6}")
    flagged = Counter({label: s.flagged for label, s in stats.labels.items() if s.flagged})
    lines += ["", "flagged per label"]
    lines += [f"  {label:<17} {count:>6}" for label, count in flagged.most_common()] or ["  (none)"]
    lines += ["", "fired per rule"]
    lines += [f"  {rule:<17} {count:>6}" for rule, count in stats.fired.most_common()] or [
        "  (none)"]
    lines += ["", "actions"]
    lines += [f"  {action:<17} {count:>6}" for action, count in stats.actions.most_common()]
    if len(stats.guilds) > 1:  # each server is judged by its own policy: show them apart
        lines += ["", "per server"]
        for guild_id, messages in sorted(stats.guilds.items()):
            acted = ", ".join(f"{n} {a}" for a, n in
                              stats.guild_actions.get(guild_id, Counter()).most_common())
            lines.append(f"  {guild_id}: {messages} messages, "
                         f"{stats.guild_cases[guild_id]} cases" + (f" ({acted})" if acted else ""))
    if stats.top_cases:
        lines += ["", "top cases"]
        for top in stats.top_cases:
            lines.append(f"  #{top.number:<4} {top.action:<12} {top.why}  {top.author}: "
                         f"{top.text}")
    campaigns = result.campaigns.campaigns
    for campaign in campaigns[:SUMMARY_CAMPAIGNS]:
        alert = campaign.latest
        grew = f" (alerted {campaign.alerts} times as it grew)" if campaign.alerts > 1 else ""
        lines.append(f"  campaign {campaign.number}: {alert.summary()}{grew}")
    if len(campaigns) > SUMMARY_CAMPAIGNS:
        lines.append(f"  ... and {len(campaigns) - SUMMARY_CAMPAIGNS} more campaigns "
                     "(all in the report)")
    return "\n".join(lines)
