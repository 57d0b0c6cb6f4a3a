"""spaCy pipeline components; ``make_relation_extractor`` is the ``tkre_relation_extractor`` factory."""
from .relation_extractor import RelationExtractor, make_relation_extractor

__all__ = ["RelationExtractor", "make_relation_extractor"]
