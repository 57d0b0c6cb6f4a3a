"""``tune-decision``: choose the relation extractor's decision rule and threshold on a dev set and save the pipeline."""
import json
from pathlib import Path
from typing import Optional

import typer
from thinc.api import require_gpu
from wasabi import msg

from ..decision_tuning import EXTRACTOR, sweep_decisions
from .app import app
from .evaluate import load_pipeline


@app.command("tune-decision")
def tune_decision(
    pipeline: str = typer.Argument(..., help="Trained pipeline folder or package"),
    dev_path: Path = typer.Argument(..., exists=True, help="Dev .spacy file (or folder) with doc.ents and doc._.relations; never the test set"),
    output: Path = typer.Argument(..., file_okay=False, help="Folder for the pipeline with the chosen setting"),
    report: Optional[Path] = typer.Option(None, "--report", dir_okay=False, help="Write every setting's scores as JSON"),
    gpu_id: int = typer.Option(-1, "--gpu-id", "-g", help="GPU id, -1 for the CPU"),
    batch_size: int = typer.Option(64, "--batch-size", help="Docs per batch"),
) -> None:
    """Score argmax and best_positive at a grid of thresholds on DEV (one forward pass), keep the setting with the
    best strict relation micro-F1 (from raw text when the pipeline recognizes entities, else on DEV's entities)
    and save PIPELINE with it to OUTPUT. The setting lives in the extractor's saved cfg."""
    if gpu_id >= 0:
        require_gpu(gpu_id)
    nlp = load_pipeline(pipeline)
    if EXTRACTOR not in nlp.pipe_names:
        msg.fail(f"{pipeline} has no {EXTRACTOR} (pipes: {nlp.pipe_names}).", exits=1)
    try:
        result = sweep_decisions(nlp, dev_path, batch_size=batch_size)
    except ValueError as error:
        msg.fail(str(error), exits=1)
    criterion = result["criterion"]
    msg.table([(row["decision"], row["threshold"], f"{100 * row[criterion]:.2f}") for row in result["settings"]],
              header=("decision", "threshold", criterion))
    best = result["best"]
    nlp.get_pipe(EXTRACTOR).cfg.update(decision=best["decision"], threshold=best["threshold"])
    nlp.to_disk(output)
    if report is not None:
        report.parent.mkdir(parents=True, exist_ok=True)
        report.write_text(json.dumps({"pipeline": pipeline, "data": str(dev_path), **result}, indent=2), encoding="utf8")
    msg.good(f"{best['decision']} at {best['threshold']}: {100 * best[criterion]:.2f} {criterion} on "
             f"{result['docs']} docs (argmax 0.0: {100 * result['settings'][0][criterion]:.2f}) -> {output}")
