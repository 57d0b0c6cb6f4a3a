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
    """Span-level Contrastive Learning against label anchors, in-batch pairs and ``random_spans`` random spans."""
    return SCL(weight, temperature, random_spans)
