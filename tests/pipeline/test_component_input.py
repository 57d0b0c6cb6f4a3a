"""Bad and unusual input for tkre_relation_extractor: it never crashes and never loses data silently."""
import pytest
from spacy.tokens import Doc, Span
from spacy.training import Example
from thinc.api import fix_random_seed

from spacy_tkre import Relation


@pytest.fixture(scope="module")
def trained_nlp(tiny_encoder_dir, train_tiny):
    """Trained until it predicts its training sentences' relations, so tests can tell when input changes them."""
    nlp, _ = train_tiny(tiny_encoder_dir, steps=40)
    return nlp


def with_ents(nlp, words, ents):
    doc = Doc(nlp.vocab, words=words)
    doc.ents = [Span(doc, start, end, label=label) for start, end, label in ents]
    return doc


def test_docs_without_pairs_are_annotated_with_no_relations(trained_nlp, triples):
    training_sentence = ["Alice", "works", "for", "Acme", "in", "Paris", "."], [(0, 1, "PER"), (3, 4, "ORG"), (5, 6, "LOC")]
    docs = [
        trained_nlp.make_doc(""),
        trained_nlp.make_doc("No entities here ."),
        with_ents(trained_nlp, ["Only", "Alice", "here"], [(1, 2, "PER")]),
        with_ents(trained_nlp, *training_sentence),
    ]
    docs = list(trained_nlp.pipe(docs, batch_size=4))
    assert [len(doc._.relations) for doc in docs[:3]] == [0, 0, 0]
    # the empty docs in the batch do not shift the scores of the doc with pairs
    assert triples(docs[3]) == [("Acme", "Paris", "based_in"), ("Alice", "Acme", "works_for")]
    alone = list(trained_nlp.pipe([trained_nlp.make_doc("")]))
    assert alone[0]._.relations == []


def test_five_thousand_token_doc(trained_nlp):
    words = ["word"] * 5000
    words[10], words[12], words[4000], words[4003] = "Alice", "Acme", "Bob", "Rome"
    doc = with_ents(trained_nlp, words, [(10, 11, "PER"), (12, 13, "ORG"), (4000, 4001, "PER"), (4003, 4004, "LOC")])
    extractor = trained_nlp.get_pipe("tkre_relation_extractor")
    pairs = extractor.candidates(doc)
    # pairs are only formed within max_distance (100 tokens): two near pairs, both directions
    assert {(h.text, t.text) for h, t in pairs} == {("Alice", "Acme"), ("Acme", "Alice"), ("Bob", "Rome"), ("Rome", "Bob")}
    doc = trained_nlp(doc)
    assert all((r.head.text, r.tail.text) in {(h.text, t.text) for h, t in pairs} for r in doc._.relations)


def test_threshold_one_keeps_no_relation(tiny_encoder_dir, train_tiny, triples):
    nlp, examples = train_tiny(tiny_encoder_dir, steps=40, threshold=1.0)
    assert [triples(doc) for doc in nlp.pipe([eg.predicted.copy() for eg in examples])] == [[]] * len(examples)
    nlp.get_pipe("tkre_relation_extractor").cfg["threshold"] = 0.0  # the same scores, now kept
    assert [triples(doc) for doc in nlp.pipe([eg.predicted.copy() for eg in examples])] == [triples(eg.reference) for eg in examples]


def test_schema_restricts_labels_and_pairs(tiny_encoder_dir, make_nlp, train_examples):
    fix_random_seed(0)
    schema = {"works_for": {"head": ["PER"], "tail": ["ORG"]}, "based_in": {"head": ["ORG"], "tail": ["LOC"]},
              "lives_in": {"head": ["PER"], "tail": ["LOC"]}}
    nlp = make_nlp(tiny_encoder_dir, schema=schema)
    examples = train_examples(nlp)
    nlp.initialize(lambda: examples)
    extractor = nlp.get_pipe("tkre_relation_extractor")
    doc = examples[0].predicted
    assert {(h.label_, t.label_) for h, t in extractor.candidates(doc)} == {("PER", "ORG"), ("ORG", "LOC"), ("PER", "LOC")}
    for doc in nlp.pipe([eg.predicted for eg in examples]):
        for relation in doc._.relations:
            allowed = schema[relation.label]
            assert relation.head.label_ in allowed["head"] and relation.tail.label_ in allowed["tail"]


def test_schema_with_unknown_label_is_a_clear_error(tiny_encoder_dir, make_nlp, train_examples):
    nlp = make_nlp(tiny_encoder_dir, schema={"founded": {"head": ["PER"], "tail": ["ORG"]}})
    examples = train_examples(nlp)
    with pytest.raises(ValueError, match="schema .* names labels that are not among its labels: \\['founded'\\]"):
        nlp.initialize(lambda: examples)


def test_unknown_gold_label_is_counted_not_trained(tiny_encoder_dir, make_nlp, train_examples):
    fix_random_seed(0)
    nlp = make_nlp(tiny_encoder_dir, labels=["works_for", "based_in"])
    examples = train_examples(nlp)
    optimizer = nlp.initialize(lambda: examples)
    extractor = nlp.get_pipe("tkre_relation_extractor")
    assert "lives_in" not in extractor.labels
    nlp.update(examples, sgd=optimizer)
    assert extractor.skipped["unknown gold label lives_in"] == 2


