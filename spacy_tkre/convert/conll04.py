"""CoNLL04 in SpERT-style JSON: ``[{tokens, tags (BILOU: U-Loc, B-Org, I-Org, L-Org, O), relations, orig_id}]``.

Relations point at entities by their order in the tag sequence. CoNLL04 annotates only positive
relations, so no negative pairs are stored.
"""
from pathlib import Path
from typing import Any, Iterator, List, Tuple, Union

import spacy
from spacy.tokens import Doc
from spacy.vocab import Vocab

from ..annotation import annotate, token_span
from .records import read_json_document, require
from .report import ConversionReport, SkipRecord, convert_records
from .tokens import doc_from_tokens


def read_conll04(path: Union[str, Path], report: ConversionReport) -> Iterator[Doc]:
    """Yield one Doc per sentence of a CoNLL04 JSON file, with ``source_id`` the sentence's ``orig_id``."""
    data = read_json_document(path, list, "a list of {tokens, tags, relations} sentences (CoNLL04 layout)")
    vocab = spacy.blank("en").vocab
    records = ((f"sentence {index}", item) for index, item in enumerate(data))
    return convert_records(records, lambda item: _sentence_to_doc(vocab, item), report)


def _sentence_to_doc(vocab: Vocab, item: Any) -> Doc:
    require(item, "tokens", "tags", "relations")
    doc = doc_from_tokens(vocab, item["tokens"])
    if not isinstance(item["tags"], list) or len(item["tags"]) != len(doc):
        raise SkipRecord("tags do not match tokens", f"{len(doc)} tokens")
    entities = [token_span(doc, start, end, label) for start, end, label in bilou_entities(item["tags"])]
    relations = [_relation(relation) for relation in item["relations"]]
    return annotate(doc, entities, relations, source_id=item.get("orig_id"))


def _relation(relation: Any) -> Tuple[Any, Any, str]:
    require(relation, "head", "tail", "type")
    return relation["head"], relation["tail"], relation["type"]


def bilou_entities(tags: List[Any]) -> List[Tuple[int, int, str]]:
    """``(start, end, label)`` token spans of a BILOU tag sequence, in order; invalid sequences are skipped."""
    entities, opened = [], None
    for index, tag in enumerate(tags):
        prefix, _, label = str(tag).partition("-")
        if prefix in ("I", "L"):
            if opened is None or opened[1] != label:
                raise SkipRecord("invalid BILOU tags", f"{tag} at token {index} continues no {label} entity")
            if prefix == "L":
                entities.append((opened[0], index + 1, label))
                opened = None
            continue
        if opened is not None:
            raise SkipRecord("invalid BILOU tags", f"entity opened at token {opened[0]} is not closed")
        if prefix == "B" and label:
            opened = (index, label)
        elif prefix == "U" and label:
            entities.append((index, index + 1, label))
        elif tag != "O":
            raise SkipRecord("invalid BILOU tags", f"unknown tag {tag!r} at token {index}")
    if opened is not None:
        raise SkipRecord("invalid BILOU tags", f"entity opened at token {opened[0]} is not closed")
    return entities
