"""Registered factories of the synthesis task and its parser (spacy-llm's ``llm_tasks`` / ``llm_misc``)."""
from typing import Dict, Optional

from spacy_llm.registry import registry
from spacy_llm.ty import TaskResponseParser

from .parser import parse_responses_v1
from .task import RelationSynthesisTask
from .template import TEMPLATES


@registry.llm_misc("spacy_tkre.RelationSynthesisParser.v1")
def make_synthesis_parser() -> TaskResponseParser[RelationSynthesisTask]:
    return parse_responses_v1


@registry.llm_tasks("spacy_tkre.RelationSynthesis.v1")
def make_relation_synthesis_task(
    style: str = "batch",
    samples_per_prompt: int = 8,
    max_demonstrations: int = 8,
    label_definitions: Optional[Dict[str, str]] = None,
    template: Optional[str] = None,
    parse_responses: Optional[TaskResponseParser[RelationSynthesisTask]] = None,
    seed: int = 0,
) -> RelationSynthesisTask:
    """Synthetic relation samples. ``style = "batch"``: TKRE's schema-constrained prompt with up to
    ``max_demonstrations`` gold samples, asking for ``samples_per_prompt`` more. ``style = "diverse"``: one sample
    per prompt, asked to differ from a sliding window of ``max_demonstrations`` recent samples. ``template``
    replaces the style's default Jinja template (same variables)."""
    return RelationSynthesisTask(
        style=style,
        template=template or TEMPLATES.get(style, ""),
        parse_responses=parse_responses or parse_responses_v1,
        samples_per_prompt=samples_per_prompt,
        max_demonstrations=max_demonstrations,
        label_definitions=label_definitions or {},
        seed=seed,
    )
