"""Low-resource protocol: sample K per label (seeded), fine-tune a variant, score on the test set, append a record.

    python -m bench.kshot TRAIN.spacy TEST.spacy --variant finetune --k 8 --k 16 --k 32 \
        --seed 13 --seed 21 --seed 42 --seed 87 --seed 100 --results bench/results/results.jsonl

The recipe is configs/kshot_cpu.cfg (batch 16, 10% warm-up then linear decay, no early stopping: model-last is
scored on the test set). Its step budget is the K=8 one and grows with K (200 at K=8, 400 at K=16, 800 at K=32);
``--steps`` fixes the count instead. ``--encoder`` and ``--synthetic`` may name the seed's own files with
``{seed}``, e.g. a pre-trained ``out/s{seed}/encoder/final`` or LLM samples ``syn_s{seed}.spacy`` added to the
seed's gold training set.
"""
import time
from pathlib import Path
from typing import Any, Dict, List, Optional

import spacy
import typer
from spacy.tokens import Doc, DocBin
from thinc.api import Config

from bench.variants import KSHOT_CONFIG, spacy_train, write_variant_config
from spacy_tkre.docbins import read_docbin
from spacy_tkre.evaluation import evaluate_pipeline, json_metrics
from spacy_tkre.results import append_record, make_record
from spacy_tkre.sampling import sample_dev_set, sample_k_shot

OUTPUT_INIT_KEY = "initialize__components__tkre_relation_extractor__output_init"
# The K whose budget configs/kshot_cpu.cfg's max_steps is.
REFERENCE_K = 8


def recipe_setting(*keys: str, config: Path = KSHOT_CONFIG) -> Any:
    """One setting of a K-shot config (by default the recipe's), as written in the file and stored in records."""
    setting = Config().from_disk(config, interpolate=False)
    for key in keys:
        setting = setting[key]
    return setting


def kshot_steps(k: int) -> int:
    """The recipe's step budget at K: the config's K=8 budget, scaled with K (the same passes over the gold set)."""
    return recipe_setting("training", "max_steps") * k // REFERENCE_K


def peak_rate(config: Path = KSHOT_CONFIG) -> float:
    """The peak learning rate of a K-shot config."""
    return recipe_setting("training", "optimizer", "learn_rate", "initial_rate", config=config)


def output_init(config: Path = KSHOT_CONFIG) -> str:
    """Where a K-shot config's classifier output rows start (spacy_tkre.imprinting)."""
    return recipe_setting("initialize", "components", "tkre_relation_extractor", "output_init", config=config)


def run_cell(
    pool: List[Doc], test: Path, config: Path, k: int, seed: int, name: str, work_dir: Path, *,
    steps: int, learn_rate: Optional[float] = None, encoder: Optional[str] = None, synthetic: Optional[str] = None,
    dataset: str = "semeval", **overrides: Any,
) -> Dict[str, Any]:
    """Train one (K, seed) cell of a variant and return its record (not yet written); ``overrides`` are more
    dotted config keys for ``spacy_train``."""
    run_dir = work_dir / f"{name}_k{k}_s{seed}"
    support, _ = sample_k_shot(pool, k, seed)
    run_dir.mkdir(parents=True, exist_ok=True)
    DocBin(docs=support, store_user_data=True).to_disk(run_dir / "support.spacy")
    extra = list(read_docbin(synthetic)) if synthetic else []
    DocBin(docs=support + extra, store_user_data=True).to_disk(run_dir / "train.spacy")
    start = time.perf_counter()
    spacy_train(config, run_dir, run_dir / "train.spacy", run_dir / "support.spacy", encoder=encoder,
                system__seed=seed, training__max_steps=steps, training__optimizer__learn_rate__initial_rate=learn_rate, **overrides)
    train_seconds = time.perf_counter() - start
    metrics = json_metrics(evaluate_pipeline(spacy.load(run_dir / "model-last"), test))
    rate = learn_rate or peak_rate(config)
    record = make_record(dataset, name, metrics, time.perf_counter() - start, k=k, seed=seed, train_docs=len(support),
                         synthetic_docs=len(extra), steps=steps, learn_rate=rate, train_seconds=round(train_seconds, 1),
                         encoder=encoder, output_init=overrides.get(OUTPUT_INIT_KEY) or output_init(config))
    print(f"{name} K={k} seed={seed}: macro-F1 {100 * metrics['rel_macro_f']:.2f}, "
          f"micro-F1 {100 * metrics['rel_micro_f']:.2f} ({record['wall_time']}s)", flush=True)
    return record


def write_dev_set(pool: List[Doc], k: int, dev_k: int, seed: int, path: Path) -> List[Doc]:
    """The seed's K-shot dev set as `sample --dev-output` draws it (dev_k per label from the pool minus the seed's
    support set), written to ``path`` for spacy_train / evaluate_pipeline."""
    support, _ = sample_k_shot(pool, k, seed)
    dev, _ = sample_dev_set(pool, support, dev_k, seed)
    path.parent.mkdir(parents=True, exist_ok=True)
    DocBin(docs=dev, store_user_data=True).to_disk(path)
    return dev


def score_kept_model(model: Path, test: Path, name: str, k: int, seed: int, **extra: Any) -> Dict[str, Any]:
    """The record of a model trained earlier (chosen on a dev set), scored on the test set without retraining; its
    wall time is the scoring's."""
    start = time.perf_counter()
    metrics = json_metrics(evaluate_pipeline(spacy.load(model), test))
    print(f"{name} seed {seed}: test macro-F1 {100 * metrics['rel_macro_f']:.2f}", flush=True)
    return make_record("semeval", name, metrics, time.perf_counter() - start, k=k, seed=seed, **extra)


def main(
    train: Path,
    test: Path,
    variant: str = typer.Option("finetune"),
    k: List[int] = typer.Option([8]),
    seed: List[int] = typer.Option([13, 21, 42, 87, 100]),
    steps: Optional[int] = typer.Option(None, help="A fixed step count for every K (default: the recipe's, scaled with K)"),
    learn_rate: Optional[float] = typer.Option(None, help="Peak rate (default: the variant config's)"),
    dataset: str = typer.Option("semeval"),
    encoder: Optional[str] = typer.Option(None, help="Encoder folder (e.g. a pre-trained OUT/final) for --paths.encoder"),
    synthetic: Optional[str] = typer.Option(None, help="Synthetic samples (.spacy) added to the gold training set"),
    name: Optional[str] = typer.Option(None, help="Variant name in the records (default: --variant)"),
    results: Path = typer.Option(Path("bench/results/results.jsonl")),
    work_dir: Path = typer.Option(Path("bench/out/kshot")),
) -> None:
    pool = read_docbin(train)
    config = write_variant_config(variant, work_dir / f"{variant}.cfg")
    for k_value in k:
        for seed_value in seed:
            record = run_cell(
                pool, test, config, k_value, seed_value, name or variant, work_dir, steps=steps or kshot_steps(k_value),
                learn_rate=learn_rate, dataset=dataset, encoder=encoder.format(seed=seed_value) if encoder else None,
                synthetic=synthetic.format(seed=seed_value) if synthetic else None,
            )
            append_record(results, record)


if __name__ == "__main__":
    typer.run(main)
