"""Low-resource protocol: sample K per label (seeded), fine-tune a variant, score on the test set, append a record.

    python bench/kshot.py TRAIN.spacy TEST.spacy --variant finetune --k 8 --k 16 --k 32 \
        --seed 13 --seed 21 --seed 42 --seed 87 --seed 100 --results bench/results/results.jsonl

Recipe (same for every K): batch 16, ``--steps-per-shot`` x K optimizer steps (10 per shot: 80 at K=8, i.e. about
8 passes over the gold set at every K) with 10% warm-up then linear decay, no early stopping (the K-shot set is also
the nominal dev set; model-last is scored on the test set). ``--steps`` fixes the count for every K instead.
``--encoder`` and ``--synthetic`` may name the seed's own files with ``{seed}``, e.g. a pre-trained
``out/s{seed}/final`` or LLM samples ``syn_s{seed}.spacy`` added to the seed's gold training set.
"""
import subprocess
import sys
import time
from pathlib import Path
from typing import List, Optional

import spacy
import typer
from spacy.tokens import DocBin

from spacy_tkre.docbins import read_docbin
from spacy_tkre.evaluation import evaluate_pipeline, json_metrics
from spacy_tkre.results import append_record, make_record
from spacy_tkre.sampling import sample_k_shot
from variants import write_variant_config


def main(
    train: Path,
    test: Path,
    variant: str = typer.Option("finetune"),
    k: List[int] = typer.Option([8]),
    seed: List[int] = typer.Option([13, 21, 42, 87, 100]),
    steps_per_shot: int = typer.Option(10, help="Optimizer steps per example per label: the budget grows with K"),
    steps: Optional[int] = typer.Option(None, help="A fixed step count for every K (overrides --steps-per-shot)"),
    learn_rate: float = typer.Option(1e-4, help="Peak rate (the tok2vec_cnn variant uses 10x)"),
    dataset: str = typer.Option("semeval"),
    encoder: Optional[str] = typer.Option(None, help="Encoder folder (e.g. a pre-trained OUT/final) for --paths.encoder"),
    synthetic: Optional[str] = typer.Option(None, help="Synthetic samples (.spacy) added to the gold training set"),
    name: Optional[str] = typer.Option(None, help="Variant name in the records (default: --variant)"),
    results: Path = typer.Option(Path("bench/results/results.jsonl")),
    work_dir: Path = typer.Option(Path("bench/out/kshot")),
) -> None:
    pool = read_docbin(train)
    config = write_variant_config(variant, work_dir / f"{variant}.cfg")
    rate = learn_rate * (10 if variant == "tok2vec_cnn" else 1)
    for k_value in k:
        k_steps = steps or steps_per_shot * k_value
        for seed_value in seed:
            run_dir = work_dir / f"{name or variant}_k{k_value}_s{seed_value}"
            support, _ = sample_k_shot(pool, k_value, seed_value)
            run_dir.mkdir(parents=True, exist_ok=True)
            DocBin(docs=support, store_user_data=True).to_disk(run_dir / "support.spacy")
            extra = list(read_docbin(synthetic.format(seed=seed_value))) if synthetic else []
            DocBin(docs=support + extra, store_user_data=True).to_disk(run_dir / "train.spacy")
            seed_encoder = encoder.format(seed=seed_value) if encoder else None
            start = time.perf_counter()
            subprocess.run(
                [sys.executable, "-m", "spacy", "train", str(config), "--output", str(run_dir),
                 "--paths.train", str(run_dir / "train.spacy"), "--paths.dev", str(run_dir / "support.spacy"),
                 "--system.seed", str(seed_value), "--training.max_epochs", "0", "--training.max_steps", str(k_steps),
                 "--training.eval_frequency", str(k_steps), "--training.optimizer.learn_rate.initial_rate", str(rate),
                 "--training.optimizer.learn_rate.total_steps", str(k_steps),
                 "--training.optimizer.learn_rate.warmup_steps", str(max(1, k_steps // 10)),
                 "--training.logger.progress_bar", "false", *(["--paths.encoder", seed_encoder] if seed_encoder else [])],
                check=True,
            )
            train_seconds = time.perf_counter() - start
            metrics = json_metrics(evaluate_pipeline(spacy.load(run_dir / "model-last"), test))
            record = make_record(dataset, name or variant, metrics, time.perf_counter() - start, k=k_value, seed=seed_value,
                                 train_docs=len(support), synthetic_docs=len(extra), steps=k_steps, learn_rate=rate,
                                 train_seconds=round(train_seconds, 1), encoder=seed_encoder)
            append_record(results, record)
            print(f"{name or variant} K={k_value} seed={seed_value}: macro-F1 {100 * metrics['rel_macro_f']:.2f}, "
                  f"micro-F1 {100 * metrics['rel_micro_f']:.2f} ({record['wall_time']}s)", flush=True)


if __name__ == "__main__":
    typer.run(main)
