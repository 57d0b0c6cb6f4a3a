"""Output rows imprinted from label prototypes at initialize time (spacy_tkre.imprinting): the rows set as
specified, labels without examples left random and reported, definitions used and checked, "random" a no-op."""
import numpy
import pytest
import srsly
from thinc.api import fix_random_seed

from spacy_tkre.imprinting import PLACEHOLDERS, definition_doc
from spacy_tkre.llm.templates import read_template
from spacy_tkre.relations import relations_by_pair

COMPONENT = "tkre_relation_extractor"
SHIPPED = {"architecture": "spacy_tkre.SpanPoolingRelationModel.v2",
           "model_config": {"pooling": "spans+context", "normalize": True}}
DEFINITIONS = {"works_for": "the head is employed by the tail", "lives_in": "the head's home is in the tail",
               "born_in": "the head was born in the tail"}


def initialized(encoder_dir, make_nlp, train_examples, labels=None, **settings):
    """A tiny pipeline initialized with the seed fixed, so that its random rows are the same in every call."""
    fix_random_seed(0)
    nlp = make_nlp(encoder_dir, **SHIPPED)
    examples = train_examples(nlp)
    nlp.get_pipe(COMPONENT).initialize(lambda: examples, nlp=nlp, labels=labels, **settings)
    return nlp, examples


def output_params(nlp):
    layer = nlp.get_pipe(COMPONENT).model.get_ref("output_layer")
    return layer.ops.to_numpy(layer.get_param("W")), layer.ops.to_numpy(layer.get_param("b"))


def hidden(extractor, docs, pairs):
    """The post-ReLU features of the given pairs, computed here from the model's layers."""
    vectors = extractor.model.get_ref("pair_representation").predict((docs, pairs))
    return extractor.model.ops.to_numpy(extractor.model.get_ref("classifier").layers[0].predict(vectors))


def gold_label_means(extractor, examples):
    """Per label the mean features of its candidate pairs (unannotated ones: the negative label)."""
    rows, labels = [], []
    for eg in examples:
        doc = eg.reference
        pairs = extractor.candidates(doc)
        gold = relations_by_pair(doc)
        rows.append(hidden(extractor, [doc], [pairs]))
        labels += [gold.get(((h.start_char, h.end_char), (t.start_char, t.end_char)), "Other") for h, t in pairs]
    rows = numpy.concatenate(rows)
    return {label: rows[[i for i, other in enumerate(labels) if other == label]].mean(axis=0) for label in set(labels)}


def unit(vector):
    return vector / numpy.linalg.norm(vector)


def test_random_changes_nothing(tiny_encoder_dir, make_nlp, train_examples):
    default, _ = initialized(tiny_encoder_dir, make_nlp, train_examples)
    explicit, _ = initialized(tiny_encoder_dir, make_nlp, train_examples, output_init="random")
    for before, after in zip(output_params(default), output_params(explicit)):
        assert numpy.array_equal(before, after)


def test_rows_are_the_centred_label_means_at_the_random_rows_scale(tiny_encoder_dir, make_nlp, train_examples):
    random_nlp, _ = initialized(tiny_encoder_dir, make_nlp, train_examples)
    nlp, examples = initialized(tiny_encoder_dir, make_nlp, train_examples, output_init="examples")
    extractor = nlp.get_pipe(COMPONENT)
    random_W, _ = output_params(random_nlp)
    W, b = output_params(nlp)
    means = gold_label_means(extractor, examples)
    assert set(means) == set(extractor.labels)
    centre = numpy.mean(list(means.values()), axis=0)
    scale = numpy.linalg.norm(random_W, axis=1).mean()
    for i, label in enumerate(extractor.labels):
        assert numpy.allclose(W[i], scale * unit(means[label] - centre), atol=1e-5)
        assert b[i] == pytest.approx(-W[i] @ centre, abs=1e-5)
    # each label's own mean features score highest on its own row
    for label, mean in means.items():
        assert extractor.labels[int(numpy.argmax(W @ mean + b))] == label


def test_labels_without_examples_keep_random_rows_and_are_reported(tiny_encoder_dir, make_nlp, train_examples, capsys):
    labels = ["works_for", "based_in", "lives_in", "born_in"]
    random_nlp, _ = initialized(tiny_encoder_dir, make_nlp, train_examples, labels=labels)
    nlp, _ = initialized(tiny_encoder_dir, make_nlp, train_examples, labels=labels, output_init="examples")
    (random_W, random_b), (W, b) = output_params(random_nlp), output_params(nlp)
    index = nlp.get_pipe(COMPONENT).labels.index("born_in")
    assert numpy.array_equal(W[index], random_W[index]) and b[index] == random_b[index]
    changed = [i for i in range(len(W)) if not numpy.array_equal(W[i], random_W[i])]
    assert len(changed) == len(W) - 1
    assert "['born_in']: their output rows stay random" in capsys.readouterr().out


