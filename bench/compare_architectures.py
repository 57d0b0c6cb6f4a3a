"""Train the entity-marker and the span-pooling relation models with one recipe and compare their dev scores.

    python -m bench.compare_architectures TRAIN.spacy DEV.spacy --output bench/results/architectures.json

Both variants are bench/variants.py changes of the recipe in configs/kshot_cpu.cfg (``finetune`` is the entity-marker
default), trained for EPOCHS passes over TRAIN and kept at the best of two evaluations on DEV.
"""
import json
import time
from pathlib import Path

import typer

from bench.variants import spacy_train, write_variant_config
from spacy_tkre.docbins import read_docbin


def main(
    train: Path,
    dev: Path,
    output: Path = typer.Option(Path("bench/results/architectures.json")),
    work_dir: Path = typer.Option(Path("bench/out/architectures")),
    epochs: int = typer.Option(2),
    batch_size: int = typer.Option(16),
    learn_rate: float = typer.Option(5e-5, help="Peak learning rate for both variants"),
    seed: int = typer.Option(42, help="Training seed (system.seed)"),
) -> None:
    work_dir.mkdir(parents=True, exist_ok=True)
    n_train = len(read_docbin(train))
    total_steps = epochs * -(-n_train // batch_size)
    results = {}
    for name in ("finetune", "span_pooling"):
        config_path = write_variant_config(name, work_dir / f"{name}.cfg")
        start = time.perf_counter()
        spacy_train(config_path, work_dir / name, train, dev, system__seed=seed, training__max_steps=total_steps,
                    training__optimizer__learn_rate__initial_rate=learn_rate, training__eval_frequency=total_steps // 2)
        meta = json.loads((work_dir / name / "model-best" / "meta.json").read_text())
        results[name] = {
            "train_docs": n_train, "epochs": epochs, "steps": total_steps, "learn_rate": learn_rate, "seed": seed, "train_seconds": round(time.perf_counter() - start, 1),
            **{k: v for k, v in meta["performance"].items() if k.startswith("rel_") and isinstance(v, float)},
        }
        print(name, results[name], flush=True)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    typer.run(main)
