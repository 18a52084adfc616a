"""The JSON form of requests and results, and the pieces of the Perspective mapping."""

from __future__ import annotations

import json

import numpy as np
import pytest

from models.api import ScoreRequest, ScoreResult
from models.serve import perspective, wire


def test_results_round_trip_exactly_through_json() -> None:
    embedding = np.random.default_rng(0).standard_normal(384).astype(np.float32)
    result = ScoreResult(scores={"toxicity": 0.123456789, "spam": 1e-7},
                         parent_stance={"agree": 0.2, "disagree": 0.7, "neutral": 0.1},
                         target_stances=({"agree": 0.5, "disagree": 0.25, "neutral": 0.25},),
                         embedding=embedding)
    back = wire.decode_result(json.loads(json.dumps(wire.encode_result(result))))
    assert back == result
    assert back.embedding is not None
    assert np.array_equal(back.embedding, embedding)
    bare = wire.decode_result(json.loads(json.dumps(wire.encode_result(
        ScoreResult(scores={"toxicity": 0.5})))))
    assert bare.embedding is None
    assert bare.parent_stance is None


def test_requests_round_trip_and_bad_shapes_are_refused() -> None:
    requests = [ScoreRequest("a"), ScoreRequest("b", parent="p", targets=("t1", "t2")),
                ScoreRequest("c", needs_embedding=True)]
    assert wire.decode_requests(json.loads(json.dumps(wire.encode_requests(requests)))) == requests
    for body, message in [
        ([], "expected"), ({"requests": [{"text": 1}]}, "text"),
        ({"requests": [{"text": "x", "parent": 3}]}, "parent"),
        ({"requests": [{"text": "x", "targets": "t"}]}, "targets"),
        ({"requests": [{"text": "x", "targets": ["t"] * 17}]}, "targets"),
        ({"requests": [{"text": "x" * 100_001}]}, "longer"),
        ({"requests": [{"text": "x"}] * 257}, "at most"),
    ]:
        with pytest.raises(wire.WireError, match=message):
            wire.decode_requests(body)


def test_sentence_spans_cover_each_sentence() -> None:
    text = "First one. Second?  Third!\nFourth"
    spans = perspective.sentence_spans(text)
    assert [text[b:e] for b, e in spans] == ["First one.", "Second?", "Third!", "Fourth"]
    assert perspective.sentence_spans("no end") == ((0, 6),)


@pytest.mark.parametrize(("text", "language"), [
    ("hello there", "en"), ("café naïve", "en"), ("🙂🙂", "en"), ("12345", "en"),
    ("Привет как дела", "und"), ("こんにちは", "und"), ("ok Привет как дела", "und"),
])
def test_language_detection_is_latin_script_or_und(text: str, language: str) -> None:
    assert perspective.detect_language(text) == language


def test_severe_toxicity_needs_toxicity_and_an_attack() -> None:
    values = perspective.attribute_values({
        "toxicity": 0.9, "insult": 0.1, "identity_attack": 0.05, "profanity": 0.99,
        "threat": 0.02, "spam": 0.0})
    assert values["SEVERE_TOXICITY"] == pytest.approx(0.09)  # profanity alone: low
    attack = perspective.attribute_values({
        "toxicity": 0.9, "insult": 0.2, "identity_attack": 0.8, "profanity": 0.0,
        "threat": 0.1, "spam": 0.0})
    assert attack["SEVERE_TOXICITY"] == pytest.approx(0.72)
    assert attack["SEVERE_TOXICITY"] <= attack["TOXICITY"]
