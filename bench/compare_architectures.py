"""Train the entity-marker and the span-pooling relation models with one recipe and compare their dev scores.

    python bench/compare_architectures.py TRAIN.spacy DEV.spacy --output bench/results/architectures.json

Both variants are bench/variants.py changes of configs/semeval_cpu.cfg (``finetune`` is the entity-marker default).
"""
import json
import subprocess
import sys
import time
from pathlib import Path

import typer

from spacy_tkre.docbins import read_docbin
from variants import write_variant_config


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
        subprocess.run(
            [sys.executable, "-m", "spacy", "train", str(config_path), "--output", str(work_dir / name),
             "--paths.train", str(train), "--paths.dev", str(dev), "--training.max_epochs", "0",
             "--training.max_steps", str(total_steps),
             "--training.optimizer.learn_rate.total_steps", str(total_steps),
             "--training.optimizer.learn_rate.initial_rate", str(learn_rate), "--system.seed", str(seed),
             "--training.optimizer.learn_rate.warmup_steps", str(max(1, total_steps // 10)),
             "--training.eval_frequency", str(total_steps // 2)],
            check=True,
        )
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
