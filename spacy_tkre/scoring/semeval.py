"""The official SemEval-2010 Task 8 scorer (``semeval2010_task8_scorer-v1.2.pl``), reimplemented in Python.

Why a reimplementation: published SemEval-2010 Task 8 results are the macro-F1 that this perl script prints,
and its definitions are particular (a right type with the wrong direction counts against precision, labels
absent from the key are left out of both averages, the negative class is excluded from them), so only a
faithful copy gives numbers comparable with the literature, without needing perl at training time.

Units: every precision, recall and F1 here is a **percentage (0..100)** at full float precision, computed
with the same operations in the same order as the perl script, so that rounding to two decimals, which only
``format_report`` (``semeval_report``) does, prints the same digits as the official scorer. Answer files are
read in ``answers``.

The scorer runs three evaluations, kept in ``SemEvalResult``:

* ``directed``: (2*9+1)-way, every directed label is its own class;
* ``undirected``: (9+1)-way, labels reduced to their type, direction ignored;
* ``official``: (9+1)-way by type, but a prediction is correct only if its direction is right too; a right
  type with the wrong direction is counted in ``xDIRx`` and against that type's precision.
  Its macro-averaged F1 is *the* official score.

Skipped examples (in the key, not answered) count against recall. Averages exclude the negative label.

Generalised beyond SemEval: the *type* of a label is the label without a trailing direction suffix such as
``(e1,e2)`` or ``(e2,e1)`` (labels without one are their own type) and the negative label (``Other`` in
SemEval) is a parameter. As in the perl script, the negative label is shown and sorted as ``_Other``.
"""
import re
from collections import Counter
from dataclasses import dataclass
from typing import Dict, List, Optional, Sequence, Tuple

from ..annotation import DEFAULT_NEGATIVE_LABEL

# The perl script strips any "(e1,e2)", "(e2,e1)", "(e1,e1)" or "(e2,e2)" at the end of a label.
DIRECTION_SUFFIX = re.compile(r"\(e[12],e[12]\)$")

SEMEVAL_RELATIONS = (
    "Cause-Effect",
    "Component-Whole",
    "Content-Container",
    "Entity-Destination",
    "Entity-Origin",
    "Instrument-Agency",
    "Member-Collection",
    "Message-Topic",
    "Product-Producer",
)
SEMEVAL_LABELS = frozenset(
    [f"{relation}{direction}" for relation in SEMEVAL_RELATIONS for direction in ("(e1,e2)", "(e2,e1)")]
    + ["Other"]
)


@dataclass(frozen=True)
class PRF:
    """Precision, recall and F1 as unrounded percentages (0..100)."""

    precision: float
    recall: float
    f1: float


@dataclass(frozen=True)
class LabelScore(PRF):
    """One key label's P/R/F1 with the counts the scorer prints: ``P = correct/(proposed + wrong_direction)``,
    ``R = correct/gold``. ``wrong_direction`` is non-zero only in the official evaluation."""

    correct: int
    proposed: int
    wrong_direction: int
    gold: int


@dataclass(frozen=True)
class MicroScore(PRF):
    """Micro-averaged P/R/F1 over the non-negative key labels, with the summed counts."""

    correct: int
    proposed: int
    gold: int


