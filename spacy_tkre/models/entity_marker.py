"""Entity-marker pair encoding (TKRE's baseline): each candidate pair is encoded on its own copy of the
context with typed punctuation markers around head and tail, ``@ * type * head @`` and ``# ^ type ^ tail #``;
the pair is the concatenation of the encoder states at the two opening markers."""
from typing import List, Tuple

from spacy.tokens import Doc, Span
from spacy.util import registry
from thinc.api import Model, chain
from thinc.types import Floats2d

from ..candidates import Pair
from .pair_pooling import PairSlots, span_pair_mean
from .relation_model import relation_model

HEAD_MARKERS = ("@", "*")
TAIL_MARKERS = ("#", "^")


@registry.architectures("spacy_tkre.EntityMarkerRelationModel.v1")
def build_entity_marker_model(
    tok2vec: Model[List[Doc], List[Floats2d]], classifier: Model[Floats2d, Floats2d], context_window: int = 48
) -> Model:
    """``tok2vec`` encodes the marked contexts (a spacy-transformers encoder; markers are single wordpieces, so
    mean pooling gives their own state, and unlike first-piece pooling it tolerates tokens with no wordpiece, such
    as whitespace tokens);
    ``context_window`` tokens are kept on each side of the pair, inside its sentences when the doc has them."""
    encoder = chain(mark_pairs(context_window), span_pair_mean(tok2vec))
    return relation_model(encoder, classifier, tok2vec)


def mark_pairs(context_window: int) -> Model:
    return Model("mark_pairs", _mark_pairs_forward, attrs={"context_window": context_window})


def _type_word(span: Span) -> str:
    return (span.label_ or "entity").lower().replace(" ", "_")


def _window(doc: Doc, head: Span, tail: Span, context_window: int) -> Tuple[int, int]:
    start, end = min(head.start, tail.start), max(head.end, tail.end)
    low, high = max(0, start - context_window), min(len(doc), end + context_window)
    if doc.has_annotation("SENT_START"):
        low = max(low, doc[start].sent.start)
        high = min(high, doc[end - 1].sent.end)
    return low, high


def marked_doc(head: Span, tail: Span, context_window: int) -> Tuple[Doc, int, int]:
    """A new Doc of the pair's context with markers; returns it and the token indices of the two opening markers."""
    doc = head.doc
    low, high = _window(doc, head, tail, context_window)
    words: List[str] = []
    spaces: List[bool] = []
    head_marker = tail_marker = -1
    for i in range(low, high):
        for span, (outer, inner), is_head in ((head, HEAD_MARKERS, True), (tail, TAIL_MARKERS, False)):
            if i == span.start:
                if is_head:
                    head_marker = len(words)
                else:
                    tail_marker = len(words)
                words.extend([outer, inner, _type_word(span), inner])
                spaces.extend([True] * 4)
        words.append(doc[i].text)
        spaces.append(True)
        for span, (outer, _) in ((head, HEAD_MARKERS), (tail, TAIL_MARKERS)):
            if i == span.end - 1:
                words.append(outer)
                spaces.append(True)
    return Doc(doc.vocab, words=words, spaces=spaces), head_marker, tail_marker


def _mark_pairs_forward(model: Model, inputs: Tuple[List[Doc], List[List[Pair]]], is_train: bool):
    docs, pairs_per_doc = inputs
    marked: List[Doc] = []
    slots: List[PairSlots] = []
    for pairs in pairs_per_doc:
        for head, tail in pairs:
            doc, head_marker, tail_marker = marked_doc(head, tail, model.attrs["context_window"])
            slots.append((len(marked), head_marker, head_marker + 1, tail_marker, tail_marker + 1))
            marked.append(doc)
    return (marked, slots), lambda d_inputs: inputs
