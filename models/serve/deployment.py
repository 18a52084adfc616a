"""The Ray Serve deployment: each replica loads the scorer once and serves the HTTP app.

Serve's proxy spreads HTTP requests over the replicas; inside one, ``@serve.batch``
gathers the texts of concurrent requests into one model call (dynamic batching). The
replica is the app's ScoringBackend, so the routes are exactly those the tests run
under uvicorn without Ray.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

from ray import serve

from models.api import ScoreRequest, ScoreResult
from models.serve.app import build_app
from models.serve.backend import describe_scorer
from models.serve.config import ServeConfig, load_scorer

APP_NAME = "vigil"
DEPLOYMENT_NAME = "VigilScorer"


@serve.deployment(name=DEPLOYMENT_NAME)
@serve.ingress()
class VigilScorer:
    # Serve awaits an async constructor; mypy wants every __init__ to return None.
    async def __init__(self, config: dict[str, Any]) -> None:  # type: ignore[misc]
        self.config = ServeConfig.model_validate(config)
        self.scorer = load_scorer(self.config)
        self.version = self.scorer.version
        self.batch_sizes: list[int] = []
        batcher: Any = self._score_one  # @serve.batch adds the setters at run time
        batcher.set_max_batch_size(self.config.max_batch)
        batcher.set_batch_wait_timeout_s(self.config.batch_wait_ms / 1000)

    @serve.batch(max_batch_size=32, batch_wait_timeout_s=0.005)
    async def _score_one(self, requests: list[ScoreRequest]) -> list[ScoreResult]:
        self.batch_sizes.append(len(requests))
        # In a thread: the replica's event loop keeps taking requests for the next batch.
        return await asyncio.to_thread(self.scorer.score_batch, requests)

    async def score(self, requests: Sequence[ScoreRequest]) -> list[ScoreResult]:
        return list(await asyncio.gather(*(self._score_one(r) for r in requests)))

    def describe(self) -> dict[str, Any]:
        context = serve.get_replica_context()
        sizes = self.batch_sizes[-1000:]
        return describe_scorer(self.scorer, batching={
            "engine": "ray serve @serve.batch", "max_batch": self.config.max_batch,
            "max_wait_s": self.config.batch_wait_ms / 1000,
            "mean_batch": round(sum(sizes) / len(sizes), 2) if sizes else None,
        }, replica=str(context.replica_id), replicas=self.config.replicas)

    def __serve_build_asgi_app__(self) -> Any:
        return build_app(self, api_keys=self.config.api_keys)


def deploy(config: ServeConfig, *, blocking: bool = False) -> None:
    """Start (or join) Ray, then run the deployment with ``config.replicas`` replicas."""
    import ray

    if not ray.is_initialized():
        if config.address:
            ray.init(address=config.address)
        else:
            ray.init(num_cpus=max(1, int(config.replicas * config.cpus_per_replica + 0.999)))
    serve.start(http_options={"host": config.host, "port": config.port})
    app = VigilScorer.options(  # type: ignore[attr-defined]
        num_replicas=config.replicas,
        ray_actor_options={"num_cpus": config.cpus_per_replica},
        max_ongoing_requests=max(100, 4 * config.max_batch),
    ).bind(config.model_dump(mode="json"))
    serve.run(app, name=APP_NAME, route_prefix="/", blocking=blocking)


def shutdown() -> None:
    import ray

    serve.shutdown()
    ray.shutdown()
