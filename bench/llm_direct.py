"""Baseline (b): the LLM extracts the relations itself, with spacy-llm's ``spacy.REL.v1`` task and the package's
local model, scored by the same official scorer as the relation extractor; appends one record to the results file.

    python -m bench.llm_direct TEST.spacy --docs 200 --seed 0 --results bench/results/results.jsonl

The model is shown the gold entities (as the relation extractor is) and chooses among the undirected relation
names; which entity it makes ``dep`` gives the direction: ``dep`` = e1 means ``(e1,e2)``, ``dep`` = e2 ``(e2,e1)``.
A doc for which it names no relation between the two entities is predicted ``Other``; answers naming an
unknown relation, an entity twice or an entity index the doc lacks are counted. Nothing is cached: the REL task
keeps pydantic ``RelationItem`` objects in ``doc._.rel``, which no doc cache can serialize (200 docs take about
11 minutes on one CPU thread).
"""
import random
import time
from pathlib import Path
from typing import Dict, Iterable, List, Optional

import spacy
import typer
from spacy.training import Example
from thinc.api import Config

from spacy_tkre.annotation import DEFAULT_NEGATIVE_LABEL
from spacy_tkre.corpus import create_gold_ents_corpus
from spacy_tkre.evaluation import json_metrics
from spacy_tkre.interop import relations_from_spacy_llm
from spacy_tkre.progress import progress
from spacy_tkre.relations import Relation
from spacy_tkre.results import append_record, make_record
from spacy_tkre.scoring.relation_scorer import aligned_labels, score_labels
from spacy_tkre.scoring import format_report

LLM_CONFIG = Path(__file__).parent.parent / "configs" / "llm_local.cfg"


def undirected_definitions() -> Dict[str, str]:
    """The nine SemEval relations with the ``(e1,e2)`` definitions of ``configs/llm_local.cfg``."""
    definitions = Config().from_disk(LLM_CONFIG, interpolate=False)["label_definitions"]
    return {label[: -len("(e1,e2)")]: text for label, text in definitions.items() if label.endswith("(e1,e2)")}


def directed(relation: Relation, relation_names: Iterable[str]) -> Optional[Relation]:
    """The SemEval label of an LLM relation between the doc's two entities, or None for an unknown relation."""
    if relation.label not in relation_names or relation.head == relation.tail:
        return None
    forward = relation.head.start < relation.tail.start
    first, second = (relation.head, relation.tail) if forward else (relation.tail, relation.head)
    return Relation(first, second, f"{relation.label}({'e1,e2' if forward else 'e2,e1'})")


def main(
    test: Path,
    docs: int = typer.Option(200, help="Test docs scored (a seeded random subset; 0 = all)"),
    seed: int = typer.Option(0, help="Seed of the subset and of the model's sampling"),
    max_new_tokens: int = typer.Option(60),
    response_prefix: str = typer.Option('{"dep": ', help="Start of every answer; without it SmolLM2-135M never "
                                        "writes the task's JSON lines"),
    cpu_threads: Optional[int] = typer.Option(1),
    results: Path = typer.Option(Path("bench/results/results.jsonl")),
) -> None:
    definitions = undirected_definitions()
    nlp = spacy.blank("en")
    nlp.add_pipe("llm", config={
        "save_io": False,
        "task": {"@llm_tasks": "spacy.REL.v1", "labels": list(definitions), "label_definitions": definitions},
        "model": {"@llm_models": "spacy_tkre.LocalCausalLM.v1", "max_new_tokens": max_new_tokens, "do_sample": False,
                  "batch_size": 8, "seed": seed, "cpu_threads": cpu_threads,
                  "response_prefix": response_prefix},
    })
    examples: List[Example] = list(create_gold_ents_corpus(test)(nlp))
    if docs:
        examples = random.Random(seed).sample(examples, min(docs, len(examples)))
    start = time.perf_counter()
    unknown = 0
    without_relation = 0  # answers from which spacy-llm's REL parser kept no relation (e.g. dep == dest)
    predicted = nlp.pipe((example.predicted for example in examples), batch_size=8)  # progress per model batch
    for example, doc in zip(examples, progress(predicted, total=len(examples), desc="spacy.REL.v1")):
        try:
            relations = [directed(relation, definitions) for relation in relations_from_spacy_llm(doc, doc._.rel)]
        except ValueError:  # an entity index outside the doc's entities
            relations = [None]

        without_relation += not doc._.rel
        unknown += sum(relation is None for relation in relations)
        doc._.relations = [relation for relation in relations if relation is not None][:1]
        example.predicted = doc
    seconds = time.perf_counter() - start
    metrics, official = score_labels(*aligned_labels(examples, DEFAULT_NEGATIVE_LABEL), DEFAULT_NEGATIVE_LABEL)
    metrics = json_metrics({**metrics, "docs": len(examples), "seconds": round(seconds, 1),
                            "unknown_relations": unknown, "answers_without_relation": without_relation})
    print(format_report(official))
    record = make_record("semeval", "llm_rel_v1_smollm2", metrics, seconds, k=0, seed=seed, test_docs=len(examples))
    append_record(results, record)
    print(f"spacy.REL.v1 with the local model on {len(examples)} test docs: macro-F1 "
          f"{100 * metrics['rel_macro_f']:.2f}, micro-F1 {100 * metrics['rel_micro_f']:.2f}, "
          f"{unknown} answers with an unknown label or entity, {without_relation} with no valid relation "
          f"({seconds:.0f}s)")


if __name__ == "__main__":
    typer.run(main)
