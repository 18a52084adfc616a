"""The remote scorer against a real models.serve HTTP server, and the service being down.

A message that meets a scorer that cannot answer is recorded as not scored (a skip record
with the reason), nothing is decided, and it is scored and handled once the service is
back (the pipeline's UnscoredQueue).
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest
from pydantic import ValidationError

from bot.policy_config import ModelSpec, PolicyHolder
from bot.remote_scorer import RemoteScorer
from bot.scoring import MicroBatcher, load_scorer
from bot.services import build_services
from models.api import ScoreRequest, ScoreResult, ScorerUnavailableError
from models.serve.app import build_app
from models.serve.backend import BatchingBackend
from tests.conftest import make_event
from tests.fakes import FakeScorer, FrozenClock, RecordingExecutor
from tests.models.serve.server import free_port, serving

REQUESTS = [
    ScoreRequest("you idiot"),
    ScoreRequest("no, that is wrong", parent="cats are great", targets=("dogs rule", "yes")),
    ScoreRequest("buy free stuff now"),
]


def test_remote_results_equal_in_process_ones() -> None:
    local = FakeScorer()
    with serving(build_app(BatchingBackend(FakeScorer()))) as url:
        remote = RemoteScorer(url)
        assert remote.version == "fake-1"
        got = remote.score_batch(REQUESTS)
        assert remote.score_batch([]) == []
        remote.close()
    want = local.score_batch(REQUESTS)
    assert got == want  # scores and stances (ScoreResult equality leaves out the embedding)
    for g, w in zip(got, want, strict=True):
        assert g.embedding is not None
        assert w.embedding is not None
        assert g.embedding.dtype == np.float32
        assert np.array_equal(g.embedding, w.embedding)


def test_the_api_key_in_the_url_is_sent() -> None:
    with serving(build_app(BatchingBackend(FakeScorer()), api_keys=["s3cret"])) as url:
        assert RemoteScorer(f"{url}?key=s3cret").score_batch(REQUESTS[:1])
        with pytest.raises(ScorerUnavailableError, match="403"):
            RemoteScorer(f"{url}?key=wrong").score_batch(REQUESTS[:1])


def test_a_service_that_is_down_raises_scorer_unavailable() -> None:
    remote = RemoteScorer(f"http://127.0.0.1:{free_port()}", timeout=2)
    assert remote.version.startswith("remote:127.0.0.1:")
    with pytest.raises(ScorerUnavailableError, match=r"127\.0\.0\.1"):
        remote.score_batch(REQUESTS)


def test_url_comes_from_the_environment_or_the_policy(monkeypatch: pytest.MonkeyPatch) -> None:
    port = free_port()
    monkeypatch.setenv("VIGIL_MODEL_URL", f"http://127.0.0.1:{port}")
    scorer = load_scorer(ModelSpec(url="http://elsewhere:1"))
    assert isinstance(scorer, RemoteScorer)
    assert scorer.url.endswith(f":{port}")
    monkeypatch.delenv("VIGIL_MODEL_URL")
    policy_scorer = load_scorer(ModelSpec(url=f"http://127.0.0.1:{port}", timeout_s=3))
    assert isinstance(policy_scorer, RemoteScorer)
    assert policy_scorer.timeout == 3
    with pytest.raises(ValueError, match="http"):
        RemoteScorer("ftp://host/")


async def test_messages_are_recorded_unscored_and_handled_once_the_service_returns(
    tmp_path: Path, policy_holder: PolicyHolder, executor: RecordingExecutor,
    clock: FrozenClock,
) -> None:
    port = free_port()
    remote = RemoteScorer(f"http://127.0.0.1:{port}", timeout=2)
    services = await build_services(db_path=tmp_path / "v.db", policy=policy_holder,
                                    scorer=remote, executor=executor, clock=clock,
                                    max_wait=0.001)
    try:
        queue = services.pipeline.unscored
        assert queue is not None
        queue.first_delay = queue.max_delay = 0.1
        insult = make_event("you idiot", id=501)
        fine = make_event("thanks, that helped", id=502)
        outcomes = await services.pipeline.handle_many([insult, fine])
        assert [o.scored for o in outcomes] == [False, False]
        assert all(o.case is None and o.scores == {} for o in outcomes)
        assert not outcomes[0].verdict.acts
        assert "not scored" in outcomes[0].verdict.reasons[0]
        assert executor.calls == []
        await services.backlog.flush(5)
        skipped = await services.db.skipped.all()
        assert [s.message.message_id for s in skipped] == [501, 502]
        assert all(s.reason.startswith("not scored: ") and "127.0.0.1" in s.reason
                   for s in skipped)
        assert await services.db.scores.get(501) is None
        assert queue.held == 2

        await asyncio.sleep(0.3)  # retries while still down keep the messages held
        assert queue.held == 2
        assert queue.retried == 0

        with serving(build_app(BatchingBackend(FakeScorer())), port=port):
            for _ in range(100):
                if queue.held == 0:
                    break
                await asyncio.sleep(0.05)
        assert queue.held == 0
        assert queue.retried == 2
        stored = await services.db.scores.get(501)
        assert stored is not None
        assert stored.scores["insult"] == pytest.approx(0.93)
        assert stored.model_version == "fake-1"
        assert await services.db.scores.get(502) is not None
        assert len(await services.db.skipped.all()) == 2  # the history stays
    finally:
        await services.close()
        remote.close()


class DownScorer:
    version = "down"

    def __init__(self) -> None:
        self.calls = 0

    def score_batch(self, requests: Sequence[ScoreRequest]) -> list[ScoreResult]:
        self.calls += 1
        raise ScorerUnavailableError("connection refused")


async def test_an_outage_fails_the_whole_batch_at_once() -> None:
    scorer = DownScorer()
    async with MicroBatcher(scorer, max_batch=8, max_wait=0.05) as batcher:
        results = await asyncio.gather(*(batcher.score(ScoreRequest(f"m{i}")) for i in range(5)),
                                       return_exceptions=True)
    assert all(isinstance(r, ScorerUnavailableError) for r in results)
    assert scorer.calls == 1  # not retried one by one: each would wait out the same outage


def test_the_policy_model_url_must_be_http() -> None:
    assert ModelSpec.model_validate({"url": "https://scorer.internal:8443/vigil"}).url
    for bad in ("scorer:8000", "ftp://scorer", "http://", "http://has space"):
        with pytest.raises(ValidationError):
            ModelSpec.model_validate({"url": bad})
