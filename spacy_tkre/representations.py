"""Pair representations from a trained pipeline or a bare encoder folder: the vectors the classifier sees, used
for prototypes (few-shot episodes) without training a classifier."""
from pathlib import Path
from typing import Callable, List, Optional, Sequence

import numpy
import spacy
from spacy.tokens import Doc
from spacy.util import minibatch, registry
from thinc.api import Model

from .candidates import Pair
from .models.encoder import PACKAGED_ENCODERS
from .progress import progress
from .relations import get_relations

COMPONENT = "tkre_relation_extractor"


def is_bare_encoder(model_or_encoder: str) -> bool:
    path = Path(model_or_encoder)
    return model_or_encoder in PACKAGED_ENCODERS or ((path / "config.json").is_file() and not (path / "config.cfg").is_file())


def load_pair_representation(
    model_or_encoder: str, pooling: Optional[str] = None, mark_entities: Optional[bool] = None,
    normalize: Optional[bool] = None,
) -> Model:
    """The ``spacy_tkre.PairRepresentation.v1`` layer of a trained pipeline (a folder with ``config.cfg`` or an
    installed package), or a new one over a Hugging Face folder or packaged alias such as ``all-MiniLM-L6-v2``
    (by default the shipped pair vector: unmarked ``spans+context``, normalized; ``markers`` need
    ``mark_entities``; a pipeline keeps its own settings and refuses others)."""
    if not is_bare_encoder(model_or_encoder):
        representation = spacy.load(model_or_encoder).get_pipe(COMPONENT).model.get_ref("pair_representation")
        own = {**representation.layers[0].attrs, **representation.layers[1].attrs}
        asked = {"pooling": pooling, "mark_entities": mark_entities, "normalize": normalize}
        if any(value not in (None, own.get(key)) for key, value in asked.items()):
            raise ValueError(
                f"{model_or_encoder} was trained on '{own['pooling']}' pair vectors with mark_entities = "
                f"{own['mark_entities']} and normalize = {own.get('normalize', False)}: drop --pooling, "
                "--[no-]mark-entities and --[no-]normalize for a trained pipeline."
            )
        return representation
    config = {
        "@architectures": "spacy_tkre.PairRepresentation.v1",
        "pooling": pooling or "spans+context",
        "mark_entities": bool(mark_entities),
        "normalize": True if normalize is None else normalize,
        "tok2vec": {
            "@architectures": "spacy_tkre.Encoder.v1",
            "name": model_or_encoder,
            "get_spans": {"@span_getters": "spacy-transformers.doc_spans.v1"},
            "pooling": {"@layers": "reduce_mean.v1"},
        },
    }
    representation = registry.resolve({"model": config})["model"]
    representation.initialize()
    return representation


def relation_pairs(doc: Doc) -> List[Pair]:
    """The annotated (head, tail) pairs of a doc, in storage order."""
    return [(relation.head, relation.tail) for relation in get_relations(doc)]


def first_relation(doc: Doc) -> List[Pair]:
    """The (head, tail) of the doc's first annotated relation (FewRel docs hold exactly one)."""
    return relation_pairs(doc)[:1]


def encode_relations(
    representation: Model, docs: Sequence[Doc], batch_size: int = 64,
    pairs_of: Callable[[Doc], List[Pair]] = first_relation,
) -> numpy.ndarray:
    """The vectors of the pairs ``pairs_of`` gives for each doc, docs one after the other: by default one per doc,
    its first annotated relation."""
    rows = []
    batches = minibatch(docs, batch_size)
    for batch in progress(batches, total=-(-len(docs) // batch_size), desc="encoding pairs"):
        pairs = [pairs_of(doc) for doc in batch]
        if any(not p for p in pairs):
            raise ValueError("Every doc to encode needs a pair to encode (an annotated relation in doc._.relations).")
        rows.append(representation.ops.to_numpy(representation.predict((list(batch), pairs))))
    return numpy.concatenate(rows) if rows else numpy.zeros((0, 0), dtype="f")
