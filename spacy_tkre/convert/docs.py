"""Building annotated Docs: spans from character or token offsets, ``doc.ents`` and ``doc._.relations``.

Every converter ends here, so all formats share the same checks (alignment, overlap) and the same
user-data keys.
"""
from typing import Any, List, Optional, Sequence, Tuple

from spacy.tokens import Doc, Span
from spacy.vocab import Vocab

from ..relations import Relation
from .report import SkipRecord

SOURCE_ID_KEY = "spacy_tkre.source_id"
ENTITY_LABEL = "ENTITY"
DEFAULT_NEGATIVE_LABEL = "Other"

NO_SPACE_BEFORE = {",", ".", ";", ":", "!", "?", ")", "]", "}", "%", "''", "'"}
NO_SPACE_BEFORE |= {"'s", "'S", "n't", "'re", "'ve", "'ll", "'d", "'m"}
NO_SPACE_AFTER = {"(", "[", "{", "$", "``", "`"}

IndexedRelation = Tuple[Any, Any, str]


def doc_from_tokens(vocab: Vocab, tokens: Any) -> Doc:
    """A Doc over pre-tokenized words, with spaces guessed so the text reads naturally (no space before a comma)."""
    if not isinstance(tokens, list) or not all(isinstance(token, str) for token in tokens):
        raise SkipRecord("tokens are not a list of strings")
    if not tokens:
        raise SkipRecord("empty text")
    if "" in tokens:
        raise SkipRecord("empty token", f"token {tokens.index('')}")
    spaces = [_space_between(word, following) for word, following in zip(tokens, tokens[1:])] + [False]
    return Doc(vocab, words=tokens, spaces=spaces)


def _space_between(word: str, following: str) -> bool:
    if word.isspace() or following.isspace():
        return False
    return word not in NO_SPACE_AFTER and following not in NO_SPACE_BEFORE


def char_span(doc: Doc, start: Any, end: Any, label: str) -> Span:
    """The tokens covering characters ``start:end`` (surrounding whitespace ignored), expanded to token boundaries."""
    if not (isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(doc.text)):
        raise SkipRecord("entity span does not align", f"characters {start}-{end} outside the text")
    text = doc.text[start:end]
    start, end = start + len(text) - len(text.lstrip()), end - len(text) + len(text.rstrip())
    span = doc.char_span(start, end, label=label, alignment_mode="expand") if start < end else None
    if span is None or len(span) == 0:
        raise SkipRecord("entity span does not align", f"characters {start}-{end}")
    return span


def token_span(doc: Doc, start: Any, end: Any, label: str) -> Span:
    """The tokens ``start:end`` (end exclusive) as an entity span."""
    if not (isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(doc)):
        raise SkipRecord("entity span does not align", f"tokens {start}-{end} outside the {len(doc)} tokens")
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
            raise SkipRecord("relation points at a missing entity", f"entities {head}->{tail} of {len(entities)}")
        if (entities[head].start, entities[head].end) == (entities[tail].start, entities[tail].end):
            raise SkipRecord("head and tail are the same span", repr(entities[head].text))
        resolved.append(Relation(head=entities[head], tail=entities[tail], label=str(label)))
    ordered = sorted(entities, key=lambda span: (span.start, span.end))
    for before, after in zip(ordered, ordered[1:]):
        if after.start < before.end:
            raise SkipRecord("overlapping entities", f"{before.text!r} and {after.text!r}")
    doc.ents = ordered
    doc._.relations = resolved
    if source_id is not None:
        doc.user_data[SOURCE_ID_KEY] = str(source_id)
    return doc
