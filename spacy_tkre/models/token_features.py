"""Token vectors from several encoders side by side, for a component that needs what one encoder lacks: the
default MiniLM is uncased, so a recognizer reading only its listener never sees capital letters; a small
``spacy.Tok2Vec.v2`` over word shapes next to it gives them back (configs/conll04_cpu.cfg).

thinc's ``concatenate`` cannot take a listener: it adds up its children's input gradients, and a listener (whose
input is docs) returns none."""
from typing import Callable, List, Tuple

from spacy.tokens import Doc
from spacy.util import registry
from thinc.api import Model
from thinc.types import Floats2d


@registry.architectures("spacy_tkre.ConcatTokenVectors.v1")
def build_concat_token_vectors(*tok2vecs: Model[List[Doc], List[Floats2d]]) -> Model[List[Doc], List[Floats2d]]:
    """Per doc, the token vectors of every ``tok2vec`` joined along the width; each gets back its own slice of the
    gradient."""
    if not tok2vecs:
        raise ValueError("spacy_tkre.ConcatTokenVectors.v1 needs at least one tok2vec")
    return Model("concat_token_vectors", _forward, init=_init, layers=list(tok2vecs))


def _init(model: Model, X: List[Doc] = None, Y=None) -> None:
    for layer in model.layers:
        layer.initialize(X=X)


def _forward(model: Model, docs: List[Doc], is_train: bool) -> Tuple[List[Floats2d], Callable]:
    outputs, backprops = zip(*(layer(docs, is_train) for layer in model.layers))
    widths = [output[0].shape[1] if len(output) else 0 for output in outputs]
    joined = [model.ops.xp.hstack([output[index] for output in outputs]) for index in range(len(docs))]

    def backprop(d_joined: List[Floats2d]) -> List[Doc]:
        start = 0
        for width, layer_backprop in zip(widths, backprops):
            layer_backprop([d_doc[:, start:start + width] for d_doc in d_joined])
            start += width
        return []

    return joined, backprop
