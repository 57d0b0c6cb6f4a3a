"""Reading raw records from JSON and JSONL files; malformed content becomes a ``SkipRecord`` or ``ConversionError``."""
import json
from pathlib import Path
from typing import Any, Dict, Iterator, Tuple, Union

import srsly

from .report import ConversionError, SkipRecord


def text_lines(path: Union[str, Path]) -> Iterator[Tuple[int, str]]:
    """Yield ``(number, line)`` of a UTF-8 text file; a file that is not UTF-8 text cannot be converted at all."""
    with Path(path).open(encoding="utf8") as lines:
        number = 0
        try:
            for number, line in enumerate(lines, 1):
                yield number, line
        except UnicodeDecodeError as error:
            raise ConversionError(
                f"{path} is not UTF-8 text ({error.reason} near line {number + 1}): "
                "is it the data file itself, not an archive or a binary file? Re-save it as UTF-8 if needed."
            ) from None


def jsonl_lines(path: Union[str, Path]) -> Iterator[Tuple[str, str]]:
    """Yield ``("line N", text)`` for each non-blank line; parsing happens per record so one bad line is one skip."""
    for number, line in text_lines(path):
        if line.strip():
            yield f"line {number}", line


def parse_json_line(line: str) -> Dict[str, Any]:
    """One JSONL record as a dict."""
    try:
        record = json.loads(line)
    except json.JSONDecodeError as error:
        raise SkipRecord("bad JSON", str(error)) from None
    return require(record)


def read_json_document(path: Union[str, Path], expected: type, what: str) -> Any:
    """A whole-file JSON document of type ``expected``; anything else cannot be converted at all."""
    try:
        data = srsly.read_json(path)
    except ValueError as error:
        raise ConversionError(f"{path} is not valid JSON ({error}); expected {what}.") from None
    if not isinstance(data, expected):
        raise ConversionError(f"{path} holds a JSON {type(data).__name__}; expected {what}. Check --format.")
    return data


def require(record: Any, *fields: str) -> Dict[str, Any]:
    """Check that ``record`` is a JSON object with ``fields``, so converters can index it safely."""
    if not isinstance(record, dict):
        raise SkipRecord("record is not a JSON object", type(record).__name__)
    for name in fields:
        if name not in record:
            raise SkipRecord(f"missing field '{name}'")
    return record
