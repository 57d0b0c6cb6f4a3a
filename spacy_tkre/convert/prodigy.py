"""Prodigy ``rel.manual`` annotations, JSONL of ``{"text", "tokens": [{text, ws, ...}], "spans": [{token_start,
token_end, label}], "relations": [{head, child, head_span, child_span, label}], "answer"}``.

The Doc is built from Prodigy's own tokens (so token indices stay valid), the spans become ``doc.ents`` and each
relation goes from the span holding token ``head`` to the span holding token ``child``. Only ``accept`` answers
are training data; ``reject``/``ignore`` records are skipped and counted. ``label_map`` renames relation labels
(``{"Pos-Reg": "Regulates"}``); a label mapped to ``None`` is dropped (e.g. an annotated "no relation"), a label
missing from the map is kept. ``meta.source`` is kept as the doc's source id, for splits by document.
"""
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional, Tuple, Union

from spacy.tokens import Doc, Span
from spacy.vocab import Vocab

from ..annotation import annotate, token_span
from .records import jsonl_lines, parse_json_line, read_json_document, require
from .report import ConversionError, ConversionReport, SkipRecord, convert_records

LabelMap = Dict[str, Optional[str]]


def read_prodigy(
    path: Union[str, Path], report: ConversionReport, label_map: Optional[LabelMap] = None
) -> Iterator[Doc]:
    """Yield one Doc per accepted ``rel.manual`` record of the JSONL file at ``path``."""
    vocab = Vocab()
    return convert_records(jsonl_lines(path), lambda line: _line_to_doc(vocab, line, label_map or {}), report)


def _line_to_doc(vocab: Vocab, line: str, label_map: LabelMap) -> Doc:
    record = require(parse_json_line(line), "tokens", "spans")
    answer = record.get("answer", "accept")
    if answer != "accept":
        raise SkipRecord(f"answer is {answer!r}, not 'accept'")
    doc = _doc(vocab, record["tokens"])
    entities = [_span(doc, span) for span in _as_list(record["spans"], "spans")]
    by_token = {token: index for index, span in enumerate(entities) for token in range(span.start, span.end)}
    relations: List[Tuple[int, int, str]] = []
    for relation in _as_list(record.get("relations", []), "relations"):
        require(relation, "head", "child", "label")
        label = label_map.get(relation["label"], relation["label"])
        if label is None:
            continue
        ends = tuple(by_token.get(relation[side]) for side in ("head", "child"))
        if None in ends:
            raise SkipRecord("relation points at a token outside the spans", f"tokens {relation['head']}->{relation['child']}")
        if (*ends, label) not in relations:
            relations.append((*ends, label))
    return annotate(doc, entities, relations, source_id=(record.get("meta") or {}).get("source"))


def _doc(vocab: Vocab, tokens: Any) -> Doc:
    tokens = _as_list(tokens, "tokens")
    if not tokens:
        raise SkipRecord("empty text")
    if not all(isinstance(token, dict) and isinstance(token.get("text"), str) and token["text"] for token in tokens):
        raise SkipRecord("malformed token", "each token needs a non-empty 'text'")
    return Doc(vocab, words=[token["text"] for token in tokens], spaces=[bool(token.get("ws", True)) for token in tokens])


def _span(doc: Doc, span: Any) -> Span:
    require(span, "token_start", "token_end", "label")
    end = span["token_end"] + 1 if isinstance(span["token_end"], int) else span["token_end"]
    return token_span(doc, span["token_start"], end, str(span["label"]))


def _as_list(value: Any, field: str) -> list:
    if not isinstance(value, list):
        raise SkipRecord(f"'{field}' is not a list")
    return value


def read_label_map(path: Union[str, Path]) -> LabelMap:
    """``{label: new label or null}`` from a JSON file, checked so a typo fails before any record is read."""
    data = read_json_document(path, dict, 'an object {"annotated label": "new label" or null}')
    bad = {label: value for label, value in data.items() if value is not None and not isinstance(value, str)}
    if bad:
        raise ConversionError(f"{path}: label map values must be a label or null, not {bad}.")
    return data
