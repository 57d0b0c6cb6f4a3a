"""The second half of the pair representation: encode the docs once and average the token vectors over each
pair's ranges, the averages (optionally each scaled to unit length) concatenated per pair."""
from typing import List, Tuple

import numpy
from spacy.tokens import Doc
from thinc.api import Model
from thinc.types import Floats2d, Ints2d

from .pair_inputs import RangeSlots


def range_mean(tok2vec: Model[List[Doc], List[Floats2d]], normalize: bool = False) -> Model[Tuple[List[Doc], RangeSlots], Floats2d]:
    return Model("range_mean", forward, init=init, layers=[tok2vec, prefix_sum_mean()], refs={"tok2vec": tok2vec},
                 attrs={"normalize": normalize})


def prefix_sum_mean() -> Model[Tuple[Floats2d, Ints2d], Floats2d]:
    """Rows ``(flat, ranges)`` -> the mean of ``flat[start:end]`` for each ``(start, end)`` row of ``ranges``, from
    prefix sums: memory grows with the number of tokens plus ranges, never with the ranges' summed lengths (a long
    document's thousands of candidate pairs each pool the context between their entities)."""
    return Model("prefix_sum_mean", _prefix_sum_mean_forward)


def _prefix_sum_mean_forward(model: Model, inputs: Tuple[Floats2d, Ints2d], is_train: bool):
    flat, ranges = inputs
    xp = model.ops.xp
    starts, ends = ranges[:, 0], ranges[:, 1]
    lengths = xp.maximum(ends - starts, 1).astype(flat.dtype)[:, None]
    # float64 sums: a difference of two long float32 prefix sums would lose the digits of a short range's mean
    prefix = xp.zeros((flat.shape[0] + 1, flat.shape[1]), dtype="float64")
    xp.cumsum(flat, axis=0, dtype="float64", out=prefix[1:])
    means = ((prefix[ends] - prefix[starts]) / lengths).astype(flat.dtype)

    def backprop(d_means: Floats2d) -> Tuple[Floats2d, Ints2d]:
        # each range spreads d_mean / length over its rows: +at start, -at end, then a running sum
        share = d_means / lengths
        steps = model.ops.alloc2f(flat.shape[0] + 1, flat.shape[1])
        model.ops.scatter_add(steps, starts, share)
        model.ops.scatter_add(steps, ends, -share)
        return xp.cumsum(steps, axis=0, dtype="float64")[:-1].astype(flat.dtype), ranges

    return means, backprop


def init(model: Model, X=None, Y=None) -> None:
    model.layers[0].initialize(X=X[0] if X is not None else None)


def _flat_ranges(docs: List[Doc], slots: RangeSlots) -> numpy.ndarray:
    """Each slot's ranges as (start, end) rows of the docs' token vectors stacked into one array."""
    offsets = numpy.cumsum([0] + [len(doc) for doc in docs])
    flat = [(offsets[doc_index] + start, offsets[doc_index] + end) for ranges in slots for doc_index, start, end in ranges]
    return numpy.asarray(flat, dtype="i").reshape(-1, 2)


def forward(model: Model, inputs: Tuple[List[Doc], RangeSlots], is_train: bool):
    docs, slots = inputs
    if not docs:  # marked pairs without a pair: nothing to encode
        return model.ops.alloc2f(0, 0), lambda d_output: inputs
    tok2vec, pool = model.layers
    tokvecs, backprop_tok2vec = tok2vec(docs, is_train)
    flat = model.ops.flatten(tokvecs)
    ranges = model.ops.asarray2i(_flat_ranges(docs, slots))
    pooled, backprop_pool = pool((flat, ranges), is_train)
    if model.attrs["normalize"]:
        pooled, backprop_pool = _unit_rows(model, pooled, backprop_pool)
    width, n_pairs = pooled.shape[1], len(slots)
    output = model.ops.reshape2f(pooled, n_pairs, pooled.shape[0] // max(n_pairs, 1) * width)

    def backprop(d_output: Floats2d):
        d_flat, _ = backprop_pool(model.ops.reshape2f(d_output, pooled.shape[0], width))
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
