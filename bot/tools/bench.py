"""``python -m bot bench``: the core's speed beside the naive way, in one process and run.

Measured, in this order, on one simulated chat mix (bot.tools.simulate: organic chat,
replies, spam, rings; a claim is configured so claim stance is in play):

1. cold start: a fresh interpreter loads the scorer the bot loads and scores one line;
2. the full core through ``replay``: normalise, rules, score, decide, record in SQLite;
   resident memory right after it (before any baseline model is loaded);
3. latency through the live path (``pipeline.handle`` per message, the micro-batcher
   between them and the model) at an offered load (default 200 msgs/s), caches emptied;
4. the naive way (BERT-base, random weights, one message at a time, fp32) and one plain
   MiniLM-L6 batch forward over the same texts; then the ratios and the targets;
5. the Perspective-shaped endpoint of ``python -m models.serve`` (one process, started for
   the bench) under 50 concurrent clients: requests/s and p50/p99.

Absolute figures depend on what else runs on the machine: the ratios, measured side by
side here, are the comparable part. ``--smoke`` runs every step at toy sizes (CI).
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bot.tools import bench_baselines as baselines

#: The claim the bench configures (the simulator's "mods are corrupt" ring pushes it).
CLAIM = ("  - id: mods-corrupt\n"
         "    text: \"The moderators here are corrupt and ban people for no reason.\"\n")
TARGETS = {"full_core_msgs_per_s": 1000.0, "core_vs_naive": 35.0, "live_p99_ms": 100.0,
           "rss_mb": 600.0, "cold_start_s": 3.0}


def chat_mix(transcript: Path | None, messages: int, workdir: Path, seed: int = 7) -> Path:
    """A transcript of at most ``messages`` message lines (joins kept), simulated if none."""
    if transcript is None:
        from bot.tools.simulate import generate

        hours = max(0.5, 24.0 * messages / 3500)
        lines = [json.dumps(line, ensure_ascii=False)
                 for line in generate(members=500, seed=seed, hours=hours).lines]
    else:
        lines = transcript.read_text(encoding="utf-8").splitlines()
    kept, count = [], 0
    for line in lines:
        is_message = '"content"' in line
        if is_message and count >= messages:
            break
        kept.append(line)
        count += is_message
    out = workdir / "chat.jsonl"
    out.write_text("\n".join(kept) + "\n", encoding="utf-8")
    return out


def bench_policy(workdir: Path) -> Path:
    from bot.settings import DEFAULT_CONFIG

    text = Path(DEFAULT_CONFIG).read_text(encoding="utf-8")
    if "\nclaims: []" not in text:
        raise RuntimeError("the default policy no longer has an empty claims list")
    path = workdir / "policy.yaml"
    path.write_text(text.replace("\nclaims: []", "\nclaims:\n" + CLAIM.rstrip("\n")),
                    encoding="utf-8")
    return path


def _events(transcript: Path) -> list[Any]:
    from bot.event import MessageEvent
    from bot.tools.transcript import read_lines

    return [item for _, item in read_lines(transcript) if isinstance(item, MessageEvent)]


def _load_scorer(policy: Any) -> Any:
    from bot.scoring import load_scorer

    return load_scorer(policy.current.model)


def _full_core(transcript: Path, policy: Any, scorer: Any, db: Path, progress: bool
               ) -> dict[str, Any]:
    from bot.tools.replay import replay

    t0 = time.perf_counter()
    result = asyncio.run(replay(transcript, policy, scorer, db, detector=None,
                                progress=progress))
    seconds = time.perf_counter() - t0
    n = len(result.outcomes)
    actions: dict[str, int] = {}
    for outcome in result.outcomes:
        actions[str(outcome.verdict.action)] = actions.get(str(outcome.verdict.action), 0) + 1
    return {"messages": n, "seconds": round(seconds, 2),
            "msgs_per_s": round(n / seconds, 1) if seconds else 0.0,
            "failed_lines": len(result.failed_lines), "cases": result.cases_recorded,
            "actions": actions}


def run(transcript: Path | None = None, messages: int = 2000, *, rate: float = 200.0,
        live_messages: int = 1000, naive_messages: int = 64, minilm_messages: int = 512,
        threads: int = 2, progress: bool = True, perspective_clients: int = 50,
        perspective_requests: int = 600) -> dict[str, Any]:
    """Every figure of the bench as one dict (see the module docstring for the order)."""
    had_threads = os.environ.get("VIGIL_THREADS")
    os.environ["VIGIL_THREADS"] = had_threads or str(threads)  # the scorer's (and the child's)
    try:
        out = _run(transcript, messages, rate, live_messages, naive_messages,
                   minilm_messages, threads, progress)
        out["perspective_endpoint"] = _perspective(perspective_clients, perspective_requests,
                                                   progress)
        return out
    finally:
        if had_threads is None:
            os.environ.pop("VIGIL_THREADS", None)


def _run(transcript: Path | None, messages: int, rate: float, live_messages: int,
         naive_messages: int, minilm_messages: int, threads: int, progress: bool
         ) -> dict[str, Any]:
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="vigil-bench-") as tmp:
        work = Path(tmp)
        mix = chat_mix(transcript, messages, work)
        cold = baselines.cold_start(dict(os.environ))
        from bot.policy_config import PolicyHolder

        policy = PolicyHolder(bench_policy(work))
        t0 = time.perf_counter()
        scorer = _load_scorer(policy)
        load_s = time.perf_counter() - t0
        events = _events(mix)
        core = _full_core(mix, policy, scorer, work / "core.db", progress)
        core["cascade"] = dict(getattr(scorer, "stats", {}))
        memory = baselines.rss_mb()
        if hasattr(scorer, "reset"):
            scorer.reset()  # the live run starts with empty caches: no free repeats
        live_events = events[: live_messages + 1]
        from bot.tools.bench_live import offered_load

        live = asyncio.run(offered_load(live_events, policy, scorer, work / "live.db", rate,
                                        progress))
        texts = [e.text.text for e in events]
        naive = baselines.naive_bert(texts[:naive_messages], threads, progress)
        plain = baselines.plain_minilm(texts[:minilm_messages], threads, progress=progress)
    replies = sum(e.reply_to_id is not None for e in events)
    out: dict[str, Any] = {
        "machine": {"cpus": os.cpu_count(), "threads": threads,
                    "load_avg_before": [round(v, 2) for v in load_before],
                    "load_avg_after": [round(v, 2) for v in os.getloadavg()]},
        "scorer": {"version": getattr(scorer, "version", "?"), "load_s": round(load_s, 2),
                   "runtime": os.environ.get("VIGIL_RUNTIME", "default"),
                   "cascade": os.environ.get("VIGIL_CASCADE", "default")},
        "chat_mix": {"messages": len(events), "replies": replies, "claims": 1,
                     "source": str(transcript) if transcript else "bot.simulate seed 7"},
        "cold_start": cold, "full_core": core, "memory_after_core": memory,
        "live_path": live, "naive_bert_base": naive, "plain_minilm_l6": plain,
    }
    out["ratios"] = {
        "core_vs_naive": round(core["msgs_per_s"] / naive["msgs_per_s"], 1),
        "core_vs_plain_minilm": round(core["msgs_per_s"] / plain["msgs_per_s"], 2),
        "plain_minilm_vs_naive": round(plain["msgs_per_s"] / naive["msgs_per_s"], 1),
    }
    out["targets"] = _targets(out)
    return out


def _perspective(clients: int, requests: int, progress: bool) -> dict[str, Any]:
    """The Perspective-shaped endpoint of ``python -m models.serve`` (one process, no Ray)
    under ``clients`` concurrent clients: what a research script or bot switching over gets."""
    import dataclasses
    import socket

    from models.serve.bench import perspective_endpoint_line

    with socket.socket() as probe:  # a free port for the server it starts
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    try:
        figures = perspective_endpoint_line(clients, requests, port=port, progress=progress)
    except Exception as exc:  # the other figures stand; say why this one is missing
        return {"error": f"{type(exc).__name__}: {exc}"[:300]}
    return dataclasses.asdict(figures)


def _targets(out: dict[str, Any]) -> dict[str, dict[str, Any]]:
    values = {
        "full_core_msgs_per_s": out["full_core"]["msgs_per_s"],
        "core_vs_naive": out["ratios"]["core_vs_naive"],
        "live_p99_ms": out["live_path"]["p99_ms"],
        "rss_mb": out["memory_after_core"]["peak_rss_mb"],
        "cold_start_s": out["cold_start"].get("cold_start_s", float("inf")),
    }
    at_most = {"live_p99_ms", "rss_mb", "cold_start_s"}
    return {k: {"target": ("<= " if k in at_most else ">= ") + f"{TARGETS[k]:g}",
                "value": v, "met": v <= TARGETS[k] if k in at_most else v >= TARGETS[k]}
            for k, v in values.items()}


def render(out: dict[str, Any]) -> str:
    """The human-readable summary ``python -m bot bench`` prints."""
    core, live, cold = out["full_core"], out["live_path"], out["cold_start"]
    lines = [
        f"scorer            {out['scorer']['version']}",
        f"chat mix          {out['chat_mix']['messages']} messages, "
        f"{out['chat_mix']['replies']} replies, {out['chat_mix']['claims']} claim",
        f"machine           {out['machine']['cpus']} CPUs, {out['machine']['threads']} "
        f"threads, load {out['machine']['load_avg_before'][0]} -> "
        f"{out['machine']['load_avg_after'][0]}",
        "",
        f"full core         {core['msgs_per_s']:>9.1f} msgs/s  ({core['messages']} in "
        f"{core['seconds']} s)",
        f"live path         p50 {live['p50_ms']} ms, p99 {live['p99_ms']} ms at "
        f"{live['offered_msgs_per_s']:g} msgs/s offered",
        f"memory            {out['memory_after_core']['peak_rss_mb']} MB peak after the core",
        f"cold start        {cold.get('cold_start_s', 'failed')} s to the first score",
        f"naive BERT-base   {out['naive_bert_base']['msgs_per_s']:>9.1f} msgs/s (one at a time)",
        f"plain MiniLM-L6   {out['plain_minilm_l6']['msgs_per_s']:>9.1f} msgs/s (batch "
        f"{out['plain_minilm_l6']['batch']})",
        "",
        _perspective_line(out.get("perspective_endpoint", {})),
        "",
        f"core / naive      {out['ratios']['core_vs_naive']}x",
        f"core / MiniLM     {out['ratios']['core_vs_plain_minilm']}x",
        "",
    ]
    for name, t in out["targets"].items():
        lines.append(f"{'met   ' if t['met'] else 'MISSED'} {name:<22} {t['value']} "
                     f"(target {t['target']})")
    if core["cascade"]:
        stats = core["cascade"]
        lines.append("")
        lines.append("cascade           " + ", ".join(f"{k} {v}" for k, v in sorted(stats.items())))
    return "\n".join(lines)


def _perspective_line(figures: dict[str, Any]) -> str:
    if "requests_per_s" not in figures:
        return f"Perspective API   not measured ({figures.get('error', 'skipped')})"
    return (f"Perspective API   {figures['requests_per_s']:>9.1f} requests/s, p50 "
            f"{figures['p50_ms']:.0f} ms, p99 {figures['p99_ms']:.0f} ms at "
            f"{figures['clients']} clients ({figures['engine']}, {figures['errors']} errors)")


def main(transcript: Path | None, messages: int | None, as_json: bool, smoke: bool,
         rate: float, threads: int) -> int:
    if transcript is not None and not transcript.is_file():
        print(f"no such transcript: {transcript}", file=sys.stderr)
        return 2
    if smoke:
        out = run(transcript, messages or 40, rate=rate, live_messages=20, naive_messages=4,
                  minilm_messages=32, threads=threads, perspective_clients=4,
                  perspective_requests=12)
    else:
        out = run(transcript, messages or 2000, rate=rate, threads=threads)
    print(json.dumps(out, indent=2) if as_json else render(out))
    return 0
