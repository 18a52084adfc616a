"""What the bench compares the core against, and how it reads memory and start time.

* the naive way: a BERT-base-shaped classifier (transformers' ``BertConfig()`` defaults,
  random weights: cost, not quality), one message at a time, fp32, the shape of the
  popular open toxicity models;
* one plain all-MiniLM-L6-v2 forward pass over the same texts in batches (the backbone
  Vigil runs, untouched), the floor a one-pass scorer is measured against;
* cold start: a fresh interpreter that loads the scorer the bot would load and scores one
  line, timed from its start (imports included), with its resident memory at the end.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Sequence
from typing import Any

from tqdm import tqdm


def rss_mb() -> dict[str, float]:
    """Current (VmRSS) and peak (VmHWM) resident memory of this process, in MB."""
    out = {"rss_mb": 0.0, "peak_rss_mb": 0.0}
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    out["rss_mb"] = round(int(line.split()[1]) / 1024, 1)
                elif line.startswith("VmHWM:"):
                    out["peak_rss_mb"] = round(int(line.split()[1]) / 1024, 1)
    except OSError:  # not Linux: resource gives the peak only
        import resource

        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        out["peak_rss_mb"] = round(peak / (1024 * 1024 if sys.platform == "darwin" else 1024), 1)
    return out


_COLD = """
import json, time
t0 = time.perf_counter()
from bot.policy_config import ModelSpec
from bot.scoring import load_scorer
from models.api import ScoreRequest
scorer = load_scorer(ModelSpec())
loaded = time.perf_counter() - t0
scorer.score_batch([ScoreRequest("hello there, how is everyone doing today?")])
first = time.perf_counter() - t0
rss = 0.0
for line in open("/proc/self/status"):
    if line.startswith("VmHWM:"):
        rss = int(line.split()[1]) / 1024
print(json.dumps({"cold_start_s": round(first, 2), "load_s": round(loaded, 2),
                  "one_line_peak_rss_mb": round(rss, 1), "version": scorer.version}))
"""


def cold_start(env: dict[str, str] | None = None) -> dict[str, Any]:
    """Start-to-first-score of a new process (the bench's own imports do not count)."""
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", _COLD], capture_output=True, text=True,
                          env=env, check=False, timeout=600)
    if proc.returncode != 0:
        return {"error": proc.stderr.strip()[-500:]}
    out: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    out["process_wall_s"] = round(time.perf_counter() - t0, 2)
    return out


def naive_bert(texts: Sequence[str], threads: int, progress: bool = True) -> dict[str, Any]:
    """BERT-base (BertConfig defaults), random weights, one message per forward, fp32."""
    import torch
    from transformers import AutoTokenizer, BertConfig, BertForSequenceClassification

    from models.backbone import default_backbone_path

    torch.set_num_threads(threads)
    torch.manual_seed(0)
    config = BertConfig()  # the defaults are BERT-base: 12 layers, 768 wide, 110M params
    config.num_labels = 6
    model = BertForSequenceClassification(config).eval()
    tokenizer = AutoTokenizer.from_pretrained(str(default_backbone_path()),
                                              local_files_only=True)
    with torch.inference_mode():
        model(**tokenizer(["warm up"], return_tensors="pt"))
        t0 = time.perf_counter()
        for text in tqdm(texts, desc="naive BERT-base, one at a time", unit="msg",
                         disable=not progress, file=sys.stderr):
            enc = tokenizer([text], truncation=True, max_length=128, return_tensors="pt")
            torch.sigmoid(model(**enc).logits)
        elapsed = time.perf_counter() - t0
    return {"msgs_per_s": round(len(texts) / elapsed, 1), "messages": len(texts),
            "params_m": round(sum(p.numel() for p in model.parameters()) / 1e6, 1)}


def plain_minilm(texts: Sequence[str], threads: int, batch: int = 32,
                 progress: bool = True) -> dict[str, Any]:
    """One untouched all-MiniLM-L6-v2 forward (torch, fp32) per batch of ``batch`` texts."""
    import torch

    from models.backbone import BaseEmbedder

    torch.set_num_threads(threads)
    base = BaseEmbedder()
    base.embed(["warm up"])
    t0 = time.perf_counter()
    for s in tqdm(range(0, len(texts), batch), desc=f"plain MiniLM-L6, batch {batch}",
                  unit="batch", disable=not progress, file=sys.stderr):
        base.embed(list(texts[s : s + batch]), batch_size=batch)
    elapsed = time.perf_counter() - t0
    return {"msgs_per_s": round(len(texts) / elapsed, 1), "messages": len(texts),
            "batch": batch}
