"""The explanation task: one prompt per relation of a doc, the parsed answer stored with that relation.

It follows spacy-llm's sharding protocol; a doc is never split, and it gets as many prompts as it has
relations to explain (none for a doc whose only pairs carry the negative label).
"""
from typing import Dict, Iterable, List, Optional, Tuple

from spacy.tokens import Doc
from spacy_llm.ty import TaskResponseParser

from ...relations import Relation
from ..templates import compile_template

EXPLANATIONS_KEY = "spacy_tkre.explanations"


class RelationExplanationTask:
    """Asks why the head holds the relation with the tail, for every non-negative relation of each doc."""

    def __init__(self, template: str, parse_responses: TaskResponseParser, label_definitions: Dict[str, str], negative_label: str):
        self._template = template
        self._parse_responses = parse_responses
        self._label_definitions = dict(label_definitions)
        self._negative_label = negative_label
        self._compiled = compile_template(template)

    @property
    def prompt_template(self) -> str:
        return self._template

    def relations_to_explain(self, doc: Doc) -> List[Relation]:
        return [relation for relation in doc._.relations if relation.label != self._negative_label]

    def render(self, doc: Doc, relation: Relation) -> str:
        return self._compiled.render(
            text=doc.text, head=relation.head.text, tail=relation.tail.text, label=relation.label,
            definition=self._label_definitions.get(relation.label, ""),
        )

    def generate_prompts(self, docs: Iterable[Doc], context_length: Optional[int] = None) -> Iterable[Tuple[Iterable[str], Iterable[Doc]]]:
        for doc in docs:
            yield [self.render(doc, relation) for relation in self.relations_to_explain(doc)], [doc]

    def stored_responses(self, doc: Doc) -> List[str]:
        """The raw answers behind the explanations on ``doc``, for parsing them again (see the cache)."""
        return [entry["response"] for entry in doc.user_data.get(EXPLANATIONS_KEY, [])]

    def parse_responses(self, shards: Iterable[Iterable[Doc]], responses: Iterable[Iterable[str]]) -> Iterable[Doc]:
        """Store ``[{"head", "tail", "label", "response", "explanation", "problem"}]`` under ``EXPLANATIONS_KEY``;
        head and tail are character offsets, as ``doc._.relations`` keeps them."""
        shards = [list(doc_shards) for doc_shards in shards]
        responses = [list(doc_responses) for doc_responses in responses]
        for doc_shards, doc_responses, parsed in zip(shards, responses, self._parse_responses(self, shards, responses)):
            doc = doc_shards[0]
            doc.user_data[EXPLANATIONS_KEY] = [
                {
                    "head": [relation.head.start_char, relation.head.end_char],
                    "tail": [relation.tail.start_char, relation.tail.end_char],
                    "label": relation.label,
                    "response": response,
                    **result,
                }
                for relation, response, result in zip(self.relations_to_explain(doc), doc_responses, parsed)
            ]
            yield doc
