"""Draw a doc's entities and relations as labelled arcs with displaCy's dependency renderer in manual mode."""
from typing import Any, Dict

from spacy import displacy
from spacy.tokens import Doc

from .relations import get_relations


def relation_arcs(doc: Doc) -> Dict[str, Any]:
    """displaCy manual-mode data: one word per entity or stretch of text between entities, one arc per relation."""
    words, index_of_ent = [], {}
    position = 0
    for ent in doc.ents:
        if ent.start > position:
            words.append({"text": doc[position:ent.start].text, "tag": ""})
        index_of_ent[(ent.start, ent.end)] = len(words)
        words.append({"text": ent.text, "tag": ent.label_})
        position = ent.end
    if position < len(doc):
        words.append({"text": doc[position:].text, "tag": ""})
    arcs = []
    for relation in get_relations(doc):
        head = index_of_ent.get((relation.head.start, relation.head.end))
        tail = index_of_ent.get((relation.tail.start, relation.tail.end))
        if head is None or tail is None or head == tail:
            continue
        start, end = sorted((head, tail))
        arcs.append({"start": start, "end": end, "label": relation.label, "dir": "right" if head < tail else "left"})
    return {"words": words, "arcs": arcs}


def render(doc: Doc, jupyter: bool = False, options: Dict[str, Any] = {}) -> str:
    """HTML (SVG) of ``doc``'s relations as arcs from head to tail entity; ``displacy.serve`` takes the same data."""
    return displacy.render(relation_arcs(doc), style="dep", manual=True, jupyter=jupyter, options=dict(options))
