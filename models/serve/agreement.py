"""How the endpoint's Perspective attributes agree with human labels on public Jigsaw data.

    python -m models.serve.agreement [--data /work/shared/data] [--templates 2000]

No Perspective calls: the texts are the public test sets Jigsaw published to evaluate
Perspective's own TOXICITY model (Wikipedia talk comments, the same comments with identity
terms swapped, and identity sentence templates) and Wikipedia personal-attack labels. Each
text goes through the same mapping the endpoint applies (models.serve.perspective), one
comment per request and no context. Prints a Markdown table: ROC AUC, and accuracy and
F1 of the positive class at 0.5.
"""

from __future__ import annotations

import argparse
import csv
import random
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from models.api import ScoreRequest
from models.metrics import roc_auc
from models.serve.perspective import attribute_values

DATA = Path("/work/shared/data")


@dataclass(frozen=True)
class Sample:
    name: str
    texts: list[str]
    labels: list[bool]
    attributes: tuple[str, ...]


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def samples(data: Path, templates: int) -> list[Sample]:
    jigsaw = data / "jigsaw_sentence_templates"
    out = []
    for kind in ("nonfuzzed", "fuzzed"):
        rows = _rows(jigsaw / f"toxicity_{kind}_testset.csv")
        out.append(Sample(f"Jigsaw Wikipedia toxicity test set ({kind})",
                          [r["comment"] for r in rows], [r["toxic"] == "True" for r in rows],
                          ("TOXICITY", "SEVERE_TOXICITY")))
    rows = _rows(jigsaw / "en_sentence_templates.csv")
    rows = random.Random(0).sample(rows, min(templates, len(rows)))
    out.append(Sample(f"Jigsaw identity templates ({len(rows)} drawn)",
                      [r["phrase"] for r in rows], [r["toxicity"] == "toxic" for r in rows],
                      ("TOXICITY", "IDENTITY_ATTACK")))
    rows = _rows(data / "wiki_personal_attacks_sample" / "binary_abuse_dev_sample.csv")
    out.append(Sample("Wikipedia personal attacks (dev sample)", [r["text"] for r in rows],
                      [r["label"] == "True" for r in rows], ("INSULT", "TOXICITY")))
    return out


def score(texts: list[str], batch: int = 64) -> list[dict[str, float]]:
    from tqdm import tqdm

    from models.scorer import load_default_scorer

    scorer = load_default_scorer()
    out: list[dict[str, float]] = []
    for i in tqdm(range(0, len(texts), batch), desc="scoring", unit="batch"):
        results = scorer.score_batch([ScoreRequest(t) for t in texts[i:i + batch]])
        out.extend(attribute_values(r.scores) for r in results)
    return out


def table(rows: list[Sample], scores: list[list[dict[str, float]]]) -> str:
    lines = ["| public sample | n | positives | attribute | ROC AUC | accuracy@0.5 | F1@0.5 |",
             "|---|---|---|---|---|---|---|"]
    for sample, values in zip(rows, scores, strict=True):
        y = np.array(sample.labels, dtype=bool)
        for attribute in sample.attributes:
            p = np.array([v[attribute] for v in values])
            hit = p >= 0.5
            tp = int((hit & y).sum())
            f1 = 2 * tp / max(1, int(hit.sum()) + int(y.sum()))
            lines.append(f"| {sample.name} | {len(y)} | {int(y.sum())} | {attribute} | "
                         f"{roc_auc(y, p):.3f} | {float((hit == y).mean()):.3f} | {f1:.3f} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m models.serve.agreement",
                                     description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--templates", type=int, default=2000)
    args = parser.parse_args(argv)
    rows = samples(args.data, args.templates)
    flat = score([t for s in rows for t in s.texts])
    split, offset = [], 0
    for sample in rows:
        split.append(flat[offset:offset + len(sample.texts)])
        offset += len(sample.texts)
    print(table(rows, split))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
