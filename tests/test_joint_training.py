"""Training the extractor behind an entity recognizer: the gold-spans reader, the gold + predicted candidate
pairs, a shared tok2vec read through listeners, and configs/conll04_cpu.cfg end to end with a tiny encoder."""
import json
from pathlib import Path

import numpy

import pytest
import spacy
import torch
from spacy.cli.evaluate import evaluate
from spacy.cli.train import train
from spacy.tokens import DocBin, Span
from spacy.training import Example
from thinc.api import Adam, fix_random_seed

from spacy_tkre.joint_training import GOLD_SPANS_KEY, create_gold_spans_corpus, make_gold_and_predicted_pairs

CONFIGS = Path(__file__).resolve().parents[1] / "configs"
SCHEMA = {"Work_For": {"head": ["Peop"], "tail": ["Org"]}, "Live_In": {"head": ["Peop"], "tail": ["Loc"]}}
TRAIN = [
    ("Alice works for Acme .", [("Alice", "Peop"), ("Acme", "Org")], [("Alice", "Acme", "Work_For")]),
    ("Bob lives in Rome .", [("Bob", "Peop"), ("Rome", "Loc")], [("Bob", "Rome", "Live_In")]),
    ("Carol works for Initech .", [("Carol", "Peop"), ("Initech", "Org")], [("Carol", "Initech", "Work_For")]),
    ("Dave lives in Oslo .", [("Dave", "Peop"), ("Oslo", "Loc")], [("Dave", "Oslo", "Live_In")]),
]


@pytest.fixture
def docbin_path(tmp_path, annotated_doc):
    nlp = spacy.blank("en")
    path = tmp_path / "train.spacy"
    DocBin(store_user_data=True, docs=[annotated_doc(nlp, *item) for item in TRAIN]).to_disk(path)
    return path


def entity_pairs(**config):
    return spacy.registry.misc.get("spacy_tkre.entity_pairs.v1")(**config)


def test_gold_spans_corpus_keeps_ents_empty_and_gold_in_the_span_group(docbin_path):
    examples = list(create_gold_spans_corpus(docbin_path)(spacy.blank("en")))
    assert len(examples) == len(TRAIN)
    for example in examples:
        assert not example.predicted.ents
        assert [(s.text, s.label_) for s in example.predicted.spans[GOLD_SPANS_KEY]] == [
            (e.text, e.label_) for e in example.reference.ents
        ]


def test_pairs_are_predicted_union_gold_on_the_doc_itself():
    nlp = spacy.blank("en")
    doc = nlp("Alice works for Acme in Paris .")
    doc.ents = [doc.char_span(0, 5, label="Peop"), doc.char_span(24, 29, label="Org")]  # Paris mistyped
    doc.spans[GOLD_SPANS_KEY] = [doc.char_span(0, 5, label="Peop"), doc.char_span(16, 20, label="Org"),
                                 doc.char_span(24, 29, label="Loc")]
    pairs = make_gold_and_predicted_pairs(entity_pairs())(doc)
    keys = [((h.text, h.label_), (t.text, t.label_)) for h, t in pairs]
    assert len(keys) == len(set(keys))
    assert (("Alice", "Peop"), ("Paris", "Org")) in keys  # from the recognizer's mistake
    assert (("Alice", "Peop"), ("Acme", "Org")) in keys  # from the gold entity it missed
    assert (("Alice", "Peop"), ("Paris", "Loc")) in keys
    assert len(keys) == 2 + 6  # 2 predicted pairs, 6 gold pairs, Alice->? shared ones counted once
    assert all(head.doc is doc and tail.doc is doc for head, tail in pairs)


def test_without_the_span_group_pairs_are_those_of_doc_ents():
    nlp = spacy.blank("en")
    doc = nlp("Alice works for Acme .")
    doc.ents = [doc.char_span(0, 5, label="Peop"), doc.char_span(16, 20, label="Org")]
    assert make_gold_and_predicted_pairs(entity_pairs())(doc) == entity_pairs()(doc)


