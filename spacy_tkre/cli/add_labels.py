"""``add-labels``: teach a trained pipeline new relation labels from a few example docs, without retraining."""
from pathlib import Path
from typing import List, Optional

import typer
from wasabi import msg

from ..sampling import sample_k_shot
from .app import app
from .docbins import read_docbin_or_exit
from .evaluate import load_pipeline


@app.command("add-labels")
def add_labels(
    pipeline: str = typer.Argument(..., help="Trained pipeline folder or package"),
    examples_path: Path = typer.Argument(..., exists=True, dir_okay=False, help=".spacy file with doc.ents and "
                                         "doc._.relations: the new labels' examples, and some of the trained labels'"),
    output: Path = typer.Argument(..., file_okay=False, help="Folder for the pipeline with the new labels"),
    labels: List[str] = typer.Option([], "--label", help="A label to add (repeat); default: every label of the "
                                     "examples that the pipeline lacks"),
    k: Optional[int] = typer.Option(None, "--k", min=1, help="Use K examples per label, sampled (default: all)"),
    seed: int = typer.Option(13, "--seed", help="Sampling seed for --k"),
    temperature: Optional[float] = typer.Option(None, "--temperature", min=0.0, help="Softmax temperature of the "
                                                "prototype distances (default: the package's)"),
) -> None:
    """Add a prototype per new label (the mean pair vector of its examples) to PIPELINE's relation extractor and
    save the result to OUTPUT; the trained weights are untouched. The examples' pairs of trained labels (and their
    unannotated entity pairs, the negative label) are the anchors a new label is told apart from."""
    nlp = load_pipeline(pipeline)
    docs = read_docbin_or_exit(examples_path)
    if k is not None:
        docs, _ = sample_k_shot(docs, k, seed)
    extractor = nlp.get_pipe("tkre_relation_extractor")
    try:
        added = extractor.add_labels_from_examples(docs, labels=labels or None, temperature=temperature)
    except ValueError as error:
        msg.fail(str(error), exits=1)
    rows = [(label, "new", count) for label, count in added.new.items()]
    rows += [(label, "anchor", count) for label, count in added.anchors.items()]
    msg.table(rows, header=("label", "prototype", "pairs"))
    for reason, count in added.skipped.items():
        msg.warn(f"Skipped {count}: {reason}")
    nlp.to_disk(output)
    msg.good(f"{len(added.new)} label(s) added from {len(docs)} docs -> {output}")
