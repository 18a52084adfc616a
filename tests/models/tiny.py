"""A tiny randomly initialised BERT with MiniLM's shapes cut down: fast tests of real code."""

from __future__ import annotations

import torch
from transformers import BertConfig, BertModel

from models.network import HIDDEN, VigilNet


def tiny_net(seed: int = 0) -> VigilNet:
    torch.manual_seed(seed)
    config = BertConfig(vocab_size=100, hidden_size=HIDDEN, num_hidden_layers=1,
                        num_attention_heads=4, intermediate_size=64, max_position_embeddings=64)
    return VigilNet(BertModel(config)).eval()
