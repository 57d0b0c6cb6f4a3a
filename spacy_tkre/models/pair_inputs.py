"""The first half of the pair representation: from ``(docs, pairs)`` to the docs to encode and, per pair, the token
ranges of those docs to average (see ``pair_slots``)."""
from typing import List, Tuple

from spacy.tokens import Doc
from thinc.api import Model

from ..candidates import Pair
from .pair_slots import check_pooling, pair_doc, pooled_ranges

# Per pair, its ranges as (index of the encoded doc, start token, end token).
RangeSlots = List[List[Tuple[int, int, int]]]


def pair_inputs(pooling: str, mark_entities: bool, context_window: int) -> Model[Tuple[List[Doc], List[List[Pair]]], Tuple[List[Doc], RangeSlots]]:
    check_pooling(pooling, mark_entities)
    attrs = {"pooling": pooling, "mark_entities": mark_entities, "context_window": context_window}
    return Model("pair_inputs", forward, attrs=attrs)


def forward(model: Model, inputs: Tuple[List[Doc], List[List[Pair]]], is_train: bool):
    """Marked: one new doc per pair. Unmarked: the docs themselves, encoded once for all their pairs."""
    docs, pairs_per_doc = inputs
    pooling, mark_entities, context_window = (model.attrs[key] for key in ("pooling", "mark_entities", "context_window"))
    encoded: List[Doc] = [] if mark_entities else list(docs)
    slots: RangeSlots = []
    for doc_index, pairs in enumerate(pairs_per_doc):
        for head, tail in pairs:
            doc, tokens = pair_doc(head, tail, mark_entities, context_window)
            if mark_entities:
                encoded.append(doc)
            index = len(encoded) - 1 if mark_entities else doc_index
            slots.append([(index, start, end) for start, end in pooled_ranges(tokens, pooling)])
    return (encoded, slots), lambda d_inputs: inputs
