"""Benchmark: simulate a community, run it through the detector, score against the truth.

    python -m bot.campaigns.bench --members 500 --seed 7 --embedder minilm

Prints account-level precision/recall and time-to-detect per planted scenario, organic
members wrongly flagged, and detector throughput (embedding time excluded; it is reported
separately and cached under --cache).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
import tempfile
import time
from pathlib import Path

from bot.campaigns.detector import JOIN_MARGIN, CampaignDetector
from bot.coordination import CoordinationAlert
from bot.event import MessageEvent
from bot.policy import Band, Verdict
from bot.policy_config import Action, ActionKind, Policy, load_policy
from bot.settings import DEFAULT_CONFIG
from bot.tools.campaigns.embedders import CachedEmbedder, hashing_embedder, minilm_embedder
from bot.tools.campaigns.evaluate import evaluate, organic_flagged, pooled
from bot.tools.simulate.cli import write
from bot.tools.transcript import BadLine, Join, read_transcript
from models.api import LABELS, ScoreResult

#: Stand-in label scores (the bench measures coordination, not the classifiers): hostile
#: words score in the review band, under the act band, as in a real pile-on.
HOSTILE = {"clown": 0.55, "clueless": 0.5, "stupid": 0.6, "dumbest": 0.6, "dumb": 0.45,
           "joke": 0.4, "pathetic": 0.6, "idiot": 0.7, "embarrassing": 0.45, "jerk": 0.5,
           "ridiculous": 0.4, "annoying": 0.4}
SPAMMY = {"nitro": 0.6, "giveaway": 0.6, "claim": 0.5, "cheap": 0.5, "dm": 0.4, "boosts": 0.5}
_WORD = re.compile(r"[a-z]+")
_NO_ACTION = Verdict(action=Action(kind=ActionKind.NONE), band=Band.NONE)


def stand_in_scores(text: str) -> dict[str, float]:
    scores = dict.fromkeys(LABELS, 0.02)
    for word in _WORD.findall(text.lower()):
        scores["toxicity"] = max(scores["toxicity"], HOSTILE.get(word, 0.0))
        scores["insult"] = max(scores["insult"], HOSTILE.get(word, 0.0) * 0.9)
        scores["spam"] = max(scores["spam"], SPAMMY.get(word, 0.0))
    return scores


def run(transcript: Path, policy: Policy, embed: CachedEmbedder, join_margin: float = JOIN_MARGIN
        ) -> tuple[list[CoordinationAlert], dict[str, float]]:
    items = [i for i in read_transcript(transcript) if not isinstance(i, BadLine)]
    messages = [i for i in items if isinstance(i, MessageEvent)]
    started = time.perf_counter()
    vectors = iter(embed([m.text.text for m in messages]))
    embed_s = time.perf_counter() - started
    detector = CampaignDetector(join_margin=join_margin)
    alerts: list[CoordinationAlert] = []
    started = time.perf_counter()
    for item in items:
        if isinstance(item, Join):
            alerts += detector.observe_join(item.guild_id, item.member, item.at, policy)
            continue
        result = ScoreResult(stand_in_scores(item.text.text), embedding=next(vectors))
        alerts += detector.observe(item, result, _NO_ACTION, policy)
    detect_s = time.perf_counter() - started
    return alerts, {"messages": len(messages), "embed_s": embed_s, "detect_s": detect_s,
                    "embedded": embed.computed}


def table(alerts: list[CoordinationAlert], truth: dict, stats: dict[str, float]) -> str:
    rows = evaluate(alerts, truth)
    head = f"{'scenario':<18}{'kind':<9}{'size':>5}{'flagged':>8}{'prec':>7}{'recall':>8}" \
           f"{'ttd_min':>9}"
    lines = [head, "-" * len(head)]
    for r in rows:
        prec = "-" if r.precision is None else f"{r.precision:.2f}"
        ttd = "-" if r.minutes_to_detect is None else f"{r.minutes_to_detect:.0f}"
        note = "" if r.expect_alert else "  (should not alert)"
        lines.append(f"{r.scenario:<18}{r.kind:<9}{r.size:>5}{r.flagged:>8}{prec:>7}"
                     f"{r.recall:>8.2f}{ttd:>9}{note}")
    big = [r for r in rows if r.kind == "ring" and r.size >= 4]
    precision, recall = pooled(big)
    fp = organic_flagged(alerts, truth)
    kinds = {k: sum(1 for a in alerts if a.kind == k) for k in ("campaign", "pile_on", "raid")}
    lines += [
        "-" * len(head),
        f"rings >= 4 accounts (pooled): precision "
        f"{'-' if precision is None else f'{precision:.2f}'}  recall {recall:.2f}",
        f"organic members flagged: {len(fp)} of {len(truth['organic'])}"
        + (f"  {sorted(fp)[:10]}" if fp else ""),
        f"alerts: {kinds}",
        f"throughput: {stats['messages'] / max(stats['detect_s'], 1e-9):,.0f} msg/s detector "
        f"({stats['messages']} messages in {stats['detect_s']:.2f} s); embedding "
        f"{stats['embed_s']:.1f} s for {int(stats['embedded'])} new texts",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.campaigns.bench", description=__doc__)
    parser.add_argument("--members", type=int, default=500)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--hours", type=float, default=24.0)
    parser.add_argument("--embedder", choices=("minilm", "hashing"), default="minilm")
    parser.add_argument("--config", type=Path, default=DEFAULT_CONFIG, help="policy YAML")
    parser.add_argument("--out", type=Path, default=None, help="keep transcripts here")
    parser.add_argument("--cache", type=Path, default=Path(".cache/bench_embeddings"),
                        help="embedding cache folder ('' to disable)")
    parser.add_argument("--json", type=Path, default=None, help="also write alerts as JSON")
    parser.add_argument("--similarity", type=float, default=None,
                        help="override campaigns.embedding_similarity of the policy")
    parser.add_argument("--join-margin", type=float, default=JOIN_MARGIN,
                        help="centroid join threshold = similarity minus this")
    args = parser.parse_args(argv)

    policy = load_policy(args.config)
    if args.similarity is not None:
        campaigns = policy.campaigns.model_copy(update={"embedding_similarity": args.similarity})
        policy = policy.model_copy(update={"campaigns": campaigns})
    if args.embedder == "hashing":
        embed_fn, name = hashing_embedder(), "hashing"
    else:
        embed_fn, name = minilm_embedder()
    # Keyed by the embedder's description (it names the scorer version): new weights, new cache.
    tag = hashlib.sha1(name.encode()).hexdigest()[:10]
    cache = (args.cache / f"{args.embedder}-{tag}.npz") if str(args.cache) else None
    embed = CachedEmbedder(embed_fn, name, cache)
    with tempfile.TemporaryDirectory() as tmp:
        out = args.out or Path(tmp)
        transcript, truth_path = write(out, args.members, args.seed, args.hours)
        truth = json.loads(truth_path.read_text(encoding="utf-8"))
        alerts, stats = run(transcript, policy, embed, args.join_margin)
    embed.save()
    cfg = policy.campaigns
    print(f"embedder: {name}; {args.members} organic members, seed {args.seed}, "
          f"{args.hours:g} h; policy {args.config}; embedding_similarity "
          f"{cfg.embedding_similarity:.2f}, centroid join "
          f"{cfg.embedding_similarity - args.join_margin:.2f}")
    print(table(alerts, truth, stats))
    if args.json:
        args.json.write_text(json.dumps([{
            "kind": a.kind, "accounts": list(a.accounts), "score": a.score,
            "target_id": a.target_id, "detected_at": a.detected_at.isoformat(),
            "evidence": a.evidence} for a in alerts], indent=2, default=str), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
