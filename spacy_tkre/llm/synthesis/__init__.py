"""The relation synthesis task for spacy-llm: new training samples per relation label."""
from .registry import make_relation_synthesis_task, make_synthesis_parser
from .requests import make_request, read_results, sample_from_relation
from .task import RelationSynthesisTask

__all__ = [
    "RelationSynthesisTask", "make_relation_synthesis_task", "make_synthesis_parser", "make_request",
    "read_results", "sample_from_relation",
]
