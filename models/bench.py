"""Measure load time and scoring throughput of the shipped scorer on this machine.

    python -m models.bench [--n 512] [--batch 64] [--threads 2] [--weights DIR ...]

Messages are synthetic chat-length sentences (6-40 words) built from a fixed word list, so
the benchmark needs no dataset and is repeatable. With several ``--weights`` folders, each
is measured in turn in the same process and the ratios to the first are printed.
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


#: Claims for the "with_claims" case: one the synthetic chat is about, one it is not.
CLAIMS = ("This update broke everything.", "The moon landing was faked.")


def measure(weights: str | None, texts: list[str], batch: int) -> dict[str, float | str]:
    from models.scorer import load_default_scorer

    t0 = time.perf_counter()
    scorer = load_default_scorer(weights_dir=weights)
    out: dict[str, float | str] = {"load_s": round(time.perf_counter() - t0, 2)}
    scorer.score_batch([ScoreRequest("warm up")])
    for label, reqs in (
        ("plain", [ScoreRequest(t) for t in texts]),
        ("with_parent", [ScoreRequest(t, parent=texts[i - 1]) for i, t in enumerate(texts)]),
        ("with_claims", [ScoreRequest(t, targets=CLAIMS) for t in texts]),
    ):
        t0 = time.perf_counter()
        for s in range(0, len(reqs), batch):
            scorer.score_batch(reqs[s : s + batch])
        out[f"{label}_msgs_per_s"] = round(len(reqs) / (time.perf_counter() - t0), 1)
    t0 = time.perf_counter()
    for t in texts[:64]:
        scorer.score_batch([ScoreRequest(t)])
    out["single_message_latency_ms"] = round((time.perf_counter() - t0) / 64 * 1000, 1)
    out["version"] = scorer.version
    return out


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--n", type=int, default=512)
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument(
        "--weights", action="append", help="weights folder (repeat to compare; default shipped)"
    )
    args = ap.parse_args(argv)
    torch.set_num_threads(args.threads)
    texts = messages(args.n)
    runs = {w or "shipped": measure(w, texts, args.batch) for w in (args.weights or [None])}
    out: dict[str, object] = {"threads": args.threads, "n": args.n, "runs": runs}
    if len(runs) > 1:
        first = next(iter(runs.values()))
        out["ratio_to_first"] = {
            name: {
                k: round(float(v) / float(first[k]), 2)
                for k, v in r.items()
                if k.endswith(("per_s", "_ms"))
            }
            for name, r in list(runs.items())[1:]
        }
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
