"""Where a pair's vector is read from: the text each pair is encoded on (its own marked copy of the context, or the
doc as it is) and the token ranges pooled for it. Plain functions, shared by the ``spacy_tkre.PairRepresentation.v1``
layer and by pre-training's SCL, so the two cannot disagree about which states stand for a pair."""
from typing import List, NamedTuple, Tuple

from spacy.tokens import Doc, Span

HEAD_MARKERS = ("@", "*")
TAIL_MARKERS = ("#", "^")
# A pooling choice is one part or several joined by "+"; each part pools one or two token ranges.
POOLING_PARTS = {"markers": 2, "spans": 2, "context": 1}


class PairTokens(NamedTuple):
    """Token offsets of a pair in the doc it is encoded on; a marker is -1 where entities are not marked."""

    head_marker: int
    head_start: int
    head_end: int
    tail_marker: int
    tail_start: int
    tail_end: int


def pooling_parts(pooling: str) -> List[str]:
    """The parts of a pooling choice such as ``markers+spans``, checked."""
    parts = pooling.split("+")
    unknown = [part for part in parts if part not in POOLING_PARTS]
    if unknown or len(set(parts)) != len(parts):
        raise ValueError(
            f"Unknown pair pooling {pooling!r}: use one of {sorted(POOLING_PARTS)} or several joined by '+', "
            "each once (e.g. 'markers+spans')."
        )
    return parts


def n_ranges(pooling: str) -> int:
    """How many token ranges (each one vector of the encoder's width) make up a pair's vector."""
    return sum(POOLING_PARTS[part] for part in pooling_parts(pooling))


def check_pooling(pooling: str, mark_entities: bool) -> None:
    if "markers" in pooling_parts(pooling) and not mark_entities:
        raise ValueError(f"Pair pooling {pooling!r} reads the entity markers: set mark_entities = true or drop 'markers'.")


def pooled_ranges(tokens: PairTokens, pooling: str) -> List[Tuple[int, int]]:
    """The token ranges averaged for each part, in order. The context is the tokens between the two entities (in a
    marked copy, the markers between them included); when they touch or overlap it is the pair's whole extent, so
    the part is never empty."""
    ranges = []
    for part in pooling_parts(pooling):
        if part == "markers":
            ranges += [(tokens.head_marker, tokens.head_marker + 1), (tokens.tail_marker, tokens.tail_marker + 1)]
        elif part == "spans":
            ranges += [(tokens.head_start, tokens.head_end), (tokens.tail_start, tokens.tail_end)]
        else:
            first, second = sorted([(tokens.head_start, tokens.head_end), (tokens.tail_start, tokens.tail_end)])
            start, end = first[1], second[0]
            ranges.append((start, end) if end > start else (first[0], max(first[1], second[1])))
    return ranges


def _type_word(span: Span) -> str:
    return (span.label_ or "entity").lower().replace(" ", "_")


def _window(doc: Doc, head: Span, tail: Span, context_window: int) -> Tuple[int, int]:
    start, end = min(head.start, tail.start), max(head.end, tail.end)
    low, high = max(0, start - context_window), min(len(doc), end + context_window)
    if doc.has_annotation("SENT_START"):
        low = max(low, doc[start].sent.start)
        high = min(high, doc[end - 1].sent.end)
    return low, high


def marked_doc(head: Span, tail: Span, context_window: int) -> Tuple[Doc, PairTokens]:
    """A new Doc of the pair's context (``context_window`` tokens each side, inside its sentences when the doc has
    them) with typed markers ``@ * type * head @`` and ``# ^ type ^ tail #``, and where the pair lies in it."""
    doc = head.doc
    low, high = _window(doc, head, tail, context_window)
    words: List[str] = []
    positions = {}
    for i in range(low, high):
        for span, (outer, inner), key in ((head, HEAD_MARKERS, "head"), (tail, TAIL_MARKERS, "tail")):
            if i == span.start:
                positions[key + "_marker"] = len(words)
                words.extend([outer, inner, _type_word(span), inner])
                positions[key + "_start"] = len(words)
        words.append(doc[i].text)
        for span, (outer, _), key in ((head, HEAD_MARKERS, "head"), (tail, TAIL_MARKERS, "tail")):
            if i == span.end - 1:
                positions[key + "_end"] = len(words)
                words.append(outer)
    return Doc(doc.vocab, words=words, spaces=[True] * len(words)), PairTokens(**positions)


def pair_doc(head: Span, tail: Span, mark_entities: bool, context_window: int) -> Tuple[Doc, PairTokens]:
    """The doc a pair is encoded on and where the pair lies in it: its own marked context, or its doc as it is."""
    if mark_entities:
        return marked_doc(head, tail, context_window)
    return head.doc, PairTokens(-1, head.start, head.end, -1, tail.start, tail.end)
