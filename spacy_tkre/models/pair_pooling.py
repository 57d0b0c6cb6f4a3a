"""Pool token vectors over a head and a tail token range per pair and concatenate them: the pair representation
shared by the entity-marker and the span-pooling architectures (and the one pre-training contrasts)."""
from typing import List, Tuple

import numpy
from spacy.tokens import Doc
from thinc.api import Model, reduce_mean
from thinc.types import Floats2d, Ragged

# (doc index, head start, head end, tail start, tail end), token offsets into the encoded doc.
PairSlots = Tuple[int, int, int, int, int]


def span_pair_mean(tok2vec: Model[List[Doc], List[Floats2d]]) -> Model[Tuple[List[Doc], List[PairSlots]], Floats2d]:
    return Model("span_pair_mean", forward, init=init, layers=[tok2vec, reduce_mean()], refs={"tok2vec": tok2vec})


def init(model: Model, X=None, Y=None) -> None:
    model.layers[0].initialize(X=X[0] if X is not None else None)


def _row_indices(docs: List[Doc], slots: List[PairSlots]):
    offsets = numpy.cumsum([0] + [len(doc) for doc in docs])
    rows, lengths = [], []
    for doc_index, head_start, head_end, tail_start, tail_end in slots:
        for start, end in ((head_start, head_end), (tail_start, tail_end)):
            rows.extend(range(offsets[doc_index] + start, offsets[doc_index] + end))
            lengths.append(end - start)
    return numpy.asarray(rows, dtype="i"), numpy.asarray(lengths, dtype="i")


def forward(model: Model, inputs: Tuple[List[Doc], List[PairSlots]], is_train: bool):
    docs, slots = inputs
    tok2vec, pool = model.layers
    tokvecs, backprop_tok2vec = tok2vec(docs, is_train)
    flat = model.ops.flatten(tokvecs)
    rows, lengths = _row_indices(docs, slots)
    rows_xp = model.ops.asarray1i(rows)
    pooled, backprop_pool = pool(Ragged(flat[rows_xp], model.ops.asarray1i(lengths)), is_train)
    width = pooled.shape[1]
    output = model.ops.reshape2f(pooled, len(slots), 2 * width)

    def backprop(d_output: Floats2d):
        d_rows = backprop_pool(model.ops.reshape2f(d_output, 2 * len(slots), width))
        d_flat = model.ops.alloc2f(*flat.shape)
        model.ops.scatter_add(d_flat, rows_xp, d_rows.dataXd)
        backprop_tok2vec(model.ops.unflatten(d_flat, [len(doc) for doc in docs]))
        return inputs

    return output, backprop
