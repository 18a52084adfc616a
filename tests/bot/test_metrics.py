"""The Prometheus series, counted where things happen in the core (real services)."""

from __future__ import annotations

import urllib.request
from pathlib import Path

import pytest

from bot import metrics
from bot.actions import ActionOutcome
from bot.services import Services
from bot.storage import open_database
from bot.storage.writer import StorageBusyError
from tests.bot.storage import lock_holder
from tests.bot.storage.test_writer import IMPATIENT, score
from tests.conftest import make_event
from tests.fakes import RecordingExecutor


def delete_counts() -> tuple[float, float]:
    return (metrics.sample("vigil_actions_total", {"kind": "delete", "outcome": "applied"}),
            metrics.sample("vigil_actions_total", {"kind": "delete", "outcome": "failed"}))


async def test_scoring_and_actions_are_counted(
    services: Services, executor: RecordingExecutor
) -> None:
    scored = metrics.sample("vigil_messages_scored_total")
    batches = metrics.sample("vigil_scoring_seconds_count")
    applied, failed = delete_counts()

    await services.pipeline.handle(make_event("thanks for the help", id=1))
    await services.pipeline.handle(make_event("you idiot", id=2))
    executor.fail["delete"] = ActionOutcome.failure("Missing Permissions", 50013)
    await services.pipeline.handle(make_event("you idiot", id=3, author_id=43))

    assert metrics.sample("vigil_messages_scored_total") == scored + 3
    assert metrics.sample("vigil_scoring_seconds_count") >= batches + 3
    assert metrics.sample("vigil_scoring_seconds_sum") > 0
    assert delete_counts() == (applied + 1, failed + 1)
    assert metrics.sample("vigil_scoring_queue_depth") == 0


async def test_a_write_that_outlasts_a_lock_is_a_storage_error(tmp_path: Path) -> None:
    path = tmp_path / "v.db"
    db = await open_database(path, IMPATIENT)
    before = metrics.sample("vigil_storage_errors_total", {"kind": "busy"})
    try:
        holder = lock_holder.start(path, 1.0, mode="immediate", write=True)
        with pytest.raises(StorageBusyError):
            await db.scores.save(score(1))
        assert holder.wait(timeout=10) == 0
    finally:
        await db.close()
    assert metrics.sample("vigil_storage_errors_total", {"kind": "busy"}) == before + 1


def test_the_endpoint_serves_vigils_series(unused_tcp_port: int) -> None:
    metrics.serve(unused_tcp_port, "127.0.0.1")
    with urllib.request.urlopen(f"http://127.0.0.1:{unused_tcp_port}/metrics",
                                timeout=5) as response:
        body = response.read().decode()
    for name in ("vigil_messages_scored_total", "vigil_scoring_seconds_bucket",
                 "vigil_scoring_queue_depth", "vigil_discord_connected"):
        assert name in body
    assert "python_gc" not in body  # Vigil's registry only, not the process defaults
