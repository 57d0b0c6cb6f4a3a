"""The second half of the pair representation: encode the docs once and average the token vectors over each
pair's ranges, the averages (optionally each scaled to unit length) concatenated per pair."""
from typing import List, Tuple

import numpy
from spacy.tokens import Doc
from thinc.api import Model, reduce_mean
from thinc.types import Floats2d, Ragged

from .pair_inputs import RangeSlots


def range_mean(tok2vec: Model[List[Doc], List[Floats2d]], normalize: bool = False) -> Model[Tuple[List[Doc], RangeSlots], Floats2d]:
    return Model("range_mean", forward, init=init, layers=[tok2vec, reduce_mean()], refs={"tok2vec": tok2vec},
                 attrs={"normalize": normalize})


def init(model: Model, X=None, Y=None) -> None:
    model.layers[0].initialize(X=X[0] if X is not None else None)


def _row_indices(docs: List[Doc], slots: RangeSlots):
    offsets = numpy.cumsum([0] + [len(doc) for doc in docs])
    rows, lengths = [], []
    for ranges in slots:
        for doc_index, start, end in ranges:
            rows.extend(range(offsets[doc_index] + start, offsets[doc_index] + end))
            lengths.append(end - start)
    return numpy.asarray(rows, dtype="i"), numpy.asarray(lengths, dtype="i")


def forward(model: Model, inputs: Tuple[List[Doc], RangeSlots], is_train: bool):
    docs, slots = inputs
    if not docs:  # marked pairs without a pair: nothing to encode
        return model.ops.alloc2f(0, 0), lambda d_output: inputs
    tok2vec, pool = model.layers
    tokvecs, backprop_tok2vec = tok2vec(docs, is_train)
    flat = model.ops.flatten(tokvecs)
    rows, lengths = _row_indices(docs, slots)
    rows_xp = model.ops.asarray1i(rows)
    pooled, backprop_pool = pool(Ragged(flat[rows_xp], model.ops.asarray1i(lengths)), is_train)
    if model.attrs["normalize"]:
        pooled, backprop_pool = _unit_rows(model, pooled, backprop_pool)
    width, n_pairs = pooled.shape[1], len(slots)
    output = model.ops.reshape2f(pooled, n_pairs, pooled.shape[0] // max(n_pairs, 1) * width)

    def backprop(d_output: Floats2d):
        d_rows = backprop_pool(model.ops.reshape2f(d_output, pooled.shape[0], width))
        d_flat = model.ops.alloc2f(*flat.shape)
        if len(rows):  # without pairs the encoder's gradient stays zero
            model.ops.scatter_add(d_flat, rows_xp, d_rows.dataXd)
        backprop_tok2vec(model.ops.unflatten(d_flat, [len(doc) for doc in docs]))
        return inputs

    return output, backprop


def _unit_rows(model: Model, pooled: Floats2d, backprop_pool):
    """Each range's mean scaled to unit length (a sentence encoder's vectors are compared by angle)."""
    norms = model.ops.xp.sqrt((pooled ** 2).sum(axis=1, keepdims=True)) + 1e-12
    unit = pooled / norms

    def backprop(d_unit: Floats2d):
        return backprop_pool((d_unit - unit * (unit * d_unit).sum(axis=1, keepdims=True)) / norms)

    return unit, backprop
