"""The micro-batcher: batching, order, backpressure, failures."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Sequence

import pytest

from bot.scoring import MicroBatcher
from models.api import ScoreRequest, ScoreResult
from tests.fakes import FakeScorer


class GatedScorer:
    """Blocks in score_batch until released, to hold the worker busy."""

    version = "gated"

    def __init__(self) -> None:
        self.release = threading.Event()
        self.sizes: list[int] = []

    def score_batch(self, requests: Sequence[ScoreRequest]) -> list[ScoreResult]:
        self.release.wait(timeout=5)
        self.sizes.append(len(requests))
        return [ScoreResult(scores={"spam": float(len(r.text))}) for r in requests]


async def test_concurrent_requests_share_batches_and_keep_order() -> None:
    scorer = FakeScorer()
    async with MicroBatcher(scorer, max_batch=8, max_wait=0.05) as batcher:
        texts = [f"message {i} " + "idiot" * (i % 2) for i in range(20)]
        results = await batcher.score_many([ScoreRequest(t) for t in texts])
    assert [r.scores["insult"] > 0.5 for r in results] == [i % 2 == 1 for i in range(20)]
    assert max(len(b) for b in scorer.batches) == 8
    assert len(scorer.batches) <= 4  # 20 requests in batches of at most 8


async def test_single_request_is_not_held_longer_than_max_wait() -> None:
    async with MicroBatcher(FakeScorer(), max_batch=64, max_wait=0.01) as batcher:
        result = await asyncio.wait_for(batcher.score(ScoreRequest("hi")), timeout=2)
    assert result.scores["toxicity"] < 0.1


async def test_full_queue_applies_backpressure() -> None:
    scorer = GatedScorer()
    batcher = MicroBatcher(scorer, max_batch=1, max_wait=0, queue_size=2)
    try:
        tasks = [asyncio.create_task(batcher.score(ScoreRequest("x" * i))) for i in range(1, 7)]
        await asyncio.sleep(0.1)
        # One request in the worker, two queued: the other three wait to enter the queue.
        assert batcher.queued == 2
        assert sum(not t.done() for t in tasks) == 6
        scorer.release.set()
        results = await asyncio.wait_for(asyncio.gather(*tasks), timeout=5)
    finally:
        scorer.release.set()
        await batcher.close()
    assert [r.scores["spam"] for r in results] == [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]
    assert scorer.sizes == [1] * 6


class BrokenScorer:
    version = "broken"

    def __init__(self) -> None:
        self.calls = 0

    def score_batch(self, requests: Sequence[ScoreRequest]) -> list[ScoreResult]:
        self.calls += 1
        if self.calls == 1:
            raise RuntimeError("model fell over")
        return [ScoreResult(scores={"spam": 0.5}) for _ in requests]


async def test_failed_batch_fails_its_callers_and_batcher_recovers() -> None:
    async with MicroBatcher(BrokenScorer(), max_batch=4, max_wait=0.01) as batcher:
        with pytest.raises(RuntimeError, match="fell over"):
            await batcher.score(ScoreRequest("a"))
        assert (await batcher.score(ScoreRequest("b"))).scores["spam"] == 0.5


def test_invalid_limits_rejected() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        MicroBatcher(FakeScorer(), max_batch=0)


class PickyScorer:
    """Fails any batch holding a request for "poison", as a tokenizer might on bad input."""

    version = "picky"

    def __init__(self) -> None:
        self.sizes: list[int] = []

    def score_batch(self, requests: Sequence[ScoreRequest]) -> list[ScoreResult]:
        self.sizes.append(len(requests))
        if any(r.text == "poison" for r in requests):
            raise ValueError("cannot encode")
        return [ScoreResult(scores={"spam": float(len(r.text))}) for r in requests]


async def test_one_bad_request_fails_only_itself() -> None:
    scorer = PickyScorer()
    async with MicroBatcher(scorer, max_batch=8, max_wait=0.05) as batcher:
        texts = ["a", "bb", "poison", "dddd"]
        results = await asyncio.gather(*(batcher.score(ScoreRequest(t)) for t in texts),
                                       return_exceptions=True)
        assert isinstance(results[2], ValueError)
        assert [r.scores["spam"] for r in results if isinstance(r, ScoreResult)] == [1, 2, 4]
        assert scorer.sizes == [4, 1, 1, 1, 1]  # the batch, then each request alone
        assert (await batcher.score(ScoreRequest("later"))).scores["spam"] == 5.0
