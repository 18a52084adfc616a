"""Evaluate the shipped model on every dev split, side by side with the plain baseline.

    python -m models.evaluate [--data-dir ../shared/data] [--baseline .cache/baseline-v3]

Writes ``models/reports/eval.json``, ``eval.md`` and ``reliability.png`` and prints the
markdown. Dev splits are never trained on (models.tables); decisions are probability >= 0.5;
95% intervals are percentile bootstrap over examples. The baseline (``python -m models.train
--baseline``) is evaluated in the same run when its weights exist.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
from pathlib import Path
from typing import Any

import torch

from models import dev_metrics, weights_io
from models.api import ScoreRequest
from models.data.build import load_corpus
from models.data.common import clean_text, default_data_dir
from models.tables import CACHE_DIR
from models.train import BASELINE_DIR

log = logging.getLogger(__name__)
CHECKS = Path(__file__).resolve().parent / "checks" / "functional.jsonl"
REPORTS = Path(__file__).resolve().parent / "reports"


def run_checks(scorer, path: Path = CHECKS) -> dict[str, Any]:
    """Behavioural checks: each row says which scores must be at least 0.5 or below it."""
    rows = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    results = scorer.score_batch([ScoreRequest(r["text"], parent=r.get("parent")) for r in rows])
    by_cat: dict[str, list[int]] = {}
    failures = []
    for r, res in zip(rows, results, strict=True):
        ok = True
        for lab, want in r.get("expect", {}).items():
            if lab == "stance":
                ok &= max(res.parent_stance, key=res.parent_stance.get) == want
            else:
                ok &= (res.scores[lab] >= 0.5) == (want == "high")
        tally = by_cat.setdefault(r["category"], [0, 0])
        tally[0] += int(ok)
        tally[1] += 1
        if not ok:
            failures.append({"text": r["text"], "parent": r.get("parent"), "expect": r["expect"],
                             "scores": {k: round(v, 3) for k, v in res.scores.items()},
                             "stance": res.parent_stance})
    return {"pass": sum(v[0] for v in by_cat.values()),
            "total": sum(v[1] for v in by_cat.values()),
            "by_category": {k: f"{a}/{b}" for k, (a, b) in sorted(by_cat.items())},
            "failures": failures}


def evaluate_model(
    scorer, corpus, functionality: dict[str, str], cache_dir: Path | None = None
) -> dict[str, Any]:
    """All dev metrics of one scorer; cached by model version and dev data, so adding the
    baseline later does not re-score the shipped model."""
    dev = [e for e in corpus.singles if e.split == "dev"]
    pairs = [p for p in corpus.pairs if p.split == "dev"]
    key = hashlib.sha256(json.dumps(
        [scorer.version, [(e.source, e.text, e.parent, sorted(e.labels.items())) for e in dev],
         [(p.source, p.parent, p.text, p.stance, p.toxicity) for p in pairs],
         CHECKS.read_text()]).encode()).hexdigest()[:16]
    cached = cache_dir / f"eval-{key}.json" if cache_dir is not None else None
    if cached is not None and cached.is_file():
        log.info("reusing %s for %s", cached, scorer.version)
        result: dict[str, Any] = json.loads(cached.read_text())
        return result
    d = dev_metrics.predict(scorer, dev, pairs)
    result = {
        "version": scorer.version,
        "tasks": dev_metrics.tasks(d),
        "per_corpus": dev_metrics.per_corpus(d),
        "contrast": dev_metrics.contrast(d, lambda t: functionality.get(t, "unknown")),
        "checks": run_checks(scorer),
    }
    if cached is not None:
        cached.parent.mkdir(parents=True, exist_ok=True)
        cached.write_text(json.dumps(result))
    return result


def _fmt(m: dict[str, Any] | None) -> str:
    if not m:
        return "-"
    ci = m.get("macro_f1_ci") or [float("nan")] * 2
    return f"{m['macro_f1']:.3f} [{ci[0]:.3f}, {ci[1]:.3f}]"


def to_markdown(res: dict[str, Any]) -> str:
    v3, base = res["v3"], res.get("baseline")
    lines = ["# Vigil v3 - dev evaluation", "",
             f"Model: `{v3['version']}`" + (f"; baseline: `{base['version']}`" if base else ""),
             "", "Decisions are probability >= 0.5. Macro-F1 over both classes for binary "
             "tasks; stance toward claims is F_avg (mean F1 of agree and disagree over "
             "3-way predictions). 95% bootstrap intervals.", "",
             "## Tasks", "", "| dev task | v3 | plain baseline | n |", "|---|---|---|---|"]
    for name, m in v3["tasks"].items():
        b = base["tasks"].get(name) if base else None
        lines.append(f"| {name} | {_fmt(m)} | {_fmt(b)} | {m['n']} |")
    c = v3["contrast"]
    lines += ["", f"## Contrast dev half (frames never trained on): {c['accuracy']:.3f} "
              f"of {c['n']} items with all six labels right", "",
              "| functionality | v3 | plain baseline |", "|---|---|---|"]
    for k, acc in c["by_functionality"].items():
        b = base["contrast"]["by_functionality"].get(k) if base else None
        lines.append(f"| {k} | {acc:.3f} | {'-' if b is None else f'{b:.3f}'} |")
    lines += ["", "Per-label accuracy on the contrast dev half: " + ", ".join(
        f"{k} {v:.3f}" for k, v in c["per_label_accuracy"].items())]
    lines += ["", "## Per corpus and label (dev): macro-F1, ROC AUC, ECE", "",
              "| corpus/label | n | pos | macro-F1 | AUC | ECE | baseline macro-F1 | "
              "baseline ECE |", "|---|---|---|---|---|---|---|---|"]
    for k, m in v3["per_corpus"].items():
        b = base["per_corpus"].get(k) if base else None
        lines.append(f"| {k} | {m['n']} | {m['positives']} | {m['macro_f1']:.3f} | "
                     f"{m['roc_auc']:.3f} | {m['ece']:.3f} | "
                     f"{'-' if not b else format(b['macro_f1'], '.3f')} | "
                     f"{'-' if not b else format(b['ece'], '.3f')} |")
    ch = v3["checks"]
    lines += ["", f"## Functional checks (models/checks): {ch['pass']}/{ch['total']} pass"
              + (f" (baseline {base['checks']['pass']}/{base['checks']['total']})" if base
                 else ""), "", "| category | pass |", "|---|---|"]
    lines += [f"| {k} | {v} |" for k, v in ch["by_category"].items()]
    if ch["failures"]:
        lines += ["", "Failures:", ""] + [f"- `{f['text']}` expected {f['expect']}"
                                          for f in ch["failures"]]
    lines += ["", "Reliability per corpus: `reliability.png` (toxicity and identity_attack)."]
    return "\n".join(lines) + "\n"


def plot_reliability(res: dict[str, Any], path: Path) -> bool:
    """Reliability diagrams per corpus for the two main labels; False without matplotlib."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        log.warning("matplotlib not installed: no reliability plot")
        return False
    fig, axes = plt.subplots(1, 2, figsize=(12, 5.5))
    sources = sorted({k.split("/")[0] for k in res["v3"]["per_corpus"]})
    colours = {s: plt.get_cmap("tab20")(i % 20) for i, s in enumerate(sources)}
    for ax, label in zip(axes, ("toxicity", "identity_attack"), strict=True):
        ax.plot([0, 1], [0, 1], color="grey", linestyle="--", linewidth=1)
        for key, m in res["v3"]["per_corpus"].items():
            source, lab = key.split("/")
            if lab != label:
                continue
            xs = [b["mean_prob"] for b in m["reliability"]]
            ys = [b["frac_pos"] for b in m["reliability"]]
            ax.plot(xs, ys, marker="o", markersize=3, color=colours[source],
                    label=f"{source} (ECE {m['ece']:.2f})")
        ax.set(title=f"{label}: v3 reliability on dev", xlabel="mean predicted probability",
               ylabel="fraction positive", xlim=(0, 1), ylim=(0, 1))
        ax.legend(fontsize=7, loc="upper left")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return True


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description="Evaluate Vigil v3 on every dev split.")
    ap.add_argument("--data-dir", type=Path, default=default_data_dir())
    ap.add_argument("--weights", type=Path, default=weights_io.WEIGHTS_DIR)
    ap.add_argument("--baseline", type=Path, default=BASELINE_DIR,
                    help="plain baseline weights (skipped when absent)")
    ap.add_argument("--out", type=Path, default=REPORTS)
    ap.add_argument("--cache-dir", type=Path, default=CACHE_DIR,
                    help="per-model results, keyed by model version and dev data")
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    torch.set_num_threads(2)
    from models.data.contrast import load_items
    from models.scorer import load_default_scorer

    corpus = load_corpus(args.data_dir)
    functionality = {clean_text(it.text): it.functionality for it in load_items()}
    res: dict[str, Any] = {
        "v3": evaluate_model(load_default_scorer(weights_dir=args.weights), corpus,
                             functionality, args.cache_dir)
    }
    if (args.baseline / f"{weights_io.STEM}.json").is_file():
        res["baseline"] = evaluate_model(
            load_default_scorer(weights_dir=args.baseline), corpus, functionality,
            args.cache_dir)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "eval.json").write_text(json.dumps(res, indent=2) + "\n")
    plot_reliability(res, args.out / "reliability.png")
    md = to_markdown(res)
    (args.out / "eval.md").write_text(md)
    print(md)


if __name__ == "__main__":
    main()
