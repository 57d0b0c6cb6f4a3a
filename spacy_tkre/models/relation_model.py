"""The relation model: ``(docs, candidate pairs)`` -> pair representations -> label probabilities, one row per
pair in order. The component owns the candidates (like spaCy's ``spancat`` owns its suggester) and passes them in."""
from typing import List, Tuple

from spacy.tokens import Doc
from thinc.api import Model
from thinc.types import Floats2d

from ..candidates import Pair

RelationInput = Tuple[List[Doc], List[List[Pair]]]


def relation_model(pair_representation: Model[RelationInput, Floats2d], classifier: Model[Floats2d, Floats2d]) -> Model[RelationInput, Floats2d]:
    return Model(
        "tkre_relation_model",
        forward,
        init=init,
        layers=[pair_representation, classifier],
        refs={
            "tok2vec": pair_representation.get_ref("tok2vec"),
            "pair_representation": pair_representation,
            "output_layer": classifier.get_ref("output_layer"),
            "classifier": classifier,
        },
    )


def init(model: Model, X: RelationInput = None, Y=None) -> None:
    if X is None:
        return
    representation, classifier = model.layers
    representation.initialize(X=X)
    classifier.initialize(X=representation.predict(X))


def forward(model: Model, inputs: RelationInput, is_train: bool):
    representation, classifier = model.layers
    if not any(inputs[1]):
        return _without_pairs(model, inputs, is_train)
    features, backprop_representation = representation(inputs, is_train)
    scores, backprop_classifier = classifier(features, is_train)

    def backprop(d_scores: Floats2d) -> RelationInput:
        backprop_representation(backprop_classifier(d_scores))
        return inputs

    return scores, backprop


def _without_pairs(model: Model, inputs: RelationInput, is_train: bool):
    """No pair to classify: no scores. In training the representation still reads the docs and gets a zero
    gradient back, as spaCy's ``spancat`` does for a batch without spans: a shared ``transformer`` or ``tok2vec``
    applies the gradients of all its listeners only when the last listener's backprop is called, and holds the
    batch's outputs until then."""
    scores = model.ops.alloc2f(0, model.get_ref("output_layer").get_dim("nO"))
    if not is_train or not any(len(doc) for doc in inputs[0]):
        return scores, lambda d_scores: inputs
    features, backprop_representation = model.layers[0](inputs, is_train)

    def backprop(d_scores: Floats2d) -> RelationInput:
        backprop_representation(model.ops.alloc2f(*features.shape))
        return inputs

    return scores, backprop
