"""``pseudo-label``: extra training docs from unlabelled text, labelled by a trained pipeline (self-training)."""
from pathlib import Path

import typer
from spacy.tokens import DocBin
from wasabi import msg

from ..pseudo_labels import pseudo_label
from .app import app
from .docbins import read_docbin_or_exit
from .evaluate import load_pipeline


@app.command("pseudo-label")
def pseudo_label_command(
    model: str = typer.Argument(..., help="Trained pipeline name or folder"),
    input_path: Path = typer.Argument(..., exists=True, dir_okay=False, help="Unlabelled .spacy docs with doc.ents"),
    output_path: Path = typer.Argument(..., dir_okay=False, help="Output .spacy file of the confidently labelled docs"),
    min_score: float = typer.Option(0.0, "--min-score", min=0.0, max=1.0,
                                    help="Keep a doc only when every pair's best label has at least this probability"),
    per_label: int = typer.Option(32, "--per-label", min=1, help="The most confident docs kept per label"),
    batch_size: int = typer.Option(64, "--batch-size", min=1),
) -> None:
    """Label the entity pairs of INPUT with MODEL's relation extractor (INPUT's own relations are ignored) and write
    the docs it is sure of to OUTPUT, to add to the gold training set. The entities are INPUT's ``doc.ents``."""
    extractor = load_pipeline(model).get_pipe("tkre_relation_extractor")
    docs = read_docbin_or_exit(input_path)
    output_path.parent.mkdir(parents=True, exist_ok=True)
    if not docs:
        msg.warn(f"{input_path} holds no docs: nothing to pseudo-label; {output_path} is written empty.")
        DocBin().to_disk(output_path)
        return
    try:
        result = pseudo_label(extractor, docs, min_score, per_label, batch_size)
    except ValueError as error:
        msg.fail(str(error), exits=1)
    msg.table(sorted(result.kept.items()), header=("label", "docs kept"))
    for reason, count in sorted(result.skipped.items()):
        msg.warn(f"Skipped {count} doc(s): {reason}")
    if not result.docs:
        msg.fail(f"No doc of {input_path} reached min_score {min_score}: lower --min-score.", exits=1)
    DocBin(docs=result.docs, store_user_data=True).to_disk(output_path)
    msg.good(f"{len(result.docs)} of {len(docs)} docs -> {output_path}")
