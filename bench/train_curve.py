"""Dev curves of `spacy train` runs, read from their console logs (spacy.ConsoleLogger.v1 tables), drawn as a PNG.

    python -m bench.train_curve bench/results/conll04_v2_train.log bench/results/conll04_v3_train.log \
        --label "800 steps" --label "2,000 steps" --column ENTS_F --column SCORE \
        --output bench/results/conll04_dev_curve.json

Each evaluation row of a log gives the step and the named columns' values (the header's names, truncated as spaCy
prints them; a name printed twice takes its first column); the curves are written as JSON and drawn next to it.
"""
import json
import re
from pathlib import Path
from typing import Dict, List

import matplotlib
import typer

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def read_curve(text: str) -> Dict[str, List[float]]:
    """The columns of a ConsoleLogger table ({"#": steps, "ENTS_F": [...], ...}), one value per evaluation row."""
    lines = [re.sub(r"\x1b\[[0-9;]*m", "", line) for line in text.splitlines()]
    start = next(i for i, line in enumerate(lines) if line.startswith("---") and i > 0)
    names = re.split(r"\s{2,}", lines[start - 1].strip())
    columns: Dict[str, List[float]] = {}
    for name in names:
        columns.setdefault(name, [])
    for line in lines[start + 1:]:
        fields = line.split()
        if len(fields) != len(names) or not all(re.fullmatch(r"-?[\d.]+", field) for field in fields):
            continue
        seen = set()
        for name, field in zip(names, fields):
            if name not in seen:
                columns[name].append(float(field))
                seen.add(name)
    return columns


def main(
    logs: List[Path] = typer.Argument(..., exists=True, dir_okay=False),
    label: List[str] = typer.Option(..., help="One legend label per log, in order"),
    column: List[str] = typer.Option(["SCORE"], help="Header name of a column to draw (repeatable)"),
    output: Path = typer.Option(..., dir_okay=False, help="JSON of the curves; the PNG is written beside it"),
) -> None:
    if len(label) != len(logs):
        raise typer.BadParameter(f"{len(logs)} logs but {len(label)} labels")
    curves = {name: read_curve(log.read_text(encoding="utf8")) for name, log in zip(label, logs)}
    result = {name: {key: curve[key] for key in ["#", *column]} for name, curve in curves.items()}
    print(json.dumps(result, indent=2))
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(result, indent=2), encoding="utf8")
    figure, axes = plt.subplots(1, len(column), figsize=(4.5 * len(column), 3.2), squeeze=False)
    for axis, key in zip(axes[0], column):
        for name, curve in result.items():
            axis.plot(curve["#"], curve[key], marker="o", label=name)
        axis.set_xlabel("step")
        axis.set_title(f"dev {key}")
        axis.legend()
    figure.tight_layout()
    figure.savefig(output.with_suffix(".png"), dpi=120)
    plt.close(figure)


if __name__ == "__main__":
    typer.run(main)
