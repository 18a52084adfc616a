"""``python -m bot.tools.storage_bench --postgres URL``: messages/s of one bot process
recording into SQLite and into PostgreSQL, side by side, on the same transcript.

The transcript is a simulated community (``python -m bot.simulate``) unless
``--transcript`` names one. Each backend gets a fresh database and the whole replay path
the bot runs per message (rules, strikes, cases, their events, score rows). The model is
left out on purpose: a word-list scorer stands in, as if scoring were remote and instant,
so the figures are the bot process's own ceiling. ``--model`` adds the in-process model.
``--processes N`` also runs N bot processes at once on one database, each replaying the
transcript as a server of its own (as shard processes do): their total messages/s shows
what another process buys on each engine.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from bot.policy_config import PolicyHolder
from bot.settings import DEFAULT_CONFIG
from bot.storage import open_database
from bot.storage.engine import describe_target, is_postgres_url
from bot.tools.replay import replay
from models.api import LABELS, Scorer, ScoreRequest, ScoreResult

#: Words that make the stand-in scorer score high, so cases and strikes are written too.
_WORDS = {"idiot": "insult", "stupid": "insult", "trash": "toxicity", "hate": "toxicity",
          "buy": "spam", "free": "spam", "kill": "threat"}


class WordListScorer:
    """Instant, deterministic scores from a few words: storage and pipeline cost only."""

    version = "word-list-bench"

    def score_batch(self, requests: Sequence[ScoreRequest]) -> list[ScoreResult]:
        results = []
        for request in requests:
            scores = dict.fromkeys(LABELS, 0.02)
            for word in request.text.lower().split():
                label = _WORDS.get(word.strip(".,!?"))
                if label is not None:
                    scores[label] = 0.96
                    scores["toxicity"] = max(scores["toxicity"], 0.9)
            results.append(ScoreResult(scores=scores))
        return results


@dataclass(frozen=True)
class Run:
    backend: str
    messages: int
    seconds: float
    cases: int

    @property
    def rate(self) -> float:
        return self.messages / self.seconds if self.seconds else 0.0


async def _one(transcript: Path, target: Path | str, scorer: Scorer, backend: str,
               progress: bool = True, guild: int | None = None) -> Run:
    started = time.perf_counter()
    result = await replay(transcript, PolicyHolder(DEFAULT_CONFIG), scorer, target,
                          progress=progress, keep_outcomes=False)
    seconds = time.perf_counter() - started
    messages = result.stats.messages
    result.close()
    db = await open_database(target)
    try:
        cases = len(await db.cases.all(guild))
    finally:
        await db.close()
    return Run(backend, messages, seconds, cases)


def table(runs: Sequence[Run]) -> str:
    base = runs[0].rate or 1.0
    lines = [f"{'backend':<28} {'messages':>8} {'seconds':>8} {'msg/s':>8} {'cases':>6} "
             f"{'vs first':>8}"]
    for run in runs:
        lines.append(f"{run.backend:<28} {run.messages:>8} {run.seconds:>8.2f} "
                     f"{run.rate:>8.0f} {run.cases:>6} {run.rate / base:>7.2f}x")
    return "\n".join(lines)


def _rehome(transcript: Path, guild: int, folder: Path) -> Path:
    """A copy of ``transcript`` as server ``guild``, its message ids moved out of the way."""
    offset = guild * 100_000_000
    out = folder / f"guild-{guild}.jsonl"
    with transcript.open(encoding="utf-8") as src, out.open("w", encoding="utf-8") as dst:
        for line in src:
            item = json.loads(line)
            item["guild_id"] = guild
            for key in ("id", "reply_to"):
                if isinstance(item.get(key), int):
                    item[key] += offset
            dst.write(json.dumps(item) + "\n")
    return out


def _together(transcript: Path, target: Path | str, processes: int, folder: Path,
              backend: str) -> Run:
    """``processes`` bot processes replaying into ``target`` at once, a server each."""
    copies = [_rehome(transcript, 2 + n, folder) for n in range(processes)]
    started = time.perf_counter()
    workers = [subprocess.Popen([sys.executable, "-m", "bot.tools.storage_bench", "--worker",
                                 str(target), "--transcript", str(copy)],
                                stdout=subprocess.PIPE, text=True) for copy in copies]
    reports = [json.loads(w.communicate()[0].strip().splitlines()[-1]) for w in workers]
    seconds = time.perf_counter() - started
    return Run(f"{backend}, {processes} processes", sum(r["messages"] for r in reports),
               seconds, sum(r["cases"] for r in reports))


@contextmanager
def scratch_database(url: str, label: str) -> Iterator[str]:
    """A new database on ``url``'s server for one run (as SQLite gets a new file), dropped
    after it, so every run starts empty whatever ``url`` holds."""
    import asyncpg

    name = f"vigil_bench_{os.getpid()}_{label}"
    scheme, _, rest = url.partition("://")
    location, _, query = rest.partition("?")
    server = location.rsplit("/", 1)[0] if "/" in location else location
    fresh = f"{scheme}://{server}/{name}" + (f"?{query}" if query else "")

    async def admin(sql: str) -> None:
        conn = await asyncpg.connect(url)
        try:
            await conn.execute(sql)
        finally:
            await conn.close()

    asyncio.run(admin(f'CREATE DATABASE "{name}"'))
    try:
        yield fresh
    finally:
        asyncio.run(admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def _simulate(folder: Path, members: int, hours: int, seed: int) -> Path:
    subprocess.run([sys.executable, "-m", "bot.simulate", "--out", str(folder), "--members",
                    str(members), "--hours", str(hours), "--seed", str(seed)], check=True)
    return folder / "community.jsonl"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.tools.storage_bench",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--postgres", default=None, metavar="URL",
                        help="a PostgreSQL server, by the URL of a database on it: each run "
                             "records into a fresh database created there (CREATEDB needed) "
                             "and dropped afterwards")
    parser.add_argument("--transcript", type=Path, default=None)
    parser.add_argument("--members", type=int, default=300)
    parser.add_argument("--hours", type=int, default=6)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--model", action="store_true",
                        help="also run SQLite with the real in-process model")
    parser.add_argument("--processes", type=int, default=1,
                        help="also run this many bot processes at once on each engine")
    parser.add_argument("--worker", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker is not None:  # one of --processes: replay, report one JSON line
        target = args.worker if is_postgres_url(args.worker) else Path(args.worker)
        with args.transcript.open(encoding="utf-8") as lines:
            guild = int(json.loads(next(lines))["guild_id"])
        run = asyncio.run(_one(args.transcript, target, WordListScorer(), "worker",
                               progress=False, guild=guild))
        print(json.dumps({"messages": run.messages, "cases": run.cases}))
        return 0
    if args.postgres is not None and not is_postgres_url(args.postgres):
        print("--postgres takes a postgresql:// URL", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="vigil-bench-") as folder:
        work = Path(folder)
        transcript = args.transcript or _simulate(work, args.members, args.hours, args.seed)
        runs = [asyncio.run(_one(transcript, work / "bench.db", WordListScorer(),
                                 "sqlite (file, WAL)"))]
        if args.postgres:
            with scratch_database(args.postgres, "one") as url:
                runs.append(asyncio.run(_one(transcript, url, WordListScorer(),
                                             "postgresql")))
        if args.processes > 1:
            runs.append(_together(transcript, work / "together.db", args.processes, work,
                                  "sqlite"))
            if args.postgres:
                with scratch_database(args.postgres, "together") as url:
                    runs.append(_together(transcript, url, args.processes, work,
                                          "postgresql"))
        if args.model:
            from bot.scoring import load_scorer

            scorer = load_scorer(PolicyHolder(DEFAULT_CONFIG).current.model)
            runs.append(asyncio.run(_one(transcript, work / "model.db", scorer,
                                         "sqlite + in-process model")))
    print(f"\ntranscript: {transcript.name if args.transcript else 'simulated'}, "
          f"scorer: word list (instant){', model' if args.model else ''}")
    if args.postgres:
        print(f"postgresql: {describe_target(args.postgres)}")
    print(table(runs))
    return 0


if __name__ == "__main__":
    sys.exit(main())
