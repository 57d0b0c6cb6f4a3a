"""Registered pre-training objectives: a config section ``@misc = "spacy_tkre.MSLM.v1"`` builds one. A changed
signature gets a new version rather than an edit."""
from spacy.util import registry

from .mslm import MSLM
from .scl import SCL


@registry.misc("spacy_tkre.MSLM.v1")
def make_mslm(
    weight: float = 1.0,
    relation_span_prob: float = 0.8,
    entity_prob: float = 0.5,
    other_prob: float = 0.2,
    masked_positions_only: bool = True,
) -> MSLM:
    """Masked Span Language Modeling; ``masked_positions_only = false`` projects every position (for comparison)."""
    return MSLM(weight, relation_span_prob, entity_prob, other_prob, masked_positions_only)


@registry.misc("spacy_tkre.SCL.v1")
def make_scl(weight: float = 1.0, temperature: float = 0.1, random_spans: int = 2) -> SCL:
    """Span-level Contrastive Learning against label anchors, in-batch pairs and ``random_spans`` random spans, on
    the marker states (v2 chooses the pooling)."""
    return SCL(weight, temperature, random_spans)


@registry.misc("spacy_tkre.SCL.v2")
def make_scl_v2(
    weight: float = 1.0, temperature: float = 0.1, random_spans: int = 2, pooling: str = "markers",
    mark_entities: bool = True, normalize: bool = False,
) -> SCL:
    """SCL on the pair vector of ``spacy_tkre.PairRepresentation.v1`` with this ``pooling``, ``mark_entities`` and
    ``normalize``: set them as in the relation extractor's model config, so what is pre-trained is what is
    classified."""
    return SCL(weight, temperature, random_spans, pooling, mark_entities, normalize)
