"""Prototype labels: relation labels a trained ``tkre_relation_extractor`` learns from a few example docs, without
retraining, as the mean pair vector of their examples (the nearest-prototype classifier of ``episodes``).

How a prototype label competes with the trained head: the examples also give prototypes ("anchors") of the trained
labels they hold, the negative label included (unannotated candidate pairs count as negative, as in training). Each
pair gets a distribution ``q`` over all prototypes, a softmax of minus the squared Euclidean distance over a
temperature (prototypical networks). The new labels take their ``q``; the trained labels share the rest, ``1 - q(new
labels)``, in the head's proportions. So the rows stay probabilities, comparable across both kinds of label; a new
label wins when its prototype is clearly nearer than every anchor (at a small temperature: when it is the nearest
prototype), otherwise the head decides as before, the negative label included. The anchors are what make distances
meaningful: without them no pair could ever be told to be none of the new labels, so examples must hold some.
"""
from collections import Counter
from dataclasses import dataclass, field
from typing import Callable, Dict, Iterable, List, Optional, Sequence, Tuple, Union

import numpy
from spacy.tokens import Doc
from spacy.training import Example
from thinc.api import Model, NumpyOps

from .candidates import Pair
from .episodes import squared_distances
from .models.pair_inputs import encoder_passes
from .relations import get_relations, relation_key
from .representations import encode_relations

# Chosen on SemEval K=8 dev sets drawn from the train pool, disjoint from the support set (bench/new_labels.py, dev
# macro-F1, seeds 13 / 21): 0.01 45.91 / 44.67, 0.03 45.91 / 44.03, 0.1 40.94 / 41.99, 0.3 33.66 / 34.41, 1.0 29.57 /
# 31.19. So small that in practice a new label wins exactly when its prototype is the nearest of all.
DEFAULT_TEMPERATURE = 0.01
NO_ENTITIES = "doc without entities"
NO_PAIRS = "doc without an entity pair"


@dataclass
class LabelPrototypes:
    """One mean pair vector per label: the new labels and the anchors of trained labels, with the examples each
    averages (for adding examples later) and the softmax temperature."""

    labels: List[str]
    new_labels: List[str]
    vectors: numpy.ndarray
    counts: List[int]
    temperature: float = DEFAULT_TEMPERATURE

    @classmethod
    def from_cfg(cls, data: Optional[Dict]) -> Optional["LabelPrototypes"]:
        if not data:
            return None
        return cls(list(data["labels"]), list(data["new_labels"]), numpy.asarray(data["vectors"], dtype="f"),
                   list(data["counts"]), float(data["temperature"]))

    def to_cfg(self) -> Dict:
        """A JSON-serializable dict, kept in the component's ``cfg`` so that to_disk/to_bytes save it."""
        return {"labels": self.labels, "new_labels": self.new_labels, "vectors": self.vectors.tolist(),
                "counts": self.counts, "temperature": self.temperature}

    def combine(self, head: numpy.ndarray, vectors: numpy.ndarray) -> numpy.ndarray:
        """Rows of probabilities over the trained labels (the head's columns) then ``new_labels``."""
        q = NumpyOps().softmax(-squared_distances(vectors, self.vectors) / self.temperature, axis=-1)
        q_new = q[:, [self.labels.index(label) for label in self.new_labels]]
        return numpy.hstack([head * (1.0 - q_new.sum(axis=1, keepdims=True)), q_new])


@dataclass
class AddedLabels:
    """What ``add_prototypes`` did: examples per new label and per anchor, and docs left out with the reason."""

    new: Dict[str, int]
    anchors: Dict[str, int]
    skipped: Counter = field(default_factory=Counter)


def labelled_pairs(doc: Doc, candidates: Callable[[Doc], List[Pair]], negative_label: str) -> List[Tuple[Pair, str]]:
    """The annotated pairs with their labels, then the candidate pairs left unannotated, with the negative label."""
    pairs = [((r.head, r.tail), r.label) for r in get_relations(doc)]
    annotated = {relation_key(r) for r in get_relations(doc)}
    for head, tail in candidates(doc):
        if ((head.start_char, head.end_char), (tail.start_char, tail.end_char)) not in annotated:
            pairs.append(((head, tail), negative_label))
    return pairs


