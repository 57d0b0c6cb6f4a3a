"""``report``: results files -> Markdown table and PNG plot."""
from pathlib import Path
from typing import List, Optional

import typer
from wasabi import msg

from ..report import markdown_table, plot_against_k, summarize
from ..results import read_records
from .app import app


@app.command("report")
def report(
    results: List[Path] = typer.Argument(..., exists=True, dir_okay=False, help="Results files (JSON lines)"),
    metric: str = typer.Option("rel_macro_f", "--metric", help="Metric to tabulate and plot"),
    markdown: Optional[Path] = typer.Option(None, "--markdown", dir_okay=False, help="Write the table here"),
    plot: Optional[Path] = typer.Option(None, "--plot", dir_okay=False, help="Write the PNG plot here"),
) -> None:
    """Mean ± std over seeds of METRIC per dataset, variant and K, as a Markdown table and a plot against K."""
    try:
        groups = summarize(read_records(results), metric)
    except ValueError as error:
        msg.fail(str(error), exits=1)
    if not groups:
        msg.fail(f"No record in {[str(p) for p in results]} has the metric {metric!r}.", exits=1)
    table = markdown_table(groups, metric)
    print(table)
    if markdown is not None:
        markdown.parent.mkdir(parents=True, exist_ok=True)
        markdown.write_text(table, encoding="utf8")
    if plot is not None:
        plot_against_k(groups, metric, plot)
        msg.good(f"Plot written to {plot}")
