"""CoNLL04 in SpERT-style JSON: ``[{tokens, tags (BILOU: U-Loc, B-Org, I-Org, L-Org, O), relations, orig_id}]``.

Relations point at entities by their order in the tag sequence. CoNLL04 annotates only positive
relations, so no negative pairs are stored. Its tokens sometimes keep a sentence's final period ("Europe."); the
converter splits such a period off wherever spaCy's English tokenizer would, so the entity "Europe" in the gold
matches the one a pipeline finds in raw text.
"""
from pathlib import Path
from typing import Any, Iterator, List, Tuple, Union

import spacy
from spacy.tokenizer import Tokenizer
from spacy.tokens import Doc

from ..annotation import annotate, token_span
from .records import read_json_document, require
from .report import ConversionReport, SkipRecord, convert_records
from .tokens import doc_from_tokens


def read_conll04(path: Union[str, Path], report: ConversionReport) -> Iterator[Doc]:
    """Yield one Doc per sentence of a CoNLL04 JSON file, with ``source_id`` the sentence's ``orig_id``."""
    data = read_json_document(path, list, "a list of {tokens, tags, relations} sentences (CoNLL04 layout)")
    tokenizer = spacy.blank("en").tokenizer
    records = ((f"sentence {index}", item) for index, item in enumerate(data))
    return convert_records(records, lambda item: _sentence_to_doc(tokenizer, item), report)


def _sentence_to_doc(tokenizer: Tokenizer, item: Any) -> Doc:
    require(item, "tokens", "tags", "relations")
    tokens, tags = item["tokens"], item["tags"]
    doc_from_tokens(tokenizer.vocab, tokens)  # validates the tokens before they are split
    if not isinstance(tags, list) or len(tags) != len(tokens):
        raise SkipRecord("tags do not match tokens", f"{len(tokens)} tokens")
    tokens, tags = split_glued_periods(tokenizer, tokens, tags)
    doc = doc_from_tokens(tokenizer.vocab, tokens)
    entities = [token_span(doc, start, end, label) for start, end, label in bilou_entities(tags)]
    relations = [_relation(relation) for relation in item["relations"]]
    return annotate(doc, entities, relations, source_id=item.get("orig_id"))


def _relation(relation: Any) -> Tuple[Any, Any, str]:
    require(relation, "head", "tail", "type")
    return relation["head"], relation["tail"], relation["type"]


def split_glued_periods(tokenizer: Tokenizer, tokens: List[str], tags: List[Any]) -> Tuple[List[str], List[Any]]:
    """Tokens and BILOU tags with a trailing period split off each token that ``tokenizer`` would split it off.

    A period that ends an entity (``U-``/``L-``) falls outside it; one inside an entity (``B-``/``I-``, as in
    "Lt. Col. North") stays inside. Abbreviations the tokenizer keeps whole ("Conn.", "Inc.") are left alone.
    """
    split_tokens, split_tags = [], []
    for token, tag in zip(tokens, tags):
        if len(token) > 1 and token.endswith(".") and [t.text for t in tokenizer(token)][-2:] == [token[:-1], "."]:
            prefix, _, label = str(tag).partition("-")
            period_tag = f"I-{label}" if prefix in ("B", "I") else "O"
            split_tokens += [token[:-1], "."]
            split_tags += [tag, period_tag]
        else:
            split_tokens.append(token)
            split_tags.append(tag)
    return split_tokens, split_tags


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
