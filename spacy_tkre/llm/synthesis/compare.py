"""Comparing synthesis runs (e.g. the batch and the diverse prompt style) on equal footing.

Distinct-n rises and self-BLEU falls as a set gets smaller, so runs are compared on matched sets: per label, the
first n samples of every run, n being the smallest count any run reached for that label. The figures of
everything each run accepted are given too.
"""
from pathlib import Path
from typing import Dict, Iterable, List, Mapping, Optional, Sequence

from spacy.tokens import Doc

from ..diversity import diversity, per_label_self_bleu, similarity_to_reference

FIGURES = ("distinct_1", "distinct_2", "self_bleu", "bleu_to_gold")
Figures = Dict[str, Optional[float]]


def texts_by_label(docs: Iterable[Doc]) -> Dict[str, List[str]]:
    """Each relation label's doc texts (a doc with several relations counts under each)."""
    found: Dict[str, List[str]] = {}
    for doc in docs:
        for relation in doc._.relations:
            found.setdefault(relation.label, []).append(doc.text)
    return found


def set_figures(texts_per_label: Mapping[str, Sequence[str]], gold: Sequence[str]) -> Figures:
    """Distinct-n over the pooled set, self-BLEU within each label averaged over labels, BLEU to the gold texts."""
    pooled = [text for texts in texts_per_label.values() for text in texts]
    pooled_diversity = diversity(pooled)
    return {
        "n": len(pooled),
        "distinct_1": pooled_diversity["distinct_1"],
        "distinct_2": pooled_diversity["distinct_2"],
        "self_bleu": per_label_self_bleu(texts_per_label),
        "bleu_to_gold": similarity_to_reference(pooled, gold)["bleu_to_gold"],
    }


def compare_runs(support: Iterable[Doc], runs: Mapping[str, Iterable[Doc]]) -> Dict[str, Dict]:
    """``matched_per_label`` (the n of each label), ``matched`` and ``all``: per run, ``set_figures`` against the
    support set's texts of the labels the runs synthesized."""
    samples = {name: texts_by_label(docs) for name, docs in runs.items()}
    labels = sorted(set().union(*samples.values()))
    gold = [text for label, texts in texts_by_label(support).items() if label in labels for text in texts]
    matched_n = {label: min(len(run.get(label, [])) for run in samples.values()) for label in labels}
    return {
        "matched_per_label": matched_n,
        "matched": {
            name: set_figures({label: run.get(label, [])[:n] for label, n in matched_n.items() if n}, gold)
            for name, run in samples.items()
        },
        "all": {name: set_figures(run, gold) for name, run in samples.items()},
    }


def table(figures: Mapping[str, Figures]) -> str:
    """One line per run: its n and ``FIGURES``."""
    lines = [f"{'run':<12}{'n':>5}" + "".join(f"{figure:>14}" for figure in FIGURES)]
    for name, values in figures.items():
        cells = "".join(f"{values[f]:>14.3f}" if values[f] is not None else f"{'-':>14}" for f in FIGURES)
        lines.append(f"{name:<12}{values['n']:>5}{cells}")
    return "\n".join(lines)


def draw(figures: Mapping[str, Figures], path: Path) -> None:
    """One bar chart per figure, a bar per run."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(1, len(FIGURES), figsize=(3 * len(FIGURES), 3))
    runs = list(figures)
    for axis, name in zip(axes, FIGURES):
        axis.bar(runs, [figures[run][name] or 0.0 for run in runs], color="tab:blue")
        axis.set_title(name + (" (lower = more diverse)" if name == "self_bleu" else ""), fontsize=9)
        axis.set_ylim(0, 1)
    figure.suptitle("Synthetic samples, matched per label", fontsize=10)
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=120)
    plt.close(figure)
