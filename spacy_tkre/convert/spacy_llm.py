"""spacy-llm REL examples, JSONL of
``{"text", "ents": [{start_char, end_char, label}], "relations": [{dep, dest, relation}]}``.

``dep`` and ``dest`` index the record's own entity list, which need not be in text order (so they are
resolved here rather than against ``doc.ents``). Entities may also come as spaCy-style
``"spans"``/``"entities"``: dicts with ``start``/``end`` or ``[start, end, label]`` triples. The text is
tokenized with spaCy's blank English tokenizer and entity offsets expanded to token boundaries.
"""
from pathlib import Path
from typing import Any, Iterator, Tuple, Union

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from ..annotation import annotate, char_span
from .records import jsonl_lines, parse_json_line, require
from .report import ConversionReport, SkipRecord, convert_records

ENTITY_FIELDS = ("ents", "spans", "entities")


def read_spacy_llm(path: Union[str, Path], report: ConversionReport) -> Iterator[Doc]:
    """Yield one Doc per JSONL line of spacy-llm REL examples."""
    nlp = spacy.blank("en")
    return convert_records(jsonl_lines(path), lambda line: _line_to_doc(nlp, line), report)


def _line_to_doc(nlp: Language, line: str) -> Doc:
    item = require(parse_json_line(line), "text")
    if not isinstance(item["text"], str) or not item["text"].strip():
        raise SkipRecord("empty text")
    field = next((name for name in ENTITY_FIELDS if name in item), None)
    if field is None:
        raise SkipRecord("missing field 'ents'", "or spaCy-style 'spans'/'entities'")
    doc = nlp.make_doc(item["text"])
    entities = [char_span(doc, *_entity_offsets(entity)) for entity in _as_list(item[field], field)]
    relations = [_relation(relation) for relation in _as_list(item.get("relations", []), "relations")]
    return annotate(doc, entities, relations)


def _as_list(value: Any, field: str) -> list:
    if not isinstance(value, list):
        raise SkipRecord(f"'{field}' is not a list")
    return value


def _entity_offsets(entity: Any) -> Tuple[Any, Any, str]:
    if isinstance(entity, list) and len(entity) == 3:
        start, end, label = entity
    elif isinstance(entity, dict):
        start, end = entity.get("start_char", entity.get("start")), entity.get("end_char", entity.get("end"))
        label = entity.get("label")
    else:
        expected = "{start_char, end_char, label} or [start, end, label]"
        raise SkipRecord("malformed entity", f"{entity!r}; expected {expected}")
    if not isinstance(label, str) or not label:
        raise SkipRecord("malformed entity", f"{entity!r} has no label")
    return start, end, label


def _relation(relation: Any) -> Tuple[Any, Any, str]:
    require(relation, "dep", "dest", "relation")
    return relation["dep"], relation["dest"], relation["relation"]
