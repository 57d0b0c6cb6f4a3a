"""Conversion between ``doc._.relations`` and the relation formats of spacy-llm and the spaCy tutorial.

spacy-llm's REL task stores ``doc._.rel`` as ``RelationItem(dep, dest, relation)`` indexing ``doc.ents``;
the spaCy ``rel_component`` tutorial stores ``doc._.rel`` as ``{(head_start_token, tail_start_token): {label: score}}``.
Both packages own the name ``rel``; this module only reads and writes it, never registers it.
"""
from typing import Dict, List, Tuple

from spacy.tokens import Doc

from .relations import Relation, get_relations


def _ent_index(doc: Doc):
    return {(ent.start, ent.end): index for index, ent in enumerate(doc.ents)}


def relations_from_spacy_llm(doc: Doc, rel_items) -> List[Relation]:
    """Turn spacy-llm ``RelationItem``s (or their dicts) into ``Relation``s; raise on an index outside ``doc.ents``."""
    ents = doc.ents
    relations = []
    for item in rel_items:
        fields = item if isinstance(item, dict) else item.dict()
        dep, dest = int(fields["dep"]), int(fields["dest"])
        if not (0 <= dep < len(ents) and 0 <= dest < len(ents)):
            raise ValueError(
                f"spacy-llm relation {fields} points at entity {max(dep, dest)}, but the doc has {len(ents)} entities."
            )
        relations.append(Relation(head=ents[dep], tail=ents[dest], label=str(fields["relation"])))
    return relations


def relations_to_spacy_llm(doc: Doc) -> List[Dict]:
    """``doc._.relations`` as spacy-llm ``RelationItem`` dicts; relations whose arguments are not entities raise."""
    index = _ent_index(doc)
    items = []
    for relation in get_relations(doc):
        try:
            dep, dest = index[(relation.head.start, relation.head.end)], index[(relation.tail.start, relation.tail.end)]
        except KeyError:
            raise ValueError(
                f"Relation {relation.head.text!r} -> {relation.tail.text!r} uses a span that is not in doc.ents; "
                "spacy-llm's REL format can only point at entities."
            ) from None
        items.append({"dep": dep, "dest": dest, "relation": relation.label})
    return items


TutorialRel = Dict[Tuple[int, int], Dict[str, float]]


def relations_from_tutorial(doc: Doc, rel: TutorialRel, threshold: float = 0.5, negative_label: str = "") -> List[Relation]:
    """Read the tutorial's ``{(head_start, tail_start): {label: score}}``; arguments are the entities starting there."""
    starts = {ent.start: ent for ent in doc.ents}
    relations = []
    for (head_start, tail_start), scores in rel.items():
        if head_start not in starts or tail_start not in starts:
            raise ValueError(f"Tutorial relation key {(head_start, tail_start)} does not start at an entity of the doc.")
        for label, score in scores.items():
            if label != negative_label and score >= threshold:
                relations.append(Relation(starts[head_start], starts[tail_start], label, float(score)))
    return relations


def relations_to_tutorial(doc: Doc, labels: List[str]) -> TutorialRel:
    """``doc._.relations`` as the tutorial's dict, with a 0.0 score for every other label of ``labels``."""
    rel: TutorialRel = {}
    for relation in get_relations(doc):
        scores = rel.setdefault((relation.head.start, relation.tail.start), {label: 0.0 for label in labels})
        scores[relation.label] = relation.score
    return rel
