"""Evaluating a pipeline's relations on gold entities: the numbers every command and benchmark reports."""
import time
from pathlib import Path
from typing import Any, Dict, Iterable, List, Tuple, Union

from spacy.language import Language

from spacy.training import Example

from .annotation import SOURCE_ID_KEY
from .corpus import create_gold_ents_corpus
from .relations import relations_by_pair
from .scoring.relation_scorer import aligned_labels, score_labels


def evaluate_pipeline(
    nlp: Language, data_path: Union[str, Path], component: str = "tkre_relation_extractor", batch_size: int = 64,
    limit: int = 0,
) -> Dict[str, Any]:
    """Run ``nlp`` on the gold entities of ``data_path`` (its first ``limit`` docs if > 0) and score its relations.

    Returns the relation scorer's metrics (fractions), per-label directed P/R/F, the official confusion counts,
    speed, under ``"semeval"`` the full official ``SemEvalResult`` for printing and under ``"examples"`` the
    predicted examples (neither is JSON-serializable).
    """
    negative_label = nlp.get_pipe(component).negative_label
    examples = list(create_gold_ents_corpus(data_path, limit=limit)(nlp))
    if not examples:
        raise ValueError(f"{data_path} holds no docs to evaluate.")
    start = time.perf_counter()
    for example, doc in zip(examples, nlp.pipe((eg.predicted for eg in examples), batch_size=batch_size)):
        example.predicted = doc
    seconds = time.perf_counter() - start
    metrics, official = score_labels(*aligned_labels(examples, negative_label), negative_label)
    metrics.update(
        {
            "rel_per_label": {
                label: {"p": score.precision / 100, "r": score.recall / 100, "f": score.f1 / 100, "gold": score.gold}
                for label, score in official.directed.per_label.items()
            },
            "rel_confusion": [[gold, predicted, count] for (gold, predicted), count in official.directed.confusion.items()],
            "docs": len(examples),
            "seconds": round(seconds, 2),
            "docs_per_second": round(len(examples) / seconds, 1) if seconds else None,
            "semeval": official,
            "examples": examples,
        }
    )
    return metrics


def json_metrics(metrics: Dict[str, Any]) -> Dict[str, Any]:
    """The metrics without the in-memory ``SemEvalResult`` and examples."""
    return {key: value for key, value in metrics.items() if key not in ("semeval", "examples")}


def answer_lines(examples: Iterable[Example], negative_label: str) -> Tuple[List[str], List[str]]:
    """The key and the proposed answers in the official scorer's ``<id><TAB><label>`` format, one line per gold pair.

    Ids are the data set's own (SemEval sentence ids, kept by ``convert``) when every doc has one gold pair and a
    numeric id, so the proposed file also scores against the official key file; otherwise pairs are numbered 1..N.
    """
    pairs = []
    for example in examples:
        gold, predicted = relations_by_pair(example.reference), relations_by_pair(example.predicted)
        source_id = example.reference.user_data.get(SOURCE_ID_KEY, "")
        pairs += [(source_id, len(gold), gold[pair], predicted.get(pair, negative_label)) for pair in sorted(gold)]
    own_ids = all(count == 1 and source_id.isdigit() for source_id, count, _, _ in pairs)
    ids = [source_id if own_ids else str(number) for number, (source_id, *_) in enumerate(pairs, 1)]
    key = [f"{answer_id}\t{gold}" for answer_id, (_, _, gold, _) in zip(ids, pairs)]
    proposed = [f"{answer_id}\t{predicted}" for answer_id, (*_, predicted) in zip(ids, pairs)]
    return key, proposed
