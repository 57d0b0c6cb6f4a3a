"""Entity-marker relation models (TKRE's baseline): each candidate pair is encoded on its own copy of the context
with typed punctuation markers around head and tail (see ``pair_slots.marked_doc``)."""
from typing import List

from spacy.tokens import Doc
from spacy.util import registry
from thinc.api import Model
from thinc.types import Floats2d

from .pair_representation import build_pair_representation
from .relation_model import relation_model


@registry.architectures("spacy_tkre.EntityMarkerRelationModel.v2")
def build_entity_marker_model_v2(
    tok2vec: Model[List[Doc], List[Floats2d]], classifier: Model[Floats2d, Floats2d], context_window: int = 48,
    pooling: str = "markers", normalize: bool = False,
) -> Model:
    """``(docs, pairs)`` -> probabilities. ``tok2vec`` encodes the marked contexts (a spacy-transformers encoder
    with mean pooling: markers are single wordpieces, and unlike first-piece pooling it tolerates tokens with no
    wordpiece); ``pooling`` and ``normalize`` as in ``spacy_tkre.PairRepresentation.v1``."""
    return relation_model(build_pair_representation(tok2vec, pooling, True, context_window, normalize), classifier)


@registry.architectures("spacy_tkre.EntityMarkerRelationModel.v1")
def build_entity_marker_model(
    tok2vec: Model[List[Doc], List[Floats2d]], classifier: Model[Floats2d, Floats2d], context_window: int = 48
) -> Model:
    """Kept so that configs and pipelines saved with v1 load: v2 with the marker states (its weights have the
    same layout)."""
    return build_entity_marker_model_v2(tok2vec, classifier, context_window, "markers")