@dataclass(frozen=True)
class Evaluation:
    """One of the scorer's three evaluations: its confusion counts and the scores derived from them.

    Dicts over labels are in the scorer's order (sorted, the negative label sorted as ``_<negative>``).
    """

    negative_label: str
    gold_counts: Dict[str, int]
    proposed_counts: Dict[str, int]
    confusion: Dict[Tuple[str, str], int]
    wrong_direction: Dict[str, int]
    uses_wrong_direction: bool
    total_gold: int
    total_proposed: int
    per_label: Dict[str, LabelScore]
    micro: MicroScore
    macro: PRF

    @property
    def columns(self) -> List[str]:
        """The confusion matrix columns: the key labels, then proposed labels the key does not contain."""
        return list(self.gold_counts) + [label for label in self.proposed_counts if label not in self.gold_counts]

    @property
    def correct(self) -> int:
        """Answered examples whose proposed label equals the key label (the matrix diagonal)."""
        return sum(self.confusion.get((label, label), 0) for label in self.gold_counts)

    def answered(self, gold_label: str) -> int:
        """Answered examples of a key label, wrong-direction ones excluded (the row's ``-SUM-``)."""
        return sum(count for (gold, _), count in self.confusion.items() if gold == gold_label)

    def skipped(self, gold_label: str) -> int:
        """Examples of a key label that were not answered (the row's ``skip``)."""
        return self.gold_counts[gold_label] - self.answered(gold_label) - self.wrong_direction.get(gold_label, 0)

    @property
    def coverage(self) -> float:
        """Percentage of key examples that were answered."""
        return _percent(self.total_proposed, self.total_gold)

    @property
    def accuracy(self) -> float:
        """Percentage of answered examples classified correctly."""
        return _percent(self.correct, self.total_proposed)

    @property
    def accuracy_skipped_as_wrong(self) -> float:
        """Accuracy over the whole key, skipped examples counted as errors."""
        return _percent(self.correct, self.total_gold)

    @property
    def negative_skipped(self) -> int:
        """Skipped examples whose key label is the negative one: skipping them counts as right below."""
        return self.skipped(self.negative_label) if self.negative_label in self.gold_counts else 0

    @property
    def accuracy_skipped_as_negative(self) -> float:
        """Accuracy over the whole key, skipped examples counted as predicted negative."""
        return _percent(self.correct + self.negative_skipped, self.total_gold)


@dataclass(frozen=True)
class SemEvalResult:
    """The three evaluations of the official scorer; ``per_type``, ``micro`` and ``macro`` are the official ones.

    ``unknown_proposed`` counts proposed (directed) labels that never occur in the key, which the scorer warns
    about: they are left out of every per-label score and both averages.
    """

    negative_label: str
    directed: Evaluation
    undirected: Evaluation
    official: Evaluation
    unknown_proposed: Dict[str, int]

    @property
    def per_type(self) -> Dict[str, LabelScore]:
        """Official per-type scores (direction must match), one entry per type in the key."""
        return self.official.per_label

    @property
    def micro(self) -> MicroScore:
        """Official micro-averaged P/R/F1, negative label excluded."""
        return self.official.micro

    @property
    def macro(self) -> PRF:
        """Official macro-averaged P/R/F1, negative label excluded; ``macro.f1`` is the official score."""
        return self.official.macro


def relation_type(label: str) -> str:
    """The label without its direction suffix: ``Cause-Effect(e2,e1)`` -> ``Cause-Effect``."""
    return DIRECTION_SUFFIX.sub("", label)


def score_semeval(
    gold: Sequence[str], predicted: Sequence[Optional[str]], negative_label: str = DEFAULT_NEGATIVE_LABEL
) -> SemEvalResult:
    """Score parallel label lists exactly like the official scorer; ``None`` in ``predicted`` means skipped."""
    if len(gold) != len(predicted):
        raise ValueError(
            f"score_semeval needs one prediction per gold label, got {len(gold)} gold and {len(predicted)} "
            "predicted labels; pass None for an example without a prediction."
        )
    answered = [(gold_label, label) for gold_label, label in zip(gold, predicted) if label is not None]
    typed_gold = [relation_type(label) for label in gold]
    typed = [(relation_type(gold_label), relation_type(label), gold_label == label) for gold_label, label in answered]
    directed = _evaluate(gold, answered, negative_label)
    return SemEvalResult(
        negative_label=negative_label,
        directed=directed,
        undirected=_evaluate(typed_gold, [(g, p) for g, p, _ in typed], negative_label),
        official=_evaluate(
            typed_gold,
            [(g, p) for g, p, exact in typed if exact or g != p],
            negative_label,
            wrong_direction=Counter(g for g, p, exact in typed if g == p and not exact),
        ),
        unknown_proposed={
            label: count for label, count in directed.proposed_counts.items() if label not in directed.gold_counts
        },
    )


