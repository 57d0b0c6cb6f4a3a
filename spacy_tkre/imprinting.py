"""Output weights from label prototypes ("weight imprinting", Qi, Brown & Lowe 2018), set at initialize time.

The classifier's softmax starts random, and with K=8 and a small learning rate its rows barely move during
fine-tuning: the encoder learns to fit a random projection. Imprinting starts each label's row from what the label
looks like instead: the mean hidden (post-ReLU) features of its training pairs, the negative label's from the
candidate pairs nobody annotated, and optionally of a "definition pair" rendered from the label's definition (the
user's schema text or an LLM's ``LabelDefinitions``) with ``definition_pair.v1.jinja``, the definition between a
placeholder head and tail, where the pair vector's context part reads it.

Each source's means are centred on their own mean over labels (so the offset that every definition pair shares, or
every real pair shares, cancels) and scaled to unit length; a label with both gets the unit mean of the two. The row
is that direction at the mean norm of the random rows (the scale the recipe's learning rate was tuned for), and the
bias ``-row . centre`` of the examples, so the layer starts as a nearest-direction classifier around the examples'
centre. Labels with neither examples nor a definition keep their random rows; ``Imprinted`` lists them.
"""
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Dict, List, Optional, Sequence, Union

import numpy
import srsly
from spacy.tokens import Doc
from thinc.api import Model

from .candidates import Pair
from .prototypes import labelled_pairs
from .relations import Relation
from .representations import encode_relations
from .schema import read_schema, schema_definitions

OUTPUT_INITS = ("random", "examples", "examples+definitions")
DEFINITION_TEMPLATE = "definition_pair.v1"
# What the template's ``head`` and ``tail`` become: the same words for every label, so that centring removes them.
PLACEHOLDERS = {"head": "head", "tail": "tail"}


@dataclass
class Imprinted:
    """What ``imprint_output_layer`` did: training pairs per imprinted label, the labels whose definition was used,
    the labels left random, and pairs of labels the component does not know (left out)."""

    examples: Dict[str, int]
    definitions: List[str]
    random: List[str]
    unknown: Dict[str, int] = field(default_factory=dict)


def read_label_definitions(path: Union[str, Path]) -> Dict[str, str]:
    """``{label: definition}`` from a schema file (JSON or YAML, entries with ``definition``) or a definitions JSON
    (``spacy_tkre.LabelDefinitions.v1``'s format)."""
    path = Path(path)
    if path.suffix in (".yml", ".yaml") or all(isinstance(value, dict) for value in srsly.read_json(path).values()):
        return schema_definitions(read_schema(path))
    from .llm.definitions import read_definitions

    return read_definitions(path)


def definition_doc(make_doc: Callable[[str], Doc], template_text: str, label: str, definition: str) -> Doc:
    """The label's definition as a doc with one relation, ``label``, between the placeholder head and tail."""
    from .llm.templates import compile_template

    slots = {side: f"\x00{side}\x00" for side in PLACEHOLDERS}
    text = compile_template(template_text).render(label=label, definition=definition, **slots)
    if any(text.count(slot) != 1 for slot in slots.values()):
        raise ValueError(f"A definition template must write {{{{ head }}}} and {{{{ tail }}}} once each; it gave {text!r}.")
    pieces, offsets = [], {}
    for piece in re.split("(\x00(?:head|tail)\x00)", text.strip()):
        side = piece.strip("\x00") if piece in slots.values() else None
        start = sum(len(p) for p in pieces)
        pieces.append(PLACEHOLDERS[side] if side else piece)
        if side:
            offsets[side] = (start, start + len(pieces[-1]))
    doc = make_doc("".join(pieces))
    head, tail = (doc.char_span(*offsets[side], label="ENTITY", alignment_mode="expand") for side in ("head", "tail"))
    doc.ents = sorted([head, tail])
    doc._.relations = [Relation(head, tail, label)]
    return doc


def imprint_output_layer(
    model: Model, docs: Sequence[Doc], labels: Sequence[str], candidates: Callable[[Doc], List[Pair]],
    negative_label: str, definition_docs: Sequence[Doc] = (),
) -> Imprinted:
    """Set the softmax rows (and biases) of the labels with examples in ``docs`` (gold ``doc.ents`` and
    ``doc._.relations``) or a doc in ``definition_docs`` (``definition_doc``); see the module's docstring."""
    representation = model.get_ref("pair_representation")
    hidden_layer = model.get_ref("classifier").layers[0]
    output_layer = model.get_ref("output_layer")

    def hidden(docs: Sequence[Doc], pairs_of) -> numpy.ndarray:
        vectors = encode_relations(representation, docs, pairs_of=pairs_of)
        return model.ops.to_numpy(hidden_layer.predict(model.ops.asarray2f(vectors)))

    usable = [(doc, pairs) for doc in docs if doc.ents for pairs in [labelled_pairs(doc, candidates, negative_label)] if pairs]
    pair_labels = [label for _, pairs in usable for _, label in pairs]
    pairs_of = {id(doc): [pair for pair, _ in pairs] for doc, pairs in usable}
    features = hidden([doc for doc, _ in usable], lambda doc: pairs_of[id(doc)]) if usable else None
    by_label = {label: features[[i for i, other in enumerate(pair_labels) if other == label]]
                for label in set(pair_labels) & set(labels)}
    if len(by_label) < 2:
        raise ValueError(f"Imprinting the output layer needs training pairs of two labels at least (the negative one "
                         f"counts: unannotated candidate pairs); found {sorted(by_label)}.")
    centre, directions = _directions({label: rows.mean(axis=0) for label, rows in by_label.items()})
    defined = [doc._.relations[0].label for doc in definition_docs]
    if definition_docs:
        if len(defined) < 2:
            raise ValueError(f"Definitions help tell labels apart only with two labels at least; got {defined}.")
        _, from_definitions = _directions(dict(zip(defined, hidden(definition_docs, lambda doc: [(r.head, r.tail) for r in doc._.relations]))))
        for label, direction in from_definitions.items():
            directions[label] = _unit(directions[label] + direction) if label in directions else direction
    W = model.ops.to_numpy(output_layer.get_param("W")).copy()
    b = model.ops.to_numpy(output_layer.get_param("b")).copy()
    scale = numpy.linalg.norm(W, axis=1).mean()
    for i, label in enumerate(labels):
        if label in directions:
            W[i] = scale * directions[label]
            b[i] = -W[i] @ centre
    output_layer.set_param("W", model.ops.asarray2f(W))
    output_layer.set_param("b", model.ops.asarray1f(b))
    unknown = {label: pair_labels.count(label) for label in sorted(set(pair_labels) - set(labels))}
    return Imprinted({label: len(rows) for label, rows in sorted(by_label.items())}, defined,
                     [label for label in labels if label not in directions], unknown)


def _directions(means: Dict[str, numpy.ndarray]):
    """The mean of ``means`` and each mean's unit-length offset from it."""
    centre = numpy.mean(list(means.values()), axis=0)
    return centre, {label: _unit(mean - centre) for label, mean in means.items()}


def _unit(vector: numpy.ndarray) -> numpy.ndarray:
    return vector / max(float(numpy.linalg.norm(vector)), 1e-12)
