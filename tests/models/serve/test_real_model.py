"""With the real v3 weights: the endpoint answers what ``python -m bot score`` prints.

The issue's acceptance check: a Perspective-shaped request to a locally started server
returns the scores ``python -m bot score`` gives for the same text and parent, within 1e-4
(on the same runtime: the server's fp32 default), and the bot's remote scorer returns the
in-process scorer's results.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from bot.normalize import normalize
from bot.remote_scorer import RemoteScorer
from models.api import ScoreRequest
from models.serve.app import build_app
from models.serve.backend import BatchingBackend
from models.serve.config import ServeConfig, load_scorer
from models.serve.perspective import ATTRIBUTES
from tests.models.serve.server import call, serving

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[3]
#: (text, parent). Plain text, so the bot's normaliser leaves it as it is (checked below).
CASES = [
    ("you are a worthless idiot and everyone hates you", None),
    ("thanks for the help with my build, it works now", None),
    ("No, that is simply false.", "Pineapple belongs on pizza."),
    ("shut up, nobody asked you", "I think the new patch is great"),
    ("I will find where you live and hurt you", None),
    ("Limited offer! Free followers, click the link in my bio", None),
]
VIGIL_TO_PERSPECTIVE = {"toxicity": "TOXICITY", "insult": "INSULT",
                        "identity_attack": "IDENTITY_ATTACK", "profanity": "PROFANITY",
                        "threat": "THREAT", "spam": "SPAM"}


@pytest.fixture(scope="module")
def scorer():  # type: ignore[no-untyped-def]
    return load_scorer(ServeConfig())  # what python -m models.serve loads


@pytest.fixture(scope="module")
def server(scorer) -> Iterator[str]:  # type: ignore[no-untyped-def]
    with serving(build_app(BatchingBackend(scorer))) as url:
        yield url


#: The server's runtime (fp32 ONNX, no cascade) for python -m bot score too: the bot's
#: default int8 runtime moves a score by about 1e-3 with what shares its batch.
SAME_RUNTIME = {"VIGIL_RUNTIME": "onnx", "VIGIL_CASCADE": "off"}


def bot_score(lines: list[dict[str, str]], **env: str) -> list[dict]:
    environ = {k: v for k, v in os.environ.items() if k != "VIGIL_MODEL_URL"}
    environ |= SAME_RUNTIME | env
    result = subprocess.run(
        [sys.executable, "-m", "bot", "score"], input="\n".join(map(json.dumps, lines)) + "\n",
        capture_output=True, text=True, cwd=ROOT, timeout=300, check=True, env=environ)
    return [json.loads(line) for line in result.stdout.splitlines()]


def analyze(server: str, text: str, parent: str | None) -> dict[str, float]:
    body: dict[str, object] = {"comment": {"text": text}, "languages": ["en"],
                               "requestedAttributes": {name: {} for name in ATTRIBUTES}}
    if parent is not None:
        body["context"] = {"entries": [{"text": parent, "type": "PLAIN_TEXT"}]}
    reply = call(f"{server}/v1alpha1/comments:analyze", body)
    assert reply.status == 200, reply.body
    return {k: v["summaryScore"]["value"] for k, v in reply.body["attributeScores"].items()}


def test_perspective_request_equals_python_m_bot_score(server: str) -> None:
    for text, parent in CASES:
        assert normalize(text).text == text
        assert parent is None or normalize(parent).text == parent
    lines = [{"text": t, **({"parent": p} if p else {})} for t, p in CASES]
    expected = bot_score(lines)
    for (text, parent), line in zip(CASES, expected, strict=True):
        got = analyze(server, text, parent)
        for label, attribute in VIGIL_TO_PERSPECTIVE.items():
            assert got[attribute] == pytest.approx(line["scores"][label], abs=1e-4), (text, label)
        s = line["scores"]
        severe = s["toxicity"] * max(s["insult"], s["identity_attack"], s["threat"])
        assert got["SEVERE_TOXICITY"] == pytest.approx(severe, abs=1e-4)
    # The parent matters: the same reply scored without it differs in toxicity.
    alone = analyze(server, CASES[3][0], None)
    with_parent = analyze(server, *CASES[3])
    assert alone["TOXICITY"] != pytest.approx(with_parent["TOXICITY"], abs=1e-4)


def test_bot_score_through_the_service_equals_in_process(server: str) -> None:
    lines = [{"text": t, **({"parent": p} if p else {})} for t, p in CASES]
    local = bot_score(lines)
    remote = bot_score(lines, VIGIL_MODEL_URL=server)
    for a, b in zip(local, remote, strict=True):
        for label in a["scores"]:
            assert b["scores"][label] == pytest.approx(a["scores"][label], abs=1e-4)
        assert ("stance" in a) == ("stance" in b)


def test_remote_scorer_equals_the_in_process_scorer(server: str, scorer) -> None:  # type: ignore[no-untyped-def]
    requests = [ScoreRequest(t, parent=p, targets=("The earth is flat.",)) for t, p in CASES]
    remote = RemoteScorer(server)
    assert remote.version == scorer.version
    got, want = remote.score_batch(requests), scorer.score_batch(requests)
    for g, w in zip(got, want, strict=True):
        for label, value in w.scores.items():
            assert g.scores[label] == pytest.approx(value, abs=1e-4)
        assert (g.parent_stance is None) == (w.parent_stance is None)
        for side in (g.parent_stance or {}):
            assert g.parent_stance[side] == pytest.approx(w.parent_stance[side], abs=1e-4)
        assert g.target_stances[0]["disagree"] == pytest.approx(
            w.target_stances[0]["disagree"], abs=1e-4)
        assert np.allclose(g.embedding, w.embedding, atol=1e-5)
