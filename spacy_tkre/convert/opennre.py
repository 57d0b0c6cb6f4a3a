"""OpenNRE sentence-level JSONL (Wiki80, ...): ``{token, h: {name, id, pos: [start, end), type?}, t, relation}``.

Entity labels are the given ``type`` (``ENTITY`` when absent); OpenNRE's no-relation labels ``NA`` and
``no_relation`` become the configurable negative label, stored so the pair stays a known candidate.
"""
from pathlib import Path
from typing import Any, Iterator, Union

import spacy
from spacy.tokens import Doc, Span
from spacy.vocab import Vocab

from ..annotation import DEFAULT_NEGATIVE_LABEL, ENTITY_LABEL, annotate, token_span
from .records import jsonl_lines, parse_json_line, require
from .report import ConversionReport, SkipRecord, convert_records
from .tokens import doc_from_tokens

OPENNRE_NEGATIVES = {"NA", "no_relation"}


def read_opennre(
    path: Union[str, Path], report: ConversionReport, *, negative_label: str = DEFAULT_NEGATIVE_LABEL
) -> Iterator[Doc]:
    """Yield one Doc per JSONL line of an OpenNRE file such as Wiki80's ``dev.txt``."""
    vocab = spacy.blank("en").vocab
    return convert_records(jsonl_lines(path), lambda line: _line_to_doc(vocab, line, negative_label), report)


def _line_to_doc(vocab: Vocab, line: str, negative_label: str) -> Doc:
    item = require(parse_json_line(line), "token", "h", "t", "relation")
    doc = doc_from_tokens(vocab, item["token"])
    entities = [_entity(doc, item[name]) for name in ("h", "t")]
    relation = item["relation"]
    label = negative_label if relation in OPENNRE_NEGATIVES else relation
    return annotate(doc, entities, [(0, 1, label)])


def _entity(doc: Doc, entity: Any) -> Span:
    position = require(entity, "pos")["pos"]
    if not (isinstance(position, list) and len(position) == 2):
        raise SkipRecord("malformed entity", f"pos {position!r}; expected [start, end)")
    return token_span(doc, position[0], position[1], entity.get("type") or ENTITY_LABEL)