def add_prototypes(
    prototypes: Optional[LabelPrototypes], representation: Model, examples: Iterable[Union[Doc, Example]],
    trained_labels: Sequence[str], candidates: Callable[[Doc], List[Pair]], negative_label: str,
    labels: Optional[Sequence[str]] = None, temperature: Optional[float] = None,
) -> Tuple[LabelPrototypes, AddedLabels]:
    """Prototypes with the new labels of ``examples`` added (``labels``, or every label the component lacks) and the
    anchors of the trained labels they hold averaged in. Raises ValueError on a label that exists already, a
    requested label without examples, examples without relations, or no anchors at all."""
    docs = [eg.reference if isinstance(eg, Example) else eg for eg in examples]
    if not any(get_relations(doc) for doc in docs):
        raise ValueError("None of the example docs has relations (doc._.relations): annotate the new labels' examples.")
    skipped: Counter = Counter()
    usable, pair_labels, pairs_of = [], [], {}
    for doc in docs:
        if not doc.ents:
            skipped[NO_ENTITIES] += 1
            continue
        pairs = labelled_pairs(doc, candidates, negative_label)
        if not pairs:
            skipped[NO_PAIRS] += 1
            continue
        usable.append(doc)
        pairs_of[id(doc)] = [pair for pair, _ in pairs]
        pair_labels.extend(label for _, label in pairs)
    known = list(trained_labels) + (prototypes.new_labels if prototypes else [])
    found = sorted(set(pair_labels))
    new_labels = _new_labels(labels, known, found, trained_labels)
    if not usable:
        raise ValueError(f"No example doc can be used ({dict(skipped)}): the new labels' docs need doc.ents.")
    vectors = encode_relations(representation, usable, pairs_of=lambda doc: pairs_of[id(doc)])
    by_label = {label: vectors[[i for i, other in enumerate(pair_labels) if other == label]] for label in found}
    anchors = {label: rows for label, rows in by_label.items() if label in trained_labels}
    for label in set(found) - set(anchors) - set(new_labels):
        skipped[f"pairs of {label} (neither trained nor asked for)"] += len(by_label[label])
    if not anchors and not (prototypes and set(prototypes.labels) - set(prototypes.new_labels)):
        raise ValueError(
            f"The examples hold pairs of the new labels only ({new_labels}): add examples of the trained labels, or "
            f"entity pairs without a relation ({negative_label!r}), which the new labels are told apart from."
        )
    merged = _merge(prototypes, {label: by_label[label] for label in new_labels}, anchors, temperature)
    return merged, AddedLabels({label: len(by_label[label]) for label in new_labels},
                               {label: len(rows) for label, rows in anchors.items()}, skipped)


def _new_labels(requested: Optional[Sequence[str]], known: Sequence[str], found: Sequence[str], trained: Sequence[str]) -> List[str]:
    if requested:
        existing = [label for label in requested if label in known]
        if existing:
            raise ValueError(f"The labels {existing} exist already in the component: a new label needs a new name.")
        missing = [label for label in requested if label not in found]
        if missing:
            raise ValueError(f"The labels {missing} have no example among the docs (their labels: {list(found)}).")
        return list(dict.fromkeys(requested))
    new = [label for label in found if label not in known]
    if not new:
        raise ValueError(f"Every label of the examples exists already in the component ({list(found)}): nothing to add.")
    return new


def _merge(prototypes: Optional[LabelPrototypes], new: Dict[str, numpy.ndarray], anchors: Dict[str, numpy.ndarray],
           temperature: Optional[float]) -> LabelPrototypes:
    """Add the new labels' means, and average the anchors' examples into the existing ones (weighted by counts)."""
    labels = list(prototypes.labels) if prototypes else []
    rows = [row for row in prototypes.vectors] if prototypes else []
    counts = list(prototypes.counts) if prototypes else []
    for label, vectors in {**anchors, **new}.items():
        if label in labels:
            i = labels.index(label)
            rows[i] = (rows[i] * counts[i] + vectors.sum(axis=0)) / (counts[i] + len(vectors))
            counts[i] += len(vectors)
        else:
            labels.append(label)
            rows.append(vectors.mean(axis=0))
            counts.append(len(vectors))
    new_labels = (prototypes.new_labels if prototypes else []) + list(new)
    if temperature is None:
        temperature = prototypes.temperature if prototypes else DEFAULT_TEMPERATURE
    if temperature <= 0:
        raise ValueError(f"The temperature must be positive, got {temperature}.")
    return LabelPrototypes(labels, new_labels, numpy.stack(rows).astype("f"), counts, float(temperature))


def predict_with_prototypes(model: Model, prototypes: Optional[LabelPrototypes], docs: List[Doc], pairs: List[List[Pair]]):
    """The relation model's probabilities, with the prototype labels' columns after the trained ones; one encoder
    pass gives both the head's input and the distances. A marked representation runs in bounded passes
    (``encoder_passes``)."""
    parts = [_predict(model, prototypes, group_docs, group_pairs)
             for group_docs, group_pairs in encoder_passes(model, docs, pairs)]
    if len(parts) == 1:
        return parts[0]
    return model.ops.xp.concatenate([model.ops.asarray(part) for part in parts])


def _predict(model: Model, prototypes: Optional[LabelPrototypes], docs: List[Doc], pairs: List[List[Pair]]):
    if prototypes is None:
        return model.predict((docs, pairs))
    width = model.get_ref("output_layer").get_dim("nO") + len(prototypes.new_labels)
    if not any(pairs):
        return numpy.zeros((0, width), dtype="f")
    vectors = model.get_ref("pair_representation").predict((docs, pairs))
    head = model.get_ref("classifier").predict(vectors)
    return prototypes.combine(model.ops.to_numpy(head), model.ops.to_numpy(vectors)).astype("f")
