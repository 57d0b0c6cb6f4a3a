"""FewRel N-way K-shot prototype accuracy for several settings, encoding the data once.

    python bench/fewrel_episodes.py all-MiniLM-L6-v2 ../shared/data/fewrel/val_wiki.json \
        --variant minilm_untouched --results bench/results/results.jsonl

Appends one record per setting (dataset = the file's stem, metrics = accuracy and ci95 as fractions).
"""
import time
from pathlib import Path
from typing import List

import typer

from spacy_tkre.convert import ConversionReport, read_fewrel
from spacy_tkre.episodes import run_episodes
from spacy_tkre.relations import get_relations
from spacy_tkre.representations import encode_relations, load_pair_encoder
from spacy_tkre.results import append_record, make_record


def main(
    model_or_encoder: str,
    fewrel_path: Path,
    variant: str = typer.Option(..., help="Name of what is measured, e.g. minilm_untouched"),
    settings: List[str] = typer.Option(["5-1", "5-5", "10-1", "10-5"], help="N-K pairs"),
    queries: int = typer.Option(1),
    episodes: int = typer.Option(1000),
    seed: int = typer.Option(0),
    results: Path = typer.Option(Path("bench/results/results.jsonl")),
) -> None:
    report = ConversionReport(str(fewrel_path))
    docs = list(read_fewrel(fewrel_path, report))
    report.print()
    start = time.perf_counter()
    vectors = encode_relations(load_pair_encoder(model_or_encoder), docs)
    encode_seconds = time.perf_counter() - start
    labels = [get_relations(doc)[0].label for doc in docs]
    for setting in settings:
        n_way, k_shot = (int(part) for part in setting.split("-"))
        result = run_episodes(vectors, labels, n_way, k_shot, queries, episodes, seed)
        record = make_record(fewrel_path.stem, variant, {"accuracy": result.accuracy, "ci95": result.ci95},
                             encode_seconds, k=k_shot, seed=seed, n_way=n_way, queries=queries, episodes=episodes,
                             model=model_or_encoder)
        append_record(results, record)
        print(f"{fewrel_path.stem} {n_way}-way {k_shot}-shot: {100 * result.accuracy:.2f} ± {100 * result.ci95:.2f}", flush=True)


if __name__ == "__main__":
    typer.run(main)
