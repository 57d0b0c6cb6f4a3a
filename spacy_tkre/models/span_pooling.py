"""Span-pooling pair encoding: the doc is encoded once and each pair is the concatenation of the mean token
vectors of its head and its tail. Cheaper than entity markers when a doc has many pairs."""
from typing import List, Tuple

from spacy.tokens import Doc
from spacy.util import registry
from thinc.api import Model, chain
from thinc.types import Floats2d

from ..candidates import Pair
from .pair_pooling import PairSlots, span_pair_mean
from .relation_model import relation_model


@registry.architectures("spacy_tkre.SpanPoolingRelationModel.v1")
def build_span_pooling_model(tok2vec: Model[List[Doc], List[Floats2d]], classifier: Model[Floats2d, Floats2d]) -> Model:
    """``tok2vec`` is any token encoder over the original docs, e.g. a spacy-transformers listener or encoder."""
    encoder = chain(Model("pair_slots", _pair_slots_forward), span_pair_mean(tok2vec))
    return relation_model(encoder, classifier, tok2vec)


def _pair_slots_forward(model: Model, inputs: Tuple[List[Doc], List[List[Pair]]], is_train: bool):
    docs, pairs_per_doc = inputs
    slots: List[PairSlots] = [
        (doc_index, head.start, head.end, tail.start, tail.end)
        for doc_index, pairs in enumerate(pairs_per_doc)
        for head, tail in pairs
    ]
    return (docs, slots), lambda d_inputs: inputs
