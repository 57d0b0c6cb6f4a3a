"""``evaluate``: score a trained pipeline's relations on the gold entities of a DocBin."""
from pathlib import Path
from typing import Optional

import spacy
import srsly
import typer
from thinc.api import require_gpu
from wasabi import msg

from ..evaluation import evaluate_pipeline, json_metrics
from ..scoring import format_report
from .app import app


@app.command("evaluate")
def evaluate(
    model: str = typer.Argument(..., help="Pipeline name or folder"),
    data_path: Path = typer.Argument(..., exists=True, dir_okay=False, help="Gold .spacy file with doc._.relations"),
    output: Optional[Path] = typer.Option(None, "--output", "-o", dir_okay=False, help="Write the metrics as JSON"),
    gpu_id: int = typer.Option(-1, "--gpu-id", "-g", help="GPU id, -1 for the CPU"),
    batch_size: int = typer.Option(64, "--batch-size", help="Docs per batch"),
) -> None:
    """Run MODEL on DATA's gold entities and print the official SemEval-2010 report (confusion tables,
    per-label P/R/F, macro-F1 over types with direction, negative label excluded) and the TACRED-style micro
    P/R/F without the negative label. Unlike `spacy evaluate`, the predicted docs get the gold entities first."""
    if gpu_id >= 0:
        require_gpu(gpu_id)
    try:
        metrics = evaluate_pipeline(spacy.load(model), data_path, batch_size=batch_size)
    except ValueError as error:
        msg.fail(str(error), exits=1)
    print(format_report(metrics["semeval"]))
    msg.table(
        [(key, f"{100 * metrics[key]:.2f}") for key in ("rel_macro_f", "rel_micro_p", "rel_micro_r", "rel_micro_f")],
        header=("metric", "%"),
    )
    msg.info(f"{metrics['docs']} docs in {metrics['seconds']}s ({metrics['docs_per_second']} docs/s)")
    if output is not None:
        output.parent.mkdir(parents=True, exist_ok=True)
        srsly.write_json(output, json_metrics(metrics))
        msg.good(f"Metrics written to {output}")
