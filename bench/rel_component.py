"""The spaCy rel_component tutorial's Genia data: this package's few-shot chain vs the tutorial's CPU approach.

    python -m bench.rel_component ../shared/data/rel_component/annotations.jsonl \
        --output bench/results/rel_component.json

The data are prepared as the tutorial does: Prodigy rel.manual records, Pos-Reg/Neg-Reg/Reg -> Regulates,
Binds -> Binds, No-rel dropped (configs/label_map_genia.json), accepted records with a positive relation only, split
by article id (meta.source ending in 3 -> test, 4 -> dev, else train). Then

- ``tkre``: the project's `own` workflow on the train split (explain -> synthesize -> pretrain -> train, with
  configs/schema_genia.json), i.e. what a user with these annotations runs;
- ``tok2vec_cnn``: the tutorial's approach (a CNN tok2vec, span pooling, no transformer; bench.variants) trained on
  the same split with the same step budget.

Both are scored with the tutorial's measure: over every ordered pair of distinct entities in a test doc and every
label, a prediction is a score >= THRESHOLD; micro P/R/F against the gold relations. Wall times are per pipeline.
"""
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Dict, List

import spacy
import srsly
import typer
from spacy.language import Language
from spacy.tokens import Doc, DocBin

from bench.variants import spacy_train, write_variant_config
from spacy_tkre.annotation import SOURCE_ID_KEY
from spacy_tkre.convert import ConversionReport, read_prodigy
from spacy_tkre.convert.prodigy import read_label_map
from spacy_tkre.corpus import create_gold_ents_corpus

ROOT = Path(__file__).resolve().parents[1]
COMPONENT = "tkre_relation_extractor"
NEGATIVE = "no_relation"


def split_by_article(docs: List[Doc]) -> Dict[str, List[Doc]]:
    """The tutorial's split: the article id's last digit, 3 -> test, 4 -> dev, else train."""
    splits: Dict[str, List[Doc]] = {"train": [], "dev": [], "test": []}
    for doc in docs:
        article = doc.user_data[SOURCE_ID_KEY].removesuffix(".txt")
        splits["test" if article.endswith("3") else "dev" if article.endswith("4") else "train"].append(doc)
    return splits


def pair_scores(nlp: Language, test: Path, threshold: float) -> Dict[str, float]:
    """Micro P/R/F over (ordered entity pair, label) decisions, as the tutorial's ``score_relations``."""
    labels = nlp.get_pipe(COMPONENT).positive_labels
    tp = fp = fn = 0
    examples = list(create_gold_ents_corpus(test)(nlp))
    for example, doc in zip(examples, nlp.pipe(eg.predicted for eg in examples)):
        key = lambda r: (r.head.start, r.head.end, r.tail.start, r.tail.end, r.label)  # noqa: E731
        gold = {key(r) for r in example.reference._.relations}
        predicted = {key(r) for r in doc._.relations if r.score >= threshold}
        ents = [(ent.start, ent.end) for ent in doc.ents]
        for head in ents:
            for tail in ents:
                for label in labels if head != tail else ():
                    decision = (*head, *tail, label)
                    tp += decision in gold and decision in predicted
                    fp += decision not in gold and decision in predicted
                    fn += decision in gold and decision not in predicted
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return {"p": round(p, 4), "r": round(r, 4), "f": round(2 * p * r / (p + r), 4) if p + r else 0.0, "tp": tp, "fp": fp, "fn": fn}


def run_tkre(work: Path, train: Path, steps: int, epochs: int) -> float:
    """The `own` workflow (without package) in a copy of the project; returns its wall time."""
    project = work / "tkre_project"
    project.mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "project.yml", project)
    shutil.copytree(ROOT / "configs", project / "configs", dirs_exist_ok=True)
    options = {
        "train": os.path.relpath(train, project), "k": 1000, "schema": "configs/schema_genia.json", "synthesis_flags": "",
        "negative_label": NEGATIVE, "train_steps": steps, "stage1_epochs": epochs, "stage2_epochs": epochs,
        "both_directions": "true", "prompts_per_label": 3,
    }
    start = time.perf_counter()
    for command in ("sample", "explain", "synthesize", "pretrain", "train"):
        subprocess.run([sys.executable, "-m", "spacy", "project", "run", command, str(project),
                        *[f"--vars.{key}={value}" for key, value in options.items()]], check=True)
    return time.perf_counter() - start


def main(
    annotations: Path = typer.Argument(..., exists=True, help="The tutorial's annotations.jsonl"),
    output: Path = typer.Option(Path("bench/results/rel_component.json")),
    work_dir: Path = typer.Option(Path("bench/out/rel_component")),
    steps: int = typer.Option(300, help="Fine-tuning steps of both pipelines"),
    pretrain_epochs: int = typer.Option(2, help="Epochs of each pre-training stage (tkre)"),
    threshold: float = typer.Option(0.5),
    seed: int = typer.Option(13),
) -> None:
    work = work_dir.resolve()
    work.mkdir(parents=True, exist_ok=True)
    report = ConversionReport(str(annotations))
    docs = [doc for doc in read_prodigy(annotations, report, read_label_map(ROOT / "configs" / "label_map_genia.json")) if doc._.relations]
    splits = split_by_article(docs)
    for name, part in splits.items():
        DocBin(docs=part, store_user_data=True).to_disk(work / f"{name}.spacy")
    result: Dict[str, Any] = {"docs": {name: len(part) for name, part in splits.items()}, "threshold": threshold, "steps": steps}
    print(result["docs"], flush=True)

    seconds = run_tkre(work, work / "train.spacy", steps, pretrain_epochs)
    nlp = spacy.load(work / "tkre_project" / "training" / "tkre" / "pipeline" / "model-last")
    result["tkre"] = {**pair_scores(nlp, work / "test.spacy", threshold), "wall_seconds": round(seconds, 1),
                      "pretrain_epochs_per_stage": pretrain_epochs}
    print("tkre", result["tkre"], flush=True)

    config = write_variant_config("tok2vec_cnn", work / "tok2vec_cnn.cfg")
    start = time.perf_counter()
    spacy_train(config, work / "tok2vec_cnn", work / "train.spacy", work / "dev.spacy", system__seed=seed,
                training__max_steps=steps, components__tkre_relation_extractor__negative_label=NEGATIVE,
                components__tkre_relation_extractor__candidates__both_directions="true")
    seconds = time.perf_counter() - start
    nlp = spacy.load(work / "tok2vec_cnn" / "model-last")
    result["tok2vec_cnn"] = {**pair_scores(nlp, work / "test.spacy", threshold), "wall_seconds": round(seconds, 1)}
    print("tok2vec_cnn", result["tok2vec_cnn"], flush=True)
    result["command"] = " ".join(["python -m bench.rel_component", str(annotations), "--steps", str(steps),
                                  "--pretrain-epochs", str(pretrain_epochs), "--threshold", str(threshold)])
    output.parent.mkdir(parents=True, exist_ok=True)
    srsly.write_json(output, result)


if __name__ == "__main__":
    typer.run(main)
