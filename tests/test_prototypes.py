"""New labels without retraining: prototypes added to a trained extractor, saved and loaded, predicted, and the
add-labels command with its errors."""
import numpy
import pytest
import spacy
from spacy.tokens import DocBin
from typer.testing import CliRunner

from spacy_tkre.cli import app

NEW = [
    ("Eve was born in Lyon .", [("Eve", "PER"), ("Lyon", "LOC")], [("Eve", "Lyon", "born_in")]),
    ("Finn was born in Porto .", [("Finn", "PER"), ("Porto", "LOC")], [("Finn", "Porto", "born_in")]),
    ("Gus was born in Turin .", [("Gus", "PER"), ("Turin", "LOC")], [("Gus", "Turin", "born_in")]),
]


@pytest.fixture
def trained(tiny_encoder_dir, train_tiny):
    """A tiny pipeline with the shipped pair vector (unit-length means of head, tail and the tokens between)."""
    return train_tiny(tiny_encoder_dir, steps=40, architecture="spacy_tkre.SpanPoolingRelationModel.v2",
                      model_config={"pooling": "spans+context", "normalize": True})


def new_docs(nlp, annotated_doc):
    return [annotated_doc(nlp, text, ents, relations) for text, ents, relations in NEW]


def predicted_labels(nlp, docs):
    return [[r.label for r in doc._.relations] for doc in nlp.pipe(doc.copy() for doc in docs)]


def test_new_label_is_learnt_from_examples_and_predicted_on_them(trained, annotated_doc):
    nlp, examples = trained
    extractor = nlp.get_pipe("tkre_relation_extractor")
    docs = new_docs(nlp, annotated_doc)
    assert all(labels != ["born_in"] for labels in predicted_labels(nlp, docs))
    added = extractor.add_labels_from_examples(docs + [eg.reference for eg in examples], temperature=0.01)
    assert added.new == {"born_in": 3}
    # the train docs' relations and every unannotated candidate pair, both directions (Other: 8 + 2 + 3) are anchors
    assert added.anchors == {"Other": 13, "based_in": 2, "lives_in": 2, "works_for": 2}
    assert extractor.output_labels == extractor.labels + ("born_in",)
    assert extractor.labels == ("based_in", "lives_in", "works_for", "Other")  # the trained head is untouched
    assert predicted_labels(nlp, docs) == [["born_in"]] * 3
    # the trained labels still come from the head where their anchors are nearer
    train_docs = [eg.predicted.copy() for eg in examples]
    assert predicted_labels(nlp, train_docs) == [sorted_labels(eg.reference) for eg in examples]


def sorted_labels(doc):
    return [r.label for r in doc._.relations]


def test_rows_stay_probabilities_with_new_columns(trained, annotated_doc):
    nlp, examples = trained
    extractor = nlp.get_pipe("tkre_relation_extractor")
    extractor.add_labels_from_examples(new_docs(nlp, annotated_doc) + [eg.reference for eg in examples])
    docs = [eg.predicted for eg in examples[:2]]
    scores = extractor.score_pairs(docs, [[(docs[0].ents[0], docs[0].ents[1])], []])
    assert [s.shape for s in scores] == [(1, 5), (0, 5)]
    assert numpy.allclose(scores[0].sum(axis=1), 1.0, atol=1e-5)


def test_prototypes_survive_to_disk_and_to_bytes(trained, annotated_doc, tmp_path):
    nlp, examples = trained
    extractor = nlp.get_pipe("tkre_relation_extractor")
    docs = new_docs(nlp, annotated_doc)
    extractor.add_labels_from_examples(docs + [eg.reference for eg in examples], temperature=0.05)
    expected = extractor.score_pairs(docs, [[(doc.ents[0], doc.ents[1])] for doc in docs])
    nlp.to_disk(tmp_path / "pipeline")
    for reloaded in (spacy.load(tmp_path / "pipeline"), spacy.load(tmp_path / "pipeline").from_bytes(nlp.to_bytes())):
        again = reloaded.get_pipe("tkre_relation_extractor")
        assert again.output_labels == extractor.output_labels and again.prototypes.temperature == 0.05
        scores = again.score_pairs(docs, [[(doc.ents[0], doc.ents[1])] for doc in docs])
        assert all(numpy.allclose(a, b, atol=1e-5) for a, b in zip(scores, expected))


def test_more_examples_of_an_anchor_are_averaged_in(trained, annotated_doc):
    nlp, examples = trained
    extractor = nlp.get_pipe("tkre_relation_extractor")
    extractor.add_labels_from_examples(new_docs(nlp, annotated_doc)[:2] + [eg.reference for eg in examples[:2]])
    extractor.add_labels_from_examples([annotated_doc(nlp, "Ida was born in Bern .", [("Ida", "PER"), ("Bern", "LOC")],
                                                      [("Ida", "Bern", "lodges_in")])] + [examples[2].reference])
    prototypes = extractor.prototypes
    assert prototypes.new_labels == ["born_in", "lodges_in"]
    assert dict(zip(prototypes.labels, prototypes.counts))["lives_in"] == 1


