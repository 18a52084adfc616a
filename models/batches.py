"""Tokenised tables and length-bucketed, padded batches (training and inference share them).

Texts are tokenised once without padding; a batch pads only to its own longest row, and
rows are grouped by length so short chat lines are not padded to a tweet thread's length.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch

from models.outputs import PAIR_TOKENS

#: Tokens per message while training (most chat lines are far shorter; inference reads 128).
TRAIN_TOKENS = 64


def tokenize_messages(tokenizer, texts: Sequence[str], max_tokens: int) -> list[list[int]]:
    texts = [t if t.strip() else "[empty]" for t in texts]
    out: list[list[int]] = tokenizer(list(texts), truncation=True, max_length=max_tokens)[
        "input_ids"
    ]
    return out


def tokenize_pairs(
    tokenizer, firsts: Sequence[str], seconds: Sequence[str], max_tokens: int = PAIR_TOKENS
) -> tuple[list[list[int]], list[list[int]]]:
    """(input ids, token type ids) of ``[CLS] first [SEP] second [SEP]``, longest cut first."""
    enc = tokenizer(
        [a if a.strip() else "[empty]" for a in firsts],
        [b if b.strip() else "[empty]" for b in seconds],
        truncation="longest_first",
        max_length=max_tokens,
    )
    return enc["input_ids"], enc["token_type_ids"]


def collate(
    ids: Sequence[Sequence[int]],
    types: Sequence[Sequence[int]] | None = None,
    device: torch.device | None = None,
) -> dict[str, torch.Tensor]:
    """Right-padded tensors (pad id 0, attention mask, token types) for one batch."""
    width = max(len(r) for r in ids)
    input_ids = torch.zeros((len(ids), width), dtype=torch.long)
    mask = torch.zeros_like(input_ids)
    token_types = torch.zeros_like(input_ids)
    for i, row in enumerate(ids):
        input_ids[i, : len(row)] = torch.tensor(row, dtype=torch.long)
        mask[i, : len(row)] = 1
        if types is not None:
            token_types[i, : len(row)] = torch.tensor(types[i], dtype=torch.long)
    batch = {"input_ids": input_ids, "attention_mask": mask, "token_type_ids": token_types}
    if device is not None and device.type == "cuda":  # pinned pages copy asynchronously
        batch = {k: v.pin_memory().to(device, non_blocking=True) for k, v in batch.items()}
    elif device is not None:
        batch = {k: v.to(device) for k, v in batch.items()}
    return batch


def length_batches(
    lengths: Sequence[int], batch_size: int, rng: np.random.Generator | None = None
) -> list[np.ndarray]:
    """Row indices grouped into batches of similar length.

    With ``rng`` (training) rows are shuffled within length buckets of 50 batches and the
    batch order is shuffled; without it (inference) batches follow ascending length.
    """
    sizes = np.asarray(lengths)
    if rng is None:
        order = np.argsort(sizes, kind="stable")
        return [order[s : s + batch_size] for s in range(0, len(order), batch_size)]
    order = rng.permutation(len(sizes))
    chunk = batch_size * 50
    batches: list[np.ndarray] = []
    for s in range(0, len(order), chunk):
        part = order[s : s + chunk]
        part = part[np.argsort(sizes[part], kind="stable")]
        batches.extend(part[b : b + batch_size] for b in range(0, len(part), batch_size))
    rng.shuffle(batches)  # the order the shipped weights were trained in: keep it
    return batches
