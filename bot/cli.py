"""Vigil, the moderation bot that scores meaning: replay, score, calibrate, forget, purge,
import, export, health and run."""

from __future__ import annotations

import argparse
import asyncio
import sys
from datetime import UTC, datetime
from pathlib import Path

from pydantic import ValidationError

from bot import log_setup
from bot.cli_help import VigilParser, epilog, program, vigil_version
from bot.policy_book import PolicyBook
from bot.policy_config import PolicyConfigError
from bot.scoring import ScorerSetupError
from bot.settings import DEFAULT_CONFIG, Settings
from bot.shards import ShardRange
from bot.storage.engine import (
    DatabaseUnavailableError,
    as_target,
    describe_target,
    is_missing,
)

DB_HELP = ("the bot's database: a SQLite file or a postgresql://user@host:port/name URL "
           "(default: VIGIL_DB_PATH, else vigil.db; VIGIL_DB_URL over both)")


def _parser() -> argparse.ArgumentParser:
    parser = VigilParser(prog=program(), description=__doc__, epilog=epilog())
    parser.add_argument("--version", action="version", version=f"%(prog)s {vigil_version()}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    replay = sub.add_parser("replay", help="run a transcript through the core, offline")
    replay.add_argument("transcript", type=Path, help="JSON lines, one message per line")
    replay.add_argument("--config", type=Path, default=None,
                        help="policy YAML, or a folder of default.yaml and "
                             "guilds/<guild_id>.yaml (each message by its server's)")
    replay.add_argument("--db", type=as_target, default=None,
                        help="SQLite file or postgresql://user@host:port/name URL to record "
                             "cases in, appended to (default: a fresh "
                             "replay-<transcript name>.db in this folder, replaced each run)")
    replay.add_argument("--report", type=Path, action="append", default=[],
                        help="write a report: .json or .html (may be given twice)")
    replay.add_argument("--no-campaigns", action="store_true",
                        help="skip cross-account campaign detection")
    replay.add_argument("--quiet", action="store_true", help="no progress bar")

    score = sub.add_parser("score", help="score JSON lines from stdin")
    score.add_argument("--config", "--policy", dest="config", type=Path, default=None,
                       help="policy YAML: its model scores, its rules decide (each line's "
                            "rules and decision)")
    score.add_argument("--guild", type=int, default=None,
                       help="server id: with a policy folder, that server's policy "
                            "(its guilds/<id>.yaml over default.yaml)")

    calibrate = sub.add_parser("calibrate", help="threshold advice from review decisions")
    calibrate.add_argument("--db", type=as_target, default=None, help=DB_HELP)
    calibrate.add_argument("--config", type=Path, default=None, help="policy YAML")

    forget = sub.add_parser("forget", help="erase a member's stored data (erasure request)")
    forget.add_argument("--db", type=as_target, default=None, help=DB_HELP)
    forget.add_argument("--guild", type=int, required=True, help="server id")
    forget.add_argument("--user", type=int, required=True, help="the member's user id")

    purge = sub.add_parser("purge", help="redact stored message text older than the retention")
    purge.add_argument("--db", type=as_target, default=None, help=DB_HELP)
    purge.add_argument("--config", type=Path, default=None, help="policy YAML (its retention)")
    purge.add_argument("--days", type=int, default=None,
                       help="keep this many days (default: retention.message_text_days)")

    bench = sub.add_parser("bench", help="the core's speed beside the naive way, one run")
    bench.add_argument("--transcript", type=Path, default=None,
                       help="chat to replay (default: a simulated community, seed 7)")
    bench.add_argument("--messages", type=int, default=None,
                       help="messages of the chat mix (default 2000; --smoke 40)")
    bench.add_argument("--rate", type=float, default=200.0,
                       help="offered load of the live-path latency run, msgs/s")
    bench.add_argument("--threads", type=int, default=2, help="CPU threads for the models")
    bench.add_argument("--json", action="store_true", help="print the figures as JSON")
    bench.add_argument("--smoke", action="store_true", help="every step at toy sizes (CI)")

    run = sub.add_parser("run", help="connect to Discord (token from VIGIL_TOKEN)")
    run.add_argument("--shards", default=None, metavar="A-B",
                     help="run only these shards in this process, e.g. 0-3 (default: "
                          "VIGIL_SHARDS; unset: the whole bot)")
    run.add_argument("--shard-count", type=int, default=None, metavar="N",
                     help="how many shards the bot has in all (with --shards; default: "
                          "VIGIL_SHARD_COUNT)")

    health = sub.add_parser(
        "health", help="check the database, the model weights and (with a metrics port) the "
                       "running bot; exit 0 when healthy, 1 when not")
    health.add_argument("--db", type=as_target, default=None, help=DB_HELP)
    health.add_argument("--config", type=Path, default=None,
                        help="policy YAML (its model section; default: VIGIL_CONFIG_PATH)")
    health.add_argument("--metrics-port", type=int, default=None, metavar="PORT",
                        help="ask the running bot's metrics endpoint on this port too "
                             "(default: VIGIL_METRICS_PORT; unset: not asked)")

    importer = sub.add_parser("import", help="convert other tools' exports to a transcript")
    formats = importer.add_subparsers(dest="format", required=True)
    dce = formats.add_parser(
        "dce", help="DiscordChatExporter JSON exports (--format Json) -> transcript on stdout")
    dce.add_argument("exports", type=Path, nargs="+", metavar="EXPORT.json",
                     help="one file per channel; messages come out in time order")

    export = sub.add_parser(
        "export", help="a channel's history through the bot's token (VIGIL_TOKEN) as a "
                       "transcript on stdout")
    export.add_argument("--channel", type=int, action="append", required=True, metavar="ID",
                        help="channel or thread id (may be given more than once)")
    export.add_argument("--since", type=_date, required=True, metavar="DATE",
                        help="first day (YYYY-MM-DD or ISO 8601; UTC unless it says)")
    export.add_argument("--until", type=_date, default=None, metavar="DATE",
                        help="stop before this day (default: now)")
    export.add_argument("--quiet", action="store_true", help="no progress bar")
    return parser


def _date(text: str) -> datetime:
    try:
        value = datetime.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a date: {text!r} (use YYYY-MM-DD)") from exc
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        settings = Settings()
    except ValidationError as exc:
        for error in exc.errors():
            name = "VIGIL_" + "_".join(str(p) for p in error["loc"]).upper()
            print(f"{name}: {error['msg']}", file=sys.stderr)
        return 2
    token = settings.token.get_secret_value() if settings.token else ""
    log_setup.configure(settings.log_level, settings.log_format, secrets=[token.strip()])
    try:
        if args.command == "health":
            return _health(args, settings)
        if args.command == "replay":
            return _replay(args, settings)
        if args.command == "score":
            return _score(args, settings)
        if args.command == "calibrate":
            return _calibrate(args, settings)
        if args.command == "forget":
            return _forget(args, settings)
        if args.command == "purge":
            return _purge(args, settings)
        if args.command == "import":
            return _import_dce(args)
        if args.command == "export":
            return _export(args, settings)
        if args.command == "bench":
            from bot.tools.bench import main as bench_main

            return bench_main(args.transcript, args.messages, args.json, args.smoke,
                              args.rate, args.threads)
        if args.command == "run":
            from bot.discord.app import run_bot

            shards = _shards(args, settings)
            if isinstance(shards, int):
                return shards
            return run_bot(settings, shards)
    except PolicyConfigError as exc:
        print(exc, file=sys.stderr)
        return 2
    except DatabaseUnavailableError as exc:
        print(exc, file=sys.stderr)
        return 2
    except ScorerSetupError as exc:
        print(exc, file=sys.stderr)
        return 2
    return 1


def _replay(args: argparse.Namespace, settings: Settings) -> int:
    from bot.scoring import load_scorer
    from bot.tools.replay import fresh_database, replay, summary_table
    from bot.tools.report import write_report

    if not args.transcript.is_file():
        print(f"no such transcript: {args.transcript}", file=sys.stderr)
        return 2
    # A file, or a folder: each message is judged by its own server's policy (guild_id).
    policy = PolicyBook(args.config or settings.config_path or DEFAULT_CONFIG)
    # Without --db: a fresh replay-<stem>.db each run, never the live database.
    try:
        db_path = args.db or fresh_database(args.transcript, live=settings.db_path)
    except ValueError as exc:
        print(exc, file=sys.stderr)
        return 2
    detector = None
    if not args.no_campaigns:
        from bot.campaigns import CampaignDetector

        detector = CampaignDetector()
    result = asyncio.run(replay(
        args.transcript, policy, load_scorer(policy.current.model), db_path, detector=detector,
        progress=not args.quiet, keep_outcomes=False,
    ))
    try:
        print(summary_table(result))
        fresh = "" if args.db else " (a fresh database; --db F names another)"
        print(f"\ncases recorded in {describe_target(db_path)}{fresh}")
        for path in args.report:
            write_report(result, path)
            print(f"report written to {path}")
    finally:
        result.close()
    return 0


def _score(args: argparse.Namespace, settings: Settings) -> int:
    """One JSON object per input line -> one JSON object per output line, same order."""
    from bot.scoring import load_scorer
    from bot.tools.score_cli import score_stream
    from bot.tools.score_explain import Explainer

    book = PolicyBook(args.config or settings.config_path or DEFAULT_CONFIG)
    policy = book.current if args.guild is None else book.for_guild(args.guild)
    return score_stream(sys.stdin, sys.stdout, load_scorer(policy.model), Explainer(policy))


def _calibrate(args: argparse.Namespace, settings: Settings) -> int:
    from bot.storage import open_database
    from bot.storage.records import MessageScore
    from bot.tools.calibrate import advice_table, advise

    db_path = args.db or settings.database
    if is_missing(db_path):
        print(f"no such database: {db_path}", file=sys.stderr)
        return 2
    policy = PolicyBook(args.config or settings.config_path or DEFAULT_CONFIG).current

    async def load() -> list[MessageScore]:
        db = await open_database(db_path)
        try:
            return await db.scores.labelled()
        finally:
            await db.close()

    records = asyncio.run(load())
    print(f"{len(records)} messages with a moderator's decision in "
          f"{describe_target(db_path)}\n")
    print(advice_table(advise(records, policy)))
    return 0


def _forget(args: argparse.Namespace, settings: Settings) -> int:
    """Erase one member's data from the database (no Discord needed); print the counts."""
    from bot.privacy import DataService, count_lines
    from bot.storage import open_database
    from bot.storage.records import Erasure

    db_path = args.db or settings.database
    if is_missing(db_path):
        print(f"no such database: {db_path}", file=sys.stderr)
        return 2

    async def erase() -> Erasure:
        db = await open_database(db_path)
        try:
            service = DataService(db.erasures)
            return await service.forget_member(args.guild, args.user, None, source="cli")
        finally:
            await db.close()

    erasure = asyncio.run(erase())
    print(f"erased the data of user {args.user} in guild {args.guild} "
          f"({describe_target(db_path)})")
    for label, count in count_lines(erasure.counts, memory=False):
        print(f"  {label:<30} {count}")
    print("case numbers, actions, moderators and outcomes are kept; "
          f"logged as erasure #{erasure.id}")
    return 0


def _purge(args: argparse.Namespace, settings: Settings) -> int:
    """Redact message text older than the retention (no Discord needed); print the counts."""
    from bot.retention import count_lines, purge_old_text
    from bot.storage import open_database
    from bot.storage.retention import PurgeCounts

    db_path = args.db or settings.database
    if is_missing(db_path):
        print(f"no such database: {db_path}", file=sys.stderr)
        return 2
    days = args.days
    if days is None:
        policy = PolicyBook(args.config or settings.config_path or DEFAULT_CONFIG).current
        days = policy.retention.message_text_days
    if not 1 <= days <= 3650:
        print("--days must be between 1 and 3650", file=sys.stderr)
        return 2

    async def purge() -> PurgeCounts:
        db = await open_database(db_path)
        try:
            return await purge_old_text(db.retention, days)
        finally:
            await db.close()

    counts = asyncio.run(purge())
    print(f"purged message text older than {days} days ({describe_target(db_path)})")
    for label, count in count_lines(counts):
        print(f"  {label:<30} {count}")
    print("case numbers, labels, scores, actions, statuses and timestamps are kept")
    return 0


def _import_dce(args: argparse.Namespace) -> int:
    """DiscordChatExporter exports -> transcript lines on stdout; counts on stderr."""
    from bot.tools.dce import ExportError, convert

    try:
        counts = convert(args.exports, sys.stdout)
    except ExportError as exc:
        print(exc, file=sys.stderr)
        return 2
    print(counts.summary(), file=sys.stderr)
    return 0


def _export(args: argparse.Namespace, settings: Settings) -> int:
    """A channel's history through the bot's own token -> transcript lines on stdout."""
    from tqdm import tqdm

    from bot.discord.export import ExportError, run_export

    token = settings.token.get_secret_value().strip() if settings.token else ""
    if not token:
        print("VIGIL_TOKEN is not set: export reads history as the bot.", file=sys.stderr)
        return 2
    bar = tqdm(desc="messages", unit=" msg", disable=args.quiet, file=sys.stderr)
    try:
        counts = run_export(token, args.channel, args.since, args.until, sys.stdout,
                            progress=bar.update)
    except ExportError as exc:
        print(exc, file=sys.stderr)
        return 2
    finally:
        bar.close()
    print(counts.summary(), file=sys.stderr)
    return 0


def _health(args: argparse.Namespace, settings: Settings) -> int:
    """Offline checks (and the running bot's, with a metrics port): one line each."""
    from bot.health import offline_checks, report

    try:
        policy = PolicyBook(args.config or settings.config_path or DEFAULT_CONFIG).current
    except PolicyConfigError as exc:
        print(f"FAIL  policy    {exc.problems[0] if exc.problems else exc}")
        return 1
    port = args.metrics_port if args.metrics_port is not None else settings.metrics_port
    text, status = report(offline_checks(args.db or settings.database, policy.model, port))
    print(text)
    return status


def _shards(args: argparse.Namespace, settings: Settings) -> ShardRange | int | None:
    """The shard range of ``run`` (flags over VIGIL_SHARDS/VIGIL_SHARD_COUNT), or an exit
    status when it is wrong."""
    from bot.shards import ShardSpecError

    spec = args.shards if args.shards is not None else settings.shards
    count = args.shard_count if args.shard_count is not None else settings.shard_count
    if spec is None and count is None:
        return None
    if spec is None or count is None:
        print("--shards and --shard-count go together (e.g. --shards 0-3 --shard-count 16)",
              file=sys.stderr)
        return 2
    try:
        return ShardRange.parse(spec, count)
    except ShardSpecError as exc:
        print(exc, file=sys.stderr)
        return 2
