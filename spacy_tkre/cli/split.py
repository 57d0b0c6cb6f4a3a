"""``split``: hold out a seeded random share of a DocBin as a development set."""
import random
from pathlib import Path

import typer
from spacy.tokens import DocBin
from wasabi import msg

from .app import app
from .docbins import read_docbin_or_exit


@app.command("split")
def split(
    input_path: Path = typer.Argument(..., exists=True, dir_okay=False, help="Input .spacy file"),
    train_path: Path = typer.Argument(..., dir_okay=False, help="Output .spacy for the remaining docs"),
    dev_path: Path = typer.Argument(..., dir_okay=False, help="Output .spacy for the held-out docs"),
    dev_fraction: float = typer.Option(0.1, "--dev-fraction", min=0.0, max=1.0, help="Share of docs held out"),
    seed: int = typer.Option(0, "--seed", help="Shuffling seed"),
) -> None:
    """Split INPUT into TRAIN and DEV at random (seeded); docs keep their relations."""
    docs = read_docbin_or_exit(input_path)
    order = list(range(len(docs)))
    random.Random(seed).shuffle(order)
    n_dev = round(len(docs) * dev_fraction)
    dev_ids = set(order[:n_dev])
    for path, keep in ((train_path, lambda i: i not in dev_ids), (dev_path, lambda i: i in dev_ids)):
        path.parent.mkdir(parents=True, exist_ok=True)
        DocBin(docs=[doc for i, doc in enumerate(docs) if keep(i)], store_user_data=True).to_disk(path)
    msg.good(f"{len(docs) - n_dev} docs -> {train_path}, {n_dev} docs -> {dev_path} (seed {seed})")
