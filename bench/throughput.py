"""Inference throughput of tkre_relation_extractor against the bare encoder's forward pass on the same docs.

    python bench/throughput.py PIPELINE TEST.spacy --output bench/results/throughput.json

Both run on the same docs (gold entities set), same batch size, same encoder weights: the encoder alone is the
spacy-transformers TransformerModel inside the component, called on the original docs; the component adds
candidate pairs, marked contexts, pooling and the classifier. The ratio is the overhead of relation extraction.
"""
import json
import time
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import spacy  # noqa: E402
import typer  # noqa: E402
from spacy.util import minibatch  # noqa: E402

from spacy_tkre.corpus import create_gold_ents_corpus  # noqa: E402


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
        "architecture": extractor.model.layers[0].layers[0].name,
        "component_docs_per_s": round(component, 1), "encoder_docs_per_s": round(bare, 1),
        "ratio": round(component / bare, 3),
    }
    print(json.dumps(result, indent=2))
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(result, indent=2))
    plt.figure(figsize=(5, 3))
    plt.bar(["bare encoder", "relation extractor"], [bare, component], color=["grey", "tab:blue"])
    plt.ylabel("docs / s (CPU)")
    plt.title(f"SemEval test, {len(docs)} docs, batch {batch_size}: ratio {component / bare:.2f}")
    plt.tight_layout()
    plt.savefig(output.with_suffix(".png"), dpi=120)


if __name__ == "__main__":
    typer.run(main)
