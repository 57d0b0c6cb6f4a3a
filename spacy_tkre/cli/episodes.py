"""``episodes``: FewRel-style N-way K-shot evaluation with prototypes of pair representations."""
import time
from pathlib import Path
from typing import Optional

import srsly
import typer
from wasabi import msg

from ..convert import ConversionError, ConversionReport, read_fewrel
from ..episodes import run_episodes
from ..representations import encode_relations, load_pair_encoder
from ..relations import get_relations
from .app import app


@app.command("episodes")
def episodes(
    model_or_encoder: str = typer.Argument(..., help="Trained pipeline, or encoder folder / alias (all-MiniLM-L6-v2)"),
    fewrel_path: Path = typer.Argument(..., exists=True, dir_okay=False, help="File in FewRel's JSON format"),
    n_way: int = typer.Option(5, "--n-way", min=2),
    k_shot: int = typer.Option(1, "--k-shot", min=1),
    queries: int = typer.Option(1, "--queries", min=1, help="Query examples per relation and episode"),
    n_episodes: int = typer.Option(1000, "--episodes", min=1),
    seed: int = typer.Option(0, "--seed"),
    output: Optional[Path] = typer.Option(None, "--output", dir_okay=False, help="Write the result as JSON"),
) -> None:
    """Classify the queries of sampled episodes by the nearest prototype (mean support pair representation);
    print the accuracy with its 95% confidence interval."""
    report = ConversionReport(str(fewrel_path))
    try:
        docs = list(read_fewrel(fewrel_path, report))
    except ConversionError as error:
        msg.fail(str(error), exits=1)
    report.print()
    start = time.perf_counter()
    vectors = encode_relations(load_pair_encoder(model_or_encoder), docs)
    labels = [get_relations(doc)[0].label for doc in docs]
    try:
        result = run_episodes(vectors, labels, n_way, k_shot, queries, n_episodes, seed)
    except ValueError as error:
        msg.fail(str(error), exits=1)
    msg.good(
        f"{n_way}-way {k_shot}-shot ({queries} quer{'y' if queries == 1 else 'ies'}, {n_episodes} episodes): "
        f"accuracy {100 * result.accuracy:.2f} ± {100 * result.ci95:.2f} (95% CI)"
    )
    if output is not None:
        record = {**result.to_dict(), "model": model_or_encoder, "data": str(fewrel_path), "docs": len(docs),
                  "seconds": round(time.perf_counter() - start, 1)}
        output.parent.mkdir(parents=True, exist_ok=True)
        srsly.write_json(output, record)
