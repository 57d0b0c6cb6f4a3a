"""``sample``: a K-shot training set from a DocBin."""
from pathlib import Path
from typing import Dict, Optional

import typer
from spacy.tokens import DocBin
from wasabi import msg

from ..sampling import docs_not_in, sample_dev_set, sample_k_shot
from .app import app
from .docbins import read_docbin_or_exit


@app.command("sample")
def sample(
    input_path: Path = typer.Argument(..., exists=True, dir_okay=False, help="Input .spacy file with doc._.relations"),
    output_path: Path = typer.Argument(..., dir_okay=False, help="Output .spacy file"),
    k: int = typer.Option(8, "--k", min=1, help="Examples per relation label"),
    seed: int = typer.Option(13, "--seed", help="Sampling seed (the protocol uses 13, 21, 42, 87, 100)"),
    dev_output: Optional[Path] = typer.Option(
        None, "--dev-output", dir_okay=False,
        help="Also write a K-shot dev set drawn from the docs not chosen, for choosing a recipe without the test set",
    ),
    dev_k: Optional[int] = typer.Option(None, "--dev-k", min=1, help="Examples per label in the dev set (default: --k)"),
    rest_output: Optional[Path] = typer.Option(
        None, "--rest-output", dir_okay=False,
        help="Also write every doc not in the sample (or the dev set): text for self-training (pseudo-label)",
    ),
) -> None:
    """Sample K examples per relation label, negative label included; warn about labels with fewer than K."""
    docs = read_docbin_or_exit(input_path)
    chosen, counts = sample_k_shot(docs, k, seed)
    _write(chosen, counts, k, seed, input_path, output_path)
    taken = chosen
    if dev_output is not None:
        dev, dev_counts = sample_dev_set(docs, chosen, dev_k or k, seed)
        _write(dev, dev_counts, dev_k or k, seed, input_path, dev_output)
        taken = chosen + dev
    if rest_output is not None:
        rest = docs_not_in(docs, taken)
        rest_output.parent.mkdir(parents=True, exist_ok=True)
        DocBin(docs=rest, store_user_data=True).to_disk(rest_output)
        msg.good(f"The other {len(rest)} docs -> {rest_output}")


def _write(chosen, counts: Dict[str, int], k: int, seed: int, input_path: Path, output_path: Path) -> None:
    msg.table(sorted(counts.items()), header=("label", "docs"))
    short = {label: count for label, count in counts.items() if count < k}
    if short:
        msg.warn(f"{len(short)} label(s) have fewer than {k} examples in {input_path}: {short}")
    output_path.parent.mkdir(parents=True, exist_ok=True)
    DocBin(docs=chosen, store_user_data=True).to_disk(output_path)
    msg.good(f"{len(chosen)} docs ({len(counts)} labels, K={k}, seed {seed}) -> {output_path}")
