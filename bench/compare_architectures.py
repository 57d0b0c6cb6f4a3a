"""Train the entity-marker and the span-pooling relation models with one recipe and compare their dev scores.

    python bench/compare_architectures.py TRAIN.spacy DEV.spacy --output bench/results/architectures.json

Both variants use configs/semeval_cpu.cfg; only the [components.tkre_relation_extractor.model] block differs.
"""
import json
import subprocess
import sys
import time
from pathlib import Path

import typer
from thinc.api import Config

CONFIG = Path(__file__).parent.parent / "configs" / "semeval_cpu.cfg"
MODEL_BLOCK = "components.tkre_relation_extractor.model"


def span_pooling_config(config: Config) -> Config:
    """The same pipeline with the span-pooling architecture: the doc encoded once, mean-pooled entity spans."""
    model = config["components"]["tkre_relation_extractor"]["model"]
    model["@architectures"] = "spacy_tkre.SpanPoolingRelationModel.v1"
    del model["context_window"]
    model["tok2vec"]["pooling"] = {"@layers": "reduce_mean.v1"}
    model["tok2vec"]["get_spans"] = {"@span_getters": "spacy-transformers.strided_spans.v1", "window": 128, "stride": 96}
    return config


def main(
    train: Path,
    dev: Path,
    output: Path = typer.Option(Path("bench/results/architectures.json")),
    work_dir: Path = typer.Option(Path("bench/out/architectures")),
    epochs: int = typer.Option(2),
    batch_size: int = typer.Option(16),
) -> None:
    work_dir.mkdir(parents=True, exist_ok=True)
    n_train = sum(1 for _ in __import__("spacy").tokens.DocBin().from_disk(train).get_docs(__import__("spacy").blank("en").vocab))
    total_steps = epochs * -(-n_train // batch_size)
    results = {}
    for name, make in (("entity_marker", lambda c: c), ("span_pooling", span_pooling_config)):
        config_path = work_dir / f"{name}.cfg"
        make(Config().from_disk(CONFIG, interpolate=False)).to_disk(config_path)
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "spacy", "train", str(config_path), "--output", str(work_dir / name),
             "--paths.train", str(train), "--paths.dev", str(dev), "--training.max_epochs", str(epochs),
             "--training.optimizer.learn_rate.total_steps", str(total_steps),
             "--training.optimizer.learn_rate.warmup_steps", str(max(1, total_steps // 10)),
             "--training.eval_frequency", str(total_steps)],
            check=True,
        )
        meta = json.loads((work_dir / name / "model-best" / "meta.json").read_text())
        results[name] = {
            "train_docs": n_train, "epochs": epochs, "train_seconds": round(time.perf_counter() - start, 1),
            **{k: v for k, v in meta["performance"].items() if k.startswith("rel_") and isinstance(v, float)},
        }
        print(name, results[name], flush=True)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    typer.run(main)
