"""Raw network outputs for many texts or pairs: length-sorted batches, input order kept.

Shared by the scorer, calibration at the end of training, and evaluation, so all three see
exactly the same numbers. Rows never influence each other (masked pooling), so a batch
gives the same result as one text at a time.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import torch

from models.batches import collate, length_batches, tokenize_messages, tokenize_pairs
from models.network import HIDDEN, N_LABELS, VigilNet
from models.outputs import MAX_TOKENS, PAIR_TOKENS, MessageLogits, PairLogits


class Engine:
    def __init__(self, tokenizer, net: VigilNet, device: str | None = None) -> None:
        self.tokenizer = tokenizer
        self.net = net.eval()
        self.device = torch.device(device or "cpu")
        self.net.to(self.device)
        if self.device.type == "cuda":  # half precision on a GPU; CPUs keep fp32
            self.net.half()

    @torch.inference_mode()
    def messages(
        self, texts: Sequence[str], batch_size: int = 64, max_tokens: int = MAX_TOKENS,
        progress: str | None = None,
    ) -> MessageLogits:
        n = len(texts)
        labels = np.zeros((n, N_LABELS), dtype=np.float32)
        hx3 = np.zeros((n, 3), dtype=np.float32)
        emb = np.zeros((n, HIDDEN), dtype=np.float32)
        if not n:
            return MessageLogits(labels, hx3, emb)
        ids = tokenize_messages(self.tokenizer, texts, max_tokens)
        for rows in _progress(length_batches([len(r) for r in ids], batch_size), progress):
            out = self.net.message(collate([ids[i] for i in rows], device=self.device))
            labels[rows] = out.label_logits.float().cpu().numpy()
            hx3[rows] = out.hx3_logits.float().cpu().numpy()
            emb[rows] = out.embedding.float().cpu().numpy()
        return MessageLogits(labels, hx3, emb)

    @torch.inference_mode()
    def pairs(
        self, firsts: Sequence[str], seconds: Sequence[str], batch_size: int = 32,
        progress: str | None = None,
    ) -> PairLogits:
        n = len(firsts)
        stance = np.zeros((n, 3), dtype=np.float32)
        delta = np.zeros(n, dtype=np.float32)
        if not n:
            return PairLogits(stance, delta)
        ids, types = tokenize_pairs(self.tokenizer, firsts, seconds, PAIR_TOKENS)
        for rows in _progress(length_batches([len(r) for r in ids], batch_size), progress):
            batch = collate([ids[i] for i in rows], [types[i] for i in rows], self.device)
            out = self.net.pair(batch)
            stance[rows] = out.stance_logits.float().cpu().numpy()
            delta[rows] = out.toxicity_delta.float().cpu().numpy()
        return PairLogits(stance, delta)


def _progress(batches: list[np.ndarray], desc: str | None) -> Iterable[np.ndarray]:
    if desc is None:
        return batches
    from tqdm import tqdm

    return tqdm(batches, desc=desc, unit="batch")
