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
    assert scorer.version.startswith("vigil-minilm-heads/")


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
    thr = scorer.thresholds
    assert abuse.scores["toxicity"] > max(0.8, thr["toxicity"])
    assert abuse.scores["insult"] > thr["insult"]
    assert civil.scores["toxicity"] < min(0.2, thr["toxicity"])
    assert abuse.scores["toxicity"] - civil.scores["toxicity"] > 0.6
    for lab in ("insult", "identity_attack", "threat", "spam"):
        assert civil.scores[lab] < thr[lab], lab


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
    # Claim features are cached: scoring again gives the same stances.
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


def test_embedding_is_the_plain_backbone_embedding(scorer) -> None:
    """The campaign detector's thresholds are calibrated on the untouched MiniLM embedding."""
    import torch
    from transformers import AutoModel, AutoTokenizer

    from models.backbone import MAX_TOKENS, default_backbone_path
    from models.data.common import clean_text

    texts = ["hello there", "you are all idiots and I will report you " * 3, "gg wp"]
    path = str(default_backbone_path())
    tok = AutoTokenizer.from_pretrained(path, local_files_only=True)
    model = AutoModel.from_pretrained(path, local_files_only=True).eval()
    enc = tok(
        [clean_text(t) for t in texts],
        padding=True,
        truncation=True,
        max_length=MAX_TOKENS,
        return_tensors="pt",
    )
    with torch.no_grad():
        h = model(**enc).last_hidden_state
    m = enc["attention_mask"].unsqueeze(-1).float()
    ref = torch.nn.functional.normalize((h * m).sum(1) / m.sum(1), dim=-1).numpy()
    got = np.stack([r.embedding for r in scorer.score_batch([ScoreRequest(t) for t in texts])])
    assert np.allclose(got, ref, atol=1e-5)


def test_scores_are_the_mean_of_the_two_members(scorer) -> None:
    """Since v1.3.0: mean of the primary heads (tuned features) and the v1.1.0 heads (frozen
    features)."""
    import torch
    from safetensors.torch import load_file

    from models import weights_io
    from models.data.common import clean_text
    from models.ensemble import MEMBER_FILE
    from models.heads import VigilHeads

    assert scorer.meta["version"] == "2.0.0"
    assert [k for k, _ in scorer.members] == ["frozen"]
    texts = ["you are such a stupid idiot", "I'm proud to be gay", "see you at the match"]
    res = scorer.score_batch([ScoreRequest(t) for t in texts])
    cleaned = sorted({clean_text(t) for t in texts})
    x, xf = scorer.backbone.encode_both(cleaned)
    v11 = VigilHeads()
    v11.load_state_dict(load_file(str(weights_io.WEIGHTS_DIR / MEMBER_FILE)))
    v11.eval()
    with torch.no_grad():
        p12 = scorer.heads.calib(scorer.heads.message(torch.from_numpy(x))[0]).numpy()
        p11 = v11.calib(v11.message(torch.from_numpy(xf))[0]).numpy()
    assert not np.allclose(x, xf)  # the two members really read different features
    for t, r in zip(texts, res, strict=True):
        k = cleaned.index(clean_text(t))
        for j, lab in enumerate(LABELS):
            want = float(np.clip((p12[k, j] + p11[k, j]) / 2, 0.0, 1.0))
            assert abs(r.scores[lab] - want) < 1e-6, (t, lab)


def test_reply_toxicity_comes_from_the_cross_encoder(scorer) -> None:
    """v2.0.0: a reply's toxicity is the cross-encoder's correction of the message logit."""
    import torch

    from models.data.common import clean_text
    from models.ensemble import message_probs

    assert scorer.pair is not None
    assert scorer.pair_stance == scorer.meta["pair"]["use_for_stance"]
    parent, text = "Women are too stupid to vote.", "That is a disgusting thing to say."
    (alone,), (reply,) = (
        scorer.score_batch([ScoreRequest(text)]),
        scorer.score_batch([ScoreRequest(text, parent=parent)]),
    )
    x, xf = scorer.backbone.encode_both([clean_text(text)])
    _, _, logits = message_probs(
        scorer.heads, torch.from_numpy(x), scorer.members, torch.from_numpy(xf)
    )
    _, tox = scorer.pair([(clean_text(parent), clean_text(text))], logits[:, 0])
    assert abs(reply.scores["toxicity"] - float(tox[0])) < 1e-5
    assert reply.scores["toxicity"] != alone.scores["toxicity"]
    assert abs(reply.scores["insult"] - alone.scores["insult"]) < 1e-5  # only toxicity moves


def test_cross_encoder_stance_when_training_picks_it(scorer) -> None:
    """With ``use_for_stance`` the cross-encoder answers stance toward parents and claims."""
    parent = "This is the best game released this year."
    reqs = [
        ScoreRequest("Totally agree, it really is the best game this year!", parent=parent),
        ScoreRequest("No, that is simply false.", targets=("The earth is flat.",)),
    ]
    bi = scorer.score_batch(reqs)
    scorer.pair_stance = True
    try:
        cross = scorer.score_batch(reqs)
    finally:
        scorer.pair_stance = scorer.meta["pair"]["use_for_stance"]
    assert cross[0].parent_stance != bi[0].parent_stance
    assert max(cross[0].parent_stance, key=cross[0].parent_stance.get) == "agree"
    assert max(cross[1].target_stances[0], key=cross[1].target_stances[0].get) == "disagree"
    for b, c in zip(bi, cross, strict=True):  # only stance changes
        assert all(abs(b.scores[k] - c.scores[k]) < 1e-5 for k in LABELS)
