"""The tkre_relation_extractor component: training, saving, loading, bad input."""

import pytest
import spacy
from spacy.training import Example
from thinc.api import fix_random_seed

from spacy_tkre import Relation

TRAIN = [
    ("Alice works for Acme in Paris .", [("Alice", "PER"), ("Acme", "ORG"), ("Paris", "LOC")],
     [(0, 1, "works_for"), (1, 2, "based_in")]),
    ("Bob works for Initech in Berlin .", [("Bob", "PER"), ("Initech", "ORG"), ("Berlin", "LOC")],
     [(0, 1, "works_for"), (1, 2, "based_in")]),
    ("Carol lives in Rome .", [("Carol", "PER"), ("Rome", "LOC")], [(0, 1, "lives_in")]),
    ("Dave lives in Oslo .", [("Dave", "PER"), ("Oslo", "LOC")], [(0, 1, "lives_in")]),
]


def make_doc(nlp, text, ents, relations):
    doc = nlp.make_doc(text)
    spans = []
    for ent_text, label in ents:
        start = text.index(ent_text)
        spans.append(doc.char_span(start, start + len(ent_text), label=label))
    doc.ents = spans
    doc._.relations = [Relation(spans[h], spans[t], label) for h, t, label in relations]
    return doc


def make_nlp(encoder_dir, architecture="spacy_tkre.EntityMarkerRelationModel.v1", **config):
    nlp = spacy.blank("en")
    model = {
        "@architectures": architecture,
        "tok2vec": {
            "@architectures": "spacy_tkre.Encoder.v1",
            "name": str(encoder_dir),
            "get_spans": {"@span_getters": "spacy-transformers.doc_spans.v1"},
            "pooling": {"@layers": "reduce_mean.v1"},
        },
        "classifier": {"@architectures": "spacy_tkre.PairClassifier.v1", "hidden_width": 16},
    }
    nlp.add_pipe("tkre_relation_extractor", config={"model": model, **config})
    return nlp


def train_examples(nlp):
    examples = []
    for text, ents, relations in TRAIN:
        reference = make_doc(nlp, text, ents, relations)
        predicted = nlp.make_doc(text)
        predicted.ents = [predicted.char_span(e.start_char, e.end_char, label=e.label_) for e in reference.ents]
        examples.append(Example(predicted, reference))
    return examples


def train_tiny(encoder_dir, steps, learn_rate=0.01, **config):
    """A tiny pipeline trained ``steps`` updates on TRAIN, seeded; returns it with its examples."""
    fix_random_seed(0)
    nlp = make_nlp(encoder_dir, **config)
    examples = train_examples(nlp)
    optimizer = nlp.initialize(lambda: examples)
    optimizer.learn_rate = learn_rate
    for _ in range(steps):
        nlp.update(examples, sgd=optimizer)
    return nlp, examples


def predicted_triples(doc):
    return sorted((r.head.text, r.tail.text, r.label) for r in doc._.relations)


@pytest.mark.parametrize("architecture", ["spacy_tkre.EntityMarkerRelationModel.v1", "spacy_tkre.SpanPoolingRelationModel.v1"])
def test_overfitting_IO(tiny_encoder_dir, tmp_path, architecture):
    fix_random_seed(0)
    nlp = make_nlp(tiny_encoder_dir, architecture)
    examples = train_examples(nlp)
    optimizer = nlp.initialize(lambda: examples)
    optimizer.learn_rate = 0.01
    assert set(nlp.get_pipe("tkre_relation_extractor").labels) == {"works_for", "based_in", "lives_in", "Other"}
    for _ in range(60):
        losses = nlp.update(examples, sgd=optimizer)
    assert losses["tkre_relation_extractor"] < 0.05
    test_docs = [eg.predicted.copy() for eg in examples]
    predicted = [predicted_triples(doc) for doc in nlp.pipe(test_docs)]
    expected = [sorted((eg.reference.ents[h].text, eg.reference.ents[t].text, label) for h, t, label in rel)
                for eg, (_, _, rel) in zip(examples, TRAIN)]
    assert predicted == expected
    for doc in nlp.pipe([eg.predicted.copy() for eg in examples]):
        assert all(type(r.score) is float and 0.0 <= r.score <= 1.0 for r in doc._.relations)

    nlp.to_disk(tmp_path / "pipeline")
    reloaded = spacy.load(tmp_path / "pipeline")
    again = [predicted_triples(doc) for doc in reloaded.pipe([eg.predicted.copy() for eg in examples])]
    assert again == predicted
    scores = reloaded.evaluate(train_examples(reloaded))
    assert scores["rel_micro_f"] == 1.0
