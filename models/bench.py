"""Measure load time and scoring throughput of the shipped scorer on this machine.

    python -m models.bench [--n 512] [--batch 64] [--threads 2] [--weights DIR ...]

Messages are synthetic chat-length sentences (6-40 words) built from a fixed word list, so
the benchmark needs no dataset and is repeatable. With several ``--weights`` folders, each
is measured in turn in the same process and the ratios to the first are printed. The same
run also times one plain all-MiniLM-L6-v2 forward pass over the same texts and batches
(``plain_minilm``), the floor a one-pass scorer is measured against.
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


def measure_plain_minilm(texts: list[str], batch: int) -> dict[str, float | str]:
    """One forward pass of the untouched base model: the cost of "one MiniLM pass"."""
    from models.backbone import BaseEmbedder

    base = BaseEmbedder()
    base.embed(["warm up"])
    t0 = time.perf_counter()
    for s in range(0, len(texts), batch):
        base.embed(texts[s : s + batch], batch_size=batch)
    out: dict[str, float | str] = {
        "plain_msgs_per_s": round(len(texts) / (time.perf_counter() - t0), 1)
    }
    t0 = time.perf_counter()
    for t in texts[:64]:
        base.embed([t])
    out["single_message_latency_ms"] = round((time.perf_counter() - t0) / 64 * 1000, 1)
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
    plain = measure_plain_minilm(texts, args.batch)
    out: dict[str, object] = {"threads": args.threads, "n": args.n, "runs": runs,
                              "plain_minilm": plain}
    out["vs_plain_minilm"] = {
        name: {
            "plain_msgs_per_s": round(float(r["plain_msgs_per_s"])
                                      / float(plain["plain_msgs_per_s"]), 2),
            "single_message_latency_ms": round(float(r["single_message_latency_ms"])
                                               / float(plain["single_message_latency_ms"]), 2),
        }
        for name, r in runs.items()
    }
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
