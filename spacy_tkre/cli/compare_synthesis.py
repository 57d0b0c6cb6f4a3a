"""``compare-synthesis``: synthesis runs side by side on matched sets per label, as a table, JSON and a PNG."""
from pathlib import Path
from typing import List, Optional

import srsly
import typer
from wasabi import msg

from ..llm.synthesis.compare import compare_runs, draw, table
from .app import app
from .docbins import read_docbin_or_exit


@app.command("compare-synthesis")
def compare_synthesis(
    support_path: Path = typer.Argument(..., exists=True, dir_okay=False, help="The gold support set the runs started from (.spacy)"),
    runs: List[str] = typer.Argument(..., help="NAME=OUTPUT.spacy per run (the samples `synthesize` wrote)"),
    output: Optional[Path] = typer.Option(None, "--output", dir_okay=False, help="Write the comparison here (JSON)"),
    plot: Optional[Path] = typer.Option(None, "--plot", dir_okay=False, help="Draw the matched figures here (PNG)"),
) -> None:
    """Distinct-1/2, per-label self-BLEU and BLEU to gold of each run, on matched sets (per label, the first n
    samples of every run, n the smallest count any run reached) and on everything each run accepted."""
    named = dict(run.split("=", 1) for run in runs if "=" in run)
    if len(named) != len(runs):
        msg.fail(f"Name each run as NAME=OUTPUT.spacy, got {[run for run in runs if '=' not in run]}.", exits=1)
    result = compare_runs(read_docbin_or_exit(support_path), {name: read_docbin_or_exit(Path(path)) for name, path in named.items()})
    msg.divider(f"matched samples (per label: {result['matched_per_label']})")
    print(table(result["matched"]))
    msg.divider("all samples")
    print(table(result["all"]))
    if output is not None:
        output.parent.mkdir(parents=True, exist_ok=True)
        srsly.write_json(output, result)
        msg.good(f"Comparison written to {output}")
    if plot is not None:
        draw(result["matched"], plot)
        msg.good(f"Plot written to {plot}")