def test_definitions_are_averaged_in_and_give_rows_to_labels_without_examples(tiny_encoder_dir, tmp_path, make_nlp, train_examples):
    srsly.write_json(tmp_path / "definitions.json", DEFINITIONS)
    labels = ["works_for", "based_in", "lives_in", "born_in"]
    examples_only, _ = initialized(tiny_encoder_dir, make_nlp, train_examples, labels=labels, output_init="examples")
    nlp, _ = initialized(tiny_encoder_dir, make_nlp, train_examples, labels=labels,
                         output_init="examples+definitions", definitions=str(tmp_path / "definitions.json"))
    extractor = nlp.get_pipe(COMPONENT)
    docs = [definition_doc(nlp.make_doc, read_template("definition_pair.v1"), label, text) for label, text in DEFINITIONS.items()]
    features = dict(zip(DEFINITIONS, hidden(extractor, docs, [[(d._.relations[0].head, d._.relations[0].tail)] for d in docs])))
    centre = numpy.mean(list(features.values()), axis=0)
    (base_W, _), (W, _) = output_params(examples_only), output_params(nlp)
    scale = numpy.linalg.norm(W[extractor.labels.index("based_in")])
    for label in ("works_for", "lives_in"):
        i = extractor.labels.index(label)
        assert numpy.allclose(W[i], scale * unit(unit(base_W[i]) + unit(features[label] - centre)), atol=1e-5)
    assert numpy.allclose(W[extractor.labels.index("born_in")], scale * unit(features["born_in"] - centre), atol=1e-5)
    for label in ("based_in", "Other"):  # no definition: the examples' row
        assert numpy.array_equal(W[extractor.labels.index(label)], base_W[extractor.labels.index(label)])


def test_the_setting_is_read_from_the_initialize_block_of_a_schema_file(tiny_encoder_dir, tmp_path, make_nlp, train_examples):
    schema = {label: {"head": "PER", "tail": [], "definition": DEFINITIONS[label]} for label in ("works_for", "lives_in")}
    srsly.write_json(tmp_path / "schema.json", schema)
    fix_random_seed(0)
    nlp = make_nlp(tiny_encoder_dir, **SHIPPED)
    examples = train_examples(nlp)
    nlp.initialize(lambda: examples)
    before = output_params(nlp)[0]
    fix_random_seed(0)
    nlp = make_nlp(tiny_encoder_dir, **SHIPPED)
    nlp.config["initialize"]["components"][COMPONENT] = {
        "output_init": "examples+definitions", "definitions": str(tmp_path / "schema.json")}
    nlp.initialize(lambda: examples)
    assert not numpy.allclose(output_params(nlp)[0], before)


def test_a_definition_of_an_unknown_label_is_left_out_and_named(tiny_encoder_dir, tmp_path, make_nlp, train_examples, capsys):
    srsly.write_json(tmp_path / "all.json", DEFINITIONS)  # born_in is not a label here
    srsly.write_json(tmp_path / "known.json", {label: DEFINITIONS[label] for label in ("works_for", "lives_in")})
    with_unknown, _ = initialized(tiny_encoder_dir, make_nlp, train_examples, output_init="examples+definitions",
                                  definitions=str(tmp_path / "all.json"))
    assert "defines labels it does not have, left out: ['born_in']" in " ".join(capsys.readouterr().out.split())
    known_only, _ = initialized(tiny_encoder_dir, make_nlp, train_examples, output_init="examples+definitions",
                                definitions=str(tmp_path / "known.json"))
    assert numpy.array_equal(output_params(with_unknown)[0], output_params(known_only)[0])


@pytest.mark.parametrize("settings", [{"output_init": "prototypes"}, {"output_init": "examples+definitions"},
                                      {"output_init": "examples", "definitions": "schema.json"}])
def test_inconsistent_settings_are_refused(tiny_encoder_dir, make_nlp, train_examples, settings):
    with pytest.raises(ValueError, match="output_init"):
        initialized(tiny_encoder_dir, make_nlp, train_examples, **settings)


def test_a_definition_doc_has_the_placeholders_as_its_pair_and_a_template_must_place_both(tiny_encoder_dir, make_nlp, tmp_path, train_examples):
    nlp = make_nlp(tiny_encoder_dir, **SHIPPED)
    doc = definition_doc(nlp.make_doc, "{{ tail }} is where {{ head }} works: {{ definition }}", "works_for", "employment")
    relation = doc._.relations[0]
    assert (relation.head.text, relation.tail.text, relation.label) == (PLACEHOLDERS["head"], PLACEHOLDERS["tail"], "works_for")
    assert doc.text == "tail is where head works: employment"
    (tmp_path / "bad.jinja").write_text("{{ head }}: {{ definition }}")
    srsly.write_json(tmp_path / "definitions.json", {"works_for": "x", "lives_in": "y"})
    with pytest.raises(ValueError, match="once each"):
        initialized(tiny_encoder_dir, make_nlp, train_examples, output_init="examples+definitions",
                    definitions=str(tmp_path / "definitions.json"), definition_template=str(tmp_path / "bad.jinja"))
