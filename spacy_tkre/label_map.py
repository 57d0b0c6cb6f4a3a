"""``tkre_entity_label_map``: renames ``doc.ents`` labels from an upstream recognizer's scheme to the types a
relation extractor was trained with (e.g. ``PERSON`` -> ``Peop``), so an extractor sourced into another
pipeline sees the entity types its schema and its entity markers expect."""
from typing import Dict, Iterable

from spacy.language import Language
from spacy.tokens import Doc, Span


@Language.factory(
    "tkre_entity_label_map",
    assigns=["doc.ents"],
    requires=["doc.ents"],
    default_config={"label_map": {}, "keep_unmapped": True},
)
def make_entity_label_map(nlp: Language, name: str, label_map: Dict[str, str], keep_unmapped: bool) -> "EntityLabelMap":
    """``label_map``: upstream label -> extractor type; entities with other labels are kept as they are, or
    dropped with ``keep_unmapped = false`` (so that types the extractor never saw make no candidate pairs)."""
    return EntityLabelMap(name, label_map, keep_unmapped)


class EntityLabelMap:
    def __init__(self, name: str, label_map: Dict[str, str], keep_unmapped: bool = True) -> None:
        bad = {key: value for key, value in label_map.items() if not key or not value or not isinstance(value, str)}
        if bad:
            raise ValueError(f"{name}: label_map maps labels to non-empty strings, got {bad}. Fix those entries.")
        self.name = name
        self.label_map = dict(label_map)
        self.keep_unmapped = keep_unmapped

    def __call__(self, doc: Doc) -> Doc:
        doc.ents = [self._mapped(doc, ent) for ent in doc.ents if self.keep_unmapped or ent.label_ in self.label_map]
        return doc

    def pipe(self, docs: Iterable[Doc], batch_size: int = 128) -> Iterable[Doc]:
        for doc in docs:
            yield self(doc)

    def _mapped(self, doc: Doc, ent: Span) -> Span:
        label = self.label_map.get(ent.label_)
        return ent if label is None else Span(doc, ent.start, ent.end, label=label, kb_id=ent.kb_id)
