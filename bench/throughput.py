"""Inference throughput of tkre_relation_extractor against the bare encoder's forward pass on the same docs.

    python -m bench.throughput PIPELINE TEST.spacy --output bench/results/throughput.json

Both run on the same docs (gold entities set), same batch size, same encoder weights: the encoder alone is the
spacy-transformers TransformerModel inside the component, called on the original docs; the component adds
candidate pairs, marked contexts, pooling and the classifier. The ratio is the overhead of relation extraction.
"""
import time
from pathlib import Path

import spacy
import typer
from spacy.util import minibatch

from bench.bar_chart import save_result
from spacy_tkre.corpus import create_gold_ents_corpus


def docs_per_second(run, docs, batch_size: int, repeats: int) -> float:
    """Best of ``repeats`` timed passes over all docs (the first pass warms up)."""
    run(docs[:batch_size])
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        for batch in minibatch(docs, batch_size):
            run(batch)
        best = min(best, time.perf_counter() - start)
    return len(docs) / best


def main(
    pipeline: str,
    data: Path,
    output: Path = typer.Option(Path("bench/results/throughput.json")),
    limit: int = typer.Option(1000, help="Number of test docs"),
    batch_size: int = typer.Option(64),
    repeats: int = typer.Option(2),
) -> None:
    nlp = spacy.load(pipeline)
    docs = [eg.predicted for eg in create_gold_ents_corpus(data, limit=limit)(nlp)]
    extractor = nlp.get_pipe("tkre_relation_extractor")
    encoder = extractor.model.get_ref("tok2vec").layers[0].layers[0]  # spacy-transformers TransformerModel
    component = docs_per_second(lambda batch: list(extractor.pipe(batch, batch_size=batch_size)), docs, batch_size, repeats)
    bare = docs_per_second(encoder.predict, docs, batch_size, repeats)
    result = {
        "pipeline": pipeline, "docs": len(docs), "batch_size": batch_size,
        "architecture": "pooling={pooling} mark_entities={mark_entities}".format(
            **extractor.model.get_ref("pair_representation").layers[0].attrs),
        "component_docs_per_s": round(component, 1), "encoder_docs_per_s": round(bare, 1),
        "ratio": round(component / bare, 3),
    }
    save_result(result, output, {"bare encoder": bare, "relation extractor": component}, ["grey", "tab:blue"],
                "docs / s (CPU)", f"SemEval test, {len(docs)} docs, batch {batch_size}: ratio {component / bare:.2f}")

if __name__ == "__main__":
    typer.run(main)
