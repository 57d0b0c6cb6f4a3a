"""The official SemEval-2010 Task 8 scorer's text report, byte for byte, from a ``SemEvalResult``."""
import re
from typing import Iterable

from .semeval import Evaluation, LabelScore, SemEvalResult, scorer_name

DIRECTION_DIGIT = re.compile(r"\(e([12])")
SHORT_NAME = re.compile(r"^(.)[^-]+-(.)")

OFFICIAL_LINE = (
    "<<< The official score is (9+1)-way evaluation with directionality taken into account: "
    "macro-averaged F1 = {f1:0.2f}% >>>\n"
)
TITLES = {
    "directed": "<<< (2*9+1)-WAY EVALUATION (USING DIRECTIONALITY)>>>:",
    "undirected": "<<< (9+1)-WAY EVALUATION IGNORING DIRECTIONALITY >>>:",
    "official": "<<< (9+1)-WAY EVALUATION TAKING DIRECTIONALITY INTO ACCOUNT -- OFFICIAL >>>:",
}


def format_report(result: SemEvalResult) -> str:
    """Render the official scorer's full text output (warnings, three evaluations, official line)."""
    negative = result.negative_label
    parts = [
        f"!!!WARNING!!! The proposed file contains {count} label(s) of type '{scorer_name(label, negative)}', "
        "which is NOT present in the key file.\n\n"
        for label, count in result.unknown_proposed.items()
    ]
    for name in ("directed", "undirected", "official"):
        parts.append(f"{TITLES[name]}\n\n")
        parts.extend(_format_evaluation(getattr(result, name)))
    parts.append(OFFICIAL_LINE.format(f1=result.macro.f1))
    return "".join(parts)


def _short_name(label: str, evaluation: Evaluation) -> str:
    """The scorer's matrix heading: ``C-E1`` for ``Cause-Effect(e1,e2)``, ``*CE1`` if the key lacks it.

    Labels without a hyphen (where perl would stop) use their first two characters.
    """
    if label == evaluation.negative_label:
        return "_O_"
    match = SHORT_NAME.match(label)
    first, second = match.groups() if match else (label[:1], label[1:2])
    short = f"{first}-{second}" if label in evaluation.gold_counts else f"*{first}{second}"
    direction = DIRECTION_DIGIT.search(label)
    return short + direction.group(1) if direction else short


def _format_evaluation(evaluation: Evaluation) -> Iterable[str]:
    """One evaluation block, byte for byte like the perl ``evaluate`` subroutine prints it."""
    yield from _format_confusion_matrix(evaluation)
    yield from _format_accuracy(evaluation)
    yield "\nResults for the individual relations:\n"
    for label, score in evaluation.per_label.items():
        yield _format_label_line(scorer_name(label, evaluation.negative_label), score, evaluation.uses_wrong_direction)
    micro = evaluation.micro
    yield f"\nMicro-averaged result (excluding {evaluation.negative_label}):\n"
    yield (
        f"P = {micro.correct:4d}/{micro.proposed:4d} = {micro.precision:6.2f}%     "
        f"R = {micro.correct:4d}/{micro.gold:4d} = {micro.recall:6.2f}%     F1 = {micro.f1:6.2f}%\n"
    )
    macro = evaluation.macro
    yield f"\nMACRO-averaged result (excluding {evaluation.negative_label}):\n"
    yield f"P = {macro.precision:6.2f}%\tR = {macro.recall:6.2f}%\tF1 = {macro.f1:6.2f}%\n\n\n\n"


def _format_confusion_matrix(evaluation: Evaluation) -> Iterable[str]:
    """The confusion matrix: key labels as rows, proposed labels as columns, plus the sums and skips."""
    columns = evaluation.columns
    rule = "      +" + "-----" * len(columns)
    wrong_total = sum(evaluation.wrong_direction.values())
    skipped_total = evaluation.total_gold - evaluation.total_proposed
    yield "Confusion matrix:\n"
    yield "       " + "".join(f" {_short_name(label, evaluation):>4}" for label in columns) + " <-- classified as\n"
    yield rule + ("+ -SUM- xDIRx skip  ACTUAL\n" if evaluation.uses_wrong_direction else "+ -SUM- skip ACTUAL\n")
    for gold_label, gold_count in evaluation.gold_counts.items():
        cells = "".join(f"{evaluation.confusion.get((gold_label, label), 0):4d} " for label in columns)
        answered, skipped = evaluation.answered(gold_label), evaluation.skipped(gold_label)
        if evaluation.uses_wrong_direction:
            wrong = evaluation.wrong_direction.get(gold_label, 0)
            totals = f"| {answered:4d}  {wrong:4d}  {skipped:4d} {gold_count:6d}\n"
        else:
            totals = f"| {answered:4d} {skipped:4d} {gold_count:4d}\n"
        yield f" {_short_name(gold_label, evaluation):>4} |{cells}{totals}"
    yield rule + "+\n"
    sums = "".join(f"{evaluation.proposed_counts.get(label, 0):4d} " for label in columns)
    if evaluation.uses_wrong_direction:
        totals = (
            f"  {evaluation.total_proposed - wrong_total:4d}  {wrong_total:4d}  {skipped_total:4d} "
            f"{evaluation.total_gold:6d}\n\n"
        )
    else:
        totals = f"  {evaluation.total_proposed:4d} {skipped_total:4d} {evaluation.total_gold:4d}\n\n"
    yield f" -SUM- {sums}{totals}"


def _format_accuracy(evaluation: Evaluation) -> Iterable[str]:
    """Coverage and the three accuracies (answered only, skipped as wrong, skipped as negative)."""
    correct, proposed, gold = evaluation.correct, evaluation.total_proposed, evaluation.total_gold
    yield f"Coverage = {proposed}/{gold} = {evaluation.coverage:5.2f}%\n"
    yield f"Accuracy (calculated for the above confusion matrix) = {correct}/{proposed} = {evaluation.accuracy:5.2f}%\n"
    yield (
        f"Accuracy (considering all skipped examples as Wrong) = {correct}/{gold} = "
        f"{evaluation.accuracy_skipped_as_wrong:5.2f}%\n"
    )
    yield (
        f"Accuracy (considering all skipped examples as {evaluation.negative_label}) = "
        f"{correct + evaluation.negative_skipped}/{gold} = {evaluation.accuracy_skipped_as_negative:5.2f}%\n"
    )


def _format_label_line(name: str, score: LabelScore, uses_wrong_direction: bool) -> str:
    """One ``Results for the individual relations`` line; the official evaluation splits the P denominator."""
    if uses_wrong_direction:
        denominator = f"({score.proposed:4d} +{score.wrong_direction:4d})"
    else:
        denominator = f"{score.proposed + score.wrong_direction:4d}"
    return (
        f"{name:>25} :    P = {score.correct:4d}/{denominator} = {score.precision:6.2f}%     "
        f"R = {score.correct:4d}/{score.gold:4d} = {score.recall:6.2f}%     F1 = {score.f1:6.2f}%\n"
    )
