"""The relation explanation task for spacy-llm: why a head entity holds a relation with a tail entity."""
from .registry import make_explanation_parser, make_relation_explanation_task
from .task import EXPLANATIONS_KEY, RelationExplanationTask

__all__ = ["EXPLANATIONS_KEY", "RelationExplanationTask", "make_explanation_parser", "make_relation_explanation_task"]
