"""POST /v1alpha1/comments:analyze through a real HTTP client against a uvicorn server.

The request shapes are those existing Perspective clients send (read from their public
code, written out here): Google's API client for Python used by research scripts, the
Node ``perspective-api-client`` library used by many bots, and a typed client whose
request carries every optional field. The scorer is the keyword FakeScorer so these run
fast; test_real_model.py does the same with the real model.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor

import pytest

from models.api import ScoreRequest, ScoreResult
from models.serve.app import build_app
from models.serve.backend import BatchingBackend
from tests.fakes import FakeScorer
from tests.models.serve.server import call, serving

ANALYZE = "/v1alpha1/comments:analyze"
KEY = "test-key-123"


@pytest.fixture
def scorer() -> FakeScorer:
    return FakeScorer()


@pytest.fixture
def server(scorer: FakeScorer) -> Iterator[str]:
    backend = BatchingBackend(scorer, max_batch=16, max_wait=0.002)
    with serving(build_app(backend)) as url:
        yield url


@pytest.fixture
def keyed_server(scorer: FakeScorer) -> Iterator[str]:
    with serving(build_app(BatchingBackend(scorer), api_keys=[KEY, "other"])) as url:
        yield url


def test_google_api_client_request_shape(server: str) -> None:
    # googleapiclient.discovery ... comments().analyze(body=...): key and alt=json in the
    # query, a body with comment.text and requestedAttributes {NAME: {}}.
    reply = call(f"{server}{ANALYZE}?key=anything&alt=json", {
        "comment": {"text": "you absolute idiot"},
        "requestedAttributes": {"TOXICITY": {}},
    })
    assert reply.status == 200
    scores = reply.body["attributeScores"]
    assert list(scores) == ["TOXICITY"]
    assert scores["TOXICITY"]["summaryScore"] == {"value": 0.95, "type": "PROBABILITY"}
    assert "spanScores" not in scores["TOXICITY"]
    assert reply.body["languages"] == ["en"]
    assert reply.body["detectedLanguages"] == ["en"]
    assert reply.body["vigilModel"] == "fake-1"
    assert reply.headers["x-vigil-model"] == "fake-1"


def test_research_script_with_every_attribute_and_span_annotations(server: str) -> None:
    # The shape of toxicity-evaluation scripts: languages ["en"], all six production
    # attributes, spanAnnotations true.
    attributes = ["TOXICITY", "SEVERE_TOXICITY", "IDENTITY_ATTACK", "INSULT", "PROFANITY",
                  "THREAT"]
    text = "Nice weather today. You are an idiot! Buy now"
    reply = call(f"{server}{ANALYZE}", {
        "comment": {"text": text}, "languages": ["en"],
        "requestedAttributes": {a: {} for a in attributes}, "spanAnnotations": True,
    })
    assert reply.status == 200, reply.body
    scores = reply.body["attributeScores"]
    assert list(scores) == attributes
    spans = scores["INSULT"]["spanScores"]
    assert [text[s["begin"]:s["end"]] for s in spans] == [
        "Nice weather today.", "You are an idiot!", "Buy now"]
    assert [s["score"]["value"] for s in spans] == [0.01, 0.93, 0.01]
    assert all(s["score"]["type"] == "PROBABILITY" for s in spans)
    assert scores["INSULT"]["summaryScore"]["value"] == 0.93
    # SEVERE_TOXICITY = toxicity x max(insult, identity attack, threat)
    assert scores["SEVERE_TOXICITY"]["summaryScore"]["value"] == pytest.approx(0.95 * 0.93)


def test_node_perspective_api_client_request_shape(server: str) -> None:
    # perspective-api-client: axios.post(URL, payload, {params: {key}}), payload
    # {comment: {text}, requestedAttributes: {TOXICITY: {}, INSULT: {}}, doNotStore: true};
    # on errors it reads response.data.error.message.
    reply = call(f"{server}{ANALYZE}?key=k", {
        "comment": {"text": "damn that was a good game"},
        "requestedAttributes": {"TOXICITY": {}, "PROFANITY": {}}, "doNotStore": True,
    })
    assert reply.status == 200
    assert reply.body["attributeScores"]["PROFANITY"]["summaryScore"]["value"] == 0.97
    bad = call(f"{server}{ANALYZE}?key=k", {
        "comment": {"text": "hello"}, "requestedAttributes": {"FLIRTATION": {}},
        "doNotStore": True})
    assert bad.status == 400
    assert "FLIRTATION" in bad.body["error"]["message"]


def test_typed_client_with_context_session_and_client_token(
        server: str, scorer: FakeScorer) -> None:
    # A client whose request struct sends every optional field of AnalyzeCommentRequest.
    reply = call(f"{server}{ANALYZE}", {
        "comment": {"text": "no, that is wrong", "type": "PLAIN_TEXT"},
        "context": {"entries": [{"text": "first message", "type": "PLAIN_TEXT"},
                                {"text": "cats are great", "type": "PLAIN_TEXT"}]},
        "requestedAttributes": {"TOXICITY": {"scoreType": "PROBABILITY"}, "SPAM": {}},
        "languages": ["en-US"], "doNotStore": True, "sessionId": "s-1",
        "clientToken": "tok-9", "spanAnnotations": False, "communityId": "c",
    })
    assert reply.status == 200, reply.body
    assert reply.body["clientToken"] == "tok-9"
    assert reply.body["languages"] == ["en-US"]
    assert set(reply.body["attributeScores"]) == {"TOXICITY", "SPAM"}
    sent = [r for batch in scorer.batches for r in batch]
    # The last context entry is the parent: Vigil's pair model scores in context.
    assert sent == [ScoreRequest("no, that is wrong", parent="cats are great")]


def test_score_threshold_leaves_out_attributes_below_it(server: str) -> None:
    reply = call(f"{server}{ANALYZE}", {
        "comment": {"text": "you idiot"},
        "requestedAttributes": {"INSULT": {"scoreThreshold": 0.5},
                                "THREAT": {"scoreThreshold": 0.5}},
    })
    assert reply.status == 200
    assert list(reply.body["attributeScores"]) == ["INSULT"]


@pytest.mark.parametrize(("body", "message"), [
    ({"comment": {"text": "hi"}, "requestedAttributes": {"SEXUALLY_EXPLICIT": {}}},
     "Requested attribute SEXUALLY_EXPLICIT is not supported"),
    ({"comment": {"text": "hola amigo"}, "requestedAttributes": {"INSULT": {}},
      "languages": ["es"]}, "Attribute INSULT does not support request languages: es"),
    ({"comment": {"text": "Привет, как дела у тебя"}, "requestedAttributes": {"TOXICITY": {}}},
     "Attribute TOXICITY does not support request languages: und"),
    ({"comment": {"text": "   "}, "requestedAttributes": {"TOXICITY": {}}},
     "Comment must be non-empty."),
    ({"comment": {"text": "x" * 20_481}, "requestedAttributes": {"TOXICITY": {}}},
     "too many bytes"),
    ({"comment": {"text": "hi"}}, "No requested attributes"),
    ({"comment": {"text": "hi"}, "requestedAttributes": {"TOXICITY": {"scoreType": "RAW"}}},
     "score type RAW"),
    ({"comment": {"text": "hi"}, "requestedAttributes": {"TOXICITY": {"scoreThreshold": 2}}},
     "scoreThreshold"),
    ({"comment": {"text": "hi", "type": "HTML"}, "requestedAttributes": {"TOXICITY": {}}},
     "HTML"),
    ({"text": "hi", "requestedAttributes": {"TOXICITY": {}}}, "Comment must have a text"),
    ({"comment": {"text": "hi"}, "requestedAttributes": {"TOXICITY": {}},
      "context": {"entries": "nope"}}, "context.entries"),
])
def test_errors_have_perspectives_shape(server: str, body: dict, message: str) -> None:
    reply = call(f"{server}{ANALYZE}", body)
    assert reply.status == 400
    assert set(reply.body) == {"error"}
    assert reply.body["error"]["code"] == 400
    assert reply.body["error"]["status"] == "INVALID_ARGUMENT"
    assert message in reply.body["error"]["message"]
    assert reply.headers["x-vigil-model"] == "fake-1"


def test_malformed_json_is_a_perspective_error(server: str) -> None:
    reply = call(f"{server}{ANALYZE}", raw=b'{"comment": ')
    assert reply.status == 400
    assert reply.body["error"]["status"] == "INVALID_ARGUMENT"


def test_key_list_restricts_access(keyed_server: str) -> None:
    body = {"comment": {"text": "hi"}, "requestedAttributes": {"TOXICITY": {}}}
    for url in (f"{keyed_server}{ANALYZE}", f"{keyed_server}{ANALYZE}?key=wrong",
                f"{keyed_server}/v1/models"):
        reply = call(url, body if "analyze" in url else None)
        assert reply.status == 403, url
        assert reply.body["error"]["status"] == "PERMISSION_DENIED"
    assert call(f"{keyed_server}{ANALYZE}?key={KEY}", body).status == 200
    assert call(f"{keyed_server}{ANALYZE}", body, headers={"X-Goog-Api-Key": "other"}
                ).status == 200
    assert call(f"{keyed_server}/healthz").status == 200


def test_models_lists_what_runs_and_every_response_names_the_version(server: str) -> None:
    reply = call(f"{server}/v1/models")
    assert reply.status == 200
    assert reply.body["models"][0]["version"] == "fake-1"
    assert "SEVERE_TOXICITY" in reply.body["attributes"]
    assert reply.body["languages"] == ["en"]
    missing = call(f"{server}/v1alpha1/nothing")
    assert missing.status == 404
    assert missing.headers["x-vigil-model"] == "fake-1"


class SlowScorer(FakeScorer):
    """Takes a while per batch, so concurrent requests pile up behind it."""

    def score_batch(self, requests: Sequence[ScoreRequest]) -> list[ScoreResult]:
        threading.Event().wait(0.05)
        return super().score_batch(requests)


def test_concurrent_requests_share_model_batches() -> None:
    scorer = SlowScorer()
    backend = BatchingBackend(scorer, max_batch=32, max_wait=0.01)
    texts = [f"message {i} " + ("idiot" if i % 3 == 0 else "hello") for i in range(40)]
    with serving(build_app(backend)) as url, ThreadPoolExecutor(20) as pool:
        replies = list(pool.map(lambda t: call(f"{url}{ANALYZE}", {
            "comment": {"text": t}, "requestedAttributes": {"INSULT": {}}}), texts))
    values = [r.body["attributeScores"]["INSULT"]["summaryScore"]["value"] for r in replies]
    assert values == [0.93 if i % 3 == 0 else 0.01 for i in range(40)]
    assert max(backend.batch_sizes) > 1
    assert len(scorer.batches) < 40
    asyncio.run(backend.close())


class BreakingScorer(SlowScorer):
    """Fails on one text, as a scorer bug would."""

    def score_batch(self, requests: Sequence[ScoreRequest]) -> list[ScoreResult]:
        if any(r.text == "boom" for r in requests):
            raise RuntimeError("scorer broke")
        return super().score_batch(requests)


def test_a_text_that_breaks_the_scorer_fails_only_its_own_request() -> None:
    backend = BatchingBackend(BreakingScorer(), max_batch=32, max_wait=0.02)
    texts = ["you idiot", "boom", "hello", "buy now"] * 3
    with serving(build_app(backend)) as url, ThreadPoolExecutor(12) as pool:
        replies = list(pool.map(lambda t: call(f"{url}{ANALYZE}", {
            "comment": {"text": t}, "requestedAttributes": {"INSULT": {}}}), texts))
    for text, reply in zip(texts, replies, strict=True):
        if text == "boom":
            assert reply.status == 500
            assert reply.body["error"]["status"] == "INTERNAL"
        else:
            assert reply.status == 200, reply.body
    assert max(backend.batch_sizes) > 1  # they did meet in one batch
    asyncio.run(backend.close())
