"""Micro-batching in front of the scorer: one worker thread, never blocking the loop.

Callers ``await batcher.score(request)``; requests queue (bounded: a full queue makes
callers wait, which is the backpressure), and the worker takes up to ``max_batch``
at a time, waiting at most ``max_wait`` for a batch to fill. A batch that fails is
retried one request at a time, so only the request that breaks the scorer fails.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from bot import metrics
from bot.policy_config import ModelSpec
from models.api import Scorer, ScoreRequest, ScoreResult, ScorerUnavailableError

log = logging.getLogger(__name__)


@dataclass(slots=True)
class _Pending:
    request: ScoreRequest
    future: asyncio.Future[ScoreResult]


class MicroBatcher:
    def __init__(
        self,
        scorer: Scorer,
        *,
        max_batch: int = 32,
        max_wait: float = 0.015,
        queue_size: int = 1024,
    ) -> None:
        if max_batch < 1 or queue_size < 1:
            raise ValueError("max_batch and queue_size must be at least 1")
        self.scorer = scorer
        self.max_batch = max_batch
        self.max_wait = max_wait
        self._queue: asyncio.Queue[_Pending] = asyncio.Queue(maxsize=queue_size)
        # One thread: torch already uses all cores per call, and ordering stays simple.
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="vigil-scorer")
        self._task: asyncio.Task[None] | None = None
        self.batches_run = 0

    async def __aenter__(self) -> MicroBatcher:
        self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name="vigil-batcher")
            metrics.watch_queue(self._queue.qsize)

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        while not self._queue.empty():
            pending = self._queue.get_nowait()
            if not pending.future.done():
                pending.future.cancel()
        self._executor.shutdown(wait=True)

    @property
    def queued(self) -> int:
        return self._queue.qsize()

    async def score(self, request: ScoreRequest) -> ScoreResult:
        """Score one request; waits for queue space when the scorer falls behind."""
        self.start()
        future: asyncio.Future[ScoreResult] = asyncio.get_running_loop().create_future()
        await self._queue.put(_Pending(request, future))
        return await future

    async def score_many(self, requests: Sequence[ScoreRequest]) -> list[ScoreResult]:
        """Score several requests, results in the order given."""
        return list(await asyncio.gather(*(self.score(r) for r in requests)))

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            batch = [await self._queue.get()]
            deadline = loop.time() + self.max_wait
            while len(batch) < self.max_batch:
                remaining = deadline - loop.time()
                if remaining <= 0:
                    break
                try:
                    batch.append(await asyncio.wait_for(self._queue.get(), remaining))
                except TimeoutError:
                    break
            live = [p for p in batch if not p.future.cancelled()]
            if not live:
                continue
            try:
                results = await self._score(loop, [p.request for p in live])
            except Exception as exc:
                log.exception("scoring batch of %d failed", len(live))
                if len(live) == 1 or isinstance(exc, ScorerUnavailableError):
                    # A scorer that cannot be reached fails them all alike: no one-by-one
                    # retry, which would only wait out the same outage once per request.
                    for pending in live:
                        _fail(pending, exc)
                else:  # one bad request must not fail the others: retry them one at a time
                    await self._score_singly(loop, live)
                continue
            self.batches_run += 1
            for pending, result in zip(live, results, strict=True):
                if not pending.future.done():
                    pending.future.set_result(result)

    async def _score(
        self, loop: asyncio.AbstractEventLoop, requests: list[ScoreRequest]
    ) -> list[ScoreResult]:
        started = loop.time()
        results = await loop.run_in_executor(self._executor, self.scorer.score_batch, requests)
        metrics.SCORING_SECONDS.observe(loop.time() - started)
        metrics.SCORING_BATCH.observe(len(requests))
        if len(results) != len(requests):
            raise RuntimeError(f"scorer returned {len(results)} results for {len(requests)}")
        return list(results)

    async def _score_singly(self, loop: asyncio.AbstractEventLoop, live: list[_Pending]) -> None:
        for pending in live:
            if pending.future.done():
                continue
            try:
                result = (await self._score(loop, [pending.request]))[0]
            except Exception as exc:  # fails this caller only, never the batcher
                log.warning("scoring request failed on its own too: %r", exc)
                _fail(pending, exc)
                continue
            self.batches_run += 1
            if not pending.future.done():
                pending.future.set_result(result)


def _fail(pending: _Pending, exc: Exception) -> None:
    if not pending.future.done():
        pending.future.set_exception(exc)


class ScorerSetupError(RuntimeError):
    """The scorer the settings name cannot be set up (e.g. a malformed model URL)."""


def load_scorer(spec: ModelSpec, url: str | None = None) -> Scorer:
    """The scorer the policy's ``model`` section names (imports torch: call once, at start).

    A service URL (``url``, else ``VIGIL_MODEL_URL``, else ``model.url``) gives a remote
    scorer (bot.remote_scorer): no model is loaded in this process."""
    from_env = os.environ.get("VIGIL_MODEL_URL", "").strip()
    source = "the model URL" if url else "VIGIL_MODEL_URL" if from_env else "model.url"
    url = url or from_env or spec.url
    if url:
        from bot.remote_scorer import RemoteScorer

        try:
            return RemoteScorer(url, timeout=spec.timeout_s)
        except ValueError as exc:  # a setting to fix, not a crash to read
            raise ScorerSetupError(f"{source}: {exc}") from exc
    if spec.model == "default":
        # The shipped model on ONNX Runtime behind the cascade (models.cascade; torch and
        # the plain path by VIGIL_RUNTIME=torch, VIGIL_CASCADE=off).
        from models.cascade import load_fast_scorer

        fast: Scorer = load_fast_scorer()
        return fast
    from models.scorer import load_scorer_from_config

    scorer: Scorer = load_scorer_from_config(
        spec.model_dump(exclude={"url", "timeout_s"}))
    return scorer
