"""LLM knowledge and data synthesis through spacy-llm: tasks, models and a resumable cache.

Importing this package registers ``spacy_tkre.RelationSynthesis.v1`` and ``spacy_tkre.RelationExplanation.v1``
(``llm_tasks``), ``spacy_tkre.LocalCausalLM.v1`` and ``spacy_tkre.OpenAICompatible.v1`` (``llm_models``),
``spacy_tkre.ResumableCache.v1``, the two parsers and ``spacy_tkre.LabelDefinitions.v1`` (``llm_misc``).
"""
from . import cache, definitions, endpoint_model, explanation, local_model, synthesis  # noqa: F401  (register)
