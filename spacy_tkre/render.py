"""Draw a doc's entities and relations as labelled arcs with displaCy's dependency renderer in manual mode."""
import warnings
from typing import Any, Dict, List

from spacy import displacy
from spacy.tokens import Doc, Span

from .relations import get_relations


def _argument_spans(doc: Doc, relations) -> List[Span]:
    """Entities plus relation arguments that are not entities, in text order; an argument overlapping another
    span cannot be drawn as a word of its own and is left out with a warning."""
    spans = {(ent.start, ent.end): ent for ent in doc.ents}
    for relation in relations:
        for span in (relation.head, relation.tail):
            spans.setdefault((span.start, span.end), span)
    kept: List[Span] = []
    for span in sorted(spans.values(), key=lambda s: (s.start, -s.end)):
        if kept and span.start < kept[-1].end:
            warnings.warn(f"render: {span.text!r} overlaps {kept[-1].text!r}; its arcs are not drawn.")
            continue
        kept.append(span)
    return kept


def relation_arcs(doc: Doc, scores: bool = True) -> Dict[str, Any]:
    """displaCy manual-mode data: one word per entity or relation argument, one per stretch of text between them,
    one arc per relation, labelled with the relation and (``scores``) its score, e.g. ``works_for 0.87``."""
    relations = get_relations(doc)
    words, index_of_ent = [], {}
    position = 0
    for ent in _argument_spans(doc, relations):
        if ent.start > position:
            words.append({"text": doc[position:ent.start].text, "tag": ""})
        index_of_ent[(ent.start, ent.end)] = len(words)
        words.append({"text": ent.text, "tag": ent.label_})
        position = ent.end
    if position < len(doc):
        words.append({"text": doc[position:].text, "tag": ""})
    arcs = []
    for relation in relations:
        head = index_of_ent.get((relation.head.start, relation.head.end))
        tail = index_of_ent.get((relation.tail.start, relation.tail.end))
        if head is None or tail is None or head == tail:
            continue
        start, end = sorted((head, tail))
        label = f"{relation.label} {relation.score:.2f}" if scores else relation.label
        arcs.append({"start": start, "end": end, "label": label, "dir": "right" if head < tail else "left"})
    return {"words": words, "arcs": arcs}


def render(doc: Doc, jupyter: bool = False, options: Dict[str, Any] = {}, scores: bool = True) -> str:
    """HTML (SVG) of ``doc``'s relations as arcs from head to tail entity, labelled with their scores unless
    ``scores=False``; ``displacy.serve`` takes the same data."""
    data = relation_arcs(doc, scores=scores)
    return displacy.render(data, style="dep", manual=True, jupyter=jupyter, options=dict(options))
