"""Thinc architectures of the relation extractor; importing this package registers them."""
from . import classifier, encoder, entity_marker, relation_model, span_pooling  # noqa: F401
