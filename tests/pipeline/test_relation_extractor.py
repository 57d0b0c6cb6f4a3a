"""The tkre_relation_extractor component: training, saving, loading (bad input: test_component_input)."""
import numpy
import pytest
import spacy
import torch
from thinc.api import fix_random_seed


@pytest.mark.parametrize("architecture,model_config", [
    ("spacy_tkre.EntityMarkerRelationModel.v1", {}),
    ("spacy_tkre.SpanPoolingRelationModel.v1", {}),
    ("spacy_tkre.EntityMarkerRelationModel.v2", {"pooling": "markers+spans"}),
    ("spacy_tkre.SpanPoolingRelationModel.v2", {"pooling": "spans+context", "normalize": True}),
])
def test_overfitting_IO(tiny_encoder_dir, tmp_path, architecture, model_config, make_nlp, train_examples, triples):
    fix_random_seed(0)
    nlp = make_nlp(tiny_encoder_dir, architecture, model_config)
    examples = train_examples(nlp)
    optimizer = nlp.initialize(lambda: examples)
    optimizer.learn_rate = 0.01
    assert set(nlp.get_pipe("tkre_relation_extractor").labels) == {"works_for", "based_in", "lives_in", "Other"}
    for _ in range(60):
        losses = nlp.update(examples, sgd=optimizer)
    assert losses["tkre_relation_extractor"] < 0.05
    test_docs = [eg.predicted.copy() for eg in examples]
    predicted = [triples(doc) for doc in nlp.pipe(test_docs)]
    assert predicted == [triples(eg.reference) for eg in examples]
    for doc in nlp.pipe([eg.predicted.copy() for eg in examples]):
        assert all(type(r.score) is float and 0.0 <= r.score <= 1.0 for r in doc._.relations)

    nlp.to_disk(tmp_path / "pipeline")
    reloaded = spacy.load(tmp_path / "pipeline")
    again = [triples(doc) for doc in reloaded.pipe([eg.predicted.copy() for eg in examples])]
    assert again == predicted
    scores = reloaded.evaluate(train_examples(reloaded))
    assert scores["rel_micro_f"] == 1.0


def test_score_pairs_gives_probabilities_of_the_given_pairs_in_label_order(tiny_encoder_dir, train_tiny):
    nlp, examples = train_tiny(tiny_encoder_dir, steps=3)
    extractor = nlp.get_pipe("tkre_relation_extractor")
    docs = [eg.predicted for eg in examples[:2]]
    pairs = [[(docs[0].ents[2], docs[0].ents[0]), (docs[0].ents[0], docs[0].ents[1])], []]
    scores = extractor.score_pairs(docs, pairs)
    assert [s.shape for s in scores] == [(2, len(extractor.labels)), (0, len(extractor.labels))]
    assert numpy.allclose(scores[0].sum(axis=1), 1.0, atol=1e-5)
    candidates, predicted = extractor.predict(docs[:1])
    row = candidates[0].index((docs[0].ents[0], docs[0].ents[1]))
    assert numpy.allclose(scores[0][1], extractor.model.ops.to_numpy(predicted)[row], atol=1e-5)


def test_use_before_initialize_says_to_initialize(tiny_encoder_dir, make_nlp, train_examples):
    nlp = make_nlp(tiny_encoder_dir)
    doc = train_examples(nlp)[0].predicted
    with pytest.raises(ValueError, match=r"call nlp.initialize\(\)"):
        nlp(doc)


def test_a_truncated_model_file_is_named(tiny_encoder_dir, tmp_path, train_tiny):
    nlp, _ = train_tiny(tiny_encoder_dir, steps=1)
    nlp.to_disk(tmp_path / "pipeline")
    model_file = tmp_path / "pipeline" / "tkre_relation_extractor" / "model"
    model_file.write_bytes(model_file.read_bytes()[:1000])
    with pytest.raises(ValueError, match="model of tkre_relation_extractor is damaged"):
        spacy.load(tmp_path / "pipeline")


@pytest.mark.parametrize("model_config,message", [
    ({"pooling": "cls"}, "Unknown pair pooling 'cls'"),
    ({"pooling": "spans+spans"}, "each once"),
])
def test_a_bad_pooling_is_refused(tiny_encoder_dir, model_config, message, make_nlp):
    with pytest.raises(ValueError, match=message):
        make_nlp(tiny_encoder_dir, model_config=model_config)


