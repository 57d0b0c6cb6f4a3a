"""Synthesis request docs: the unit of work the synthesis task turns into one prompt.

spacy-llm runs tasks over Docs, and synthesis has no input text, so each prompt is asked for by a small request
doc: its text names the label and the attempt (what the cache and a reader see), its user data carries the
schema, the gold demonstrations and the samples accepted so far (what the template needs). The task writes the
parsed answer back to the same doc.
"""
from typing import Any, Dict, List, Sequence

from spacy.tokens import Doc
from spacy.vocab import Vocab

from ...relations import Relation

REQUEST_KEY = "spacy_tkre.synthesis_request"
RESULT_KEY = "spacy_tkre.synthesis_result"

Sample = Dict[str, str]


def sample_from_relation(doc: Doc, relation: Relation) -> Sample:
    """A gold relation in the layout of the prompts: context, head and tail text and their entity types."""
    return {
        "relation": relation.label,
        "context": doc.text,
        "head": relation.head.text,
        "head_type": relation.head.label_,
        "tail": relation.tail.text,
        "tail_type": relation.tail.label_,
    }


def make_request(
    vocab: Vocab,
    label: str,
    attempt: int,
    gold: Sequence[Sample],
    accepted: Sequence[Sample],
    head_types: Sequence[str],
    tail_types: Sequence[str],
) -> Doc:
    """A request for samples of ``label``; ``attempt`` counts this label's prompts, so a retry is a new request."""
    doc = Doc(vocab, words=["synthesize", label, "attempt", str(attempt)])
    doc.user_data[REQUEST_KEY] = {
        "label": label,
        "attempt": attempt,
        "gold": list(gold),
        "accepted": list(accepted),
        "head_types": list(head_types),
        "tail_types": list(tail_types),
    }
    return doc


def read_request(doc: Doc) -> Dict[str, Any]:
    request = doc.user_data.get(REQUEST_KEY)
    if request is None:
        raise ValueError(
            f"The doc {doc.text[:60]!r} is not a synthesis request: spacy_tkre.RelationSynthesis.v1 generates "
            "samples from request docs made by spacy_tkre.llm.synthesis.make_request (the `synthesize` command "
            "makes them), not from ordinary text."
        )
    return request


def read_results(doc: Doc) -> List[Dict[str, Any]]:
    """The parsed answers the task stored on a request doc: ``[{"response", "samples", "problems"}]``."""
    return doc.user_data.get(RESULT_KEY, [])
