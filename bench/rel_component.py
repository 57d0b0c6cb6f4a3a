"""The spaCy rel_component tutorial's Genia data: this package's few-shot chain vs the tutorial's CPU approach.

    python -m bench.rel_component ../shared/data/rel_component/annotations.jsonl \
        --output bench/results/rel_component.json

The data are prepared as the tutorial's parse_data.py does: accepted Prodigy rel.manual records with at least one
annotated relation, split by the PMC article id in meta.source (ending in 3 -> test, 4 -> dev, else train: 102 / 27 /
20 sentences), Pos-Reg/Neg-Reg/Reg -> Regulates, Binds -> Binds in both directions (the tutorial's symmetric label).
One difference: the tutorial maps No-rel to Regulates; here an annotated No-rel is a negative pair
(configs/label_map_genia.json drops it). Then

- ``tkre``: the project's `own` workflow on the train split up to `train` (sample -> explain -> synthesize ->
  pretrain -> train, with configs/schema_genia.json; not `selftrain`, which has no unlabelled docs here, nor
  `package`), i.e. what a user with these annotations runs;
- ``tok2vec_cnn``: the tutorial's approach (a CNN tok2vec, span pooling, no transformer; bench.variants) trained on
  the same split with the same step budget.

Both are scored with the tutorial's measure: over every ordered pair of distinct entities in a test doc and every
label, a prediction is a score >= THRESHOLD; micro P/R/F against the gold relations. Wall times are per pipeline
(tkre's per step too). Writes the JSON record, a Markdown table and a PNG of P/R/F next to it; ``--score-only``
scores the two trained pipelines again (another threshold, say) and keeps the record's training figures.
"""
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Dict, Iterable, List, Set, Tuple

import spacy
import srsly
import typer
from spacy.language import Language
from spacy.tokens import Doc, DocBin

from bench.bar_chart import save_result
from bench.variants import spacy_train, write_variant_config
from spacy_tkre import Relation
from spacy_tkre.annotation import SOURCE_ID_KEY
from spacy_tkre.convert import ConversionReport, read_prodigy
from spacy_tkre.convert.prodigy import read_label_map
from spacy_tkre.corpus import create_gold_ents_corpus
from spacy_tkre.scoring.joint import _prf

ROOT = Path(__file__).resolve().parents[1]
COMPONENT = "tkre_relation_extractor"
NEGATIVE = "no_relation"
SYMMETRIC = ("Binds",)


def read_tutorial_docs(annotations: Path, label_map: Dict[str, Any], symmetric: Iterable[str] = SYMMETRIC) -> List[Doc]:
    """The tutorial's sentences: accepted records with at least one annotated relation (one the label map drops
    counts, as the tutorial counts No-rel), the dropped labels removed, symmetric labels added in both directions."""
    dropped = {label for label, target in label_map.items() if target is None}
    report = ConversionReport(str(annotations))
    docs = [doc for doc in read_prodigy(annotations, report, {**label_map, **{label: label for label in dropped}})
            if doc._.relations]
    for doc in docs:
        kept = [r for r in doc._.relations if r.label not in dropped]
        reversed_ = [Relation(head=r.tail, tail=r.head, label=r.label) for r in kept if r.label in symmetric]
        seen = {(r.head.start, r.tail.start, r.label) for r in kept}
        doc._.relations = kept + [r for r in reversed_ if (r.head.start, r.tail.start, r.label) not in seen]
    return docs


def split_by_article(docs: List[Doc]) -> Dict[str, List[Doc]]:
    """The tutorial's split: the article id of meta.source ("..., PMC-1134658-00-TIAB.txt", "..., PMID-8622883.txt")
    by its last digit, 3 -> test, 4 -> dev, else train."""
    splits: Dict[str, List[Doc]] = {"train": [], "dev": [], "test": []}
    for doc in docs:
        article = doc.user_data[SOURCE_ID_KEY].removesuffix(".txt").split("-")[1]
        splits["test" if article.endswith("3") else "dev" if article.endswith("4") else "train"].append(doc)
    return splits


def relation_keys(doc: Doc, labels: Iterable[str], threshold: float = 0.0) -> Set[Tuple[int, int, int, int, str]]:
    """The doc's relations of ``labels`` scored >= ``threshold`` as (head, tail character offsets, label): the
    pipeline's docs are tokenized again from the text, so token indices need not match the gold docs'."""
    return {(r.head.start_char, r.head.end_char, r.tail.start_char, r.tail.end_char, r.label)
            for r in doc._.relations if r.label in labels and r.score >= threshold}


def pair_scores(nlp: Language, test: Path, threshold: float) -> Dict[str, float]:
    """Micro P/R/F over (ordered entity pair, label) decisions, as the tutorial's ``score_relations``: every pair
    of distinct entities is a candidate for every label, a decision is a score >= ``threshold``."""
    labels = nlp.get_pipe(COMPONENT).positive_labels
    tp = fp = fn = 0
    examples = list(create_gold_ents_corpus(test)(nlp))
    for example, doc in zip(examples, nlp.pipe(eg.predicted for eg in examples)):
        gold, predicted = relation_keys(example.reference, labels), relation_keys(doc, labels, threshold)
        tp, fp, fn = tp + len(gold & predicted), fp + len(predicted - gold), fn + len(gold - predicted)
    return {**{key: round(value, 4) for key, value in _prf(tp, tp + fp, tp + fn).items()}, "tp": tp, "fp": fp, "fn": fn}