def test_no_entity_training_docs_fail_clearly(tiny_encoder_dir, make_nlp):
    nlp = make_nlp(tiny_encoder_dir)
    examples = [Example(nlp.make_doc("Nothing here ."), nlp.make_doc("Nothing here ."))]
    with pytest.raises(ValueError, match="has a candidate entity pair"):
        nlp.initialize(lambda: examples)


def test_gold_pairs_outside_candidates_are_counted(tiny_encoder_dir, make_nlp, train_examples):
    fix_random_seed(0)
    nlp = make_nlp(tiny_encoder_dir, candidates={"@misc": "spacy_tkre.entity_pairs.v1", "max_distance": 1})
    examples = train_examples(nlp)
    optimizer = nlp.initialize(lambda: examples)
    nlp.update(examples, sgd=optimizer)
    # a gap of two tokens ("works for", "lives in") exceeds max_distance=1: Alice->Acme, Bob->Initech,
    # Carol->Rome, Dave->Oslo; "Acme in Paris" (gap 1) stays a candidate
    assert nlp.get_pipe("tkre_relation_extractor").skipped["gold pair not a candidate"] == 4


def test_adding_a_label_after_training_is_a_clear_error(trained_nlp):
    with pytest.raises(ValueError, match="Cannot add the label 'founded'"):
        trained_nlp.get_pipe("tkre_relation_extractor").add_label("founded")


def test_whitespace_tokens_without_wordpieces(trained_nlp, triples):
    """Whitespace tokens have no wordpieces; the pairs around them are still read as in the training sentence."""
    words = ["Alice", "\n\n", "works", "for", "  ", "Acme", "in", "Paris", "."]
    doc = with_ents(trained_nlp, words, [(0, 1, "PER"), (5, 6, "ORG"), (7, 8, "LOC")])
    assert triples(trained_nlp(doc)) == [("Acme", "Paris", "based_in"), ("Alice", "Acme", "works_for")]


def test_training_docs_missing_their_gold_entities_are_counted(tiny_encoder_dir, make_nlp, train_examples):
    fix_random_seed(0)
    nlp = make_nlp(tiny_encoder_dir)
    examples = train_examples(nlp)
    optimizer = nlp.initialize(lambda: examples)
    without_ents = [Example(nlp.make_doc(eg.reference.text), eg.reference) for eg in examples]
    nlp.update(without_ents, sgd=optimizer)
    nlp.update(without_ents[:1], sgd=optimizer)
    skipped = nlp.get_pipe("tkre_relation_extractor").skipped
    assert skipped["predicted doc without the gold entities"] == len(examples) + 1


def test_docs_in_which_a_recognizer_found_no_entity_are_counted_without_the_warning(tiny_encoder_dir, make_nlp, train_examples, capsys):
    """An entity recognizer in [training] annotating_components marks every token of the predicted doc, entity or
    not: finding none early in training is expected, not a corpus read without entities."""
    fix_random_seed(0)
    nlp = make_nlp(tiny_encoder_dir)
    examples = train_examples(nlp)
    optimizer = nlp.initialize(lambda: examples)
    capsys.readouterr()
    recognized_nothing = []
    for eg in examples:
        predicted = nlp.make_doc(eg.reference.text)
        predicted.set_ents([], default="outside")  # what a recognizer that found nothing leaves
        recognized_nothing.append(Example(predicted, eg.reference))
    nlp.update(recognized_nothing, sgd=optimizer)
    skipped = nlp.get_pipe("tkre_relation_extractor").skipped
    assert "gold entities" not in capsys.readouterr().out
    assert skipped["predicted doc in which the recognizer found no entity"] == len(examples)
    nlp.update([Example(nlp.make_doc(eg.reference.text), eg.reference) for eg in examples[:1]], sgd=optimizer)
    assert "list it in [training] annotating_components" in " ".join(capsys.readouterr().out.split())
    assert skipped["predicted doc without the gold entities"] == 1


def test_label_that_looks_negative_warns_once(tiny_encoder_dir, make_nlp, train_examples):
    """SemEval's 'Other' trained by a component whose negative label is 'no_relation' is the classic trap."""
    nlp = make_nlp(tiny_encoder_dir, negative_label="no_relation")
    examples = train_examples(nlp)
    reference = examples[2].reference
    reference._.relations = reference._.relations + [Relation(reference.ents[1], reference.ents[0], "Other")]
    with pytest.warns(UserWarning, match=r"\['Other'\] look like 'no relation' but the negative label is 'no_relation'") as caught:
        nlp.initialize(lambda: examples)
    assert len([w for w in caught if "look like 'no relation'" in str(w.message)]) == 1
    assert "Other" in nlp.get_pipe("tkre_relation_extractor").labels


def test_default_negative_label_gives_no_lookalike_warning(tiny_encoder_dir, recwarn, make_nlp, train_examples):
    nlp = make_nlp(tiny_encoder_dir)
    nlp.initialize(lambda: train_examples(nlp))
    assert nlp.get_pipe("tkre_relation_extractor").negative_label == "Other"
    assert not [w for w in recwarn if "look like 'no relation'" in str(w.message)]
