"""spaCy scorer for relation extraction: compares ``doc._.relations`` of predicted and reference docs.

Relations are matched by the character offsets of their (head, tail) arguments, so predicted and reference
docs may be tokenized differently. A pair annotated on one side only has the negative label on the other,
which makes a missed relation a false negative and a spurious one a false positive.

Two families of numbers, all fractions (0..1):

* ``rel_micro_p/r/f``: TACRED-style micro average, negative label excluded: a true positive is a
  non-negative prediction equal to the gold label; P = tp / #non-negative predictions,
  R = tp / #non-negative gold labels. Unlike the SemEval micro average, predicted types absent from the
  gold do count against precision.
* ``rel_macro_f`` and ``rel_f_per_type``: the official SemEval-2010 Task 8 macro-F1 and per-type scores
  (``spacy_tkre.scoring.semeval``), where the direction must match. Only types present in the gold are
  scored per type, as in the official scorer; the negative label has no entry.
"""
from functools import partial
from typing import Any, Callable, Dict, Iterable, List, Tuple

import spacy
from spacy.training import Example

from ..annotation import DEFAULT_NEGATIVE_LABEL
from ..relations import relations_by_pair
from .semeval import SemEvalResult, score_semeval


def score_relations(
    examples: Iterable[Example], negative_label: str = DEFAULT_NEGATIVE_LABEL, **kwargs: Any
) -> Dict[str, Any]:
    """Score predicted against reference relations; ``**kwargs`` absorbs what spaCy passes to every scorer."""
    return score_labels(*aligned_labels(examples, negative_label), negative_label)[0]


def score_labels(gold: List[str], predicted: List[str], negative_label: str) -> Tuple[Dict[str, Any], SemEvalResult]:
    """The scorer's metrics over aligned labels, with the official ``SemEvalResult`` they were taken from."""
    true_positives = sum(1 for g, p in zip(gold, predicted) if p != negative_label and p == g)
    precision = _ratio(true_positives, sum(1 for label in predicted if label != negative_label))
    recall = _ratio(true_positives, sum(1 for label in gold if label != negative_label))
    official = score_semeval(gold, predicted, negative_label=negative_label)
    metrics = {
        "rel_micro_p": precision,
        "rel_micro_r": recall,
        "rel_micro_f": _ratio(2 * precision * recall, precision + recall),
        "rel_macro_f": official.macro.f1 / 100,
        "rel_f_per_type": {
            relation_type: {"p": score.precision / 100, "r": score.recall / 100, "f": score.f1 / 100}
            for relation_type, score in official.per_type.items()
            if relation_type != negative_label
        },
    }
    return metrics, official


def aligned_labels(examples: Iterable[Example], negative_label: str) -> Tuple[List[str], List[str]]:
    """Parallel gold/predicted labels over the union of argument pairs, the negative label filling gaps."""
    gold: List[str] = []
    predicted: List[str] = []
    for example in examples:
        reference_pairs = relations_by_pair(example.reference)
        predicted_pairs = relations_by_pair(example.predicted)
        for pair in sorted(reference_pairs.keys() | predicted_pairs.keys()):
            gold.append(reference_pairs.get(pair, negative_label))
            predicted.append(predicted_pairs.get(pair, negative_label))
    return gold, predicted


def _ratio(numerator: float, denominator: float) -> float:
    """A fraction that is 0 for an empty denominator, so empty evaluation sets score zero, not crash."""
    return numerator / denominator if denominator else 0.0


@spacy.registry.scorers("spacy_tkre.relation_scorer.v1")
def make_relation_scorer(negative_label: str = DEFAULT_NEGATIVE_LABEL) -> Callable[..., Dict[str, Any]]:
    """Registered scorer factory; the returned callable keeps spaCy's ``scorer(examples, **kwargs)`` signature."""
    return partial(score_relations, negative_label=negative_label)
