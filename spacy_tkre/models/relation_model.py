"""The relation model: docs -> candidate pairs -> pair representations -> label probabilities.

The candidate generator is set by the component as ``model.attrs["get_candidates"]`` so that the model and
the component always see the same pairs; the model returns them with the scores.
"""
from typing import Callable, List, Tuple

from spacy.tokens import Doc
from thinc.api import Model
from thinc.types import Floats2d

from ..candidates import Pair

RelationOutput = Tuple[List[List[Pair]], Floats2d]


def relation_model(pair_encoder: Model, classifier: Model[Floats2d, Floats2d], tok2vec: Model) -> Model[List[Doc], RelationOutput]:
    return Model(
        "tkre_relation_model",
        forward,
        init=init,
        layers=[pair_encoder, classifier],
        refs={"tok2vec": tok2vec, "output_layer": classifier.get_ref("output_layer"), "classifier": classifier},
        attrs={"get_candidates": None},
    )


def _candidates(model: Model, docs: List[Doc]) -> List[List[Pair]]:
    get_candidates: Callable = model.attrs["get_candidates"]
    if get_candidates is None:
        raise ValueError("The relation model has no candidate generator: it is set by the tkre_relation_extractor component.")
    return [get_candidates(doc) for doc in docs]


def init(model: Model, X: List[Doc] = None, Y=None) -> None:
    if X is None:
        return
    pairs = _candidates(model, X)
    encoder, classifier = model.layers
    encoder.initialize(X=(X, pairs))
    classifier.initialize(X=encoder.predict((X, pairs)))


def forward(model: Model, docs: List[Doc], is_train: bool):
    pairs = _candidates(model, docs)
    encoder, classifier = model.layers
    n_labels = model.get_ref("output_layer").get_dim("nO")
    if not any(pairs):
        return (pairs, model.ops.alloc2f(0, n_labels)), lambda d_scores: docs
    features, backprop_encoder = encoder((docs, pairs), is_train)
    scores, backprop_classifier = classifier(features, is_train)

    def backprop(d_scores: Floats2d) -> List[Doc]:
        backprop_encoder(backprop_classifier(d_scores))
        return docs

    return (pairs, scores), backprop