def test_max_predicted_pairs_keeps_every_gold_pair_and_the_nearest_spurious_ones():
    nlp = spacy.blank("en")
    doc = nlp("Alice works for Acme in Paris and in Rome .")
    alice, acme = Span(doc, 0, 1, label="Peop"), Span(doc, 3, 4, label="Org")
    doc.ents = [alice, Span(doc, 1, 2, label="Org"), acme, Span(doc, 5, 6, label="Loc"), Span(doc, 8, 9, label="Loc")]
    doc.spans[GOLD_SPANS_KEY] = [alice, acme]
    assert len(make_gold_and_predicted_pairs(entity_pairs())(doc)) == 20  # 5 x 4 ordered pairs, 2 of them gold
    capped = make_gold_and_predicted_pairs(entity_pairs(), max_predicted_pairs=3)(doc)
    texts = [(head.text, tail.text) for head, tail in capped]
    assert len(texts) == 3 + 2
    assert ("Alice", "Acme") in texts and ("Acme", "Alice") in texts
    assert ("Alice", "works") in texts and ("works", "Alice") in texts  # adjacent: the nearest spurious pairs
    spurious = [(h, t) for h, t in capped if {h.text, t.text} != {"Alice", "Acme"}]
    assert all(max(h.start, t.start) - min(h.end, t.end) <= 1 for h, t in spurious)
    doc.spans.pop(GOLD_SPANS_KEY)
    assert make_gold_and_predicted_pairs(entity_pairs(), max_predicted_pairs=3)(doc) == entity_pairs()(doc)


def test_max_predicted_pairs_must_not_be_negative():
    with pytest.raises(ValueError, match="max_predicted_pairs"):
        make_gold_and_predicted_pairs(entity_pairs(), max_predicted_pairs=-1)


def cnn_pipeline():
    """tok2vec (HashEmbedCNN) -> ner -> extractor, both reading the tok2vec through listeners."""
    nlp = spacy.blank("en")
    nlp.add_pipe("tok2vec", config={"model": {
        "@architectures": "spacy.HashEmbedCNN.v2", "width": 32, "depth": 2, "embed_size": 500,
        "window_size": 1, "maxout_pieces": 2, "subword_features": True, "pretrained_vectors": None}})
    listener = {"@architectures": "spacy.Tok2VecListener.v1", "width": 32, "upstream": "tok2vec"}
    nlp.add_pipe("ner", config={"model": {"@architectures": "spacy.TransitionBasedParser.v2", "state_type": "ner",
                                          "hidden_width": 32, "maxout_pieces": 2, "use_upper": True,
                                          "tok2vec": listener}})
    nlp.add_pipe("tkre_relation_extractor", config={
        "model": {"@architectures": "spacy_tkre.SpanPoolingRelationModel.v1", "tok2vec": listener,
                  "classifier": {"@architectures": "spacy_tkre.PairClassifier.v1", "hidden_width": 32}},
        "schema": SCHEMA,
        "candidates": {"@misc": "spacy_tkre.gold_and_predicted_pairs.v1",
                       "pairs": {"@misc": "spacy_tkre.entity_pairs.v1"}},
        "scorer": {"@scorers": "spacy_tkre.joint_relation_scorer.v1"},
    })
    return nlp


def test_shared_tok2vec_listeners_learn_entities_and_relations_from_raw_text(docbin_path, tmp_path, annotated_doc):
    """Trained with the recognizer annotating (as annotating_components does), the pipeline finds entities and
    relations in raw text; the extractor's listener is wired to the shared tok2vec; it saves and loads."""
    fix_random_seed(0)
    nlp = cnn_pipeline()
    examples = list(create_gold_spans_corpus(docbin_path)(nlp))
    nlp.initialize(lambda: examples)
    tok2vec = nlp.get_pipe("tok2vec")
    assert set(tok2vec.listening_components) == {"ner", "tkre_relation_extractor"}
    losses = {}
    for _ in range(60):
        examples = list(create_gold_spans_corpus(docbin_path)(nlp))
        losses = nlp.update(examples, annotates=["tok2vec", "ner"], drop=0.0)
    assert losses["tkre_relation_extractor"] < 0.05
    raw = [Example(nlp(text), annotated_doc(nlp, text, ents, relations)) for text, ents, relations in TRAIN]
    scores = nlp.get_pipe("tkre_relation_extractor").score(raw)
    assert scores["ents_f"] == 1.0
    assert scores["rel_strict_micro_f"] == 1.0
    nlp.to_disk(tmp_path / "pipeline")
    loaded = spacy.load(tmp_path / "pipeline")
    for text, _, _ in TRAIN:
        expected = [(r.head.text, r.tail.text, r.label) for r in nlp(text)._.relations]
        assert [(r.head.text, r.tail.text, r.label) for r in loaded(text)._.relations] == expected


