"""Compare synthesis runs (e.g. the batch and the diverse prompt style) on equal footing, as JSON and a PNG.

Distinct-n rises and self-BLEU falls as a set gets smaller, so runs are compared on matched sets: per label, the
first n accepted samples of every run, n being the smallest count any run reached for that label. Unmatched
figures (everything each run accepted) are reported too.

    python -m bench.synthesis_report SUPPORT.spacy batch=batch.spacy diverse=diverse.spacy \
        --output bench/results/synthesis_styles.json --plot bench/results/synthesis_styles.png
"""
from pathlib import Path
from typing import Dict, List, Optional

import srsly
import typer

import spacy_tkre  # noqa: F401  (doc._.relations)
from spacy_tkre.docbins import read_docbin
from spacy_tkre.llm.diversity import diversity, similarity_to_reference

FIGURES = ("distinct_1", "distinct_2", "self_bleu", "bleu_to_gold")


def texts_by_label(path: Path) -> Dict[str, List[str]]:
    found: Dict[str, List[str]] = {}
    for doc in read_docbin(path):
        for relation in doc._.relations:
            found.setdefault(relation.label, []).append(doc.text)
    return found


def figures(per_label: Dict[str, List[str]], gold: List[str]) -> Dict[str, Optional[float]]:
    """Pooled distinct-n, self-BLEU averaged over labels (samples of one relation compared with each other)."""
    pooled = [text for texts in per_label.values() for text in texts]
    label_self_bleu = [diversity(texts)["self_bleu"] for texts in per_label.values()]
    label_self_bleu = [value for value in label_self_bleu if value is not None]
    return {
        "n": len(pooled),
        "distinct_1": diversity(pooled)["distinct_1"],
        "distinct_2": diversity(pooled)["distinct_2"],
        "self_bleu": sum(label_self_bleu) / len(label_self_bleu) if label_self_bleu else None,
        "bleu_to_gold": similarity_to_reference(pooled, gold)["bleu_to_gold"],
    }


def main(
    support: Path = typer.Argument(..., exists=True, help="The gold support set the runs started from"),
    runs: List[str] = typer.Argument(..., help="NAME=OUTPUT.spacy per run"),
    output: Optional[Path] = typer.Option(None, "--output", help="Write the comparison here (JSON)"),
    plot: Optional[Path] = typer.Option(None, "--plot", help="Draw the matched figures here (PNG)"),
) -> None:
    named = dict(run.split("=", 1) for run in runs)
    samples = {name: texts_by_label(Path(path)) for name, path in named.items()}
    labels = sorted(set().union(*samples.values()))
    gold = [text for label, texts in texts_by_label(support).items() if label in labels for text in texts]
    matched_n = {label: min(len(run.get(label, [])) for run in samples.values()) for label in labels}
    result = {
        "matched_per_label": matched_n,
        "matched": {
            name: figures({label: run.get(label, [])[:n] for label, n in matched_n.items() if n}, gold)
            for name, run in samples.items()
        },
        "all": {name: figures(run, gold) for name, run in samples.items()},
    }
    for view in ("matched", "all"):
        print(f"\n{view} samples" + (f" (per label: {matched_n})" if view == "matched" else ""))
        print(f"{'run':<12}{'n':>5}" + "".join(f"{figure:>14}" for figure in FIGURES))
        for name, values in result[view].items():
            cells = "".join(f"{values[f]:>14.3f}" if values[f] is not None else f"{'-':>14}" for f in FIGURES)
            print(f"{name:<12}{values['n']:>5}{cells}")
    if output:
        output.parent.mkdir(parents=True, exist_ok=True)
        srsly.write_json(output, result)
    if plot:
        draw(result["matched"], plot)


def draw(matched: Dict[str, Dict[str, Optional[float]]], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(1, len(FIGURES), figsize=(3 * len(FIGURES), 3))
    for axis, name in zip(axes, FIGURES):
        runs = list(matched)
        axis.bar(runs, [matched[run][name] or 0.0 for run in runs], color="tab:blue")
        axis.set_title(name + (" (lower = more diverse)" if name == "self_bleu" else ""), fontsize=9)
        axis.set_ylim(0, 1)
    figure.suptitle("Synthetic samples, matched per label", fontsize=10)
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=120)


if __name__ == "__main__":
    typer.run(main)
