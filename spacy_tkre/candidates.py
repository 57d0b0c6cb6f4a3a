"""Candidate entity pairs: which (head, tail) pairs of a doc the relation extractor classifies."""
from typing import Callable, Dict, Iterator, List, Optional, Sequence, Tuple

from spacy.tokens import Doc, Span
from spacy.util import registry

Pair = Tuple[Span, Span]
CandidateGenerator = Callable[[Doc], List[Pair]]
Schema = Dict[str, Dict[str, Sequence[str]]]


def _sentence_ids(doc: Doc) -> Optional[List[int]]:
    """Sentence index per token, or None when the doc has no sentence boundaries."""
    if not doc.has_annotation("SENT_START"):
        return None
    ids, current = [], -1
    for token in doc:
        if token.is_sent_start or current < 0:
            current += 1
        ids.append(current)
    return ids


@registry.misc("spacy_tkre.entity_pairs.v1")
def make_entity_pairs(max_distance: int = 100, same_sentence: bool = True, both_directions: bool = True) -> CandidateGenerator:
    """Ordered pairs of ``doc.ents`` within ``max_distance`` tokens (gap between the spans) and, when the doc
    has sentence boundaries and ``same_sentence`` is set, in one sentence. ``both_directions=False`` keeps only
    pairs whose head comes first in the text, for data sets such as SemEval whose labels encode direction."""

    def entity_pairs(doc: Doc) -> List[Pair]:
        ents = doc.ents
        sentence_ids = _sentence_ids(doc) if same_sentence else None
        pairs = []
        for i, head in enumerate(ents):
            for j, tail in enumerate(ents):
                if i == j or (not both_directions and j < i):
                    continue
                first, second = (head, tail) if head.start < tail.start else (tail, head)
                if second.start - first.end > max_distance:
                    continue
                if sentence_ids is not None and sentence_ids[head.start] != sentence_ids[tail.start]:
                    continue
                pairs.append((head, tail))
        return pairs

    return entity_pairs


def schema_allows(schema: Schema, label: str, head: Span, tail: Span) -> bool:
    """Whether ``label`` may hold from ``head`` to ``tail`` given their entity types; labels absent from the
    schema are unconstrained."""
    allowed = schema.get(label)
    if allowed is None:
        return True
    heads, tails = allowed.get("head"), allowed.get("tail")
    return (not heads or head.label_ in heads) and (not tails or tail.label_ in tails)


def filter_by_schema(pairs: List[Pair], schema: Schema, labels: Sequence[str]) -> List[Pair]:
    """Drop pairs that no label of ``labels`` allows; with an empty schema every pair stays."""
    if not schema:
        return pairs
    return [(head, tail) for head, tail in pairs if any(schema_allows(schema, label, head, tail) for label in labels)]


def pair_batches(docs: Sequence[Doc], pairs: Sequence[List[Pair]], max_pairs: int) -> Iterator[Tuple[List[Doc], List[List[Pair]]]]:
    """``(docs, pairs per doc)`` cut into consecutive groups of at most ``max_pairs`` pairs, in order; a doc whose
    pairs fall in two groups appears in both, a doc without pairs in none."""
    if max_pairs < 1:
        raise ValueError(f"max_pairs must be at least 1, got {max_pairs}.")
    group_docs: List[Doc] = []
    group_pairs: List[List[Pair]] = []
    size = 0
    for doc, doc_pairs in zip(docs, pairs):
        start = 0
        while start < len(doc_pairs):
            part = list(doc_pairs[start:start + max_pairs - size])
            group_docs.append(doc)
            group_pairs.append(part)
            size += len(part)
            start += len(part)
            if size == max_pairs:
                yield group_docs, group_pairs
                group_docs, group_pairs, size = [], [], 0
    if size:
        yield group_docs, group_pairs