def test_missed_entities_do_not_crash_training_and_count_as_misses(docbin_path, annotated_doc):
    """Early in training the recognizer finds nothing: the extractor still trains on the gold pairs, and the
    raw-text relations of gold pairs it cannot see score as false negatives."""
    fix_random_seed(0)
    nlp = cnn_pipeline()
    examples = list(create_gold_spans_corpus(docbin_path)(nlp))
    nlp.initialize(lambda: examples)
    losses = nlp.update(examples, annotates=["tok2vec", "ner"])
    assert losses["tkre_relation_extractor"] > 0
    predicted = [nlp.make_doc(text) for text, _, _ in TRAIN]  # no entities at all
    raw = [Example(doc, annotated_doc(nlp, *item)) for doc, item in zip(nlp.get_pipe("tkre_relation_extractor").pipe(predicted), TRAIN)]
    scores = nlp.get_pipe("tkre_relation_extractor").score(raw)
    assert scores["rel_strict_micro_r"] == 0.0
    assert set(scores["rel_strict_per_type"]) == {"Work_For", "Live_In"}


def shared_transformer_pipeline(docbin_path, encoder_dir):
    """configs/conll04_cpu.cfg's pipeline with a tiny encoder: ner and extractor listen to one transformer."""
    overrides = {"paths.train": str(docbin_path), "paths.dev": str(docbin_path), "paths.encoder": str(encoder_dir),
                 "components.tkre_relation_extractor.model.classifier.hidden_width": 16}
    config = spacy.util.load_config(CONFIGS / "conll04_cpu.cfg", overrides=overrides, interpolate=True)
    return spacy.util.load_model_from_config(config, auto_fill=True)


def test_a_batch_without_pairs_still_passes_the_shared_transformer_its_gradient(docbin_path, tiny_encoder_dir, annotated_doc):
    """The extractor is the transformer's last listener, the one whose backprop sends what every listener
    accumulated into the transformer. A batch without any candidate pair must still call it (with a zero
    gradient): otherwise the recognizer's gradient for that batch never reaches the transformer, and the
    listener holds the batch's outputs until the next one."""
    fix_random_seed(0)
    nlp = shared_transformer_pipeline(docbin_path, tiny_encoder_dir)
    optimizer = nlp.initialize(lambda: list(create_gold_spans_corpus(docbin_path)(nlp)), sgd=Adam(0.001))
    transformer = nlp.get_pipe("transformer")
    assert transformer.listening_components == ["ner", "tkre_relation_extractor"]
    one_token_docs = [("Alice", [("Alice", "Peop")]), ("Rome", [("Rome", "Loc")])]  # no pair, whatever ner finds
    batch = [Example(nlp.make_doc(text), annotated_doc(nlp, text, ents, [])) for text, ents in one_token_docs]
    weights = [param.detach().clone() for param in transformer.model.transformer.parameters()]
    losses = nlp.update(batch, sgd=False, annotates=["transformer", "ner"])  # then finish_update, as spacy train
    for _, component in nlp.pipeline:
        component.finish_update(optimizer)
    assert losses["tkre_relation_extractor"] == 0.0 and losses["ner"] > 0
    assert all(listener._backprop is None for listener in transformer.listeners)
    parameters = dict(transformer.model.transformer.named_parameters())
    changed = {name for (name, new), old in zip(parameters.items(), weights) if not torch.equal(old, new)}
    assert changed == {name for name in parameters if not name.startswith("pooler.")}  # its pooler is not read


@pytest.mark.parametrize("config, listeners", [
    ("conll04_cpu.cfg", {"ner", "tkre_relation_extractor"}), ("conll04_separate_cpu.cfg", {"ner"}),
])
def test_conll04_configs_train_and_evaluate_with_spacy(docbin_path, tiny_encoder_dir, tmp_path, config, listeners):
    """The CoNLL04 configs through `spacy train` (a few steps, tiny random encoder) and `spacy evaluate`: the
    transformer feeds the listeners and the strict scores are reported."""
    output = tmp_path / "training"
    overrides = {
        "paths.train": str(docbin_path), "paths.dev": str(docbin_path), "paths.encoder": str(tiny_encoder_dir),
        "training.max_steps": 3, "training.eval_frequency": 3, "training.optimizer.learn_rate.warmup_steps": 1,
        "components.tkre_relation_extractor.model.classifier.hidden_width": 16,
    }
    train(CONFIGS / config, output, overrides=overrides)
    nlp = spacy.load(output / "model-last")
    assert nlp.pipe_names == ["transformer", "ner", "tkre_relation_extractor"]
    assert set(nlp.get_pipe("transformer").listening_components) == listeners
    scores = evaluate(str(output / "model-last"), docbin_path)
    for key in ("ents_f", "rel_strict_micro_f", "rel_strict_macro_f", "rel_strict_per_type"):
        assert key in scores


