"""``evaluate``: score a trained pipeline's relations on gold entities of a DocBin."""
import time
from pathlib import Path
from typing import Optional

import spacy
import srsly
import typer
from thinc.api import require_gpu
from wasabi import msg

from ..corpus import create_gold_ents_corpus
from .app import app


@app.command("evaluate")
def evaluate(
    model: str = typer.Argument(..., help="Pipeline name or folder"),
    data_path: Path = typer.Argument(..., exists=True, dir_okay=False, help="Gold .spacy file with doc._.relations"),
    output: Optional[Path] = typer.Option(None, "--output", "-o", dir_okay=False, help="Write the metrics as JSON"),
    gpu_id: int = typer.Option(-1, "--gpu-id", "-g", help="GPU id, -1 for the CPU"),
    batch_size: int = typer.Option(64, "--batch-size", help="Docs per batch"),
) -> None:
    """Run MODEL on DATA's gold entities and print the relation scores (SemEval official macro-F1, micro P/R/F
    without the negative label, per relation type). Unlike `spacy evaluate`, the predicted docs get the gold
    entities first, so a relation extractor without an entity recognizer is scored as a relation classifier."""
    if gpu_id >= 0:
        require_gpu(gpu_id)
    nlp = spacy.load(model)
    examples = list(create_gold_ents_corpus(data_path)(nlp))
    if not examples:
        msg.fail(f"{data_path} holds no docs to evaluate.", exits=1)
    start = time.perf_counter()
    scores = nlp.evaluate(examples, batch_size=batch_size)
    seconds = time.perf_counter() - start
    metrics = {key: value for key, value in scores.items() if key.startswith("rel_")}
    metrics.update({"docs": len(examples), "seconds": round(seconds, 2), "docs_per_second": round(len(examples) / seconds, 1)})
    msg.table(
        [(key, f"{100 * value:.2f}") for key, value in metrics.items() if key.startswith("rel_") and isinstance(value, float)],
        header=("metric", "%"),
    )
    per_type = metrics.get("rel_f_per_type", {})
    if per_type:
        msg.table(
            [(label, *(f"{100 * prf[k]:.2f}" for k in ("p", "r", "f"))) for label, prf in per_type.items()],
            header=("relation type", "P", "R", "F"),
        )
    msg.info(f"{len(examples)} docs in {seconds:.1f}s ({metrics['docs_per_second']} docs/s)")
    if output is not None:
        output.parent.mkdir(parents=True, exist_ok=True)
        srsly.write_json(output, metrics)
        msg.good(f"Metrics written to {output}")
