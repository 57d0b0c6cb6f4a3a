"""Write a benchmark's result as JSON and draw its rates as a bar chart PNG next to it."""
import json
from pathlib import Path
from typing import Dict, Sequence

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def save_result(result: Dict, output: Path, bars: Dict[str, float], colors: Sequence[str], ylabel: str, title: str) -> None:
    print(json.dumps(result, indent=2))
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(result, indent=2), encoding="utf8")
    plt.figure(figsize=(5, 3))
    plt.bar(list(bars), list(bars.values()), color=list(colors)[: len(bars)])
    plt.ylabel(ylabel)
    plt.title(title)
    plt.tight_layout()
    plt.savefig(output.with_suffix(".png"), dpi=120)
    plt.close()
