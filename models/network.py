"""Vigil v3: one fine-tuned MiniLM-L6 with every head on top of its single pass.

* A **message pass** (``[CLS] text [SEP]``) gives the masked-mean pooled state of the last
  layer; the message head maps it to one logit per label in ``models.api.LABELS`` plus the
  auxiliary hate/offensive/normal logits, and a linear projection maps it to the sentence
  embedding the campaign detector reads (distilled from the untouched all-MiniLM-L6-v2
  embedding during training, so near-duplicate and reworded posts stay close).
* A **pair pass** (``[CLS] parent-or-claim [SEP] text [SEP]``) through the same layers gives
  the stance of the text toward the first segment and a correction to the text's toxicity
  logit in that context (zero-initialised: context only moves a score it has learnt to).

Only the six transformer layers and the heads are trained and shipped; the word, position
and type embeddings stay those of the pinned base model (checked by SHA-256 at load).
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn
from torch.nn import functional as F  # noqa: N812 - the usual torch alias

from models.api import LABELS, STANCES
from models.data.common import HX3_CLASSES

HIDDEN = 384
N_LABELS = len(LABELS)


@dataclass(slots=True)
class MessageOut:
    label_logits: torch.Tensor  # (b, N_LABELS)
    hx3_logits: torch.Tensor  # (b, 3)
    embedding: torch.Tensor  # (b, HIDDEN), L2-normalised


@dataclass(slots=True)
class PairOut:
    stance_logits: torch.Tensor  # (b, 3)
    toxicity_delta: torch.Tensor  # (b,)


def masked_mean(states: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """Mean over real tokens only, so padding (and so batching) cannot change a row."""
    m = mask.unsqueeze(-1).to(states.dtype)
    return (states * m).sum(1) / m.sum(1).clamp(min=1.0)


class VigilNet(nn.Module):
    """The encoder (a BertModel whose embeddings stay frozen) and the heads it feeds."""

    def __init__(self, bert: nn.Module) -> None:
        super().__init__()
        self.bert = bert
        embeddings: nn.Module = bert.embeddings  # type: ignore[assignment]
        for p in embeddings.parameters():
            p.requires_grad_(False)
        self.dropout = nn.Dropout(0.1)
        self.message_head = nn.Linear(HIDDEN, N_LABELS + len(HX3_CLASSES))
        self.embed_proj = nn.Linear(HIDDEN, HIDDEN)
        with torch.no_grad():  # start as the identity: the base model's own pooling
            self.embed_proj.weight.copy_(torch.eye(HIDDEN))
            self.embed_proj.bias.zero_()
        self.pair_head = nn.Linear(3 * HIDDEN, len(STANCES) + 1)
        with torch.no_grad():
            self.pair_head.weight[len(STANCES)].zero_()
            self.pair_head.bias[len(STANCES)].zero_()

    def states(self, batch: dict[str, torch.Tensor]) -> torch.Tensor:
        """Per-token output of the last layer."""
        return self.bert(
            input_ids=batch["input_ids"],
            attention_mask=batch["attention_mask"],
            token_type_ids=batch.get("token_type_ids"),
        ).last_hidden_state

    def message(self, batch: dict[str, torch.Tensor]) -> MessageOut:
        pooled = masked_mean(self.states(batch), batch["attention_mask"])
        logits = self.message_head(self.dropout(pooled))
        embedding = F.normalize(self.embed_proj(pooled), dim=-1)
        return MessageOut(logits[:, :N_LABELS], logits[:, N_LABELS:], embedding)

    def pair(self, batch: dict[str, torch.Tensor]) -> PairOut:
        """Stance of segment B toward segment A and B's toxicity correction in context."""
        states = self.states(batch)
        mask = batch["attention_mask"]
        second = batch["token_type_ids"] * mask
        first = mask - second
        features = torch.cat(
            [states[:, 0], masked_mean(states, first), masked_mean(states, second)], dim=-1
        )
        out = self.pair_head(self.dropout(features))
        return PairOut(out[:, : len(STANCES)], out[:, len(STANCES)])

    def trained_state(self) -> dict[str, torch.Tensor]:
        """What training changes (and what ships): layers and heads, not the embeddings."""
        return {
            k: v
            for k, v in self.state_dict().items()
            if not k.startswith(("bert.embeddings.", "bert.pooler."))
        }
