"""Lever 5 of the accuracy work: self-training on the unlabelled rest of the train pool, as `all`'s `selftrain` does.

    python -m bench.self_training corpus/semeval_train_full.spacy corpus/semeval_test.spacy --seed 13 \
        --model 'bench/out/tkre_benchmark/kshot/tkre_full_spans_context_normalized_400steps_k8_s{seed}/model-last' \
        --encoder 'bench/out/tkre_benchmark/k8_s{seed}/training/tkre/encoder/final'

Per seed: the trained K-shot pipeline (the TKRE grid's cell of the variant fine-tuned on what the second training
sees: `full` without ``--synthetic``, `full_synthetic` with it, or `gold` with ``--variant gold`` and no
``--encoder``, the chain for users who skip the LLM and pre-training) labels the train pool minus the seed's support set,
with its relations removed (`spacy_tkre.pseudo_labels`, the `pseudo-label` command); the confident docs are added
to gold (+ synthetic) and the extractor is trained again from the same pre-trained encoder with the same recipe and
step budget (bench.kshot.run_cell), then scored on the test set. The record is named after that variant
(bench.tkre_benchmark.self_training_name). A seed already in the results file is skipped. min_score and per_label
are fixed beforehand (see spacy_tkre.pseudo_labels), not chosen on the test set.
"""
from pathlib import Path
from typing import List, Optional

import spacy
import typer
from spacy.tokens import DocBin

from bench.kshot import kshot_steps, run_cell
from bench.tkre_benchmark import REPRESENTATION, is_done, self_training_name
from bench.variants import write_variant_config
from spacy_tkre.docbins import read_docbin
from spacy_tkre.pseudo_labels import pseudo_label
from spacy_tkre.results import append_record
from spacy_tkre.sampling import docs_not_in, sample_k_shot


def main(
    train: Path = typer.Argument(..., exists=True),
    test: Path = typer.Argument(..., exists=True),
    model: str = typer.Option(..., help="The seed's trained K-shot pipeline, with {seed}"),
    encoder: Optional[str] = typer.Option(None, help="The seed's pre-trained encoder folder, with {seed} (none: the config's encoder, for the gold variant)"),
    synthetic: Optional[str] = typer.Option(None, help="The seed's LLM samples (.spacy), with {seed}; without it, gold + pseudo-labels only"),
    variant: Optional[str] = typer.Option(None, help="The grid variant --model was trained as (gold, full, full_synthetic; default: full or, with --synthetic, full_synthetic); names the record"),
    name: Optional[str] = typer.Option(None, help="Record name (default: the variant's chain's)"),
    seed: List[int] = typer.Option([13, 21, 42, 87, 100]),
    k: int = typer.Option(8),
    min_score: float = typer.Option(0.0),
    per_label: int = typer.Option(32),
    results: Path = typer.Option(Path("bench/results/results.jsonl")),
    work_dir: Path = typer.Option(Path("bench/out/self_training")),
) -> None:
    pool = read_docbin(train)
    steps = kshot_steps(k)
    name = name or self_training_name(steps, variant or ("full_synthetic" if synthetic else "full"))
    config = write_variant_config(REPRESENTATION, work_dir / f"{REPRESENTATION}.cfg")
    for seed_value in seed:
        if is_done(results, name, k, seed_value, steps):
            print(f"{name} K={k} seed={seed_value}: in {results}, skipped", flush=True)
            continue
        extra = work_dir / f"{name}_k{k}_s{seed_value}_extra_{per_label}per_label_min{min_score}.spacy"
        if not extra.is_file():
            unlabelled = docs_not_in(pool, sample_k_shot(pool, k, seed_value)[0])
            extractor = spacy.load(model.format(seed=seed_value)).get_pipe("tkre_relation_extractor")
            labelled = pseudo_label(extractor, unlabelled, min_score, per_label)
            print(f"seed {seed_value}: kept {dict(labelled.kept)}, skipped {dict(labelled.skipped)}", flush=True)
            if not labelled.docs:
                raise SystemExit(f"seed {seed_value}: no doc was pseudo-labelled (min_score {min_score}); nothing to measure.")
            docs = (read_docbin(synthetic.format(seed=seed_value)) if synthetic else []) + labelled.docs
            extra.parent.mkdir(parents=True, exist_ok=True)
            DocBin(docs=docs, store_user_data=True).to_disk(extra)
        record = run_cell(pool, test, config, k, seed_value, name, work_dir, steps=steps,
                          encoder=encoder.format(seed=seed_value) if encoder else None, synthetic=str(extra))
        record.update(min_score=min_score, per_label=per_label)
        append_record(results, record)


if __name__ == "__main__":
    typer.run(main)
