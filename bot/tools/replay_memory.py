"""Peak memory of ``python -m bot replay`` as the transcript grows, side by side.

``python -m bot.tools.replay_memory [--members 250 2750] [--hours 24]`` simulates one
community per size (``bot.simulate``: about 2,000 and 20,000 messages), replays each in
its own process with a JSON and an HTML report, and prints each run's peak resident
memory (the kernel's ru_maxrss of that child), its resident memory sampled while it ran
(the highest sample after the first third of the run, once the model is loaded, and the
last one, taken as the reports are written), wall time and report sizes, with the ratios
of the largest run to the smallest. Loading the model has a peak of its own, so the
samples show what the replay itself holds as the transcript grows.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from bot.tools.simulate.cli import write

SAMPLE_SECONDS = 0.5


@dataclass(frozen=True, slots=True)
class Run:
    members: int
    messages: int
    peak_mib: float
    #: Highest sampled RSS after the first third of the run, and the last sample.
    late_mib: float
    last_mib: float
    seconds: float
    json_mib: float
    html_mib: float


def count_messages(transcript: Path) -> int:
    with transcript.open(encoding="utf-8") as lines:
        return sum(1 for line in lines if line.strip() and '"type": "join"' not in line)


def measure(members: int, hours: float, folder: Path, config: Path | None) -> Run:
    transcript, _ = write(folder / f"m{members}", members=members, seed=7, hours=hours)
    json_report, html_report = folder / f"m{members}.json", folder / f"m{members}.html"
    command = [sys.executable, "-m", "bot", "replay", str(transcript),
               "--db", str(folder / f"m{members}.db"), "--report", str(json_report),
               "--report", str(html_report), "--quiet"]
    if config is not None:
        command += ["--config", str(config)]
    started = time.monotonic()
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    samples: list[tuple[float, float]] = []
    while True:
        # wait4 gives this child's own peak memory (RUSAGE_CHILDREN would mix the runs).
        pid, status, usage = os.wait4(child.pid, os.WNOHANG)
        if pid:
            break
        rss = resident_mib(child.pid)
        if rss is not None:
            samples.append((time.monotonic() - started, rss))
        time.sleep(SAMPLE_SECONDS)
    seconds = time.monotonic() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"replay of {members} members failed: {' '.join(command)}")
    late = [rss for at, rss in samples if at >= seconds / 3] or [0.0]
    mib = 1024 * 1024
    return Run(members, count_messages(transcript), usage.ru_maxrss / 1024, max(late),
               samples[-1][1] if samples else 0.0, seconds,
               json_report.stat().st_size / mib, html_report.stat().st_size / mib)


def resident_mib(pid: int) -> float | None:
    """The process's resident memory now (VmRSS), or None once it is gone."""
    try:
        status = Path(f"/proc/{pid}/status").read_text(encoding="utf-8")
    except OSError:
        return None
    for line in status.splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return None


def table(runs: list[Run]) -> str:
    lines = [f"{'members':>8} {'messages':>9} {'peak RSS':>9} {'late RSS':>9} "
             f"{'last RSS':>9} {'wall s':>8} {'JSON MiB':>9} {'HTML MiB':>9}   (RSS in MiB)"]
    lines += [f"{r.members:>8} {r.messages:>9,} {r.peak_mib:>9.1f} {r.late_mib:>9.1f} "
              f"{r.last_mib:>9.1f} {r.seconds:>8.1f} {r.json_mib:>9.2f} {r.html_mib:>9.2f}"
              for r in runs]
    small, large = runs[0], runs[-1]
    lines.append(f"largest / smallest: messages x{large.messages / small.messages:.1f}, "
                 f"peak RSS x{large.peak_mib / small.peak_mib:.2f}, "
                 f"late RSS x{large.late_mib / max(small.late_mib, 1e-9):.2f}, "
                 f"last RSS x{large.last_mib / max(small.last_mib, 1e-9):.2f}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.tools.replay_memory",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--members", type=int, nargs="+", default=[250, 2750],
                        help="organic members per simulated community (default: 250 2750, "
                             "about 2,000 and 20,000 messages)")
    parser.add_argument("--hours", type=float, default=24.0, help="simulated hours")
    parser.add_argument("--config", type=Path, default=None, help="policy YAML")
    args = parser.parse_args(argv)
    runs = []
    with tempfile.TemporaryDirectory(prefix="vigil-memory-") as folder:
        for members in sorted(args.members):
            runs.append(measure(members, args.hours, Path(folder), args.config))
            print(f"done: {members} members, {runs[-1].messages:,} messages, "
                  f"peak {runs[-1].peak_mib:.1f} MiB", file=sys.stderr, flush=True)
    print(table(runs))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