@pytest.mark.parametrize("case,message", [
    ("existing", "exist already in the component"),
    ("no_relations", "None of the example docs has relations"),
    ("only_new", "add examples of the trained labels"),
    ("missing", "have no example among the docs"),
    ("nothing_new", "Every label of the examples exists already"),
])
def test_bad_examples_are_refused_clearly(trained, annotated_doc, case, message):
    nlp, examples = trained
    extractor = nlp.get_pipe("tkre_relation_extractor")
    docs = new_docs(nlp, annotated_doc) + [eg.reference for eg in examples]
    arguments = {
        "existing": (docs, ["works_for"]),
        "no_relations": ([nlp.make_doc("No relation here .")], None),
        "only_new": ([annotated_doc(nlp, "Eve was born in Lyon .", [("Eve", "PER"), ("Lyon", "LOC")],
                                   [("Eve", "Lyon", "born_in"), ("Lyon", "Eve", "birthplace_of")])], None),
        "missing": (docs, ["founded"]),
        "nothing_new": ([eg.reference for eg in examples], None),
    }[case]
    with pytest.raises(ValueError, match=message):
        extractor.add_labels_from_examples(arguments[0], labels=arguments[1])
    assert extractor.prototypes is None


def test_docs_without_entities_are_skipped_and_counted(trained, annotated_doc):
    nlp, examples = trained
    bare = nlp.make_doc("Eve was born in Lyon .")
    added = nlp.get_pipe("tkre_relation_extractor").add_labels_from_examples(
        [bare] + new_docs(nlp, annotated_doc) + [eg.reference for eg in examples])
    assert added.skipped == {"doc without entities": 1} and added.new == {"born_in": 3}


def test_add_labels_command(trained, annotated_doc, tmp_path):
    nlp, examples = trained
    nlp.to_disk(tmp_path / "pipeline")
    docs = [nlp.make_doc("No entities .")] + new_docs(nlp, annotated_doc) + [eg.reference for eg in examples]
    DocBin(docs=docs, store_user_data=True).to_disk(tmp_path / "examples.spacy")
    runner = CliRunner()
    arguments = ["add-labels", str(tmp_path / "pipeline"), str(tmp_path / "examples.spacy"), str(tmp_path / "out")]
    result = runner.invoke(app, arguments + ["--temperature", "0.01"])
    assert result.exit_code == 0, result.output
    assert "Skipped 1: doc without entities" in result.output
    extended = spacy.load(tmp_path / "out")
    assert extended.get_pipe("tkre_relation_extractor").output_labels[-1] == "born_in"
    assert predicted_labels(extended, new_docs(extended, annotated_doc)) == [["born_in"]] * 3
    again = runner.invoke(app, ["add-labels", str(tmp_path / "out"), str(tmp_path / "examples.spacy"),
                                str(tmp_path / "out2"), "--label", "born_in"])
    assert again.exit_code == 1 and "exist already" in again.output
    missing = runner.invoke(app, ["add-labels", str(tmp_path / "nowhere"), str(tmp_path / "examples.spacy"),
                                  str(tmp_path / "out3")])
    assert missing.exit_code == 1 and "No pipeline at" in " ".join(missing.output.split())
    DocBin(docs=[nlp.make_doc("Plain text .")]).to_disk(tmp_path / "plain.spacy")
    plain = runner.invoke(app, ["add-labels", str(tmp_path / "pipeline"), str(tmp_path / "plain.spacy"),
                                str(tmp_path / "out4")])
    assert plain.exit_code == 1 and "has relations" in " ".join(plain.output.split())
    assert not (tmp_path / "out2").exists() and not (tmp_path / "out4").exists()


def test_k_samples_examples_per_label(trained, annotated_doc, tmp_path):
    nlp, examples = trained
    nlp.to_disk(tmp_path / "pipeline")
    DocBin(docs=new_docs(nlp, annotated_doc) + [eg.reference for eg in examples], store_user_data=True).to_disk(
        tmp_path / "examples.spacy")
    result = CliRunner().invoke(app, ["add-labels", str(tmp_path / "pipeline"), str(tmp_path / "examples.spacy"),
                                      str(tmp_path / "out"), "--k", "1", "--seed", "0"])
    assert result.exit_code == 0, result.output
    prototypes = spacy.load(tmp_path / "out").get_pipe("tkre_relation_extractor").prototypes
    assert dict(zip(prototypes.labels, prototypes.counts))["born_in"] == 1


def test_combine_gives_new_labels_their_share_and_the_head_the_rest():
    from spacy_tkre.prototypes import LabelPrototypes

    prototypes = LabelPrototypes(["Other", "a", "new"], ["new"], numpy.asarray([[0, 0], [1, 0], [0, 1]], dtype="f"),
                                 [1, 1, 1], temperature=0.1)
    head = numpy.asarray([[0.2, 0.8], [0.6, 0.4]], dtype="f")  # columns: a, Other (the head's own order)
    rows = prototypes.combine(head, numpy.asarray([[0, 0.95], [0.9, 0]], dtype="f"))
    assert numpy.allclose(rows.sum(axis=1), 1.0, atol=1e-6)
    assert rows[0].argmax() == 2 and rows[1].argmax() == 0  # near the new prototype; near the anchor of a
    assert numpy.allclose(rows[1, 0] / rows[1, 1], 0.6 / 0.4)  # the trained labels keep the head's proportions
