"""Prometheus metrics of the running bot, served on ``VIGIL_METRICS_PORT`` when it is set.

The core imports this module (no discord here) and counts where things happen: the
pipeline counts messages scored, the micro-batcher times the model and reports its queue,
the case service counts actions by kind and outcome, the writer counts storage errors.
The metrics live in a registry of their own, so a test or a second bot in one process reads
exactly Vigil's series, and nothing is served unless :func:`serve` is called.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, start_http_server

log = logging.getLogger(__name__)

REGISTRY = CollectorRegistry(auto_describe=True)

MESSAGES_SCORED = Counter(
    "vigil_messages_scored", "Messages scored and decided (edits included).",
    registry=REGISTRY)
ACTIONS = Counter(
    "vigil_actions", "Actions carried out on Discord, by kind and outcome (applied, failed).",
    ["kind", "outcome"], registry=REGISTRY)
SCORING_SECONDS = Histogram(
    "vigil_scoring_seconds", "Model time per scored batch.",
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
    registry=REGISTRY)
SCORING_BATCH = Histogram(
    "vigil_scoring_batch_size", "Requests per scored batch.",
    buckets=(1, 2, 4, 8, 16, 32, 64, 128), registry=REGISTRY)
QUEUE_DEPTH = Gauge(
    "vigil_scoring_queue_depth", "Requests waiting for the model.", registry=REGISTRY)
STORAGE_ERRORS = Counter(
    "vigil_storage_errors", "Database writes that failed (kind: busy = locked past its "
    "patience, error = any other failure).", ["kind"], registry=REGISTRY)
CONNECTED = Gauge(
    "vigil_discord_connected", "1 while the gateway session is up.", registry=REGISTRY)


def count_action(kind: str, ok: bool) -> None:
    ACTIONS.labels(kind=kind, outcome="applied" if ok else "failed").inc()


def watch_queue(depth: Callable[[], int]) -> None:
    """Read the queue depth from ``depth`` at every scrape (the latest batcher wins)."""
    QUEUE_DEPTH.set_function(lambda: float(depth()))


def serve(port: int, address: str = "0.0.0.0") -> None:
    """Serve ``/metrics`` on ``port`` from a daemon thread."""
    start_http_server(port, addr=address, registry=REGISTRY)
    log.info("metrics on port %d", port)


def sample(name: str, labels: dict[str, str] | None = None) -> float:
    """The current value of one series (tests, ``python -m bot health``); 0 when unseen."""
    value = REGISTRY.get_sample_value(name, labels or {})
    return 0.0 if value is None else value
