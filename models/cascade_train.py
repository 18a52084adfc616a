"""Train the cascade's first stage from the full model's own outputs (minutes, on the CPU).

    python -m bot.simulate --out /tmp/chat101 --seed 101     # chat text (not the dev seed)
    python -m models.cascade_train --chat /tmp/chat101/community.jsonl [--corpus-rows 6000]

Texts: simulated chat (JSON lines with ``content``) and rows of the public corpora under
/work/shared/data (OLID, Davidson, ToxiChat, Wikipedia attacks, SMS and YouTube spam), so
the stage sees abuse as well as banter. Targets: the full v3 model's calibrated label
probabilities and its sentence embedding (ONNX fp32, identical to torch). The stage
(models.cascade_stage) is fitted on 80% and its clearing gate set on the other 20%: the
largest gate under which no held-out message the full model scores at or above
``FLOOR`` on any label would be cleared, then halved for margin. Writes
models/weights/vigil-v3-stage1.safetensors and its JSON (gate, held-out figures, and the
SHA-256 of the full model it imitates: the stage refuses other weights).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import random
from pathlib import Path

import numpy as np
import torch
from safetensors.numpy import save_file
from tqdm import tqdm

from models.cascade_stage import BUCKETS, DIM, STAGE_STEM, features
from models.data import davidson, olid, spam, toxichat, wiki_attacks
from models.data.common import clean_text, default_data_dir

log = logging.getLogger(__name__)

#: The gate head learns "the full model scores this >= FLOOR on some label".
FLOOR = 0.2
#: The lowest review line a server is expected to use (the default policy's lowest is
#: 0.30): the gate keeps every held-out message the full model scores at or above this.
REVIEW_LINE = 0.3


def chat_texts(path: Path, limit: int) -> list[str]:
    texts = []
    for line in path.open(encoding="utf-8"):
        content = json.loads(line).get("content")
        if content:
            texts.append(clean_text(content))
    return list(dict.fromkeys(texts))[:limit]


def corpus_texts(data_dir: Path, per_corpus: int, rng: random.Random) -> list[str]:
    out: list[str] = []
    loaders = (olid.load, davidson.load, lambda d: toxichat.load(d)[0], wiki_attacks.load,
               spam.load_sms, spam.load_youtube)
    for load in loaders:
        rows = [clean_text(ex.text) for ex in load(data_dir)]
        rng.shuffle(rows)
        out.extend(rows[:per_corpus])
    return list(dict.fromkeys(t for t in out if t))


def teacher_outputs(texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """(calibrated label probabilities, unit embeddings) of the full model."""
    from models.onnx_scorer import load_onnx_scorer

    scorer = load_onnx_scorer("fp32")
    probs, embs = [], []
    for s in tqdm(range(0, len(texts), 256), desc="full-model targets", unit="chunk"):
        out = scorer.engine.messages(texts[s : s + 256])
        probs.append(scorer.message_probs(out.labels))
        embs.append(out.embeddings)
    return np.concatenate(probs), np.concatenate(embs)


class _Stage(torch.nn.Module):
    def __init__(self, vocab: int) -> None:
        super().__init__()
        self.table = torch.nn.EmbeddingBag(vocab + BUCKETS, DIM, mode="mean", sparse=True)
        self.labels = torch.nn.Linear(DIM, 6)
        self.embed = torch.nn.Linear(DIM, 384)
        self.gate = torch.nn.Linear(DIM, 1)

    def forward(self, flat: torch.Tensor, offsets: torch.Tensor
                ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        pooled = self.table(flat, offsets)
        emb = torch.nn.functional.normalize(self.embed(pooled), dim=-1)
        return self.labels(pooled), emb, self.gate(pooled)[:, 0]


def _bag(rows: list[np.ndarray]) -> tuple[torch.Tensor, torch.Tensor]:
    offsets = np.cumsum([0] + [len(r) for r in rows[:-1]])
    return torch.from_numpy(np.concatenate(rows)), torch.from_numpy(offsets)


def train(feats: list[np.ndarray], probs: np.ndarray, embs: np.ndarray, vocab: int,
          epochs: int = 30, seed: int = 0) -> _Stage:
    torch.manual_seed(seed)
    model = _Stage(vocab)
    # Sparse updates for the table (only the rows a batch touches), dense for the heads.
    table_opt = torch.optim.SparseAdam(list(model.table.parameters()), lr=3e-3)
    opt = torch.optim.Adam([*model.labels.parameters(), *model.embed.parameters(),
                            *model.gate.parameters()], lr=3e-3)
    y, e = torch.from_numpy(probs), torch.from_numpy(embs)
    flagged = torch.from_numpy((probs.max(1) >= FLOOR).astype(np.float32))
    # Missing a flagged message costs more than sending a benign one to the encoder.
    pos_weight = torch.tensor(4.0)
    order = np.arange(len(feats))
    rng = np.random.default_rng(seed)
    for _ in tqdm(range(epochs), desc="stage-1 epochs", unit="epoch"):
        rng.shuffle(order)
        for s in range(0, len(order), 128):
            rows = order[s : s + 128]
            logits, emb, gate = model(*_bag([feats[i] for i in rows]))
            loss = torch.nn.functional.binary_cross_entropy_with_logits(logits, y[rows])
            loss = loss + (1.0 - (emb * e[rows]).sum(-1)).mean()
            loss = loss + torch.nn.functional.binary_cross_entropy_with_logits(
                gate, flagged[rows], pos_weight=pos_weight)
            opt.zero_grad()
            table_opt.zero_grad()
            loss.backward()
            opt.step()
            table_opt.step()
    return model.eval()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--chat", type=Path, action="append", required=True,
                    help="simulated transcript(s) (repeat)")
    ap.add_argument("--chat-rows", type=int, default=6000)
    ap.add_argument("--corpus-rows", type=int, default=1200, help="rows per public corpus")
    ap.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / "weights")
    ap.add_argument("--targets", type=Path, default=None,
                    help="cache of the full model's targets (.npz): reused when present")
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO)
    torch.set_num_threads(2)
    rng = random.Random(12)
    texts = [t for path in args.chat for t in chat_texts(path, args.chat_rows)]
    chat_set = set(texts)
    texts = list(dict.fromkeys(texts + corpus_texts(default_data_dir(), args.corpus_rows, rng)))
    rng.shuffle(texts)
    log.info("%d distinct texts", len(texts))
    if args.targets is not None and args.targets.is_file():
        cached = np.load(args.targets, allow_pickle=False)
        texts, probs, embs = list(cached["texts"]), cached["probs"], cached["embs"]
    else:
        probs, embs = teacher_outputs(texts)
        if args.targets is not None:
            np.savez(args.targets, texts=np.array(texts), probs=probs, embs=embs)

    from models.cascade_stage import load_tokenizer

    tokenizer = load_tokenizer()
    feats = features(tokenizer, texts)
    cut = int(len(texts) * 0.8)
    model = train(feats[:cut], probs[:cut], embs[:cut], tokenizer.get_vocab_size())
    with torch.no_grad():
        _, emb, gate_logit = model(*_bag(feats[cut:]))
    held_gate, full_max = torch.sigmoid(gate_logit).numpy(), probs[cut:].max(1)
    positives = full_max >= REVIEW_LINE
    # The largest gate under which no held-out positive is cleared, halved for margin.
    gate = float(held_gate[positives].min()) / 2 if positives.any() else 0.05
    cleared = held_gate < gate
    chat = np.array([t in chat_set for t in texts[cut:]])
    meta_full = json.loads((args.out / "vigil-v3.json").read_text())
    report = {
        "texts": len(texts), "held_out": len(texts) - cut, "floor": FLOOR,
        "review_line": REVIEW_LINE, "gate": gate,
        "held_out_cleared_share": round(float(cleared.mean()), 4),
        "held_out_chat_cleared_share": round(float(cleared[chat].mean()), 4) if chat.any() else 0,
        "held_out_flagged_cleared": int((cleared & (full_max >= FLOOR)).sum()),
        "held_out_positives": int(positives.sum()),
        "held_out_positives_cleared": int((cleared & positives).sum()),
        "embedding_cosine_mean": round(float((emb.numpy() * embs[cut:]).sum(1).mean()), 4),
        "full_weights_sha256": meta_full["weights_sha256"],
    }
    state = {
        "table": model.table.weight.detach().numpy().astype(np.float16),
        "labels.weight": model.labels.weight.detach().numpy(),
        "labels.bias": model.labels.bias.detach().numpy(),
        "embed.weight": model.embed.weight.detach().numpy().astype(np.float16),
        "embed.bias": model.embed.bias.detach().numpy(),
        "gate.weight": model.gate.weight.detach().numpy(),
        "gate.bias": model.gate.bias.detach().numpy(),
    }
    path = args.out / f"{STAGE_STEM}.safetensors"
    save_file(state, str(path))
    report["weights_sha256"] = hashlib.sha256(path.read_bytes()).hexdigest()
    (args.out / f"{STAGE_STEM}.json").write_text(json.dumps(report, indent=2) + "\n")
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
