"""FewRel 1.0/2.0: ``{relation_id: [{tokens, h: [name, id, [[token indices], ...]], t: ...}]}``.

FewRel marks every mention of an argument; like FewRel's own encoders, the first mention is the
argument. FewRel has no entity types (label ``ENTITY``) and no negative instances. Labels are the
relation ids (``P177``), or names from a ``pid2name.json``-style mapping.
"""
from pathlib import Path
from typing import Any, Dict, Iterator, Optional, Union

import spacy
from spacy.tokens import Doc, Span
from spacy.vocab import Vocab

from ..annotation import ENTITY_LABEL, annotate, token_span
from .records import read_json_document, require
from .report import ConversionError, ConversionReport, SkipRecord, convert_records
from .tokens import doc_from_tokens

FEWREL_LAYOUT = "an object mapping relation ids to lists of instances (FewRel layout)"


def read_fewrel(
    path: Union[str, Path], report: ConversionReport, *, label_names: Optional[Dict[str, str]] = None
) -> Iterator[Doc]:
    """Yield one Doc per FewRel instance, with ``source_id`` ``"P177:0"`` (relation id, index in its list)."""
    data = read_json_document(path, dict, FEWREL_LAYOUT)
    not_lists = [relation for relation, items in data.items() if not isinstance(items, list)]
    if not_lists:
        raise ConversionError(f"{path}: relations {not_lists[:5]} do not map to lists; expected {FEWREL_LAYOUT}.")
    if label_names is not None:
        unnamed = sorted(set(data) - set(label_names))
        if unnamed:
            raise ConversionError(
                f"Relations {unnamed[:5]} of {path} have no name in the label names; "
                "drop --label-names to keep the ids or give a mapping that covers every relation."
            )
    vocab = spacy.blank("en").vocab
    records = (
        (f"{relation}:{index}", (relation, index, item))
        for relation, items in data.items()
        for index, item in enumerate(items)
    )
    return convert_records(records, lambda record: _instance_to_doc(vocab, record, label_names or {}), report)


def load_label_names(path: Union[str, Path]) -> Dict[str, str]:
    """Relation names from ``{id: name}`` or FewRel's ``pid2name.json`` (``{id: [name, description]}``)."""
    data = read_json_document(path, dict, "an object mapping relation ids to names or [name, description]")
    names = {}
    for relation, value in data.items():
        name = value[0] if isinstance(value, list) and value else value
        if not isinstance(name, str):
            raise ConversionError(
                f"{path}: the name of {relation} is {value!r}; expected a string or [name, description]."
            )
        names[relation] = name
    return names


def _instance_to_doc(vocab: Vocab, record: Any, label_names: Dict[str, str]) -> Doc:
    relation, index, item = record
    require(item, "tokens", "h", "t")
    doc = doc_from_tokens(vocab, item["tokens"])
    entities = [_first_mention(doc, item[name]) for name in ("h", "t")]
    return annotate(doc, entities, [(0, 1, label_names.get(relation, relation))], source_id=f"{relation}:{index}")


def _first_mention(doc: Doc, argument: Any) -> Span:
    try:
        indices = argument[2][0]
        start, end = indices[0], indices[-1] + 1
    except (IndexError, KeyError, TypeError):
        raise SkipRecord("malformed entity", "expected [name, id, [[token indices], ...]]") from None
    if indices != list(range(start, end)):
        raise SkipRecord("non-contiguous entity", f"tokens {indices}")
    return token_span(doc, start, end, ENTITY_LABEL)
