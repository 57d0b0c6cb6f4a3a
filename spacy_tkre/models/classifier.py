"""The pair classifier head: Linear(2H->H)-ReLU-Dropout, then a softmax over the relation labels."""
from typing import Optional

from spacy.util import registry
from thinc.api import Model, Relu, Softmax, chain, glorot_uniform_init
from thinc.types import Floats2d


@registry.architectures("spacy_tkre.PairClassifier.v1")
def build_pair_classifier(hidden_width: int = 384, dropout: float = 0.1, nO: Optional[int] = None) -> Model[Floats2d, Floats2d]:
    """TKRE's classifier over the concatenated head and tail representations; the component sets ``nO``
    from its labels. The softmax layer is reachable as the ``output_layer`` ref. Its weights start random, not
    at thinc's default zeros: with zero output weights no gradient reaches the encoder until Adam has grown them
    step by step, which stalls fine-tuning at a small learning rate for hundreds of steps."""
    output_layer = Softmax(nO=nO, init_W=glorot_uniform_init)
    model = chain(Relu(nO=hidden_width, dropout=dropout), output_layer)
    model.set_ref("output_layer", output_layer)
    return model
