"""``episodes``: FewRel-style N-way K-shot evaluation with prototypes of pair representations."""
import time
from pathlib import Path
from typing import Dict, List, Optional, Tuple

import numpy
import typer
from wasabi import msg

from ..convert import ConversionError, ConversionReport, read_fewrel
from ..episodes import draw_episodes, score_episodes
from ..models.pair_slots import POOLING_PARTS, n_ranges, pooling_parts
from ..relations import get_relations
from ..representations import encode_relations, load_pair_representation
from ..results import append_record, make_record
from .app import app


def parse_setting(setting: str) -> Tuple[int, int]:
    try:
        n_way, k_shot = (int(part) for part in setting.split("-"))
    except ValueError:
        raise typer.BadParameter(f"{setting!r} is not N-K, e.g. 5-1 for 5-way 1-shot.") from None
    if n_way < 2 or k_shot < 1:
        raise typer.BadParameter(f"{setting!r}: episodes need N >= 2 relations and K >= 1 shots.")
    return n_way, k_shot


def pooling_columns(encoded_pooling: str, poolings: List[str], width: int) -> Dict[str, numpy.ndarray]:
    """The columns of each requested pooling within vectors encoded with ``encoded_pooling``: the parts are pooled
    independently from the same token vectors, so one encoding serves several poolings exactly."""
    encoded_parts = pooling_parts(encoded_pooling)
    unit = width // n_ranges(encoded_pooling)
    blocks, start = {}, 0
    for part in encoded_parts:
        blocks[part] = numpy.arange(start, start + unit * POOLING_PARTS[part])
        start += unit * POOLING_PARTS[part]
    return {pooling: numpy.concatenate([blocks[part] for part in pooling_parts(pooling)])
            for pooling in (poolings or [encoded_pooling])}


@app.command("episodes")
def episodes(
    model_or_encoder: str = typer.Argument(..., help="Trained pipeline, or encoder folder / alias (all-MiniLM-L6-v2)"),
    fewrel_path: Path = typer.Argument(..., exists=True, dir_okay=False, help="File in FewRel's JSON format"),
    settings: List[str] = typer.Option(["5-1"], "--setting", help="N-way K-shot as N-K; repeat for several"),
    queries: int = typer.Option(1, "--queries", min=1, help="Query examples per relation and episode"),
    n_episodes: int = typer.Option(1000, "--episodes", min=1),
    seed: int = typer.Option(0, "--seed"),
    poolings: List[str] = typer.Option([], "--pooling", help="Bare encoder: pair pooling (markers, spans, context, "
                                       "or joined by +; default spans+context); repeat to compare several on one encoding"),
    mark_entities: Optional[bool] = typer.Option(None, "--mark-entities/--no-mark-entities",
                                                 help="Bare encoder: encode each pair with typed entity markers "
                                                 "(needed by markers) or the sentence as it is (the default)"),
    normalize: Optional[bool] = typer.Option(None, "--normalize/--no-normalize",
                                             help="Bare encoder: scale each pooled part to unit length (default yes)"),
    results: Optional[Path] = typer.Option(None, "--results", dir_okay=False, help="Append one record per setting "
                                           "to this JSONL file (e.g. bench/results/results.jsonl)"),
    variant: Optional[str] = typer.Option(None, "--variant", help="Name of what is measured, in the records"),
) -> None:
    """Classify the queries of sampled episodes by the nearest prototype (mean support pair representation);
    print the accuracy with its 95% confidence interval for each setting. Only the docs the episodes draw are
    encoded."""
    parsed = [parse_setting(setting) for setting in settings]
    report = ConversionReport(str(fewrel_path))
    try:
        docs = list(read_fewrel(fewrel_path, report))
    except ConversionError as error:
        msg.fail(str(error), exits=1)
    report.print()
    labels = [get_relations(doc)[0].label for doc in docs]
    try:
        drawn = [draw_episodes(labels, n_way, k_shot, queries, n_episodes, seed) for n_way, k_shot in parsed]
        parts = list(dict.fromkeys(part for pooling in poolings for part in pooling_parts(pooling)))
        representation = load_pair_representation(model_or_encoder, "+".join(parts) or None, mark_entities, normalize)
    except ValueError as error:
        msg.fail(str(error), exits=1)
    rows = sorted(set().union(*(episodes.used_rows() for episodes in drawn)))
    msg.info(f"Encoding the {len(rows)} of {len(docs)} docs that the episodes draw")
    start = time.perf_counter()
    encoded = encode_relations(representation, [docs[row] for row in rows])
    seconds = time.perf_counter() - start
    vectors = numpy.zeros((len(docs), encoded.shape[1]), dtype=encoded.dtype)
    vectors[rows] = encoded
    attrs = {**representation.layers[0].attrs, **representation.layers[1].attrs}
    for pooling, columns in pooling_columns(attrs["pooling"], poolings, encoded.shape[1]).items():
        for episodes in drawn:
            result = score_episodes(vectors[:, columns], episodes)
            msg.good(
                f"{pooling}: {result.n_way}-way {result.k_shot}-shot ({queries} quer{'y' if queries == 1 else 'ies'}, "
                f"{n_episodes} episodes): accuracy {100 * result.accuracy:.2f} ± {100 * result.ci95:.2f} (95% CI)"
            )
            if results is not None:
                name = (variant or model_or_encoder) + (f"_{pooling}" if len(poolings) > 1 else "")
                record = make_record(
                    fewrel_path.stem, name, {"accuracy": result.accuracy, "ci95": result.ci95}, seconds,
                    k=result.k_shot, seed=seed, n_way=result.n_way, queries=queries, episodes=n_episodes,
                    model=model_or_encoder, pooling=pooling, mark_entities=attrs["mark_entities"],
                    normalize=attrs.get("normalize", False),
                    encoded_docs=len(rows),
                )
                append_record(results, record)