def test_marker_pooling_needs_marked_entities(tiny_encoder_dir, make_nlp):
    with pytest.raises(ValueError, match="set mark_entities = true"):
        make_nlp(tiny_encoder_dir, "spacy_tkre.SpanPoolingRelationModel.v2", {"pooling": "markers"})


def test_a_marked_model_predicts_many_pairs_in_bounded_passes(tiny_encoder_dir, train_tiny, monkeypatch):
    """One encoded doc per pair: thousands of pairs in one pass ran out of memory, so passes hold a bounded number."""
    import spacy_tkre.models.pair_inputs as pair_inputs
    import spacy_tkre.prototypes as prototypes

    nlp, examples = train_tiny(tiny_encoder_dir, steps=3)
    extractor = nlp.get_pipe("tkre_relation_extractor")
    docs = [eg.predicted for eg in examples]
    pairs, whole = extractor.predict(docs)
    passes = []
    predict_once = prototypes._predict

    def counted(model, protos, group_docs, group_pairs):
        passes.append(sum(len(p) for p in group_pairs))
        return predict_once(model, protos, group_docs, group_pairs)

    monkeypatch.setattr(pair_inputs, "MAX_MARKED_PAIRS", 2)
    monkeypatch.setattr(prototypes, "_predict", counted)
    _, batched = extractor.predict(docs)
    assert sum(len(p) for p in pairs) > 2 and max(passes) <= 2 and sum(passes) == len(whole)
    numpy.testing.assert_allclose(extractor.model.ops.to_numpy(batched), extractor.model.ops.to_numpy(whole), atol=1e-5)


def _output_gradients(nlp, examples):
    """The classifier output layer's gradients after one update without dropout (nothing applied)."""
    extractor = nlp.get_pipe("tkre_relation_extractor")
    output_layer = extractor.model.get_ref("output_layer")
    for name in output_layer.param_names:
        if output_layer.has_grad(name):
            output_layer.set_grad(name, output_layer.ops.alloc(output_layer.get_param(name).shape))
    losses = extractor.update(examples, drop=0.0, sgd=None)
    return losses["tkre_relation_extractor"], [output_layer.ops.to_numpy(output_layer.get_grad(name)).copy()
                                                for name in output_layer.param_names]


def test_a_marked_model_updates_in_bounded_passes_with_the_whole_batch_gradient(tiny_encoder_dir, train_tiny, monkeypatch):
    """A training batch of CoNLL04 holds up to 800 gold pairs, one encoded doc each: backprop through all of them at
    once ran out of 24 GB. Passes of at most MAX_MARKED_TRAINING_PAIRS pairs add up to the same loss and gradient."""
    import spacy_tkre.models.pair_inputs as pair_inputs
    import spacy_tkre.pipeline.relation_extractor as relation_extractor

    nlp, examples = train_tiny(tiny_encoder_dir, steps=3)
    extractor = nlp.get_pipe("tkre_relation_extractor")
    for shim in (shim for node in extractor.model.walk() for shim in node.shims):
        for module in shim._model.modules():  # the encoder's own dropout, which drop=0.0 does not reach
            if isinstance(module, torch.nn.Dropout):
                module.p = 0.0
            if hasattr(module, "dropout_prob"):  # attention dropout of the SDPA attention layers
                module.dropout_prob = 0.0
    total = sum(len(extractor.candidates(eg.predicted)) for eg in examples)
    whole_loss, whole = _output_gradients(nlp, examples)
    passes = []

    def counted(model, docs, pairs, training=False):
        assert training
        for group in pair_inputs.encoder_passes(model, docs, pairs, training):
            passes.append(sum(len(p) for p in group[1]))
            yield group

    monkeypatch.setattr(pair_inputs, "MAX_MARKED_TRAINING_PAIRS", 2)
    monkeypatch.setattr(relation_extractor, "encoder_passes", counted)
    bounded_loss, bounded = _output_gradients(nlp, examples)
    assert total > 2 and max(passes) <= 2 and sum(passes) == total
    assert bounded_loss == pytest.approx(whole_loss, rel=1e-4)
    for whole_grad, bounded_grad in zip(whole, bounded):
        numpy.testing.assert_allclose(bounded_grad, whole_grad, rtol=1e-4, atol=1e-6)
