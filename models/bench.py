"""Measure load time and scoring throughput of the shipped scorer on this machine.

    python -m models.bench [--n 512] [--batch 64] [--threads 2]

Messages are synthetic chat-length sentences (6-40 words) built from a fixed word list, so
the benchmark needs no dataset and is repeatable.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import time

import torch

from models.api import ScoreRequest

_WORDS = re.findall(
    r"\S+",
    "the server raid tonight is going to be great thanks for help with bot you are so "
    "annoying please stop spamming links idk what happened lol anyone want to play later "
    "i think this update broke everything but the new map looks amazing honestly",
)


def messages(n: int, seed: int = 0) -> list[str]:
    rng = random.Random(seed)
    return [" ".join(rng.choices(_WORDS, k=rng.randint(6, 40))) for _ in range(n)]


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--n", type=int, default=512)
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args(argv)
    torch.set_num_threads(args.threads)
    from models.scorer import load_default_scorer

    t0 = time.perf_counter()
    scorer = load_default_scorer()
    load_s = time.perf_counter() - t0
    texts = messages(args.n)
    scorer.score_batch([ScoreRequest("warm up")])
    out = {"load_s": round(load_s, 2), "threads": args.threads, "n": args.n}
    for label, reqs in (
        ("plain", [ScoreRequest(t) for t in texts]),
        ("with_parent", [ScoreRequest(t, parent=texts[i - 1]) for i, t in enumerate(texts)]),
    ):
        t0 = time.perf_counter()
        for s in range(0, len(reqs), args.batch):
            scorer.score_batch(reqs[s : s + args.batch])
        dt = time.perf_counter() - t0
        out[f"{label}_msgs_per_s"] = round(len(reqs) / dt, 1)
    t0 = time.perf_counter()
    for t in texts[:64]:
        scorer.score_batch([ScoreRequest(t)])
    out["single_message_latency_ms"] = round((time.perf_counter() - t0) / 64 * 1000, 1)
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
