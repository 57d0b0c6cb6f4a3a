"""The preference-pairs file: one JSON object per line, readable and editable by a person.

Each line holds ``prompt`` (the synthesis prompt's text, before any chat template), ``chosen`` and ``rejected``
(answers in the sample layout the synthesis parser reads), ``label``, ``kind`` (why the rejected answer is
worse), ``source`` (``gold`` or ``self``), ``half`` (which half of the labels the pair teaches; see
``gold_pairs``), ``n_demonstrations``, ``n_samples`` (gold pairs: samples in *chosen*) and ``scores``; on-policy pairs also keep every sampled ``candidates``'s
validation verdict. Reading checks every line as ``convert`` reads records: a line an edit broke is skipped and
reported with its line number and reason before any training starts.
"""
import json
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional

from ..convert.records import jsonl_lines, parse_json_line, require
from ..convert.report import ConversionError, ConversionReport, SkipRecord, convert_records

REQUIRED = ("prompt", "chosen", "rejected", "label", "kind")

Pair = Dict[str, Any]


def write_pairs(path: Path, pairs: Iterable[Pair]) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    count = 0
    with path.open("w", encoding="utf8") as file:
        for pair in pairs:
            file.write(json.dumps(pair, ensure_ascii=False) + "\n")
            count += 1
    return count


def read_pairs(path: Path, report: Optional[ConversionReport] = None) -> List[Pair]:
    """Every valid pair of the file. A line that is not one is skipped and counted in ``report`` under its reason
    with its line number, as ``convert`` does, and the counts are printed; ``ValueError`` when no pair is left."""
    if not path.exists():
        raise ValueError(f"No preference-pairs file at {path}: write one with `python -m spacy_tkre preference-pairs`.")
    report = ConversionReport(str(path)) if report is None else report
    try:
        pairs = list(convert_records(jsonl_lines(path), _pair, report))
    except ConversionError as error:
        raise ValueError(str(error)) from None
    if report.total_skipped:
        report.print(action="Read")
    if not pairs:
        skipped = "; ".join(f"{count} x {reason}, first at {report.first_skip[reason]}" for reason, count in report.skipped.most_common())
        raise ValueError(
            f"{path} holds no valid preference pair{f' (skipped {skipped})' if skipped else ''}: fix the lines or "
            "build pairs with `python -m spacy_tkre preference-pairs`."
        )
    return pairs


def pairs_of_half(pairs: List[Pair], half: int) -> List[Pair]:
    """The pairs that teach the labels of ``half``; ``ValueError`` when there is none."""
    chosen = [pair for pair in pairs if pair.get("half") == half]
    if not chosen:
        raise ValueError(f"No preference pair has half = {half}: build pairs for both halves or drop --half.")
    return chosen


def _pair(line: str) -> Pair:
    pair = require(parse_json_line(line), *REQUIRED)
    blank = [key for key in REQUIRED if not isinstance(pair[key], str) or not pair[key].strip()]
    if blank:
        raise SkipRecord("field without text", f"{blank}: every pair needs text for {', '.join(REQUIRED)}")
    if pair["chosen"].strip() == pair["rejected"].strip():
        raise SkipRecord("chosen and rejected are the same text, so the pair teaches nothing")
    return pair
