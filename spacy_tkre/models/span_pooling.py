"""Span-pooling relation models: the doc is encoded once and each pair pools its own tokens, unmarked. Cheaper
than entity markers when a doc has many pairs."""
from typing import List

from spacy.tokens import Doc
from spacy.util import registry
from thinc.api import Model
from thinc.types import Floats2d

from .pair_representation import build_pair_representation
from .relation_model import relation_model


@registry.architectures("spacy_tkre.SpanPoolingRelationModel.v2")
def build_span_pooling_model_v2(
    tok2vec: Model[List[Doc], List[Floats2d]], classifier: Model[Floats2d, Floats2d], pooling: str = "spans",
    normalize: bool = False,
) -> Model:
    """``(docs, pairs)`` -> probabilities; ``tok2vec`` is any token encoder over the original docs (a
    spacy-transformers encoder or listener, a CNN); ``pooling`` is ``spans``, ``context`` or ``spans+context``; ``normalize`` as in ``spacy_tkre.PairRepresentation.v1``."""
    return relation_model(build_pair_representation(tok2vec, pooling, False, 0, normalize), classifier)


@registry.architectures("spacy_tkre.SpanPoolingRelationModel.v1")
def build_span_pooling_model(tok2vec: Model[List[Doc], List[Floats2d]], classifier: Model[Floats2d, Floats2d]) -> Model:
    """Kept so that configs and pipelines saved with v1 load: v2 with the span means."""
    return build_span_pooling_model_v2(tok2vec, classifier, "spans")
