"""Latency through the live path: messages arrive on a clock, each handled on its own.

The bot's automod cog calls ``pipeline.handle(event)`` once per message as Discord
delivers it; concurrent calls meet in the micro-batcher (bot.scoring), which is what keeps
the model busy at a steady rate. Here message ``i`` is released at ``i / rate`` seconds and
its latency is from that moment to its outcome (scored, decided, recorded), so time spent
queued behind a slow batch counts.
"""

from __future__ import annotations

import asyncio
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
from tqdm import tqdm

from bot.actions import OfflineExecutor
from bot.event import MessageEvent
from bot.policy_config import PolicyHolder
from bot.services import build_services
from models.api import Scorer


async def offered_load(
    events: list[MessageEvent], policy: PolicyHolder, scorer: Scorer, db_path: Path,
    rate: float, progress: bool = True,
) -> dict[str, Any]:
    """p50/p99/max latency (ms) of ``events`` released at ``rate`` messages a second."""
    services = await build_services(db_path=db_path, policy=policy, scorer=scorer,
                                    executor=OfflineExecutor(), live=False)
    latencies: list[float] = []
    bar = tqdm(total=len(events), desc=f"live path at {rate:g} msgs/s", unit="msg",
               disable=not progress, file=sys.stderr)
    try:
        await services.pipeline.handle(events[0])  # first call: lazy start of the batcher
        loop = asyncio.get_running_loop()
        start = loop.time() + 0.05

        async def one(i: int, event: MessageEvent) -> None:
            due = start + i / rate
            await asyncio.sleep(max(0.0, due - loop.time()))
            await services.pipeline.handle(event)
            latencies.append(loop.time() - due)
            bar.update(1)

        t0 = time.perf_counter()
        await asyncio.gather(*(one(i, e) for i, e in enumerate(events[1:])))
        wall = time.perf_counter() - t0
        batches = services.batcher.batches_run
    finally:
        bar.close()
        await services.close()
    ms = np.asarray(latencies) * 1000
    return {
        "offered_msgs_per_s": rate, "messages": len(latencies),
        "achieved_msgs_per_s": round(len(latencies) / wall, 1),
        "p50_ms": round(float(np.percentile(ms, 50)), 1),
        "p99_ms": round(float(np.percentile(ms, 99)), 1),
        "max_ms": round(float(ms.max()), 1),
        "scorer_batches": batches,
    }