def _percent(numerator: float, denominator: float) -> float:
    """``100 * n / d`` in the perl operation order, 0 for an empty denominator instead of perl's crash."""
    return 0.0 if denominator == 0 else 100.0 * numerator / denominator


def _f1(precision: float, recall: float) -> float:
    """Harmonic mean in the perl operation order (it decides the last printed digit)."""
    return 0.0 if precision + recall == 0 else 2 * precision * recall / (precision + recall)


def scorer_name(label: str, negative_label: str) -> str:
    """The name the perl scorer shows and sorts by: it reads the negative label as ``_Other``."""
    return f"_{label}" if label == negative_label else label


def _in_scorer_order(counts: Counter, negative_label: str) -> Dict[str, int]:
    """Counts sorted like perl's ``sort keys`` over the scorer's names, so reports list labels identically."""
    return {label: counts[label] for label in sorted(counts, key=lambda label: scorer_name(label, negative_label))}


def _evaluate(
    gold: Sequence[str],
    answered: Sequence[Tuple[str, str]],
    negative_label: str,
    wrong_direction: Optional[Counter] = None,
) -> Evaluation:
    """Build one evaluation from the key labels and the (key, proposed) pairs of answered examples.

    ``wrong_direction`` (official evaluation only) counts, per key type, the answers of the right type and
    wrong direction, which are left out of ``answered`` but still count as proposed for that type.
    """
    gold_counts = _in_scorer_order(Counter(gold), negative_label)
    proposed_counts = _in_scorer_order(Counter(label for _, label in answered), negative_label)
    confusion = dict(Counter(answered))
    wrong = dict(wrong_direction or {})
    per_label = {}
    for label, gold_count in gold_counts.items():
        correct = confusion.get((label, label), 0)
        proposed = proposed_counts.get(label, 0)
        wrong_count = wrong.get(label, 0)
        # As in perl: no precision when nothing was proposed in the right direction, even with xDIRx answers.
        precision = 0.0 if proposed == 0 else _percent(correct, proposed + wrong_count)
        recall = _percent(correct, gold_count)
        per_label[label] = LabelScore(
            precision, recall, _f1(precision, recall), correct, proposed, wrong_count, gold_count
        )
    positives = [score for label, score in per_label.items() if label != negative_label]
    return Evaluation(
        negative_label=negative_label,
        gold_counts=gold_counts,
        proposed_counts=proposed_counts,
        confusion=confusion,
        wrong_direction=wrong,
        uses_wrong_direction=wrong_direction is not None,
        total_gold=len(gold),
        total_proposed=len(answered) + sum(wrong.values()),
        per_label=per_label,
        micro=_micro(positives),
        macro=_macro(positives),
    )


def _micro(scores: Sequence[LabelScore]) -> MicroScore:
    """Pool the counts of the non-negative key labels; proposed labels absent from the key are not counted."""
    correct = sum(score.correct for score in scores)
    proposed = sum(score.proposed + score.wrong_direction for score in scores)
    gold = sum(score.gold for score in scores)
    precision, recall = _percent(correct, proposed), _percent(correct, gold)
    return MicroScore(precision, recall, _f1(precision, recall), correct, proposed, gold)


def _macro(scores: Sequence[LabelScore]) -> PRF:
    """Average the per-label percentages (summed in scorer order, as perl does, then divided)."""
    if not scores:
        return PRF(0.0, 0.0, 0.0)
    precision = recall = f1 = 0.0
    for score in scores:
        precision += score.precision
        recall += score.recall
        f1 += score.f1
    return PRF(precision / len(scores), recall / len(scores), f1 / len(scores))
