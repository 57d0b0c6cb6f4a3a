"""``spacy_tkre.PairRepresentation.v1``: the one piece of code that turns candidate pairs into vectors. The
component classifies its output, ``episodes`` averages it into prototypes, and SCL pre-trains on the same marking
and ranges (``pair_slots``)."""
from typing import List, Tuple

from spacy.tokens import Doc
from spacy.util import registry
from thinc.api import Model, chain
from thinc.types import Floats2d

from ..candidates import Pair
from .pair_inputs import pair_inputs
from .range_mean import range_mean


@registry.architectures("spacy_tkre.PairRepresentation.v1")
def build_pair_representation(
    tok2vec: Model[List[Doc], List[Floats2d]],
    pooling: str = "markers",
    mark_entities: bool = True,
    context_window: int = 48,
    normalize: bool = False,
) -> Model[Tuple[List[Doc], List[List[Pair]]], Floats2d]:
    """``pooling``: ``markers`` (states at the two opening entity markers, TKRE's choice), ``spans`` (mean of the
    head's and of the tail's tokens), ``context`` (mean of the tokens between them), or several joined by ``+``;
    the vector is their concatenation. ``mark_entities``: encode each pair on its own copy of its context
    (``context_window`` tokens each side) with typed markers around head and tail, or else each doc once as it is.
    ``normalize`` scales each part's mean to unit length before concatenating them."""
    model = chain(pair_inputs(pooling, mark_entities, context_window), range_mean(tok2vec, normalize))
    model.set_ref("tok2vec", tok2vec)
    return model
