"""VigilNet: one message pass gives every label and the embedding; padding is invisible."""

from __future__ import annotations

import torch

from models.api import LABELS, STANCES
from models.batches import collate
from models.network import HIDDEN
from tests.models.tiny import tiny_net


def test_message_outputs_and_padding_invariance() -> None:
    net = tiny_net()
    short, long = [2, 5, 7, 3], [2, 9, 9, 9, 9, 9, 9, 3]
    with torch.no_grad():
        both = net.message(collate([short, long]))
        alone = net.message(collate([short]))
    assert both.label_logits.shape == (2, len(LABELS))
    assert both.hx3_logits.shape == (2, 3)
    assert both.embedding.shape == (2, HIDDEN)
    assert torch.allclose(both.embedding.norm(dim=-1), torch.ones(2), atol=1e-5)
    assert torch.allclose(both.label_logits[0], alone.label_logits[0], atol=1e-5)


def test_pair_head_starts_with_no_context_correction() -> None:
    net = tiny_net()
    batch = collate([[2, 5, 3, 7, 8, 3]], [[0, 0, 0, 1, 1, 1]])
    with torch.no_grad():
        out = net.pair(batch)
    assert out.stance_logits.shape == (1, len(STANCES))
    assert float(out.toxicity_delta.abs().max()) == 0.0


def test_embedding_projection_starts_as_the_identity() -> None:
    net = tiny_net()
    assert torch.equal(net.embed_proj.weight, torch.eye(HIDDEN))


def test_trained_state_leaves_out_the_frozen_embeddings() -> None:
    net = tiny_net()
    state = net.trained_state()
    assert not any(k.startswith("bert.embeddings.") for k in state)
    assert any(k.startswith("bert.encoder.layer.0.") for k in state)
    assert {"message_head.weight", "embed_proj.weight", "pair_head.weight"} <= set(state)
    assert not any(p.requires_grad for p in net.bert.embeddings.parameters())