def test_listening_extractor_sourced_elsewhere_after_replace_listeners(annotated_doc):
    """An extractor that listens to its pipeline's tok2vec, given its own copy with spaCy's replace_listeners,
    gives the same scores behind an entity_ruler and the label map as in its own pipeline."""
    fix_random_seed(0)
    nlp = cnn_pipeline()
    nlp.initialize(lambda: [Example(nlp.make_doc(t), annotated_doc(nlp, t, e, r)) for t, e, r in TRAIN])
    text = "Alice works for Acme ."
    doc = nlp.get_pipe("tok2vec")(annotated_doc(nlp, text, [("Alice", "Peop"), ("Acme", "Org")], []))
    expected = nlp.get_pipe("tkre_relation_extractor").predict([doc])[1]
    nlp.replace_listeners("tok2vec", "tkre_relation_extractor", ["model.tok2vec"])
    other = spacy.blank("en")
    other.add_pipe("entity_ruler").add_patterns([{"label": "PERSON", "pattern": "Alice"}, {"label": "ORG", "pattern": "Acme"}])
    other.add_pipe("tkre_entity_label_map", config={"label_map": {"PERSON": "Peop", "ORG": "Org"}})
    other.add_pipe("tkre_relation_extractor", source=nlp)
    got = other.get_pipe("tkre_relation_extractor").predict([other(text)])[1]
    numpy.testing.assert_allclose(got, expected, rtol=1e-5)


def test_tune_decision_saves_the_dev_best_setting_and_leaves_the_input_alone(docbin_path, tmp_path, monkeypatch):
    """`tune-decision` scores every setting from one forward pass, keeps the best raw-text strict micro-F1, and
    writes a pipeline whose extractor carries it; the input pipeline is left as it was. The scores are replaced by
    a known function of the setting (best: best_positive at 0.4), so the choice itself is what is checked."""
    from typer.testing import CliRunner

    import spacy_tkre.decision_tuning as tuning
    from spacy_tkre.cli import app

    fix_random_seed(0)
    nlp = cnn_pipeline()
    nlp.initialize(lambda: list(create_gold_spans_corpus(docbin_path)(nlp)))
    nlp.to_disk(tmp_path / "pipeline")

    def known_scores(nlp, examples, predictions, decision, threshold):
        assert examples and predictions
        assert all(example.predicted.has_annotation("ENT_IOB") for example in examples)
        f = (0.5 if decision == "best_positive" else 0.0) + 0.4 - abs(threshold - 0.4)
        return {"rel_strict_micro_p": f, "rel_strict_micro_r": f, "rel_strict_micro_f": f}

    monkeypatch.setattr(tuning, "scores_for", known_scores)
    report = tmp_path / "tune.json"
    result = CliRunner().invoke(app, ["tune-decision", str(tmp_path / "pipeline"), str(docbin_path),
                                      str(tmp_path / "tuned"), "--report", str(report)])
    assert result.exit_code == 0, result.output
    tuned = json.loads(report.read_text(encoding="utf8"))
    assert [(row["decision"], row["threshold"]) for row in tuned["settings"]] == tuning.SETTINGS
    assert tuned["criterion"] == "rel_strict_micro_f"  # the pipeline has a recognizer: judged on raw text
    assert (tuned["best"]["decision"], tuned["best"]["threshold"]) == ("best_positive", 0.4)
    cfg = spacy.load(tmp_path / "tuned").get_pipe("tkre_relation_extractor").cfg
    assert (cfg["decision"], round(cfg["threshold"], 6)) == ("best_positive", 0.4)
    original = spacy.load(tmp_path / "pipeline").get_pipe("tkre_relation_extractor").cfg
    assert (original["decision"], original["threshold"]) == ("argmax", 0.0)


def test_tune_decision_without_a_recognizer_judges_on_gold_entities(docbin_path):
    """An extractor with no recognizer before it (SemEval-style, entities given) is tuned on the data's own entities."""
    from spacy_tkre.decision_tuning import sweep_decisions

    fix_random_seed(0)
    nlp = cnn_pipeline()
    examples = list(create_gold_spans_corpus(docbin_path)(nlp))
    nlp.initialize(lambda: examples)
    nlp.remove_pipe("ner")
    result = sweep_decisions(nlp, docbin_path)
    assert result["criterion"] == "gold_ents_rel_strict_micro_f"
    assert "ents_f" not in result and "rel_strict_micro_f" not in result["best"]
    assert nlp.get_pipe("tkre_relation_extractor").cfg["threshold"] == 0.0  # restored after the sweep
