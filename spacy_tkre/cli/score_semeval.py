"""``python -m spacy_tkre score-semeval KEY PROPOSED``: the official SemEval-2010 Task 8 report, without perl."""
from pathlib import Path

import typer

from ..annotation import DEFAULT_NEGATIVE_LABEL
from ..scoring import SEMEVAL_LABELS, AnswerFileError, format_report, score_answer_files
from .app import app


@app.command("score-semeval")
def score_semeval_command(
    key: Path = typer.Argument(..., help="Answer key: one '<id><TAB><label>' line per example."),
    proposed: Path = typer.Argument(..., help="Proposed answers in the same format; may skip ids of the key."),
    negative_label: str = typer.Option(DEFAULT_NEGATIVE_LABEL, help="The no-relation label, excluded from the averages."),
    any_label: bool = typer.Option(
        False, "--any-label", help="Accept labels outside the SemEval-2010 Task 8 set (other data sets)."
    ),
) -> None:
    """Print the official scorer's report: confusion matrices, per-relation P/R/F1, micro, macro, official F1.

    Note the argument order: the key comes first, unlike the perl scorer's PROPOSED KEY.
    """
    for role, path in (("answer key", key), ("proposed answer", proposed)):
        if not path.is_file():
            typer.echo(f"Error: the {role} file {path} does not exist; pass the path of an existing file.", err=True)
            raise typer.Exit(1)
    try:
        result = score_answer_files(key, proposed, negative_label, labels=None if any_label else SEMEVAL_LABELS)
    except AnswerFileError as error:
        typer.echo(f"Error: {error}", err=True)
        raise typer.Exit(1) from None
    typer.echo(format_report(result), nl=False)
