"""spacy_tkre: few-shot relation extraction for spaCy."""
from .relations import Relation, register_extension

register_extension()

from . import candidates, corpus, models, schedules, schema, scoring  # noqa: E402,F401  (register functions and architectures)
from .pipeline import RelationExtractor  # noqa: E402
from .render import render  # noqa: E402

__version__ = "0.1.0"
__all__ = ["Relation", "RelationExtractor", "render", "__version__"]
