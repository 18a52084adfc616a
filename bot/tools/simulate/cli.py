"""``python -m bot.simulate --out DIR [--members 500] [--seed 7] [--hours 24]``.

Writes DIR/community.jsonl (replay transcript with join lines) and DIR/truth.json.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from bot.tools.simulate.community import generate


def write(out: Path, members: int, seed: int, hours: float) -> tuple[Path, Path]:
    out.mkdir(parents=True, exist_ok=True)
    community = generate(members=members, seed=seed, hours=hours)
    transcript, truth = out / "community.jsonl", out / "truth.json"
    with transcript.open("w", encoding="utf-8") as handle:
        for line in community.lines:
            handle.write(json.dumps(line, ensure_ascii=False) + "\n")
    truth.write_text(json.dumps(community.truth, indent=2), encoding="utf-8")
    return transcript, truth


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.simulate", description=__doc__)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--members", type=int, default=500, help="organic members")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--hours", type=float, default=24.0)
    args = parser.parse_args(argv)
    transcript, truth = write(args.out, args.members, args.seed, args.hours)
    lines = sum(1 for _ in transcript.open(encoding="utf-8"))
    print(f"wrote {transcript} ({lines} lines) and {truth}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
