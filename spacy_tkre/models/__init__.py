"""Thinc architectures of the relation extractor; importing this package registers them."""
from . import classifier, encoder, entity_marker, pair_representation, relation_model, span_pooling, token_features  # noqa: F401
