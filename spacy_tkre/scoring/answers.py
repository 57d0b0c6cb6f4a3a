"""SemEval-2010 Task 8 answer files (``<id><TAB><label>`` lines): read, checked and aligned like the official scorer."""
import re
from pathlib import Path
from typing import Collection, Dict, List, Mapping, Optional, Tuple, Union

from ..annotation import DEFAULT_NEGATIVE_LABEL
from .semeval import SemEvalResult, score_semeval

ANSWER_LINE = re.compile(r"([0-9]+)\t([^\r]+)")


class AnswerFileError(ValueError):
    """An answer file or answer set the scorer cannot use; the message names the file, the line and the fix."""


def read_answer_file(path: Union[str, Path], labels: Optional[Collection[str]] = None) -> Dict[str, str]:
    """Read an answer file of ``<id><TAB><label>`` lines into ``{id: label}``, checked like the official scorer.

    ``labels``: the allowed labels (e.g. ``SEMEVAL_LABELS``, which the perl scorer enforces); ``None`` accepts
    any label set. Unlike perl, a missing newline after the last line is accepted. Ids stay strings, as in perl.
    """
    path = Path(path)
    try:
        text = path.read_bytes().decode("utf8")
    except UnicodeDecodeError as error:
        raise AnswerFileError(f"{path} is not UTF-8 text ({error}); save the answer file as UTF-8.") from None
    lines = text.split("\n")
    if lines[-1] == "":
        lines.pop()
    answers: Dict[str, str] = {}
    first_line: Dict[str, int] = {}
    for number, line in enumerate(lines, start=1):
        answer_id, label = _parse_answer_line(path, number, line.removesuffix("\r"), labels)
        if answer_id in answers:
            raise AnswerFileError(
                f"{path}, line {number}: id {answer_id} is already defined on line {first_line[answer_id]}; "
                "each id may appear only once, remove the duplicate."
            )
        answers[answer_id] = label
        first_line[answer_id] = number
    return answers


def _parse_answer_line(
    path: Path, number: int, line: str, labels: Optional[Collection[str]]
) -> Tuple[str, str]:
    """Split one answer line, rejecting what the official scorer rejects, with the line to fix."""
    match = ANSWER_LINE.fullmatch(line)
    if match is None:
        raise AnswerFileError(
            f"{path}, line {number}: expected '<numeric id><TAB><label>', got {line!r}; "
            "write one answer per line with a single TAB between the id and the label."
        )
    answer_id, label = match.groups()
    if labels is not None and label not in labels:
        raise AnswerFileError(
            f"{path}, line {number}: unknown label {label!r}; use one of {', '.join(sorted(labels))} "
            "(for another label set, read without one: labels=None, or --any-label on the command line)."
        )
    return answer_id, label


def align_answers(
    key: Mapping[str, str], proposed: Mapping[str, str], proposed_name: str = "The proposed answers"
) -> Tuple[List[str], List[Optional[str]]]:
    """Turn ``{id: label}`` answers into the parallel lists ``score_semeval`` takes; unanswered ids give None.

    Proposed ids missing from the key make the official scorer stop, because they mean the two files are from
    different data sets; so they raise here too.
    """
    unknown = [answer_id for answer_id in proposed if answer_id not in key]
    if unknown:
        shown = ", ".join(unknown[:10]) + (", ..." if len(unknown) > 10 else "")
        raise AnswerFileError(
            f"{proposed_name} contain {len(unknown)} id(s) that are not in the answer key: {shown}; "
            "score against the key of the same data split, or drop those lines."
        )
    return list(key.values()), [proposed.get(answer_id) for answer_id in key]


def score_answer_files(
    key_path: Union[str, Path],
    proposed_path: Union[str, Path],
    negative_label: str = DEFAULT_NEGATIVE_LABEL,
    labels: Optional[Collection[str]] = None,
) -> SemEvalResult:
    """Score a proposed answer file against an answer key file (note: the perl scorer takes them reversed)."""
    key = read_answer_file(key_path, labels)
    proposed = read_answer_file(proposed_path, labels)
    return score_semeval(*align_answers(key, proposed, str(proposed_path)), negative_label=negative_label)
