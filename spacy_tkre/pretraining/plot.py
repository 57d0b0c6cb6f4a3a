"""The loss curve of a pre-training run as a PNG, one line per objective plus the weighted total, stages marked."""
from pathlib import Path
from typing import Dict, List

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

NON_LOSS_KEYS = ("stage", "epoch", "step")


def plot_losses(history: List[Dict[str, object]], path: Path) -> None:
    figure, axes = plt.subplots(figsize=(7, 4))
    names = sorted({key for entry in history for key in entry if key not in NON_LOSS_KEYS})
    for name in names:
        points = [(i, entry[name]) for i, entry in enumerate(history, start=1) if name in entry]
        axes.plot(*zip(*points), label=name, linewidth=1)
    for i in range(1, len(history)):
        if history[i]["stage"] != history[i - 1]["stage"]:
            axes.axvline(i + 0.5, color="grey", linestyle="--", linewidth=0.8)
    axes.set_xlabel("step (stages separated by dashed lines)")
    axes.set_ylabel("loss")
    axes.set_title("spacy_tkre pre-training")
    axes.legend()
    figure.tight_layout()
    figure.savefig(path, dpi=120)
    plt.close(figure)
