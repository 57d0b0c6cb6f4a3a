"""Registered factories of the explanation task and its parser (spacy-llm's ``llm_tasks`` / ``llm_misc``)."""
from typing import Dict, Optional

from spacy_llm.registry import registry
from spacy_llm.ty import TaskResponseParser

from ...annotation import DEFAULT_NEGATIVE_LABEL
from .parser import parse_responses_v1
from .task import RelationExplanationTask
from .template import EXPLANATION_TEMPLATE


@registry.llm_misc("spacy_tkre.RelationExplanationParser.v1")
def make_explanation_parser() -> TaskResponseParser[RelationExplanationTask]:
    return parse_responses_v1


@registry.llm_tasks("spacy_tkre.RelationExplanation.v1")
def make_relation_explanation_task(
    label_definitions: Optional[Dict[str, str]] = None,
    negative_label: str = DEFAULT_NEGATIVE_LABEL,
    template: str = EXPLANATION_TEMPLATE,
    parse_responses: Optional[TaskResponseParser[RelationExplanationTask]] = None,
) -> RelationExplanationTask:
    """Explanations of why each relation's head holds it with its tail (TKRE's knowledge prompt); relations with
    ``negative_label`` are not explained."""
    return RelationExplanationTask(
        template=template,
        parse_responses=parse_responses or parse_responses_v1,
        label_definitions=label_definitions or {},
        negative_label=negative_label,
    )
