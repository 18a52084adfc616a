"""What the HTTP app scores through: a batching model behind one small interface.

The app (models.serve.app) only knows :class:`ScoringBackend`. Two implementations:
:class:`BatchingBackend` here (a scorer in this process, batches gathered from
concurrent requests on an asyncio queue: what the fast tests and ``--no-ray`` run) and the
Ray Serve deployment (models.serve.deployment), which batches with ``@serve.batch``.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Protocol

from models.api import LABELS, Scorer, ScoreRequest, ScoreResult


class ScoringBackend(Protocol):
    #: The model's version string (weights and code), named on every response.
    version: str

    async def score(self, requests: Sequence[ScoreRequest]) -> list[ScoreResult]:
        """Score ``requests`` (batched with other callers'); result i for request i."""
        ...

    def describe(self) -> dict[str, Any]:
        """What runs, for ``GET /v1/models``."""
        ...


def describe_scorer(scorer: Scorer, **extra: Any) -> dict[str, Any]:
    meta = getattr(scorer, "meta", {}) or {}
    return {
        "version": scorer.version,
        "kind": type(scorer).__name__,
        "labels": list(LABELS),
        "weights_sha256": meta.get("weights_sha256"),
        "backbone_sha256": meta.get("backbone_sha256"),
        **extra,
    }


@dataclass(slots=True)
class _Item:
    request: ScoreRequest
    future: asyncio.Future[ScoreResult]


class BatchingBackend:
    """A scorer in this process; concurrent callers' requests share batches.

    One worker thread runs the scorer (torch uses the cores itself); while it works, new
    requests queue and go together into the next batch of at most ``max_batch``.
    """

    def __init__(self, scorer: Scorer, *, max_batch: int = 32, max_wait: float = 0.005) -> None:
        if max_batch < 1:
            raise ValueError("max_batch must be at least 1")
        self.scorer = scorer
        self.version = scorer.version
        self.max_batch = max_batch
        self.max_wait = max_wait
        self.batch_sizes: list[int] = []
        self._queue: asyncio.Queue[_Item] | None = None
        self._worker: asyncio.Task[None] | None = None
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="vigil-serve")

    def describe(self) -> dict[str, Any]:
        return describe_scorer(self.scorer, batching={
            "engine": "asyncio", "max_batch": self.max_batch, "max_wait_s": self.max_wait})

    async def score(self, requests: Sequence[ScoreRequest]) -> list[ScoreResult]:
        if self._queue is None:
            self._queue = asyncio.Queue()
            self._worker = asyncio.create_task(self._run(), name="vigil-serve-batcher")
        loop = asyncio.get_running_loop()
        items = [_Item(r, loop.create_future()) for r in requests]
        for item in items:
            self._queue.put_nowait(item)
        return list(await asyncio.gather(*(item.future for item in items)))

    async def close(self) -> None:
        if self._worker is not None:
            self._worker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._worker
        self._thread.shutdown(wait=True)

    async def _run(self) -> None:
        assert self._queue is not None
        queue, loop = self._queue, asyncio.get_running_loop()
        while True:
            batch = [await queue.get()]
            deadline = loop.time() + self.max_wait
            while len(batch) < self.max_batch:
                if queue.empty():
                    remaining = deadline - loop.time()
                    if remaining <= 0:
                        break
                    with contextlib.suppress(TimeoutError):
                        batch.append(await asyncio.wait_for(queue.get(), remaining))
                    continue
                batch.append(queue.get_nowait())
            live = [item for item in batch if not item.future.done()]
            if not live:
                continue
            self.batch_sizes.append(len(live))
            try:
                results = await loop.run_in_executor(
                    self._thread, self.scorer.score_batch, [i.request for i in live])
            except Exception as exc:
                if len(live) == 1:  # its caller gets the error; the worker goes on
                    _settle(live[0], exc)
                    continue
                # One text that breaks the scorer must not fail other clients' requests.
                for item in live:
                    try:
                        one = await loop.run_in_executor(
                            self._thread, self.scorer.score_batch, [item.request])
                    except Exception as single:
                        _settle(item, single)
                    else:
                        _settle(item, one[0])
                continue
            for item, result in zip(live, results, strict=True):
                _settle(item, result)


def _settle(item: _Item, outcome: ScoreResult | Exception) -> None:
    if item.future.done():
        return
    if isinstance(outcome, Exception):
        item.future.set_exception(outcome)
    else:
        item.future.set_result(outcome)
