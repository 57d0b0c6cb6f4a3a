"""The pair representation's pieces: where a pair is read from (pair_slots) and the range means' gradients."""
import numpy
import pytest
import spacy
from thinc.api import Model

from spacy_tkre.models.pair_slots import marked_doc, pair_doc, pooled_ranges
from spacy_tkre.models.range_mean import range_mean


@pytest.fixture
def pair():
    nlp = spacy.blank("en")
    doc = nlp.make_doc("Yesterday Alice Smith joined Acme in Paris .")
    doc.ents = [doc.char_span(10, 21, label="PER"), doc.char_span(29, 33, label="ORG")]
    return doc.ents[0], doc.ents[1]


def test_marked_copy_and_ranges(pair):
    head, tail = pair
    doc, tokens = marked_doc(head, tail, context_window=1)
    assert doc.text.strip() == "Yesterday @ * per * Alice Smith @ joined # ^ org ^ Acme # in"
    assert [doc[start:end].text for start, end in pooled_ranges(tokens, "markers+spans+context")] == [
        "@", "#", "Alice Smith", "Acme", "@ joined # ^ org ^"]


def test_unmarked_ranges_and_touching_entities(pair):
    head, tail = pair
    doc, tokens = pair_doc(head, tail, mark_entities=False, context_window=0)
    assert doc is head.doc
    assert [doc[s:e].text for s, e in pooled_ranges(tokens, "spans+context")] == ["Alice Smith", "Acme", "joined"]
    _, touching = pair_doc(head[:1], head[1:], mark_entities=False, context_window=0)
    assert [doc[s:e].text for s, e in pooled_ranges(touching, "context")] == ["Alice Smith"]


def _fixed_tok2vec(vectors):
    """A token encoder returning ``vectors`` per doc and keeping the gradient it receives."""
    def forward(model, docs, is_train):
        def backprop(d_vectors):
            model.attrs["gradient"] = d_vectors
            return docs
        return [model.ops.asarray2f(v) for v in vectors], backprop
    return Model("fixed", forward, attrs={"gradient": None})


@pytest.mark.parametrize("normalize", [False, True])
def test_range_mean_gradient_matches_finite_differences(pair, normalize):
    rng = numpy.random.default_rng(0)
    doc = pair[0].doc
    vectors = [rng.normal(size=(len(doc), 4)).astype("f")]
    slots = [[(0, 1, 3), (0, 4, 5)], [(0, 0, 2), (0, 5, 7)]]
    weights = rng.normal(size=(2, 8)).astype("f")

    def objective(values):
        layer = range_mean(_fixed_tok2vec([values]), normalize)
        return float((layer.predict(([doc], slots)) * weights).sum())

    layer = range_mean(_fixed_tok2vec(vectors), normalize)
    output, backprop = layer(([doc], slots), is_train=True)
    backprop(layer.ops.asarray2f(weights))
    analytic = layer.layers[0].attrs["gradient"][0]
    numeric = numpy.zeros_like(vectors[0])
    for index in numpy.ndindex(*numeric.shape):
        step = numpy.zeros_like(vectors[0])
        step[index] = 1e-2
        numeric[index] = (objective(vectors[0] + step) - objective(vectors[0] - step)) / 2e-2
    assert numpy.allclose(analytic, numeric, atol=1e-2)
    if normalize:
        assert numpy.allclose(numpy.linalg.norm(output.reshape(4, 4), axis=1), 1.0, atol=1e-5)


def test_range_means_equal_explicit_means_across_docs(pair):
    """Prefix sums over the stacked docs give each range's own mean: ranges of the second doc do not read the first,
    and overlapping or nested ranges do not disturb each other."""
    rng = numpy.random.default_rng(1)
    doc = pair[0].doc
    vectors = [rng.normal(size=(len(doc), 3)).astype("f"), (rng.normal(size=(len(doc), 3)) * 100).astype("f")]
    slots = [[(0, 0, 8), (0, 2, 3)], [(1, 1, 4), (1, 3, 4)], [(1, 0, 8), (0, 7, 8)]]
    output = range_mean(_fixed_tok2vec(vectors)).predict(([doc, doc], slots))
    expected = [numpy.concatenate([vectors[d][s:e].mean(axis=0) for d, s, e in ranges]) for ranges in slots]
    assert numpy.allclose(output, numpy.asarray(expected), rtol=1e-5, atol=1e-5)
