"""Annotating Docs: entity spans from character or token offsets, ``doc.ents`` and ``doc._.relations``.

Converters and LLM sample validation build annotated Docs through here, so they share the same checks
(alignment, overlap) and user-data keys; every default of the no-relation label is the one constant below.
"""
import re
from typing import Any, List, Optional, Sequence, Tuple

from spacy.tokens import Doc, Span

from .relations import Relation

SOURCE_ID_KEY = "spacy_tkre.source_id"
ENTITY_LABEL = "ENTITY"
# The label of pairs that hold no relation. SemEval-2010's "Other": the public data set the project converts,
# scores officially and benchmarks on, so a converted SemEval corpus trains with the defaults as it is.
DEFAULT_NEGATIVE_LABEL = "Other"
# Names data sets give the no-relation class, compared lower-case without separators ("no_relation", "NA").
NEGATIVE_NAMES = {
    "other", "norelation", "norel", "na", "none", "nil", "null", "negative", "unrelated", "noneoftheabove",
}
SEPARATORS = re.compile(r"[\s_\-:./]+")

IndexedRelation = Tuple[Any, Any, str]


class AnnotationError(ValueError):
    """Spans or relations a Doc cannot hold; ``reason`` is a short category callers count, ``detail`` the place."""

    def __init__(self, reason: str, detail: str = ""):
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


def looks_negative(label: str) -> bool:
    """Whether ``label`` reads like a data set's no-relation class (``Other``, ``no_relation``, ``NA``, ``None``)."""
    return SEPARATORS.sub("", label).lower() in NEGATIVE_NAMES


def char_span(doc: Doc, start: Any, end: Any, label: str) -> Span:
    """The tokens covering characters ``start:end`` (surrounding whitespace ignored), expanded to token boundaries."""
    if not (isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(doc.text)):
        raise AnnotationError("entity span does not align", f"characters {start}-{end} outside the text")
    text = doc.text[start:end]
    start, end = start + len(text) - len(text.lstrip()), end - len(text) + len(text.rstrip())
    span = doc.char_span(start, end, label=label, alignment_mode="expand") if start < end else None
    if span is None or len(span) == 0:
        raise AnnotationError("entity span does not align", f"characters {start}-{end}")
    return span


def token_span(doc: Doc, start: Any, end: Any, label: str) -> Span:
    """The tokens ``start:end`` (end exclusive) as an entity span."""
    if not (isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(doc)):
        raise AnnotationError("entity span does not align", f"tokens {start}-{end} outside the {len(doc)} tokens")
    return Span(doc, start, end, label=label)


def annotate(
    doc: Doc, entities: Sequence[Span], relations: Sequence[IndexedRelation], source_id: Optional[Any] = None
) -> Doc:
    """Set ``doc.ents`` and ``doc._.relations``; relations are ``(head, tail, label)`` indexing ``entities``.

    Overlapping entities are refused because ``doc.ents`` cannot hold them.
    """
    resolved: List[Relation] = []
    for head, tail, label in relations:
        if not all(isinstance(index, int) and 0 <= index < len(entities) for index in (head, tail)):
            raise AnnotationError("relation points at a missing entity", f"entities {head}->{tail} of {len(entities)}")
        if (entities[head].start, entities[head].end) == (entities[tail].start, entities[tail].end):
            raise AnnotationError("head and tail are the same span", repr(entities[head].text))
        resolved.append(Relation(head=entities[head], tail=entities[tail], label=str(label)))
    ordered = sorted(entities, key=lambda span: (span.start, span.end))
    for before, after in zip(ordered, ordered[1:]):
        if after.start < before.end:
            raise AnnotationError("overlapping entities", f"{before.text!r} and {after.text!r}")
    doc.ents = ordered
    doc._.relations = resolved
    if source_id is not None:
        doc.user_data[SOURCE_ID_KEY] = str(source_id)
    return doc
