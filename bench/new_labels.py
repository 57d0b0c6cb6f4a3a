"""New labels without retraining, on SemEval: train on 14 of the 18 directional labels (+ Other) with K per label,
add the other 4 from K examples each with ``python -m spacy_tkre add-labels``, and score both pipelines on the full
test set (official macro-F1, per-label F1). Resumable: every stage whose output exists is skipped.

    python -m bench.new_labels TRAIN.spacy TEST.spacy --k 8 --seed 13 --results bench/results/results.jsonl

Per seed, the K-shot support set of all 19 labels is drawn once (the benchmark's sampler); its docs of the 4 new
labels are the examples given to ``add-labels``, the rest is the training set and ``--paths.dev`` of the K-shot
recipe (configs/kshot_cpu.cfg, its K step budget).
"""
import shlex
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Dict, List, Sequence

import numpy
import spacy
import srsly
import typer
from spacy.tokens import Doc, DocBin

from bench.bar_chart import save_result
from bench.kshot import kshot_steps
from bench.variants import spacy_train, write_variant_config
from spacy_tkre.docbins import read_docbin
from spacy_tkre.evaluation import evaluate_pipeline, json_metrics
from spacy_tkre.relations import get_relations
from spacy_tkre.representations import COMPONENT
from spacy_tkre.results import append_record, make_record, read_records
from spacy_tkre.sampling import sample_dev_set, sample_k_shot

# The recipe trained on every label from the same support set (bench/kshot.py's records), for reference.
REFERENCE = "spans_context_normalized_200steps"
NEW_LABELS = ["Entity-Origin(e1,e2)", "Entity-Origin(e2,e1)", "Message-Topic(e1,e2)", "Message-Topic(e2,e1)"]


def split_support(support: Sequence[Doc], new_labels: Sequence[str]):
    """The support docs without any of ``new_labels`` (training set) and those with one (examples to add)."""
    new = set(new_labels)
    has_new = [any(r.label in new for r in get_relations(doc)) for doc in support]
    return [d for d, n in zip(support, has_new) if not n], [d for d, n in zip(support, has_new) if n]


def train_without_new_labels(pool: List[Doc], run_dir: Path, k: int, seed: int, new_labels: Sequence[str]) -> Path:
    """Sample the K-shot support set, write its two parts, and train the K-shot recipe on the first (skipped when
    ``model-last`` exists)."""
    model = run_dir / "model-last"
    if model.exists():
        return model
    support, _ = sample_k_shot(pool, k, seed)
    trained_part, new_part = split_support(support, new_labels)
    run_dir.mkdir(parents=True, exist_ok=True)
    DocBin(docs=trained_part, store_user_data=True).to_disk(run_dir / "train.spacy")
    DocBin(docs=new_part, store_user_data=True).to_disk(run_dir / "new_examples.spacy")
    config = write_variant_config("spans_context_normalized", run_dir / "kshot.cfg")
    # Output rows random, as measured (bench/results/new_labels_semeval.md): the schema defines the held-out labels too.
    spacy_train(config, run_dir, run_dir / "train.spacy", run_dir / "train.spacy", system__seed=seed,
                training__max_steps=kshot_steps(k), initialize__components__tkre_relation_extractor__output_init="random",
                initialize__components__tkre_relation_extractor__definitions="null")
    return model


def evaluated(nlp_path: Path, data: Path, output: Path) -> Dict[str, Any]:
    """The JSON metrics of the pipeline on ``data``, computed once and kept in ``output``."""
    if not output.exists():
        srsly.write_json(output, json_metrics(evaluate_pipeline(spacy.load(nlp_path), data)))
    return srsly.read_json(output)


def choose_temperature(model: Path, examples: List[Doc], dev: Path, new_labels: Sequence[str], grid: Sequence[float],
                       output: Path) -> float:
    """The temperature with the best dev macro-F1 (dev drawn from the train pool, disjoint from the support set)."""
    if not output.exists():
        scores = {}
        for temperature in grid:
            nlp = spacy.load(model)
            nlp.get_pipe(COMPONENT).add_labels_from_examples(examples, labels=list(new_labels), temperature=temperature)
            scores[str(temperature)] = json_metrics(evaluate_pipeline(nlp, dev))["rel_macro_f"]
            print(f"dev macro-F1 at temperature {temperature}: {100 * scores[str(temperature)]:.2f}", flush=True)
        srsly.write_json(output, scores)
    scores = srsly.read_json(output)
    return float(max(scores, key=scores.get))


def add_labels_cli(model: Path, pool: Path, output: Path, k: int, seed: int, new_labels: Sequence[str], temperature: float) -> List[str]:
    """Run ``python -m spacy_tkre add-labels`` as a user would (skipped when ``output`` exists); return the command."""
    command = [sys.executable, "-m", "spacy_tkre", "add-labels", str(model), str(pool), str(output), "--k", str(k),
               "--seed", str(seed), "--temperature", str(temperature)]
    for label in new_labels:
        command += ["--label", label]
    if not output.exists():
        subprocess.run(command, check=True)
    return ["python"] + command[1:]


def new_label_f(metrics: Dict[str, Any], new_labels: Sequence[str]) -> Dict[str, float]:
    return {label: metrics["rel_per_label"].get(label, {"f": 0.0})["f"] for label in new_labels}