def run_tkre(work: Path, train: Path, steps: int, epochs: int) -> Dict[str, float]:
    """The `own` workflow up to `train` in a copy of the project; returns the wall time of each step."""
    project = work / "tkre_project"
    project.mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "project.yml", project)
    shutil.copytree(ROOT / "configs", project / "configs", dirs_exist_ok=True)
    options = {
        "train": os.path.relpath(train, project), "k": 1000, "schema": "configs/schema_genia.json", "synthesis_flags": "",
        "negative_label": NEGATIVE, "train_steps": steps, "stage1_epochs": epochs, "stage2_epochs": epochs,
        "both_directions": "true", "prompts_per_label": 3,
    }
    seconds = {}
    for command in ("sample", "explain", "synthesize", "pretrain", "train"):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "spacy", "project", "run", command, str(project),
                        *[f"--vars.{key}={value}" for key, value in options.items()]], check=True)
        seconds[command] = round(time.perf_counter() - start, 1)
    return seconds


def write_markdown(result: Dict[str, Any], path: Path) -> None:
    """The record as a table: P/R/F, counts and wall time per pipeline."""
    lines = [f"`{result['command']}`", "", f"Docs {result['docs']}; threshold {result['threshold']}; "
             f"{result['steps']} fine-tuning steps each.", "",
             "| pipeline | P | R | F | tp | fp | fn | wall s |", "|---|---|---|---|---|---|---|---|"]
    for name in ("tkre", "tok2vec_cnn"):
        row = result[name]
        lines.append(f"| {name} | {row['p']:.4f} | {row['r']:.4f} | {row['f']:.4f} | {row['tp']} | {row['fp']} | "
                     f"{row['fn']} | {row['wall_seconds']} |")
    lines += ["", f"tkre seconds per step: {result['tkre']['step_seconds']}; synthetic samples: "
              f"{result['tkre']['synthetic']}."]
    path.write_text("\n".join(lines) + "\n", encoding="utf8")


PIPELINES = {"tkre": Path("tkre_project/training/tkre/pipeline/model-last"), "tok2vec_cnn": Path("tok2vec_cnn/model-last")}


def train_both(annotations: Path, work: Path, steps: int, pretrain_epochs: int, threshold: float, seed: int) -> Dict[str, Any]:
    """Prepare the splits, train both pipelines in ``work``; the record without scores."""
    splits = split_by_article(read_tutorial_docs(annotations, read_label_map(ROOT / "configs" / "label_map_genia.json")))
    for name, part in splits.items():
        DocBin(docs=part, store_user_data=True).to_disk(work / f"{name}.spacy")
    result: Dict[str, Any] = {"docs": {name: len(part) for name, part in splits.items()}, "threshold": threshold, "steps": steps}
    print(result["docs"], flush=True)

    step_seconds = run_tkre(work, work / "train.spacy", steps, pretrain_epochs)
    synthetic = srsly.read_json(work / "tkre_project" / "training" / "tkre" / "synthetic.json")["total"]
    result["tkre"] = {"wall_seconds": round(sum(step_seconds.values()), 1), "step_seconds": step_seconds,
                      "pretrain_epochs_per_stage": pretrain_epochs,
                      "synthetic": {key: synthetic[key] for key in ("accepted", "wanted", "prompts")}}

    config = write_variant_config("tok2vec_cnn", work / "tok2vec_cnn.cfg")
    start = time.perf_counter()
    spacy_train(config, work / "tok2vec_cnn", work / "train.spacy", work / "dev.spacy", system__seed=seed,
                training__max_steps=steps, components__tkre_relation_extractor__negative_label=NEGATIVE,
                components__tkre_relation_extractor__candidates__both_directions="true")
    result["tok2vec_cnn"] = {"wall_seconds": round(time.perf_counter() - start, 1)}
    result["command"] = " ".join(["python -m bench.rel_component", str(annotations), "--steps", str(steps),
                                  "--pretrain-epochs", str(pretrain_epochs), "--threshold", str(threshold)])
    return result


def main(
    annotations: Path = typer.Argument(..., exists=True, help="The tutorial's annotations.jsonl"),
    output: Path = typer.Option(Path("bench/results/rel_component.json")),
    work_dir: Path = typer.Option(Path("bench/out/rel_component")),
    steps: int = typer.Option(200, help="Fine-tuning steps of both pipelines"),
    pretrain_epochs: int = typer.Option(2, help="Epochs of each pre-training stage (tkre)"),
    threshold: float = typer.Option(0.5),
    seed: int = typer.Option(13),
    score_only: bool = typer.Option(False, "--score-only", help="Score the pipelines work_dir holds again; keep the "
                                    "rest of the record in output (its training figures)"),
) -> None:
    work = work_dir.resolve()
    work.mkdir(parents=True, exist_ok=True)
    result = srsly.read_json(output) if score_only else train_both(annotations, work, steps, pretrain_epochs, threshold, seed)
    result["threshold"] = threshold
    for name, pipeline in PIPELINES.items():
        result[name].update(pair_scores(spacy.load(work / pipeline), work / "test.spacy", threshold))
        print(name, result[name], flush=True)
    bars = {f"{short} {measure.upper()}": result[name][measure] for name, short in (("tkre", "TKRE"), ("tok2vec_cnn", "CNN"))
            for measure in "prf"}
    save_result(result, output, bars, ["tab:blue"] * 3 + ["tab:orange"] * 3, "micro score",
                f"Genia test ({result['docs']['test']} docs), TKRE vs tutorial CNN, {result['steps']} steps")
    write_markdown(result, output.with_suffix(".md"))


if __name__ == "__main__":
    typer.run(main)
