"""Turn result records into a Markdown table (mean ± std over seeds) and a plot of a metric against K."""
from collections import defaultdict
from pathlib import Path
from statistics import mean, stdev
from typing import Any, Dict, List, Tuple

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

Group = Tuple[str, str, Any]  # dataset, variant, K


def _variant(record: Dict[str, Any]) -> str:
    """The variant, with the episode width for N-way records so 5-way and 10-way results are never pooled."""
    n_way = record.get("n_way")
    return f"{record['variant']} {n_way}-way" if n_way else record["variant"]


def summarize(records: List[Dict[str, Any]], metric: str) -> Dict[Group, List[float]]:
    """The metric's values per (dataset, variant, K), one per seed; records without the metric are left out."""
    groups: Dict[Group, List[float]] = defaultdict(list)
    for record in records:
        value = record.get("metrics", {}).get(metric)
        if isinstance(value, (int, float)):
            groups[(record["dataset"], _variant(record), record.get("k"))].append(float(value))
    return dict(groups)


def _mean_std(values: List[float]) -> Tuple[float, float]:
    return mean(values), (stdev(values) if len(values) > 1 else 0.0)


def markdown_table(groups: Dict[Group, List[float]], metric: str, scale: float = 100.0) -> str:
    lines = [f"| dataset | variant | K | {metric} (mean ± std) | runs |", "|---|---|---|---|---|"]
    for (dataset, variant, k), values in sorted(groups.items(), key=lambda item: (item[0][0], item[0][1], item[0][2] or 0)):
        average, spread = _mean_std(values)
        lines.append(f"| {dataset} | {variant} | {k if k is not None else '-'} | {scale * average:.2f} ± {scale * spread:.2f} | {len(values)} |")
    return "\n".join(lines) + "\n"


def plot_against_k(groups: Dict[Group, List[float]], metric: str, path: Path, scale: float = 100.0) -> None:
    """One line per (dataset, variant) over K with std error bars; groups without K are not drawn. Series are
    dodged sideways a little so that the many variants measured at one K do not hide each other."""
    series: Dict[Tuple[str, str], List[Tuple[int, float, float]]] = defaultdict(list)
    for (dataset, variant, k), values in groups.items():
        if k is not None:
            series[(dataset, variant)].append((k, *_mean_std(values)))
    plt.figure(figsize=(9, 4.5))
    colours = plt.get_cmap("tab20").colors
    for index, ((dataset, variant), points) in enumerate(sorted(series.items())):
        points.sort()
        dodge = 0.3 * (index - (len(series) - 1) / 2)
        plt.errorbar([p[0] + dodge for p in points], [scale * p[1] for p in points], yerr=[scale * p[2] for p in points],
                     marker="o", capsize=3, color=colours[index % len(colours)], label=f"{dataset}: {variant}")
    plt.xlabel("K (examples per label)")
    plt.ylabel(metric)
    plt.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1))
    plt.grid(alpha=0.3)
    plt.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    plt.savefig(path, dpi=120)
    plt.close()
