"""The extractor's options for data where negative pairs dominate: the ``best_positive`` decision rule, the
negative label's loss weight and the classifier's learning-rate scale."""
import numpy
import pytest
import spacy
from thinc.api import fix_random_seed

SCHEMA = {"works_for": {"head": ["PER"], "tail": ["ORG"]}, "based_in": {"head": ["ORG"], "tail": ["LOC"]},
          "lives_in": {"head": ["PER"], "tail": ["LOC"]}}


@pytest.fixture
def initialized(tiny_encoder_dir, make_nlp, train_examples):
    def build(**config):
        fix_random_seed(0)
        nlp = make_nlp(tiny_encoder_dir, architecture="spacy_tkre.SpanPoolingRelationModel.v2", schema=SCHEMA, **config)
        examples = train_examples(nlp)
        optimizer = nlp.initialize(lambda: examples)
        return nlp, examples, optimizer
    return build


def probabilities(extractor, pairs, wanted):
    """One row per pair: ``wanted[(head text, tail text)]`` is {label: probability}, the rest on the negative label."""
    rows = numpy.zeros((len(pairs), len(extractor.labels)), dtype="f")
    for row, (head, tail) in zip(rows, pairs):
        for label, p in wanted.get((head.text, tail.text), {}).items():
            row[extractor.labels.index(label)] = p
        row[extractor.labels.index(extractor.negative_label)] = 1.0 - row.sum()
    return rows


@pytest.mark.parametrize("decision,threshold,expected", [
    ("argmax", 0.0, [("Alice", "Acme", "works_for")]),
    ("best_positive", 0.2, [("Acme", "Paris", "based_in"), ("Alice", "Acme", "works_for")]),
    ("best_positive", 0.5, [("Alice", "Acme", "works_for")]),
])
def test_best_positive_keeps_a_relation_the_negative_label_outscores(initialized, triples, decision, threshold, expected):
    nlp, examples, _ = initialized(decision=decision, threshold=threshold)
    extractor = nlp.get_pipe("tkre_relation_extractor")
    doc = examples[0].predicted.copy()  # Alice works for Acme in Paris .
    pairs = extractor.candidates(doc)
    # based_in at 0.25 loses to the negative label (0.45); lives_in for Acme -> Paris is the most probable label
    # but the schema forbids it for an ORG head, so best_positive falls back to based_in
    scores = probabilities(extractor, pairs, {("Alice", "Acme"): {"works_for": 0.7},
                                              ("Acme", "Paris"): {"based_in": 0.25, "lives_in": 0.3}})
    extractor.set_annotations([doc], ([pairs], scores))
    assert triples(doc) == expected


@pytest.mark.parametrize("config,message", [
    ({"decision": "best_positive", "threshold": 0.0}, "every candidate"),
    ({"decision": "top"}, "decision must be one of"),
    ({"negative_weight": 0.0}, "must be positive"),
    ({"learn_rate_scale": -1.0}, "must be positive"),
])
def test_bad_options_are_refused(tiny_encoder_dir, make_nlp, config, message):
    with pytest.raises(ValueError, match=message):
        make_nlp(tiny_encoder_dir, **config)


def test_negative_weight_scales_the_gradient_of_negative_pairs_only(initialized):
    nlp, examples, _ = initialized()
    extractor = nlp.get_pipe("tkre_relation_extractor")
    pairs = [extractor.candidates(eg.predicted) for eg in examples]
    scores = extractor.model.predict(([eg.predicted for eg in examples], pairs))
    _, plain = extractor.get_loss(examples, (pairs, scores))
    extractor.cfg["negative_weight"] = 0.25
    _, weighted = extractor.get_loss(examples, (pairs, scores))
    negative = extractor.labels.index(extractor.negative_label)
    truths = plain.argmin(axis=1)  # the gold column has the only negative gradient (p - 1 < 0)
    is_negative = truths == negative
    assert is_negative.any() and (~is_negative).any()
    numpy.testing.assert_allclose(weighted[is_negative], 0.25 * plain[is_negative], rtol=1e-6)
    numpy.testing.assert_allclose(weighted[~is_negative], plain[~is_negative], rtol=1e-6)


def test_learn_rate_scale_moves_the_classifier_only(initialized):
    """One update from the same start: the classifier's step is ``learn_rate_scale`` times as long, the encoder's
    (a PyTorch shim) the same."""
    steps = {}
    for scale in (1.0, 10.0):
        nlp, examples, optimizer = initialized(learn_rate_scale=scale)
        model = nlp.get_pipe("tkre_relation_extractor").model
        output_layer = model.get_ref("output_layer")
        shim = next(node for node in model.walk() if node.shims).shims[0]
        before = output_layer.get_param("W").copy(), [p.detach().clone() for p in shim._model.parameters()]
        nlp.update(examples, sgd=optimizer)
        after = output_layer.get_param("W"), list(shim._model.parameters())
        steps[scale] = (after[0] - before[0], sum(float((a - b).detach().abs().sum()) for a, b in zip(after[1], before[1])))
    numpy.testing.assert_allclose(steps[10.0][0], 10.0 * steps[1.0][0], rtol=1e-3, atol=1e-6)
    assert steps[1.0][1] > 0
    assert steps[10.0][1] == pytest.approx(steps[1.0][1], rel=1e-4)


def test_the_options_survive_saving(initialized, tmp_path):
    nlp, _, _ = initialized(decision="best_positive", threshold=0.4, negative_weight=0.5, learn_rate_scale=5.0)
    nlp.to_disk(tmp_path / "pipeline")
    cfg = spacy.load(tmp_path / "pipeline").get_pipe("tkre_relation_extractor").cfg
    assert (cfg["decision"], cfg["threshold"], cfg["negative_weight"], cfg["learn_rate_scale"]) == ("best_positive", 0.4, 0.5, 5.0)
