"""Config hook: score with any local Hugging Face sequence-classification checkpoint.

Spec forms accepted by :func:`scorer_from_spec`:

* ``None`` / ``"default"`` / ``{"model": "default"}`` - the shipped Vigil scorer;
* ``"path/to/checkpoint"`` - a local folder; its ``config.id2label`` names are matched to
  LABELS by name (``toxic`` -> ``toxicity`` etc., see ``_ALIASES``);
* ``{"model": "path", "label_map": {"toxic": "toxicity", ...}, "fallback": "default" | "zero",
  "multi_label": true | false, "max_tokens": 256}``.

Only checkpoints already on disk are used (``local_files_only``): the bot never downloads.
Labels the checkpoint does not cover come from the default heads (``fallback="default"``,
the default) or are 0.0 (``fallback="zero"``); ``uncovered_labels`` lists them. Stance and
the sentence embedding always come from the default scorer when it is the fallback.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import torch

from models.api import LABELS, ScoreRequest, ScoreResult
from models.data.common import clean_text

os.environ.setdefault("HF_HUB_OFFLINE", "1")
log = logging.getLogger(__name__)

_ALIASES = {
    "toxic": "toxicity",
    "toxicity": "toxicity",
    "offensive": "toxicity",
    "severe_toxic": None,
    "insult": "insult",
    "identity_hate": "identity_attack",
    "identity_attack": "identity_attack",
    "obscene": "profanity",
    "profanity": "profanity",
    "threat": "threat",
    "spam": "spam",
}


class HFSequenceScorer:
    """Wraps a local sequence-classification checkpoint behind the Scorer protocol."""

    def __init__(
        self,
        path: str | Path,
        label_map: Mapping[str, str] | None = None,
        fallback: Any = None,
        multi_label: bool | None = None,
        max_tokens: int = 256,
        device: str | None = None,
    ) -> None:
        from transformers import AutoModelForSequenceClassification, AutoTokenizer

        path = Path(path)
        if not path.exists():
            raise FileNotFoundError(
                f"scorer checkpoint {path} not found; only local checkpoints are supported "
                "(download it once and point the config at the folder)"
            )
        self.device = torch.device(device or "cpu")
        self.tokenizer = AutoTokenizer.from_pretrained(str(path), local_files_only=True)
        self.model = (
            AutoModelForSequenceClassification.from_pretrained(str(path), local_files_only=True)
            .eval()
            .to(self.device)
        )
        cfg = self.model.config
        names = [str(cfg.id2label.get(i, f"LABEL_{i}")) for i in range(cfg.num_labels)]
        mapping = (
            dict(label_map)
            if label_map
            else {n: alias for n in names if (alias := _ALIASES.get(n.lower()))}
        )
        unknown = set(mapping) - set(names)
        if unknown:
            raise ValueError(f"label_map names {sorted(unknown)} not in checkpoint labels {names}")
        bad = {v for v in mapping.values() if v not in LABELS}
        if bad:
            raise ValueError(f"label_map targets {sorted(bad)} are not Vigil labels {LABELS}")
        self.columns = {vigil: names.index(src) for src, vigil in mapping.items()}
        self.uncovered_labels = tuple(lab for lab in LABELS if lab not in self.columns)
        if self.uncovered_labels:
            log.warning(
                "checkpoint %s does not cover %s; using %s",
                path,
                ", ".join(self.uncovered_labels),
                "the default heads" if fallback is not None else "0.0",
            )
        self.multi_label = (
            multi_label
            if multi_label is not None
            else cfg.problem_type == "multi_label_classification" or cfg.num_labels == 1
        )
        self.max_tokens = max_tokens
        self.fallback = fallback
        self.version = f"hf:{path.name}" + (f"+{fallback.version}" if fallback else "")

    @torch.inference_mode()
    def score_batch(self, requests: Sequence[ScoreRequest]) -> list[ScoreResult]:
        if not requests:
            return []
        texts = [clean_text(r.text) or "[empty]" for r in requests]
        probs = torch.empty(len(texts), self.model.config.num_labels)
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        for s in range(0, len(order), 32):
            idx = order[s : s + 32]
            enc = self.tokenizer(
                [texts[i] for i in idx],
                padding=True,
                truncation=True,
                max_length=self.max_tokens,
                return_tensors="pt",
            ).to(self.device)
            logits = self.model(**enc).logits.float().cpu()
            probs[idx] = torch.sigmoid(logits) if self.multi_label else logits.softmax(-1)
        base = self.fallback.score_batch(requests) if self.fallback is not None else None
        out = []
        for i in range(len(requests)):
            scores = dict.fromkeys(LABELS, 0.0)
            if base is not None:
                scores.update(base[i].scores)
            for lab, col in self.columns.items():
                scores[lab] = float(probs[i, col])
            out.append(
                ScoreResult(
                    scores=scores,
                    parent_stance=base[i].parent_stance if base else None,
                    target_stances=base[i].target_stances if base else (),
                    embedding=base[i].embedding if base else None,
                )
            )
        return out


def scorer_from_spec(
    spec: str | Mapping[str, Any] | None, device: str | None = None, default_loader=None
):
    """Build the scorer a config names (see module docstring)."""
    from models.scorer import load_default_scorer

    loader = default_loader or load_default_scorer
    if spec is None or spec == "default":
        return loader(device=device)
    if isinstance(spec, str | Path):
        spec = {"model": str(spec)}
    model = spec.get("model") or spec.get("path")
    if model in (None, "default"):
        return loader(device=device)
    fallback_kind = spec.get("fallback", "default")
    if fallback_kind not in ("default", "zero"):
        raise ValueError("fallback must be 'default' or 'zero'")
    fallback = loader(device=device) if fallback_kind == "default" else None
    return HFSequenceScorer(
        model,
        spec.get("label_map"),
        fallback=fallback,
        multi_label=spec.get("multi_label"),
        max_tokens=int(spec.get("max_tokens", 256)),
        device=device,
    )
