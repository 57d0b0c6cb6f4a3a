"""The first half of the pair representation: from ``(docs, pairs)`` to the docs to encode and, per pair, the token
ranges of those docs to average (see ``pair_slots``)."""
from typing import Iterator, List, Tuple

from spacy.tokens import Doc
from thinc.api import Model

from ..candidates import Pair, pair_batches
from .pair_slots import check_pooling, pair_doc, pooled_ranges

# Per pair, its ranges as (index of the encoded doc, start token, end token).
RangeSlots = List[List[Tuple[int, int, int]]]

# Pairs per forward pass of a marked representation (one encoded doc per pair). A long document, an untrained
# recognizer's dozens of entities per sentence, or a CoNLL04 training batch of 16 docs with up to 800 gold pairs
# give hundreds to thousands of marked copies, and one pass over all of them ran out of 24 GB. Training passes
# are smaller: backprop keeps every layer's activations, about 35 MB per marked copy of 128 wordpieces in
# MiniLM, so 256 pairs per training pass still reached 18 GB on CoNLL04.
MAX_MARKED_PAIRS = 256
MAX_MARKED_TRAINING_PAIRS = 64


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


def encoder_passes(model: Model, docs: List[Doc], pairs: List[List[Pair]], training: bool = False) -> Iterator[Tuple[List[Doc], List[List[Pair]]]]:
    """The ``(docs, pairs)`` groups to run ``model`` on, in order. A model that encodes each doc once for all its
    pairs gets the whole batch in one pass (a shared transformer's listener waits for exactly one backprop); a
    model that encodes a marked copy per pair gets passes of at most ``MAX_MARKED_PAIRS`` pairs
    (``MAX_MARKED_TRAINING_PAIRS`` when ``training``)."""
    marked = any(node.name == "pair_inputs" and node.attrs["mark_entities"] for node in model.walk())
    limit = MAX_MARKED_TRAINING_PAIRS if training else MAX_MARKED_PAIRS
    if not marked or sum(len(doc_pairs) for doc_pairs in pairs) <= limit:
        yield list(docs), list(pairs)
    else:
        yield from pair_batches(docs, pairs, limit)
