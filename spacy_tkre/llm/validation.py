"""Checking every sample an LLM proposes before it can reach training, with a counted reason for each rejection.

The LLM's text is never trusted for structure: head and tail are found in the context here (token-aligned
character offsets), the label and entity types are checked against the schema, the context's length is
bounded, copies of gold or already accepted samples are removed (exactly, and nearly by word-sequence
similarity), and an optional trained tkre pipeline can veto samples it does not read as the target relation.
"""
import re
from collections import Counter
from pathlib import Path
from typing import Callable, Dict, List, Optional, Sequence, Union

from spacy.language import Language
from spacy.tokens import Doc, Span

from ..annotation import ENTITY_LABEL, SOURCE_ID_KEY, annotate
from .diversity import similarity, words

Schema = Dict[str, Dict[str, List[str]]]

WRONG_LABEL = "wrong relation label"
MISSING_TYPE = "entity type missing"
TYPE_NOT_IN_SCHEMA = "entity type not in schema"
TOO_SHORT = "context too short"
TOO_LONG = "context too long"
HEAD_NOT_FOUND = "head not found in context"
TAIL_NOT_FOUND = "tail not found in context"
OVERLAP = "head and tail overlap"
SAME_WORDS = "head and tail are the same words"
HEAD_AFTER_TAIL = "head after tail (head-first data)"
GOLD_COPY = "copy of a gold sample"
DUPLICATE = "duplicate of an accepted sample"
NEAR_GOLD = "near duplicate of a gold sample"
NEAR_DUPLICATE = "near duplicate of an accepted sample"
FILTERED = "rejected by consistency filter"


class Rejected(Exception):
    """A proposed sample failed a check; ``reason`` is one of this module's reason strings."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def schema_from_samples(samples: Sequence[Dict[str, str]]) -> Schema:
    """The entity types each label's gold samples use, as the allowed head and tail types."""
    schema: Schema = {}
    for sample in samples:
        allowed = schema.setdefault(sample["relation"], {"head": [], "tail": []})
        for side in ("head", "tail"):
            if sample[f"{side}_type"] not in allowed[side]:
                allowed[side].append(sample[f"{side}_type"])
    return schema


class SampleValidator:
    """Turns proposed samples (dicts of strings) into annotated Docs, or rejects them with a counted reason."""

    def __init__(
        self,
        make_doc: Callable[[str], Doc],
        schema: Schema,
        gold_texts: Sequence[str],
        min_tokens: int = 4,
        max_tokens: int = 80,
        near_duplicate: float = 0.85,
        head_first: bool = False,
        consistency: Optional["ConsistencyFilter"] = None,
    ):
        self._make_doc = make_doc
        self.schema = schema
        self._min_tokens, self._max_tokens = min_tokens, max_tokens
        self._near_duplicate = near_duplicate
        self._head_first = head_first
        self._consistency = consistency
        self._gold = [words(text) for text in gold_texts]
        self._gold_keys = {" ".join(tokens) for tokens in self._gold}
        self._accepted: List[List[str]] = []
        self._accepted_keys = set()
        self.rejections: Dict[str, Counter] = {}
        if consistency is not None:
            consistency.check_labels(schema)

    def validate(self, draft: Dict[str, str], label: str) -> Doc:
        """An annotated Doc for ``draft`` (ents = head and tail, one relation ``label``); raises ``Rejected``.
        Nothing is remembered: call ``accept`` for the samples that are kept."""
        self._check_label(draft.get("relation"), label)
        head_type = self._entity_type(draft.get("head_type"), label, "head")
        tail_type = self._entity_type(draft.get("tail_type"), label, "tail")
        doc = self._make_doc(draft["context"].strip())
        if len(doc) < self._min_tokens:
            raise Rejected(TOO_SHORT)
        if len(doc) > self._max_tokens:
            raise Rejected(TOO_LONG)
        head = locate(doc, draft["head"], head_type)
        if head is None:
            raise Rejected(HEAD_NOT_FOUND)
        tail = locate(doc, draft["tail"], tail_type, avoid=head)
        if tail is None:
            raise Rejected(OVERLAP if locate(doc, draft["tail"], tail_type) is not None else TAIL_NOT_FOUND)
        if head.text.lower() == tail.text.lower():  # two mentions of one thing ("the Queen ... the Queen")
            raise Rejected(SAME_WORDS)
        if self._head_first and head.start > tail.start:
            raise Rejected(HEAD_AFTER_TAIL)
        self._check_novelty(words(doc.text))
        annotate(doc, [head, tail], [(0, 1, label)])
        if self._consistency is not None and self._consistency.probability(doc, label) < self._consistency.threshold:
            raise Rejected(FILTERED)
        return doc

    def accept(self, doc: Doc, source_id: str) -> None:
        """Keep ``doc``: later samples are compared with it."""
        doc.user_data[SOURCE_ID_KEY] = source_id
        tokens = words(doc.text)
        self._accepted.append(tokens)
        self._accepted_keys.add(" ".join(tokens))

    def reject(self, label: str, reason: str, count: int = 1) -> None:
        self.rejections.setdefault(label, Counter())[reason] += count

    def _check_label(self, written: Optional[str], label: str) -> None:
        normalize = lambda text: re.sub(r"\s+", "", text).lower()  # noqa: E731
        if written and normalize(written) != normalize(label):
            raise Rejected(WRONG_LABEL)

    def _entity_type(self, written: Optional[str], label: str, side: str) -> str:
        """The schema's spelling of the written type. Untyped data (only the converters' generic ENTITY type)
        has nothing to check, and a missing type means the only allowed one."""
        allowed = self.schema.get(label, {}).get(side) or []
        if allowed == [ENTITY_LABEL] or (not written and len(allowed) == 1):
            return allowed[0]
        if not written:
            if allowed:
                raise Rejected(MISSING_TYPE)
            return ENTITY_LABEL
        if not allowed:
            return written.strip()
        for name in allowed:
            if name.lower() == written.strip().lower():
                return name
        raise Rejected(TYPE_NOT_IN_SCHEMA)

    def _check_novelty(self, tokens: List[str]) -> None:
        key = " ".join(tokens)
        if key in self._gold_keys:
            raise Rejected(GOLD_COPY)
        if key in self._accepted_keys:
            raise Rejected(DUPLICATE)
        for pool, reason in ((self._gold, NEAR_GOLD), (self._accepted, NEAR_DUPLICATE)):
            if any(similarity(tokens, other) >= self._near_duplicate for other in pool):
                raise Rejected(reason)


