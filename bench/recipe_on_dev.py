"""Lever 4 of the accuracy work: choose the K-shot recipe (step budget, peak learning rate) on a K-shot dev set.

    python -m bench.recipe_on_dev corpus/semeval_train_full.spacy --seed 13 --seed 21 \
        --steps 200 --steps 400 --steps 800 --learn-rate 1e-4 --learn-rate 2e-4 --name tkre_full_synthetic \
        --encoder bench/out/tkre_benchmark/k8_s{seed}/training/tkre/encoder/final \
        --synthetic bench/out/tkre_benchmark/k8_s{seed}/training/tkre/train/synthetic.spacy \
        --test corpus/semeval_test.spacy

Per seed, the dev set is drawn as `sample --dev-output` draws it: K per label from the train pool minus the seed's
support set (sampling.sample_dev_set). Each (steps, rate) cell trains the seed's K-shot pipeline as bench.kshot does
and scores model-last on that dev set. Of every setting in the results file that has all the seeds (a later run may
add settings), the one with the best mean dev macro-F1 is chosen by that rule alone; only then, with ``--test``, are the chosen setting's trained models scored on the test set (one record
per seed, dataset "semeval"). Cells already in the results file are skipped, so a killed run loses at most one cell.
"""
from collections import defaultdict
from pathlib import Path
from statistics import mean
from typing import Dict, List, Optional, Tuple

import typer

from bench.bar_chart import save_result
from bench.kshot import run_cell, score_kept_model, write_dev_set
from bench.tkre_benchmark import REPRESENTATION
from bench.variants import write_variant_config
from spacy_tkre.docbins import read_docbin
from spacy_tkre.results import append_record, read_records

DEV_DATASET = "semeval_kshot_dev"
Setting = Tuple[int, float]


def cell_name(name: str, steps: int, learn_rate: float) -> str:
    return f"{name}_{REPRESENTATION}_{steps}steps_lr{learn_rate:g}"


def dev_scores(results: Path, name: str, k: int) -> Dict[Setting, Dict[int, float]]:
    """Dev macro-F1 per (steps, rate) and seed, from the records already written."""
    scores: Dict[Setting, Dict[int, float]] = defaultdict(dict)
    for record in read_records([results]) if results.is_file() else []:
        if record["dataset"] == DEV_DATASET and record["k"] == k and record["variant"] == cell_name(
                name, record["steps"], record["learn_rate"]):
            scores[(record["steps"], record["learn_rate"])][record["seed"]] = record["metrics"]["rel_macro_f"]
    return scores


def main(
    train: Path = typer.Argument(..., exists=True),
    name: str = typer.Option(..., help="Record name prefix, e.g. spans_context_normalized or tkre_full_synthetic"),
    seed: List[int] = typer.Option([13, 21]),
    k: int = typer.Option(8),
    steps: List[int] = typer.Option([200, 400, 800]),
    learn_rate: List[float] = typer.Option([1e-4]),
    encoder: Optional[str] = typer.Option(None, help="The seed's pre-trained encoder folder, with {seed}"),
    synthetic: Optional[str] = typer.Option(None, help="The seed's LLM samples (.spacy), with {seed}"),
    test: Optional[Path] = typer.Option(None, exists=True, help="Score the chosen setting's models on this test set"),
    results: Path = typer.Option(Path("bench/results/results.jsonl")),
    work_dir: Path = typer.Option(Path("bench/out/recipe_on_dev")),
) -> None:
    pool = read_docbin(train)
    config = write_variant_config(REPRESENTATION, work_dir / f"{REPRESENTATION}.cfg")
    for seed_value in seed:
        dev_path = work_dir / f"dev_k{k}_s{seed_value}.spacy"
        if not dev_path.is_file():
            write_dev_set(pool, k, k, seed_value, dev_path)
        for steps_value in steps:
            for rate in learn_rate:
                if seed_value in dev_scores(results, name, k).get((steps_value, rate), {}):
                    print(f"{cell_name(name, steps_value, rate)} seed {seed_value}: in {results}, skipped", flush=True)
                    continue
                record = run_cell(pool, dev_path, config, k, seed_value, cell_name(name, steps_value, rate), work_dir,
                                  steps=steps_value, learn_rate=rate, dataset=DEV_DATASET,
                                  encoder=encoder.format(seed=seed_value) if encoder else None,
                                  synthetic=synthetic.format(seed=seed_value) if synthetic else None)
                append_record(results, record)
    scores = {setting: by_seed for setting, by_seed in dev_scores(results, name, k).items()
              if all(s in by_seed for s in seed)}
    means = {setting: 100 * mean(by_seed[s] for s in seed) for setting, by_seed in scores.items()}
    for (steps_value, rate), value in sorted(means.items()):
        print(f"{steps_value} steps, lr {rate:g}: dev macro-F1 {value:.2f} (seeds {seed})")
    chosen = max(means, key=means.get)
    print(f"chosen on dev: {chosen[0]} steps, lr {chosen[1]:g}", flush=True)
    summary = {"name": name, "k": k, "seeds": seed, "dev_macro_f1": {f"{s}steps_lr{r:g}": round(v, 2) for (s, r), v in
               sorted(means.items())}, "chosen": {"steps": chosen[0], "learn_rate": chosen[1]}}
    save_result(summary, Path("bench/results") / f"recipe_on_dev_{name}_k{k}.json",
                {f"{s} steps\n{r:g}": v for (s, r), v in sorted(means.items())}, ["tab:blue"] * len(means),
                "dev macro-F1", f"{name}, K={k}, seeds {seed}")
    if test is not None:
        test_name = f"{name}_{REPRESENTATION}_{chosen[0]}steps"
        done = {r["seed"] for r in read_records([results]) if r["dataset"] == "semeval" and r["k"] == k
                and r["variant"] == test_name and r.get("learn_rate") == chosen[1]}
        for seed_value in seed:
            if seed_value in done:
                continue
            model = work_dir / f"{cell_name(name, *chosen)}_k{k}_s{seed_value}" / "model-last"
            append_record(results, score_kept_model(model, test, test_name, k, seed_value, steps=chosen[0],
                                                    learn_rate=chosen[1], chosen_on=DEV_DATASET, model=str(model)))


if __name__ == "__main__":
    typer.run(main)
