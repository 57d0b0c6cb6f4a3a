"""Relations on the Doc: ``doc._.relations``.

Relations are kept in ``doc.user_data`` as character offsets, so that ``DocBin(store_user_data=True)``
and ``nlp.to_disk`` round-trip them; the extension turns them into ``Span`` objects on access.
The getter returns a new list each time: assign ``doc._.relations = [...]`` to change them.
"""
from dataclasses import dataclass
from typing import Dict, Iterable, List, Tuple

from spacy.tokens import Doc, Span

USER_DATA_KEY = "spacy_tkre.relations"
EXTENSION = "relations"

CharOffsets = Tuple[int, int]


@dataclass(frozen=True)
class Relation:
    """A directed, labelled relation from ``head`` to ``tail`` with a confidence ``score``."""

    head: Span
    tail: Span
    label: str
    score: float = 1.0


def _span_at(doc: Doc, start: int, end: int, label: str) -> Span:
    span = doc.char_span(start, end, label=label)
    if span is None:
        raise ValueError(
            f"A stored relation argument at characters {start}-{end} ({doc.text[start:end]!r}) no longer "
            "matches token boundaries: the doc was retokenized after the relations were set. "
            "Set doc._.relations again after retokenizing."
        )
    return span


def get_relations(doc: Doc) -> List[Relation]:
    """Read the relations stored in ``doc.user_data`` as ``Relation`` objects."""
    return [
        Relation(
            head=_span_at(doc, item["head"][0], item["head"][1], item.get("head_label", "")),
            tail=_span_at(doc, item["tail"][0], item["tail"][1], item.get("tail_label", "")),
            label=item["label"],
            score=float(item.get("score", 1.0)),
        )
        for item in doc.user_data.get(USER_DATA_KEY, [])
    ]


def set_relations(doc: Doc, relations: Iterable[Relation]) -> None:
    """Store relations as character offsets; refuse spans that belong to another doc."""
    stored = []
    for relation in relations:
        if not isinstance(relation, Relation):
            raise TypeError(f"doc._.relations takes Relation objects, not {type(relation).__name__}.")
        for span in (relation.head, relation.tail):
            if span.doc is not doc:
                raise ValueError(f"Relation argument {span.text!r} belongs to another Doc than the one it is set on.")
            if len(span) == 0:
                raise ValueError("A relation argument is an empty span; relations need non-empty head and tail.")
        stored.append(
            {
                "head": [relation.head.start_char, relation.head.end_char],
                "head_label": relation.head.label_,
                "tail": [relation.tail.start_char, relation.tail.end_char],
                "tail_label": relation.tail.label_,
                "label": str(relation.label),
                "score": float(relation.score),
            }
        )
    doc.user_data[USER_DATA_KEY] = stored


def relation_key(relation: Relation) -> Tuple[CharOffsets, CharOffsets]:
    """The identity of a relation's argument pair, comparable across docs with the same text."""
    return (relation.head.start_char, relation.head.end_char), (relation.tail.start_char, relation.tail.end_char)


def relations_by_pair(doc: Doc) -> Dict[Tuple[CharOffsets, CharOffsets], str]:
    """Map each annotated (head, tail) character-offset pair to its label."""
    return {relation_key(relation): relation.label for relation in get_relations(doc)}


def register_extension() -> None:
    """Register ``Doc._.relations`` once; safe to call repeatedly."""
    if not Doc.has_extension(EXTENSION):
        Doc.set_extension(EXTENSION, getter=get_relations, setter=set_relations)
