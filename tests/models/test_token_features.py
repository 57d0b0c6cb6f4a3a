"""spacy_tkre.ConcatTokenVectors.v1: a listener and a feature tok2vec side by side under spaCy's ner."""
import numpy
import pytest
import spacy
from spacy.training import Example
from spacy.util import registry
from thinc.api import fix_random_seed

from spacy_tkre.models.token_features import build_concat_token_vectors

FEATURES = {
    "@architectures": "spacy.Tok2Vec.v2",
    "embed": {"@architectures": "spacy.MultiHashEmbed.v2", "width": 8, "attrs": ["NORM", "SHAPE"], "rows": [50, 20],
              "include_static_vectors": False},
    "encode": {"@architectures": "spacy.MaxoutWindowEncoder.v2", "width": 8, "depth": 1, "window_size": 1,
               "maxout_pieces": 2},
}
LISTENER = {"@architectures": "spacy.Tok2VecListener.v1", "width": 16, "upstream": "tok2vec"}
SHARED = {
    "@architectures": "spacy.Tok2Vec.v2",
    "embed": {"@architectures": "spacy.MultiHashEmbed.v2", "width": 16, "attrs": ["NORM"], "rows": [50],
              "include_static_vectors": False},
    "encode": {"@architectures": "spacy.MaxoutWindowEncoder.v2", "width": 16, "depth": 1, "window_size": 1,
               "maxout_pieces": 2},
}
TRAIN = [("Alice met Bob in Paris .", [(0, 5, "PER"), (10, 13, "PER"), (17, 22, "LOC")]),
         ("Carol lives in Rome .", [(0, 5, "PER"), (15, 19, "LOC")])]


def _tok2vec(config):
    return registry.resolve({"model": config})["model"]


def test_widths_add_up_and_each_part_gets_its_own_gradient_slice():
    fix_random_seed(0)
    nlp = spacy.blank("en")
    docs = [nlp("Alice met Bob ."), nlp("Rome")]
    first, second = _tok2vec(FEATURES), _tok2vec(SHARED)
    model = build_concat_token_vectors(first, second)
    model.initialize(X=docs)
    vectors, backprop = model(docs, is_train=True)
    assert [v.shape for v in vectors] == [(4, 24), (1, 24)]
    first_alone, _ = first(docs, is_train=False)
    numpy.testing.assert_allclose(vectors[0][:, :8], first_alone[0], rtol=1e-5)
    # a gradient on the second part's columns only must leave the first part's weights untouched
    d_vectors = [numpy.zeros_like(v) for v in vectors]
    for d in d_vectors:
        d[:, 8:] = 1.0
    assert backprop(d_vectors) == []
    assert _gradient_mass(first) == 0.0
    assert _gradient_mass(second) > 0.0


def _gradient_mass(model):
    return sum(float(numpy.abs(node.get_grad(name)).sum())
               for node in model.walk() for name in node.param_names if node.has_grad(name))


def test_no_tok2vec_is_an_error():
    with pytest.raises(ValueError, match="at least one tok2vec"):
        build_concat_token_vectors()


def test_ner_over_a_listener_and_features_trains():
    """The case thinc's concatenate cannot do: a listener (docs in, no input gradient) next to a feature tok2vec."""
    fix_random_seed(0)
    nlp = spacy.blank("en")
    nlp.add_pipe("tok2vec", config={"model": SHARED})
    nlp.add_pipe("ner", config={"model": {
        "@architectures": "spacy.TransitionBasedParser.v2", "state_type": "ner", "extra_state_tokens": False,
        "hidden_width": 16, "maxout_pieces": 2, "use_upper": False, "nO": None,
        "tok2vec": {"@architectures": "spacy_tkre.ConcatTokenVectors.v1", "*": {"listener": LISTENER, "features": FEATURES}},
    }})
    examples = [Example.from_dict(nlp.make_doc(text), {"entities": ents}) for text, ents in TRAIN]
    optimizer = nlp.initialize(lambda: examples)
    losses = [nlp.update(examples, sgd=optimizer, losses={})["ner"] for _ in range(80)]
    assert losses[-1] < losses[0] / 2
    assert [(e.text, e.label_) for e in nlp("Alice met Bob in Paris .").ents] == [("Alice", "PER"), ("Bob", "PER"), ("Paris", "LOC")]
