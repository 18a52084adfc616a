"""Through Ray Serve: a small local Ray instance (one CPU), one replica, the real model.

Ray start-up is heavy on a small machine: one test does everything it needs once.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from models.api import ScoreRequest
from models.serve.config import ServeConfig
from models.serve.perspective import ATTRIBUTES
from tests.models.serve.server import call, free_port

# Ray Serve builds its configs with pydantic arguments pydantic deprecates.
pytestmark = [pytest.mark.slow, pytest.mark.filterwarnings("ignore::DeprecationWarning")]
ray = pytest.importorskip("ray")

CASES = [
    ("you are a worthless idiot and everyone hates you", None),
    ("shut up, nobody asked you", "I think the new patch is great"),
    ("thanks for the help with my build, it works now", None),
]


def test_scores_through_ray_serve_equal_in_process_scores() -> None:
    from models.serve.config import load_scorer
    from models.serve.deployment import deploy, shutdown

    port = free_port()
    ray.init(num_cpus=1, include_dashboard=False, log_to_driver=False)
    try:
        deploy(ServeConfig(port=port, replicas=1, cpus_per_replica=1, max_batch=16,
                           batch_wait_ms=20, api_keys=["ray-key"]))
        url = f"http://127.0.0.1:{port}"
        models = call(f"{url}/v1/models?key=ray-key")
        assert models.status == 200, models.body
        described = models.body["models"][0]
        assert described["batching"]["engine"] == "ray serve @serve.batch"
        version = described["version"]
        assert call(f"{url}/v1/models").status == 403

        def analyze(case: tuple[str, str | None]) -> dict:
            text, parent = case
            body: dict[str, object] = {"comment": {"text": text},
                                       "requestedAttributes": {a: {} for a in ATTRIBUTES}}
            if parent:
                body["context"] = {"entries": [{"text": parent}]}
            reply = call(f"{url}/v1alpha1/comments:analyze?key=ray-key", body)
            assert reply.status == 200, reply.body
            assert reply.headers["x-vigil-model"] == version
            return reply.body["attributeScores"]

        with ThreadPoolExecutor(len(CASES) * 2) as pool:  # concurrent: they share batches
            replies = list(pool.map(analyze, CASES * 2))
        native = call(f"{url}/v1/score?key=ray-key", {"requests": [
            {"text": t, "parent": p} for t, p in CASES]})
        assert native.status == 200
    finally:
        shutdown()

    scorer = load_scorer(ServeConfig())
    assert scorer.version == version
    local = scorer.score_batch([ScoreRequest(t, parent=p) for t, p in CASES])
    for scores, result, remote in zip(replies, local * 2, native.body["results"] * 2,
                                      strict=True):
        s = result.scores
        assert scores["TOXICITY"]["summaryScore"]["value"] == pytest.approx(
            s["toxicity"], abs=1e-4)
        assert scores["INSULT"]["summaryScore"]["value"] == pytest.approx(s["insult"], abs=1e-4)
        assert scores["SPAM"]["summaryScore"]["value"] == pytest.approx(s["spam"], abs=1e-4)
        for label, value in s.items():
            assert remote["scores"][label] == pytest.approx(value, abs=1e-4)
