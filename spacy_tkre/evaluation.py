"""Evaluating a pipeline's relations on gold entities: the numbers every command and benchmark reports."""
import time
from pathlib import Path
from typing import Any, Dict, Union

from spacy.language import Language

from .corpus import create_gold_ents_corpus
from .scoring.relation_scorer import aligned_labels, score_labels
from .scoring.semeval import SemEvalResult


def evaluate_pipeline(nlp: Language, data_path: Union[str, Path], component: str = "tkre_relation_extractor", batch_size: int = 64) -> Dict[str, Any]:
    """Run ``nlp`` on the gold entities of ``data_path`` and score its relations.

    Returns the relation scorer's metrics (fractions), per-label directed P/R/F, the official confusion counts,
    speed, and under ``"semeval"`` the full official ``SemEvalResult`` for printing (not JSON-serializable).
    """
    negative_label = nlp.get_pipe(component).negative_label
    examples = list(create_gold_ents_corpus(data_path)(nlp))
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
        }
    )
    return metrics


def json_metrics(metrics: Dict[str, Any]) -> Dict[str, Any]:
    """The metrics without the in-memory ``SemEvalResult``."""
    return {key: value for key, value in metrics.items() if not isinstance(value, SemEvalResult)}
