"""How the extractor's decision rule and threshold trade strict relation precision for recall, from one forward
pass over a split (choose on dev, never on test), by ``spacy_tkre.decision_tuning`` (what ``python -m spacy_tkre
tune-decision`` runs), plus a plot.

    python -m bench.conll04_decision training/conll04_shared/model-best corpus/conll04_dev.spacy \
        --output bench/results/conll04_decision_dev.json

Writes the JSON (one row per setting, the best setting by raw-text strict micro-F1) and a PNG of F1 against the
threshold per rule.
"""
import json
from pathlib import Path
from typing import Dict, List

import matplotlib
import spacy
import typer

from spacy_tkre.decision_tuning import sweep_decisions

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def plot(rows: List[Dict], output: Path, title: str) -> None:
    plt.figure(figsize=(7, 3.8))
    for decision, style in (("argmax", "--"), ("best_positive", "-")):
        mine = [row for row in rows if row["decision"] == decision]
        thresholds = [row["threshold"] for row in mine]
        plt.plot(thresholds, [100 * row["rel_strict_micro_f"] for row in mine], style, color="tab:blue",
                 marker="o", label=f"{decision}: micro F1, raw text")
        plt.plot(thresholds, [100 * row["gold_ents_rel_strict_micro_f"] for row in mine], style, color="tab:green",
                 marker=".", label=f"{decision}: micro F1, gold entities")
    plt.xlabel("threshold")
    plt.ylabel("strict relation F1 (%)")
    plt.title(title, fontsize=8)
    plt.legend(fontsize=7)
    plt.tight_layout()
    plt.savefig(output.with_suffix(".png"), dpi=120)
    plt.close()


def main(
    pipeline: str,
    data: Path,
    output: Path = typer.Option(..., dir_okay=False),
    batch_size: int = typer.Option(64),
) -> None:
    nlp = spacy.load(pipeline)
    result = sweep_decisions(nlp, data, batch_size=batch_size)
    rows, best = result["settings"], result["best"]
    for row in rows:
        print(f"{row['decision']:14s} {row['threshold']:.2f}  raw micro P/R/F {row['rel_strict_micro_p']:.3f} "
              f"{row['rel_strict_micro_r']:.3f} {row['rel_strict_micro_f']:.3f}  macro F "
              f"{row['rel_strict_macro_f']:.3f}  gold-ents micro F {row['gold_ents_rel_strict_micro_f']:.3f}")
    result = {"pipeline": pipeline, "data": str(data), **result}
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(result, indent=2), encoding="utf8")
    plot(rows, output, f"{Path(pipeline).parent.name}/{Path(pipeline).name} on {data.name}: best "
         f"{best['decision']} {best['threshold']} ({100 * best['rel_strict_micro_f']:.1f} micro F1)")
    print(json.dumps(best, indent=2))


if __name__ == "__main__":
    typer.run(main)
