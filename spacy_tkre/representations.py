"""Pair representations from a trained pipeline or a bare encoder folder: the vectors the classifier sees, used
for prototypes (few-shot episodes) without training a classifier."""
from pathlib import Path
from typing import List, Sequence

import numpy
import spacy
from spacy.language import Language
from spacy.tokens import Doc
from spacy.util import minibatch
from thinc.api import Model

from .candidates import Pair
from .models.encoder import PACKAGED_ENCODERS
from .progress import progress
from .relations import get_relations

COMPONENT = "tkre_relation_extractor"


def load_pair_encoder(model_or_encoder: str) -> Model:
    """The pair encoder of a trained pipeline (a folder with ``config.cfg`` or an installed package), or the default
    entity-marker encoder over a Hugging Face folder or packaged alias such as ``all-MiniLM-L6-v2``."""
    path = Path(model_or_encoder)
    is_encoder = (path / "config.json").is_file() and not (path / "config.cfg").is_file()
    nlp = _untrained_pipeline(model_or_encoder) if is_encoder or model_or_encoder in PACKAGED_ENCODERS else spacy.load(model_or_encoder)
    return nlp.get_pipe(COMPONENT).model.layers[0]


def _untrained_pipeline(encoder: str) -> Language:
    nlp = spacy.blank("en")
    extractor = nlp.add_pipe(COMPONENT, config={"model": {"tok2vec": {"name": encoder}}})
    doc = nlp.make_doc("Alice works for Acme .")
    doc.ents = [doc.char_span(0, 5, label="ENTITY"), doc.char_span(16, 20, label="ENTITY")]
    encoder_model = extractor.model.layers[0]
    encoder_model.initialize(X=([doc], [extractor.candidates(doc)]))
    return nlp


def relation_pairs(doc: Doc) -> List[Pair]:
    """The annotated (head, tail) pairs of a doc, in storage order."""
    return [(relation.head, relation.tail) for relation in get_relations(doc)]


def encode_relations(encoder: Model, docs: Sequence[Doc], batch_size: int = 64) -> numpy.ndarray:
    """One vector per doc: the representation of its first annotated relation (FewRel docs hold exactly one)."""
    rows = []
    batches = minibatch(docs, batch_size)
    for batch in progress(batches, total=-(-len(docs) // batch_size), desc="encoding pairs"):
        pairs = [relation_pairs(doc)[:1] for doc in batch]
        if any(not p for p in pairs):
            raise ValueError("Every doc to encode needs an annotated relation (doc._.relations).")
        rows.append(encoder.ops.to_numpy(encoder.predict((list(batch), pairs))))
    return numpy.concatenate(rows) if rows else numpy.zeros((0, 0), dtype="f")
