"""``evaluate``: score a trained pipeline's relations on the gold entities of a DocBin."""
from pathlib import Path
from typing import List, Optional

import spacy
import srsly
import typer
from thinc.api import require_gpu
from wasabi import msg

from ..evaluation import answer_lines, evaluate_pipeline, json_metrics
from ..scoring import format_report
from .app import app


@app.command("evaluate")
def evaluate(
    model: str = typer.Argument(..., help="Pipeline name or folder"),
    data_path: Path = typer.Argument(..., exists=True, dir_okay=False, help="Gold .spacy file with doc._.relations"),
    output: Optional[Path] = typer.Option(None, "--output", "-o", dir_okay=False, help="Write the metrics as JSON"),
    answers: Optional[Path] = typer.Option(
        None, "--answers", dir_okay=False, help="Write the proposed answers in the official format (score-semeval)"
    ),
    answer_key: Optional[Path] = typer.Option(
        None, "--answer-key", dir_okay=False, help="Write the gold answers (the key) in the same format"
    ),
    gpu_id: int = typer.Option(-1, "--gpu-id", "-g", help="GPU id, -1 for the CPU"),
    batch_size: int = typer.Option(64, "--batch-size", help="Docs per batch"),
    limit: int = typer.Option(0, "--limit", help="Score only the first N docs (a quick check); 0 for all"),
) -> None:
    """Run MODEL on DATA's gold entities and print the official SemEval-2010 report (confusion tables,
    per-label P/R/F, macro-F1 over types with direction, negative label excluded) and the TACRED-style micro
    P/R/F without the negative label. Unlike `spacy evaluate`, the predicted docs get the gold entities first."""
    if data_path.suffix != ".spacy":
        msg.fail(f"{data_path} is not a .spacy file: convert the data first (python -m spacy_tkre convert).", exits=1)
    if gpu_id >= 0:
        require_gpu(gpu_id)
    nlp = load_pipeline(model)
    try:
        metrics = evaluate_pipeline(nlp, data_path, batch_size=batch_size, limit=limit)
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
    key, proposed = answer_lines(metrics["examples"], nlp.get_pipe("tkre_relation_extractor").negative_label)
    for path, lines, what in ((answers, proposed, "Proposed answers"), (answer_key, key, "Answer key")):
        if path is not None:
            write_lines(path, lines)
            msg.good(f"{what} written to {path} ({len(lines)} lines)")


def load_pipeline(model: str) -> spacy.language.Language:
    """``spacy.load`` with a message instead of spaCy's traceback when MODEL is neither a folder nor a package."""
    if Path(model).is_file():
        msg.fail(f"{model} is a file: pass the pipeline's folder (the one holding meta.json and config.cfg).", exits=1)
    if not Path(model).exists() and not spacy.util.is_package(model):
        msg.fail(
            f"No pipeline at {model}: it is neither a folder nor an installed pipeline package.",
            "Pass the folder `spacy train` wrote (e.g. training/semeval/model-best) or an installed package name.",
            exits=1,
        )
    try:
        nlp = spacy.load(model)
    except (OSError, ValueError) as error:
        msg.fail(f"Cannot load the pipeline {model}: {error}", exits=1)
    if "tkre_relation_extractor" not in nlp.pipe_names:
        msg.fail(f"The pipeline {model} has no tkre_relation_extractor (its components: {nlp.pipe_names}).", exits=1)
    return nlp


def write_lines(path: Path, lines: List[str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(f"{line}\n" for line in lines), encoding="utf8")
