"""The shipped model: offline load, behaviour with margin, determinism (slow: real weights)."""

from __future__ import annotations

import os

import numpy as np
import pytest

from models.api import LABELS, STANCES, Scorer, ScoreRequest

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def scorer():
    os.environ["HF_HUB_OFFLINE"] = "1"
    from models.scorer import load_default_scorer

    return load_default_scorer()


def test_implements_protocol(scorer) -> None:
    assert isinstance(scorer, Scorer)
    assert scorer.version.startswith("vigil-minilm/3.")


def test_scores_cover_labels_and_embedding(scorer) -> None:
    (res,) = scorer.score_batch([ScoreRequest("hello there")])
    assert set(res.scores) == set(LABELS)
    assert all(0.0 <= v <= 1.0 for v in res.scores.values())
    assert res.parent_stance is None
    assert res.target_stances == ()
    assert res.embedding.dtype == np.float32
    assert res.embedding.shape == (384,)
    assert abs(float(np.linalg.norm(res.embedding)) - 1.0) < 1e-5


def test_clear_abuse_vs_civility(scorer) -> None:
    abuse, civil = scorer.score_batch(
        [
            ScoreRequest("you are a worthless idiot, go kill yourself"),
            ScoreRequest("thanks for the help yesterday, have a lovely weekend"),
        ]
    )
    # Calibrated probabilities: 0.5 is "more likely than not" for every label.
    assert abuse.scores["toxicity"] > 0.8
    assert abuse.scores["insult"] > 0.5
    assert civil.scores["toxicity"] < 0.2
    for lab in ("insult", "identity_attack", "threat", "spam"):
        assert civil.scores[lab] < 0.5, lab


def test_spam_is_flagged(scorer) -> None:
    spam, chat = scorer.score_batch(
        [
            ScoreRequest("WINNER!! You have won a free prize, text CLAIM to 80088 now"),
            ScoreRequest("did anyone finish the math homework?"),
        ]
    )
    assert spam.scores["spam"] > 0.5 > chat.scores["spam"]


def test_parent_stance_agree_vs_disagree(scorer) -> None:
    parent = "This is the best game released this year."
    agree, disagree = scorer.score_batch(
        [
            ScoreRequest("Totally agree, it really is the best game this year!", parent=parent),
            ScoreRequest("No, that's wrong. It is a terrible game.", parent=parent),
        ]
    )
    assert set(agree.parent_stance) == set(STANCES)
    assert abs(sum(agree.parent_stance.values()) - 1.0) < 1e-5
    assert agree.parent_stance["agree"] > disagree.parent_stance["agree"]
    assert disagree.parent_stance["disagree"] > agree.parent_stance["disagree"]


def test_target_stances_follow_targets(scorer) -> None:
    claims = ("Vaccines are safe.", "The moon landing was faked.")
    (res,) = scorer.score_batch([ScoreRequest("I agree vaccines are safe", targets=claims)])
    assert len(res.target_stances) == 2
    assert all(set(s) == set(STANCES) for s in res.target_stances)
    # Deterministic: scoring again gives the same stances.
    (again,) = scorer.score_batch([ScoreRequest("I agree vaccines are safe", targets=claims)])
    for a, b in zip(again.target_stances, res.target_stances, strict=True):
        assert all(abs(a[s] - b[s]) < 1e-5 for s in STANCES)


def test_claim_stance_agree_vs_disagree(scorer) -> None:
    claim = ("The moon landing was faked.",)
    agree, disagree = scorer.score_batch(
        [
            ScoreRequest("I agree, it was faked.", targets=claim),
            ScoreRequest("No, that is simply false.", targets=claim),
        ]
    )
    # Explicit cues only: stance that needs world knowledge ("they really landed on the moon")
    # is a known failure mode (models/weights/MODEL_CARD.md).
    assert agree.target_stances[0]["agree"] > disagree.target_stances[0]["agree"]
    assert disagree.target_stances[0]["disagree"] > agree.target_stances[0]["disagree"]


def test_batch_equals_single(scorer) -> None:
    reqs = [
        ScoreRequest("short"),
        ScoreRequest("a considerably longer message that needs padding " * 4),
        ScoreRequest("you are an idiot", parent="I like turtles"),
        ScoreRequest(""),
    ]
    batch = scorer.score_batch(reqs)
    for req, got in zip(reqs, batch, strict=True):
        (alone,) = scorer.score_batch([req])
        for lab in LABELS:
            assert abs(alone.scores[lab] - got.scores[lab]) < 1e-5
        assert np.allclose(alone.embedding, got.embedding, atol=1e-5)
        if req.parent:
            for s in STANCES:
                assert abs(alone.parent_stance[s] - got.parent_stance[s]) < 1e-5


def test_empty_batch(scorer) -> None:
    assert scorer.score_batch([]) == []


def test_one_encoder_pass_per_message(scorer) -> None:
    """A plain message runs the network's message pass once and no pair pass."""
    net = scorer.engine.net
    calls = {"message": 0, "pair": 0}
    originals = net.message, net.pair

    def count(kind, fn):
        def wrapped(batch):
            calls[kind] += 1
            return fn(batch)

        return wrapped

    net.message, net.pair = count("message", originals[0]), count("pair", originals[1])
    try:
        scorer.score_batch([ScoreRequest("one plain message")])
        assert calls == {"message": 1, "pair": 0}
        scorer.score_batch([ScoreRequest("a reply", parent="its parent")])
        assert calls == {"message": 2, "pair": 1}
    finally:
        del net.message, net.pair


def test_embedding_keeps_paraphrases_close(scorer) -> None:
    """The distilled embedding still tells a reworded post from an unrelated one."""
    a, b, c = scorer.score_batch(
        [
            ScoreRequest("join my server for free nitro, link in my bio"),
            ScoreRequest("free nitro if you join my server, the link is in my bio"),
            ScoreRequest("what time does the tournament start on saturday?"),
        ]
    )
    near = float(a.embedding @ b.embedding)
    far = float(a.embedding @ c.embedding)
    assert near > 0.8 > far


def test_embedding_tracks_the_base_model(scorer) -> None:
    """Distillation keeps the campaign embedding close to all-MiniLM-L6-v2's own."""
    from models.backbone import BaseEmbedder
    from models.data.common import clean_text

    texts = ["gm everyone", "the raid starts at nine, bring potions", "buy cheap boosts here"]
    ours = np.stack([r.embedding for r in scorer.score_batch([ScoreRequest(t) for t in texts])])
    base = BaseEmbedder().embed([clean_text(t) for t in texts])
    assert float(np.min(np.sum(ours * base, axis=1))) > 0.8


def test_reply_toxicity_reads_the_parent(scorer) -> None:
    """Only toxicity changes with a parent; the other labels are the message's own."""
    alone, reply = scorer.score_batch(
        [ScoreRequest("yeah, they deserve it"),
         ScoreRequest("yeah, they deserve it", parent="those people should all be beaten")]
    )
    for lab in LABELS:
        if lab != "toxicity":
            assert alone.scores[lab] == pytest.approx(reply.scores[lab], abs=1e-6)
    assert reply.scores["toxicity"] != pytest.approx(alone.scores["toxicity"], abs=1e-4)
