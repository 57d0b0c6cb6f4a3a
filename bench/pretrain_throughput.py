"""MSLM pre-training throughput (sentences/s) with the vocabulary projection at masked positions only, against the
projection of every position, on the same sentences, masks, encoder and batch size.

    python -m bench.pretrain_throughput TRAIN.spacy --encoder all-MiniLM-L6-v2 --limit 96 \
        --output bench/results/pretrain_throughput.json

Each mode times full training steps (forward, backward, AdamW step) over ``--limit`` sentences after one warm-up
batch, starting from the same weights; ``--projection`` runs one mode only.
"""
import time
from collections import Counter
from pathlib import Path
from typing import Dict, List

import torch
import typer

import spacy_tkre  # noqa: F401  (registers doc._.relations)
from bench.bar_chart import save_result
from spacy_tkre.models.encoder import resolve_encoder_name
from spacy_tkre.pretraining import MSLM, load_masked_lm
from spacy_tkre.pretraining.data import read_examples

MODES = {"masked": True, "full": False}


def sentences_per_second(encoder: str, examples: List, masked_only: bool, batch_size: int, max_length: int) -> float:
    torch.manual_seed(0)
    mlm, tokenizer = load_masked_lm(encoder)
    mlm.train()
    mslm = MSLM(masked_positions_only=masked_only)
    features = [mslm.featurize(example, tokenizer, max_length) for example in examples]
    mslm.initialize(mlm, features, tokenizer)
    optimizer = torch.optim.AdamW([p for p in mlm.parameters() if p.requires_grad], lr=2e-5)
    generator = torch.Generator().manual_seed(0)
    batches = [mslm.collate(features[i:i + batch_size], generator) for i in range(0, len(features), batch_size)]

    def step(batch: Dict[str, torch.Tensor]) -> None:
        mslm(mlm, batch).backward()
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)

    step(batches[0])  # warm-up
    start = time.perf_counter()
    for batch in batches:
        step(batch)
    return len(features) / (time.perf_counter() - start)


def main(
    data: Path = typer.Argument(..., help="DocBin (.spacy) with doc._.relations, e.g. converted SemEval train."),
    encoder: str = typer.Option("all-MiniLM-L6-v2", help="Encoder folder or packaged alias."),
    limit: int = typer.Option(96, help="Number of sentences (relations) timed per mode."),
    batch_size: int = typer.Option(16),
    max_length: int = typer.Option(128),
    projection: str = typer.Option("both", help="masked, full or both."),
    output: Path = typer.Option(Path("bench/results/pretrain_throughput.json")),
) -> None:
    skipped: Counter = Counter()
    examples = read_examples(data, 48, skipped)[:limit]
    modes = list(MODES) if projection == "both" else [projection]
    rates = {mode: sentences_per_second(resolve_encoder_name(encoder), examples, MODES[mode], batch_size, max_length)
             for mode in modes}
    result = {
        "encoder": encoder, "sentences": len(examples), "batch_size": batch_size, "max_length": max_length,
        "torch_threads": torch.get_num_threads(),
        **{f"{mode}_projection_sentences_per_s": round(rate, 2) for mode, rate in rates.items()},
    }
    if len(rates) == 2:
        result["speedup"] = round(rates["masked"] / rates["full"], 3)
    save_result(result, output, {f"{mode} positions": rate for mode, rate in rates.items()}, ["tab:blue", "grey"],
                "sentences / s (train step)", f"MSLM pre-training throughput, {Path(encoder).name}")

if __name__ == "__main__":
    typer.run(main)
