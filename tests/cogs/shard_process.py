"""One bot process on a range of shards, for the two-process test (tests/cogs/test_shards.py).

``python -m tests.cogs.shard_process --db URL --shards 0-1 --shard-count 4 --guild-id G
--messages N [--hold S]`` starts a real sharded VigilBot (the keyword FakeScorer) inside a
simcord world whose one server lives on a shard of the range, has a member post ``N``
insults, prints one JSON line (``ready``) with what the bot saw and recorded, then keeps
running (holding its lease) until SIGTERM or ``S`` seconds, and shuts down cleanly. A
lease already held by another process on the same range prints ``{"refused": ...}`` and
exits 3.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import shutil
import signal
import sys
from pathlib import Path

import simcord

from bot.discord.app import VigilBot, create_bot
from bot.policy_book import PolicyBook
from bot.settings import DEFAULT_CONFIG
from bot.shards import ShardRange, shard_of
from bot.storage.lease import LeaseTakenError
from tests.fakes import FakeScorer


async def run(args: argparse.Namespace) -> int:
    shards = ShardRange.parse(args.shards, args.shard_count)
    policy_path = Path(args.workdir) / f"policy-{args.shards}.yaml"
    shutil.copy(DEFAULT_CONFIG, policy_path)
    bot = await create_bot(db_path=args.db, policy=PolicyBook(policy_path),
                           scorer=FakeScorer(), max_wait=0, shards=shards)
    bot.services.batcher.start()
    env = simcord.Env(bot)
    try:
        await env.start()
    except LeaseTakenError as exc:
        print(json.dumps({"refused": str(exc)}), flush=True)
        await bot.services.close()
        return 3
    try:
        guild = env.create_guild(f"server on {args.shards}", id=args.guild_id)
        general = guild.create_text_channel("general")
        member = guild.add_member(env.create_user(f"member{args.guild_id % 1000}"))
        # The server and member are the earlier run's (same ids: simcord's clock starts at
        # the same instant); a restart comes later, so its messages get new ids, as on Discord.
        await env.advance_time(60.0 * (args.first - 1))
        for i in range(args.messages):
            await member.send(general, f"you idiot number {args.first + i}")
        assert isinstance(env.bot, VigilBot)
        cases = await env.bot.services.db.cases.all(args.guild_id)
        seen = [g.id for g in env.bot.guilds]
        print(json.dumps({
            "ready": True,
            "shard_ids": sorted(env.bot.shard_ids or []),
            "shard_count": env.bot.shard_count,
            "lease": env.bot.lease.name,
            "guild_shard": shard_of(args.guild_id, args.shard_count),
            "guilds_seen": seen,
            "cases": [[c.number, c.status.value, c.excerpt] for c in cases],
            "actions": [c.action for c in cases],
            "targets": [c.target_id for c in cases],
            "errors": [c.last_error for c in cases],
            "messages": [c.message_id for c in cases],
        }), flush=True)
        # Hold the lease until told to stop (SIGTERM, as docker stop does) or --hold passes.
        stop = asyncio.Event()
        asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=args.hold)
    finally:
        await env.shutdown()
        current = env.bot
        assert isinstance(current, VigilBot)
        # simcord detaches the bot without calling close(); let go of the lease as it does.
        await current.lease.release()
        await current.services.close()
    return 0


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True)
    parser.add_argument("--shards", required=True)
    parser.add_argument("--shard-count", type=int, required=True)
    parser.add_argument("--guild-id", type=int, required=True)
    parser.add_argument("--messages", type=int, default=2)
    parser.add_argument("--first", type=int, default=1, help="number of the first insult")
    parser.add_argument("--hold", type=float, default=0.0)
    parser.add_argument("--workdir", required=True)
    return asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    sys.exit(main())
