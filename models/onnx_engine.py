"""The v3 network on ONNX Runtime: same inputs and outputs as :class:`models.inference.Engine`.

No torch here: the tokenizer is the base model's ``tokenizer.json`` read by ``tokenizers``
(the same fast tokenizer transformers wraps), the encoder is the cached ONNX graph
(:mod:`models.onnx_export`), and masked-mean pooling and the three small heads are numpy
over the fp16 head weights of the shipped safetensors file, exactly as the torch path
loads them (fp16 -> fp32). So a scorer on this engine starts without importing torch.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from models.outputs import MAX_TOKENS, N_STANCES, PAIR_TOKENS, MessageLogits, PairLogits


class FastTokenizer:
    """``[CLS] a [SEP]`` / ``[CLS] a [SEP] b [SEP]`` ids as transformers' BertTokenizerFast
    gives them with ``truncation=True`` (longest first), without padding."""

    def __init__(self, tokenizer_json: Path) -> None:
        from tokenizers import Tokenizer

        self._tok = Tokenizer.from_file(str(tokenizer_json))
        self._tok.no_padding()

    def _truncate(self, max_tokens: int) -> None:
        self._tok.enable_truncation(max_length=max_tokens, strategy="longest_first")

    def messages(self, texts: Sequence[str], max_tokens: int = MAX_TOKENS) -> list[list[int]]:
        self._truncate(max_tokens)
        enc = self._tok.encode_batch([t if t.strip() else "[empty]" for t in texts])
        return [e.ids for e in enc]

    def pairs(
        self, firsts: Sequence[str], seconds: Sequence[str], max_tokens: int = PAIR_TOKENS
    ) -> tuple[list[list[int]], list[list[int]]]:
        self._truncate(max_tokens)
        enc = self._tok.encode_batch([
            (a if a.strip() else "[empty]", b if b.strip() else "[empty]")
            for a, b in zip(firsts, seconds, strict=True)
        ])
        return [e.ids for e in enc], [e.type_ids for e in enc]


def _pad(rows: Sequence[Sequence[int]], types: Sequence[Sequence[int]] | None
         ) -> dict[str, np.ndarray]:
    width = max(len(r) for r in rows)
    ids = np.zeros((len(rows), width), dtype=np.int64)
    token_types = np.zeros_like(ids)
    for i, row in enumerate(rows):
        ids[i, : len(row)] = row
        if types is not None:
            token_types[i, : len(row)] = types[i]
    mask = (np.arange(width)[None, :] < np.array([len(r) for r in rows])[:, None])
    return {"input_ids": ids, "attention_mask": mask.astype(np.int64),
            "token_type_ids": token_types}


def _masked_mean(states: np.ndarray, mask: np.ndarray) -> np.ndarray:
    m = mask[..., None].astype(np.float32)
    return np.asarray((states * m).sum(1) / np.maximum(m.sum(1), 1.0), dtype=np.float32)


def _length_batches(lengths: Sequence[int], batch_size: int) -> list[np.ndarray]:
    order = np.argsort(np.asarray(lengths), kind="stable")
    return [order[s : s + batch_size] for s in range(0, len(order), batch_size)]


class Heads:
    """The message, embedding and pair heads as numpy matrices (fp16 on disk -> fp32)."""

    def __init__(self, weights_file: Path) -> None:
        from safetensors.numpy import load_file

        state = load_file(str(weights_file))
        get = lambda k: state[k].astype(np.float32)  # noqa: E731 - a local alias
        self.message_w, self.message_b = get("message_head.weight"), get("message_head.bias")
        self.embed_w, self.embed_b = get("embed_proj.weight"), get("embed_proj.bias")
        self.pair_w, self.pair_b = get("pair_head.weight"), get("pair_head.bias")
        self.n_labels = self.message_w.shape[0] - 3


class OnnxEngine:
    """Message and pair logits from one ONNX encoder session."""

    def __init__(self, graph: Path, weights_file: Path, tokenizer_json: Path, *,
                 threads: int | None = None, device: str | None = None) -> None:
        import onnxruntime as ort

        options = ort.SessionOptions()
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        options.intra_op_num_threads = threads or int(os.environ.get("VIGIL_THREADS", "0") or 0)
        options.inter_op_num_threads = 1
        # No spin-waiting between ops: on a few shared cores a spinning pool burns the CPU
        # the other thread (or process) needs; measured 1.5x faster under load without it.
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        providers = ["CPUExecutionProvider"]
        if (device or "cpu").startswith("cuda") and \
                "CUDAExecutionProvider" in ort.get_available_providers():
            providers.insert(0, "CUDAExecutionProvider")
        self.session = ort.InferenceSession(str(graph), options, providers=providers)
        self.providers = self.session.get_providers()
        self.graph = graph
        self.heads = Heads(weights_file)
        self.tokenizer = FastTokenizer(tokenizer_json)

    def _states(self, feed: dict[str, np.ndarray]) -> np.ndarray:
        out: np.ndarray = self.session.run(["states"], feed)[0]
        return out

    def messages(self, texts: Sequence[str], batch_size: int = 64,
                 max_tokens: int = MAX_TOKENS, progress: str | None = None) -> MessageLogits:
        n, h = len(texts), self.heads
        labels = np.zeros((n, h.n_labels), dtype=np.float32)
        hx3 = np.zeros((n, 3), dtype=np.float32)
        emb = np.zeros((n, h.embed_w.shape[0]), dtype=np.float32)
        if not n:
            return MessageLogits(labels, hx3, emb)
        ids = self.tokenizer.messages(texts, max_tokens)
        for rows in _length_batches([len(r) for r in ids], batch_size):
            feed = _pad([ids[i] for i in rows], None)
            pooled = _masked_mean(self._states(feed), feed["attention_mask"])
            logits = pooled @ h.message_w.T + h.message_b
            labels[rows] = logits[:, : h.n_labels]
            hx3[rows] = logits[:, h.n_labels :]
            projected = pooled @ h.embed_w.T + h.embed_b
            norms = np.maximum(np.linalg.norm(projected, axis=1, keepdims=True), 1e-12)
            emb[rows] = projected / norms
        return MessageLogits(labels, hx3, emb)

    def pairs(self, firsts: Sequence[str], seconds: Sequence[str], batch_size: int = 32,
              progress: str | None = None) -> PairLogits:
        n = len(firsts)
        stance = np.zeros((n, N_STANCES), dtype=np.float32)
        delta = np.zeros(n, dtype=np.float32)
        if not n:
            return PairLogits(stance, delta)
        ids, types = self.tokenizer.pairs(firsts, seconds, PAIR_TOKENS)
        for rows in _length_batches([len(r) for r in ids], batch_size):
            feed = _pad([ids[i] for i in rows], [types[i] for i in rows])
            states = self._states(feed)
            mask = feed["attention_mask"]
            second = feed["token_type_ids"] * mask
            features = np.concatenate(
                [states[:, 0], _masked_mean(states, mask - second), _masked_mean(states, second)],
                axis=-1,
            )
            out = features @ self.heads.pair_w.T + self.heads.pair_b
            stance[rows] = out[:, :N_STANCES]
            delta[rows] = out[:, N_STANCES]
        return PairLogits(stance, delta)
