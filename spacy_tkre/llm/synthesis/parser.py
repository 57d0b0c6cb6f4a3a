"""Reading samples out of whatever the LLM wrote: JSON (objects, arrays, fenced code) or labelled lines.

Small models mix formats, number their samples, add markdown and stop mid-sample, so nothing is assumed: every
field is looked up under several names, and a sample that lacks a context, head or tail is counted as
incomplete instead of being guessed. Offsets are never read from the response; validation finds the entities.
"""
import json
import re
from collections import Counter
from typing import Any, Dict, Iterable, List, Optional

from spacy.tokens import Doc

REQUIRED = ("context", "head", "tail")
ALIASES = {
    "relation": ("relation", "label", "relation type", "relation name"),
    "context": ("context", "sentence", "text"),
    "head": ("head entity", "head", "subject", "subject entity"),
    "head_type": ("head type", "head entity type", "subject type"),
    "tail": ("tail entity", "tail", "object", "object entity"),
    "tail_type": ("tail type", "tail entity type", "object type"),
}
FIELD_BY_NAME = {alias: field for field, names in ALIASES.items() for alias in names}
LABELLED_LINE = re.compile(r"^[\s>#*\-\d.)]*\**\s*(?P<name>[A-Za-z][A-Za-z _-]*?)\s*\**\s*[:=]\s*(?P<value>.*)$")
QUOTES = "\"'`“”‘’*"

NO_SAMPLE = "no sample found in the response"
INCOMPLETE = "incomplete sample (context, head or tail missing)"
# A small model that loops writes one field line over and over ("Tail Entity: mouth" fifty times): each repeat is a
# record without a context, counted apart so that loop length does not pass for lost samples.
FRAGMENT = "fragment without a context (a field line the model repeats)"

Draft = Dict[str, str]


def parse_samples(response: str) -> Dict[str, Any]:
    """``{"samples": [draft, ...], "problems": {reason: count}}``; a draft maps field names to strings."""
    candidates = [_json_records(response), _labelled_records(response)]
    records = max(candidates, key=lambda found: (len(_complete(found)), len(found)))
    samples = _complete(records)
    problems = Counter(INCOMPLETE if record.get("context") else FRAGMENT for record in records if record not in samples)
    if not records:
        problems[NO_SAMPLE] += 1
    return {"samples": samples, "problems": dict(problems)}


def parse_responses_v1(task: Any, shards: Iterable[Iterable[Doc]], responses: Iterable[Iterable[str]]) -> Iterable[List[Dict[str, Any]]]:
    """spacy-llm parser protocol: per doc, one parsed result per response."""
    for _, doc_responses in zip(shards, responses):
        yield [parse_samples(response) for response in doc_responses]


def _complete(records: List[Draft]) -> List[Draft]:
    return [record for record in records if all(record.get(field) for field in REQUIRED)]


def _clean(value: Any) -> str:
    return str(value).strip().strip(QUOTES).rstrip(",").strip().strip(QUOTES).strip()


def _field(name: str) -> Optional[str]:
    return FIELD_BY_NAME.get(re.sub(r"[\s_-]+", " ", name.strip().lower()))


def _labelled_records(response: str) -> List[Draft]:
    """``Name: value`` lines; a field seen again starts the next sample."""
    records: List[Draft] = []
    current: Draft = {}
    for line in response.splitlines():
        match = LABELLED_LINE.match(line)
        field = _field(match.group("name")) if match else None
        if field is None:
            continue
        if field in current:
            records.append(current)
            current = {}
        current[field] = _clean(match.group("value"))
    if current:
        records.append(current)
    return [record for record in records if set(record) & set(REQUIRED)]


def _json_records(response: str) -> List[Draft]:
    """Every JSON object in the response that names at least one sample field, wherever it sits."""
    decoder = json.JSONDecoder()
    records: List[Draft] = []
    position = 0
    while position < len(response):
        starts = [index for index in (response.find("{", position), response.find("[", position)) if index >= 0]
        if not starts:
            break
        start = min(starts)
        try:
            value, end = decoder.raw_decode(response, start)
        except ValueError:
            position = start + 1
            continue
        records.extend(_records_in(value))
        position = end
    return records


def _records_in(value: Any) -> List[Draft]:
    if isinstance(value, list):
        return [record for item in value for record in _records_in(item)]
    if not isinstance(value, dict):
        return []
    record: Draft = {}
    nested = []
    for key, item in value.items():
        field = _field(str(key))
        if field in ("head", "tail") and isinstance(item, dict):
            record[field] = _clean(item.get("text") or item.get("name") or item.get("entity") or "")
            if item.get("type"):
                record[f"{field}_type"] = _clean(item["type"])
        elif field is not None and isinstance(item, (str, int, float)):
            record[field] = _clean(item)
        elif isinstance(item, (list, dict)):
            nested.append(item)
    if set(record) & set(REQUIRED):
        return [record]
    return [found for item in nested for found in _records_in(item)]  # a wrapper such as {"samples": [...]}