def locate(doc: Doc, text: str, label: str, avoid: Optional[Span] = None) -> Optional[Span]:
    """The first token-aligned occurrence of ``text`` in ``doc`` that does not overlap ``avoid``: exact case
    first, then any case, then without trailing punctuation. Offsets come from here, never from the LLM."""
    for needle in dict.fromkeys([text.strip(), text.strip().rstrip(".,;:!?").strip()]):
        if not needle:
            continue
        for haystack, query in ((doc.text, needle), (doc.text.lower(), needle.lower())):
            start = haystack.find(query)
            while start >= 0:
                span = doc.char_span(start, start + len(query), label=label)
                if span is not None and not _overlaps(span, avoid):
                    return span
                start = haystack.find(query, start + 1)
    return None


def _overlaps(span: Span, other: Optional[Span]) -> bool:
    return other is not None and span.start < other.end and other.start < span.end


class ConsistencyFilter:
    """A trained relation pipeline's probability for the target label of the sample's (head, tail) pair.

    ``pipeline`` is a path or a loaded ``Language``; its first component with ``score_pairs`` (such as
    ``tkre_relation_extractor``) scores the pair as given, whatever pairs its own candidate generator proposes.
    """

    def __init__(self, pipeline: Union[str, Path, Language], threshold: float):
        import spacy

        self.threshold = threshold
        self._nlp = pipeline if isinstance(pipeline, Language) else spacy.load(pipeline)
        found = [index for index, (_, pipe) in enumerate(self._nlp.pipeline) if hasattr(pipe, "score_pairs")]
        if not found:
            raise ValueError(
                f"The consistency filter {pipeline} has no component that scores entity pairs: give a trained "
                "pipeline with a tkre_relation_extractor."
            )
        self._before = [pipe for _, pipe in self._nlp.pipeline[: found[0]]]
        self._component = self._nlp.pipeline[found[0]][1]

    def check_labels(self, schema: Schema) -> None:
        unknown = sorted(set(schema) - set(self._component.labels))
        if unknown:
            raise ValueError(
                f"The consistency filter does not know the labels {unknown} (it knows {list(self._component.labels)}): "
                "train it on the same label set, or run without --filter-model."
            )

    def probability(self, doc: Doc, label: str) -> float:
        """The probability of ``label`` for the one relation of ``doc``, read in the filter's own vocab."""
        copy = Doc(self._nlp.vocab, words=[t.text for t in doc], spaces=[bool(t.whitespace_) for t in doc])
        copy.ents = [Span(copy, ent.start, ent.end, label=ent.label_) for ent in doc.ents]
        for pipe in self._before:
            copy = pipe(copy)
        (relation,) = doc._.relations
        pair = tuple(Span(copy, span.start, span.end, label=span.label_) for span in (relation.head, relation.tail))
        (scores,) = self._component.score_pairs([copy], [[pair]])
        return float(scores[0, self._component.labels.index(label)])


def reasons_total(per_label: Dict[str, Counter]) -> Counter:
    """All labels' rejections added up."""
    return sum(per_label.values(), Counter())

