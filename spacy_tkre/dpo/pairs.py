"""The preference-pairs file: one JSON object per line, readable and editable by a person.

Each line holds ``prompt`` (the synthesis prompt's text, before any chat template), ``chosen`` and ``rejected``
(answers in the sample layout the synthesis parser reads), ``label``, ``kind`` (why the rejected answer is
worse), ``source`` (``gold`` or ``self``), ``half`` (which half of the labels the pair teaches; see
``gold_pairs``), ``n_demonstrations`` and ``scores``; on-policy pairs also keep every sampled ``candidates``'s
validation verdict. Reading checks every line, so an edit that breaks the file is reported with its line number
before any training starts.
"""
import json
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional

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


def read_pairs(path: Path, half: Optional[int] = None) -> List[Pair]:
    """Every pair of the file (only those of ``half`` when given); raises ``ValueError`` naming the bad line."""
    if not path.exists():
        raise ValueError(f"No preference-pairs file at {path}: write one with `python -m spacy_tkre preference-pairs`.")
    pairs = []
    with path.open(encoding="utf8") as file:
        for number, line in enumerate(file, start=1):
            if line.strip():
                pairs.append(_check(_parse(line, path, number), path, number))
    if not pairs:
        raise ValueError(f"{path} holds no preference pair: build pairs with `python -m spacy_tkre preference-pairs`.")
    if half is not None:
        pairs = [pair for pair in pairs if pair.get("half") == half]
        if not pairs:
            raise ValueError(f"{path} has no pair with half = {half}: build pairs for both halves or drop --half.")
    return pairs


def _parse(line: str, path: Path, number: int) -> Pair:
    try:
        pair = json.loads(line)
    except ValueError as error:
        raise ValueError(f"{path}, line {number} is not JSON ({error}): each line must be one JSON object.") from None
    if not isinstance(pair, dict):
        raise ValueError(f"{path}, line {number} is a JSON {type(pair).__name__}, not an object with {', '.join(REQUIRED)}.")
    return pair


def _check(pair: Pair, path: Path, number: int) -> Pair:
    missing = [key for key in REQUIRED if not isinstance(pair.get(key), str) or not pair[key].strip()]
    if missing:
        raise ValueError(f"{path}, line {number} lacks text for {missing}: every pair needs {', '.join(REQUIRED)}.")
    if pair["chosen"].strip() == pair["rejected"].strip():
        raise ValueError(
            f"{path}, line {number}: chosen and rejected are the same text, so the pair teaches nothing: "
            "fix or delete the line."
        )
    return pair