def run_seed(pool_path: Path, test: Path, k: int, seed: int, new_labels: Sequence[str], dev_k: int, grid: Sequence[float],
             work_dir: Path, results: Path) -> Dict[str, Any]:
    """The whole protocol for one seed; records are appended when a stage first runs."""
    run_dir = work_dir / f"k{k}_s{seed}"
    pool = read_docbin(pool_path)
    start = time.perf_counter()
    model = train_without_new_labels(pool, run_dir, k, seed, new_labels)
    support, _ = sample_k_shot(pool, k, seed)
    dev_path = run_dir / "dev.spacy"
    if not dev_path.exists():
        DocBin(docs=sample_dev_set(pool, support, dev_k, seed)[0], store_user_data=True).to_disk(dev_path)
    fresh = not (run_dir / "before.json").exists()
    before = evaluated(model, test, run_dir / "before.json")
    if fresh:
        append_record(results, make_record("semeval", "new_labels_before", before, time.perf_counter() - start, k=k,
                                           seed=seed, trained_without=list(new_labels)))
    temperature = choose_temperature(model, support, dev_path, new_labels, grid, run_dir / "dev_temperatures.json")
    start = time.perf_counter()
    command = add_labels_cli(model, pool_path, run_dir / "added", k, seed, new_labels, temperature)
    fresh = not (run_dir / "after.json").exists()
    after = evaluated(run_dir / "added", test, run_dir / "after.json")
    if fresh:
        append_record(results, make_record("semeval", "new_labels_added", after, time.perf_counter() - start, k=k,
                                           seed=seed, new_labels=list(new_labels), temperature=temperature,
                                           command=shlex.join(command)))
    return {"seed": seed, "temperature": temperature, "dev": srsly.read_json(run_dir / "dev_temperatures.json"),
            "before": before, "after": after, "command": shlex.join(command)}


def write_report(runs: List[Dict[str, Any]], new_labels: Sequence[str], k: int, output: Path, invocation: str,
                 references: Dict[int, Dict[str, Any]]) -> None:
    """The markdown table, the JSON summary and a bar chart of macro-F1 and new-label F1 before/after adding;
    ``references``: per seed, the record of the recipe trained on every label from the same support set."""
    lines = [
        f"# New labels without retraining (SemEval, K={k})", "",
        f"Command: `{invocation}`", "",
        f"Trained on the directional labels but {len(new_labels)} + Other (K={k} each, configs/kshot_cpu.cfg); then "
        f"{', '.join(new_labels)} added from their K={k} examples with `add-labels` (temperature chosen on a dev "
        "set drawn from the train pool, disjoint from the support set); full test set, official scorer.", "",
        "| seed | temperature | macro-F1 before | macro-F1 after | mean F1 of the 4 new labels after | "
        + " | ".join(f"F1 {label}" for label in new_labels) + " |",
        "|---|---|---|---|---|" + "---|" * len(new_labels),
    ]
    for run in runs:
        new_f = new_label_f(run["after"], new_labels)
        lines.append(
            f"| {run['seed']} | {run['temperature']} | {100 * run['before']['rel_macro_f']:.2f} | "
            f"{100 * run['after']['rel_macro_f']:.2f} | {100 * numpy.mean(list(new_f.values())):.2f} | "
            + " | ".join(f"{100 * value:.2f}" for value in new_f.values()) + " |"
        )
    for seed, record in sorted(references.items()):
        new_f = new_label_f(record["metrics"], new_labels)
        lines.append(
            f"| {seed}, every label trained ({REFERENCE}) | - | - | {100 * record['metrics']['rel_macro_f']:.2f} | "
            f"{100 * numpy.mean(list(new_f.values())):.2f} | " + " | ".join(f"{100 * v:.2f}" for v in new_f.values()) + " |"
        )
    lines += ["", "Dev macro-F1 per temperature: " + "; ".join(
        f"seed {run['seed']}: " + ", ".join(f"{t} {100 * f:.2f}" for t, f in run["dev"].items()) for run in runs), "",
        "Add-labels commands: " + "; ".join(f"`{run['command']}`" for run in runs), ""]
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text("\n".join(lines), encoding="utf8")
    bars = {
        "macro-F1 before": 100 * numpy.mean([run["before"]["rel_macro_f"] for run in runs]),
        "macro-F1 after": 100 * numpy.mean([run["after"]["rel_macro_f"] for run in runs]),
        "new labels F1 after": 100 * numpy.mean([numpy.mean(list(new_label_f(run["after"], new_labels).values()))
                                                 for run in runs]),
    }
    summary = [{key: run[key] for key in ("seed", "temperature", "dev", "command")} | {
        "macro_f_before": run["before"]["rel_macro_f"], "macro_f_after": run["after"]["rel_macro_f"],
        "new_label_f_after": new_label_f(run["after"], new_labels)} for run in runs]
    save_result({"runs": summary}, output.with_suffix(".json"), bars, ["grey", "tab:blue", "tab:orange"], "%",
                f"SemEval K={k}: {len(new_labels)} labels added ({len(runs)} seed(s))")


def main(
    train: Path,
    test: Path,
    k: int = typer.Option(8),
    seed: List[int] = typer.Option([13]),
    new_label: List[str] = typer.Option(NEW_LABELS, help="The labels left out of training and added from examples"),
    dev_k: int = typer.Option(20, help="Dev examples per label, for choosing the temperature"),
    temperature: List[float] = typer.Option([0.01, 0.03, 0.1, 0.3, 1.0], help="Temperatures tried on the dev set"),
    results: Path = typer.Option(Path("bench/results/results.jsonl")),
    work_dir: Path = typer.Option(Path("bench/out/new_labels")),
    report: Path = typer.Option(Path("bench/results/new_labels_semeval.md")),
) -> None:
    runs = [run_seed(train, test, k, value, new_label, dev_k, temperature, work_dir, results) for value in seed]
    references = {record["seed"]: record for record in read_records([results])
                  if record["variant"] == REFERENCE and record["k"] == k and record["seed"] in seed}
    write_report(runs, new_label, k, report, shlex.join(["python", "-m", "bench.new_labels"] + sys.argv[1:]), references)


if __name__ == "__main__":
    typer.run(main)
