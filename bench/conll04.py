"""CoNLL04 from raw text: entity F1 and strict relation micro/macro F1 of a joint pipeline, the same relation
scores on gold entities for reference, and throughput next to the bare recognizer's.

    python -m bench.conll04 training/conll04_shared/model-best corpus/conll04_test.spacy \
        --variant shared_transformer --train-seconds 1500 --output bench/results/conll04_shared.json

Raw text: the test docs' text only (spaCy's Corpus), every pipe runs, scored by spacy_tkre.joint_relation_scorer.v1.
Gold entities: the reference entities are set first (GoldEntsCorpus) and the components that assign doc.ents are
disabled (spaCy's ner keeps preset entities but may add others in the O tokens), so only the extractor's errors
remain. The bare recognizer is the same
pipeline with the extractor disabled, timed on the same raw docs.
"""
import time
from pathlib import Path
from typing import List

import spacy
import typer
from spacy.training import Corpus, Example

from bench.bar_chart import save_result
from spacy_tkre.corpus import create_gold_ents_corpus
from spacy_tkre.decision_tuning import EXTRACTOR, entity_recognizers
from spacy_tkre.results import append_record, make_record
from spacy_tkre.scoring.joint import score_joint, score_strict_relations


def run(nlp, examples: List[Example], batch_size: int) -> float:
    """Annotate the examples' predicted docs in place; return docs per second (after one warm-up batch)."""
    list(nlp.pipe([eg.predicted.copy() for eg in examples[:batch_size]]))
    start = time.perf_counter()
    for example, doc in zip(examples, nlp.pipe((eg.predicted for eg in examples), batch_size=batch_size)):
        example.predicted = doc
    return len(examples) / (time.perf_counter() - start)


def main(
    pipeline: str,
    data: Path,
    variant: str = typer.Option(..., help="Name of the record in results.jsonl"),
    output: Path = typer.Option(..., dir_okay=False),
    train_seconds: float = typer.Option(0.0, help="Wall time of the training run, recorded as given"),
    batch_size: int = typer.Option(64),
    results: Path = typer.Option(Path("bench/results/results.jsonl")),
    decision: str = typer.Option("", help="Override the extractor's decision rule (argmax, best_positive), e.g. as chosen on dev by bench.conll04_decision"),
    threshold: float = typer.Option(-1.0, help="Override the extractor's threshold (with --decision)"),
) -> None:
    nlp = spacy.load(pipeline)
    extractor_cfg = nlp.get_pipe(EXTRACTOR).cfg
    if decision:
        extractor_cfg.update(decision=decision, threshold=threshold if threshold >= 0 else extractor_cfg["threshold"])
    start = time.perf_counter()
    raw = list(Corpus(data)(nlp))
    joint_docs_per_s = run(nlp, raw, batch_size)
    scores = score_joint(raw)
    gold = list(create_gold_ents_corpus(data)(nlp))
    with nlp.select_pipes(disable=entity_recognizers(nlp)):
        run(nlp, gold, batch_size)
    gold_scores = score_strict_relations(gold)
    with nlp.select_pipes(disable=[EXTRACTOR]):
        ner_docs_per_s = run(nlp, list(Corpus(data)(nlp)), batch_size)
    metrics = {
        **{key: scores[key] for key in ("ents_p", "ents_r", "ents_f", "ents_per_type")},
        **{key: value for key, value in scores.items() if key.startswith("rel_strict")},
        **{f"gold_ents_{key}": value for key, value in gold_scores.items()},
        "joint_docs_per_s": round(joint_docs_per_s, 1),
        "ner_docs_per_s": round(ner_docs_per_s, 1),
    }
    record = make_record("conll04", variant, metrics, time.perf_counter() - start, test_docs=len(raw),
                         pipeline=pipeline, pipe_names=nlp.pipe_names, train_seconds=train_seconds,
                         decision=extractor_cfg.get("decision", "argmax"), threshold=extractor_cfg["threshold"])
    append_record(results, record)
    save_result(
        record, output,
        {"entity F1": 100 * scores["ents_f"], "rel micro F1": 100 * scores["rel_strict_micro_f"],
         "rel macro F1": 100 * scores["rel_strict_macro_f"], "rel F1, gold ents": 100 * gold_scores["rel_strict_micro_f"]},
        ["grey", "tab:blue", "tab:cyan", "tab:green"], "%",
        f"CoNLL04 test ({len(raw)} docs), {variant}",
    )


if __name__ == "__main__":
    typer.run(main)
