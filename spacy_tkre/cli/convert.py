"""``python -m spacy_tkre convert``: turn a relation data set into a ``.spacy`` DocBin with ``doc._.relations``."""
from pathlib import Path
from typing import Optional

import typer
from spacy.tokens import DocBin
from wasabi import msg

from ..annotation import DEFAULT_NEGATIVE_LABEL
from ..convert import FORMATS, ConversionError, ConversionReport, load_label_names, read_docs
from ..convert.prodigy import read_label_map
from ..progress import progress
from .app import app


@app.command("convert")
def convert_command(
    input_path: Path = typer.Argument(..., help="Data set file to convert."),
    output_path: Path = typer.Argument(..., help="Where to write the DocBin (.spacy)."),
    file_format: str = typer.Option(..., "--format", "-f", help=f"Input format: {', '.join(FORMATS)}."),
    negative_label: str = typer.Option(
        DEFAULT_NEGATIVE_LABEL,
        "--negative-label",
        help="Label for no-relation pairs (SemEval Other, OpenNRE NA/no_relation).",
    ),
    label_names: Optional[Path] = typer.Option(
        None, "--label-names", help="FewRel only: pid2name.json-style file to label relations by name instead of id."
    ),
    label_map: Optional[Path] = typer.Option(
        None, "--label-map", help='Prodigy only: JSON {"annotated label": "new label" or null to drop it}.'
    ),
) -> None:
    """Convert INPUT to OUTPUT.spacy, printing how many records were converted and why any were skipped."""
    report = ConversionReport(source=str(input_path))
    doc_bin = DocBin(store_user_data=True)
    try:
        names = load_label_names(label_names) if label_names is not None else None
        labels = read_label_map(label_map) if label_map is not None else None
        docs = read_docs(input_path, file_format, report, negative_label=negative_label, label_names=names, label_map=labels)
        for doc in progress(docs, desc=f"Converting {input_path.name}", unit=" docs", leave=False):
            doc_bin.add(doc)
    except (ConversionError, OSError) as error:
        msg.fail(str(error), exits=1)
    if report.read == 0:
        msg.fail(f"{input_path} holds no records: is it empty, or not a {file_format} file? Check --format.", exits=1)
    report.print()
    if report.written == 0:
        msg.fail(f"Nothing was converted from {input_path}: check --format and the skip reasons above.", exits=1)
    output_path.parent.mkdir(parents=True, exist_ok=True)
    doc_bin.to_disk(output_path)
    msg.good(f"Wrote {report.written} docs to {output_path}")
