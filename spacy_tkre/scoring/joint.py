"""End-to-end scorer for a pipeline that finds entities and relations from raw text (CoNLL04-style).

Why a separate scorer: ``spacy_tkre.relation_scorer.v1`` matches relations by argument offsets and assumes the
gold entities were given. From raw text the field (SpERT and after) scores *strictly*: a predicted relation is
right only if both arguments' boundaries **and** entity types and the relation label equal a gold relation's.
A gold relation whose entity the recognizer missed or mistyped can therefore never be matched: it counts as a
false negative, never as skipped.

Metrics, all fractions (0..1):

* ``ents_p/r/f``: spaCy's own entity scores (``Scorer.score_spans`` over ``doc.ents``), so a pipeline whose
  entities come from a rule-based or external recognizer is scored too;
* ``rel_strict_micro_p/r/f``: counts pooled over relation types;
* ``rel_strict_macro_p/r/f``: the mean of the per-type scores over the types in the gold or the predictions;
* ``rel_strict_per_type``: ``{type: {"p", "r", "f"}}``.
"""
from collections import Counter
from typing import Any, Callable, Dict, Iterable, Set, Tuple

import spacy
from spacy.scorer import Scorer
from spacy.tokens import Doc
from spacy.training import Example

from ..relations import get_relations

# ((head start, head end, head type), (tail start, tail end, tail type), relation label), character offsets.
StrictKey = Tuple[Tuple[int, int, str], Tuple[int, int, str], str]


def strict_relations(doc: Doc) -> Set[StrictKey]:
    """The doc's relations keyed by both arguments' offsets and entity types and the label."""
    return {
        (
            (relation.head.start_char, relation.head.end_char, relation.head.label_),
            (relation.tail.start_char, relation.tail.end_char, relation.tail.label_),
            relation.label,
        )
        for relation in get_relations(doc)
    }


def score_strict_relations(examples: Iterable[Example]) -> Dict[str, Any]:
    """Strict relation P/R/F, micro and macro over relation types, from predicted vs reference docs."""
    true_positives: Counter = Counter()
    predicted_counts: Counter = Counter()
    gold_counts: Counter = Counter()
    for example in examples:
        gold = strict_relations(example.reference)
        predicted = strict_relations(example.predicted)
        gold_counts.update(key[2] for key in gold)
        predicted_counts.update(key[2] for key in predicted)
        true_positives.update(key[2] for key in gold & predicted)
    per_type = {
        label: _prf(true_positives[label], predicted_counts[label], gold_counts[label])
        for label in sorted(gold_counts.keys() | predicted_counts.keys())
    }
    micro = _prf(sum(true_positives.values()), sum(predicted_counts.values()), sum(gold_counts.values()))
    macro = {key: _mean([scores[key] for scores in per_type.values()]) for key in ("p", "r", "f")}
    return {
        **{f"rel_strict_micro_{key}": value for key, value in micro.items()},
        **{f"rel_strict_macro_{key}": value for key, value in macro.items()},
        "rel_strict_per_type": per_type,
    }


def score_joint(examples: Iterable[Example], **kwargs: Any) -> Dict[str, Any]:
    """Entity and strict relation scores; ``**kwargs`` absorbs what spaCy and the component pass to a scorer."""
    examples = list(examples)
    return {**Scorer.score_spans(examples, "ents"), **score_strict_relations(examples)}


def _prf(true_positives: int, predicted: int, gold: int) -> Dict[str, float]:
    precision = true_positives / predicted if predicted else 0.0
    recall = true_positives / gold if gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"p": precision, "r": recall, "f": f1}


def _mean(values) -> float:
    return sum(values) / len(values) if values else 0.0


@spacy.registry.scorers("spacy_tkre.joint_relation_scorer.v1")
def make_joint_relation_scorer() -> Callable[..., Dict[str, Any]]:
    """Registered scorer factory for ``[components.tkre_relation_extractor.scorer]`` in a joint pipeline."""
    return score_joint
