"""Issue 13, lever 2 (label meaning): the K-shot recipe with the classifier's output rows random, imprinted from the
training examples, or from the examples and the label definitions (``output_init``, spacy_tkre.imprinting), scored on
a K-shot dev set drawn from the train pool, disjoint from the support set, never on the test set.

    python -m bench.label_meaning TRAIN.spacy --k 8 --dev-k 32 --seed 13 --seed 21 \\
        --definitions configs/schema_semeval.json --results bench/results/results.jsonl

Each cell is ``bench.kshot.run_cell`` with the setting as an ``[initialize.components]`` override, recorded as
dataset ``semeval_dev_k{dev_k}`` and variant ``<stem>_output_init_<setting>`` (stem ``spans_context_normalized``, or
``--stem tkre_full_spans_context_normalized`` with ``--encoder`` naming the seed's pre-trained encoder by ``{seed}``). ``--test TEST.spacy
--test-arm SETTING`` afterwards scores the kept models of the arms chosen on dev on the test set (no retraining;
the record's wall time is the scoring's).
"""
from pathlib import Path
from typing import List, Optional

import typer

from bench.kshot import peak_rate, run_cell, score_kept_model, write_dev_set
from bench.variants import write_variant_config
from spacy_tkre.docbins import read_docbin
from spacy_tkre.imprinting import OUTPUT_INITS
from spacy_tkre.results import append_record

VARIANT = "spans_context_normalized"


def arm_name(output_init: str, stem: str = VARIANT) -> str:
    return f"{stem}_output_init_{output_init}"


def main(
    train: Path,
    k: int = typer.Option(8),
    dev_k: int = typer.Option(32, help="Examples per label in the dev set"),
    seed: List[int] = typer.Option([13, 21]),
    steps: int = typer.Option(200),
    arm: List[str] = typer.Option(list(OUTPUT_INITS), help="output_init settings to train"),
    definitions: Path = typer.Option(Path("configs/schema_semeval.json")),
    dataset: Optional[str] = typer.Option(None, help="Dataset name of the dev records (default: semeval_dev_k{dev_k})"),
    test: Optional[Path] = typer.Option(None, help="Score the kept models of --test-arm on this test set instead"),
    test_arm: List[str] = typer.Option([], help="The arms chosen on dev, for --test"),
    encoder: Optional[str] = typer.Option(None, help="The seed's pre-trained encoder folder, with {seed}"),
    stem: str = typer.Option(VARIANT, help="Record name stem; name the encoder's variant with --encoder"),
    results: Path = typer.Option(Path("bench/results/results.jsonl")),
    work_dir: Path = typer.Option(Path("bench/out/label_meaning")),
) -> None:
    dataset = dataset or f"semeval_dev_k{dev_k}"
    pool = read_docbin(train)
    config = write_variant_config(VARIANT, work_dir / f"{VARIANT}.cfg")
    for seed_value in seed:
        seed_encoder = encoder.format(seed=seed_value) if encoder else None
        if test is not None:
            for setting in test_arm:
                model = work_dir / f"{arm_name(setting, stem)}_k{k}_s{seed_value}" / "model-last"
                append_record(results, score_kept_model(model, test, arm_name(setting, stem), k, seed_value, steps=steps,
                                                        learn_rate=peak_rate(), encoder=seed_encoder,
                                                        chosen_on=dataset, dev_k=dev_k))
            continue
        dev_path = work_dir / f"dev_k{dev_k}_s{seed_value}.spacy"
        dev = write_dev_set(pool, k, dev_k, seed_value, dev_path)
        for setting in arm:
            record = run_cell(
                pool, dev_path, config, k, seed_value, arm_name(setting, stem), work_dir, steps=steps, dataset=dataset,
                encoder=seed_encoder,
                initialize__components__tkre_relation_extractor__output_init=setting,
                initialize__components__tkre_relation_extractor__definitions=(
                    str(definitions.resolve()) if setting == "examples+definitions" else "null"),
            )
            append_record(results, {**record, "dev_k": dev_k, "dev_docs": len(dev)})


if __name__ == "__main__":
    typer.run(main)
