"""The tkre_relation_extractor component: training, saving, loading (bad input: test_component_input)."""
import pytest
import spacy
from thinc.api import fix_random_seed


@pytest.mark.parametrize("architecture", ["spacy_tkre.EntityMarkerRelationModel.v1", "spacy_tkre.SpanPoolingRelationModel.v1"])
def test_overfitting_IO(tiny_encoder_dir, tmp_path, architecture, make_nlp, train_examples, triples):
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
