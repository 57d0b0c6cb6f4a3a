"""The extractor sourced into a pipeline whose entities come from elsewhere (an entity_ruler), with
``tkre_entity_label_map`` turning that pipeline's labels into the extractor's entity types."""
import numpy
import pytest
import spacy
from spacy.training import Example
from thinc.api import fix_random_seed

SCHEMA = {"Work_For": {"head": ["Peop"], "tail": ["Org"]}, "Live_In": {"head": ["Peop"], "tail": ["Loc"]}}
TEXT = "Alice works for Acme and lives in Rome ."
PATTERNS = [{"label": "PERSON", "pattern": "Alice"}, {"label": "ORG", "pattern": "Acme"},
            {"label": "GPE", "pattern": "Rome"}, {"label": "DATE", "pattern": "today"}]
LABEL_MAP = {"PERSON": "Peop", "ORG": "Org", "GPE": "Loc"}


@pytest.fixture(scope="module")
def extractor_dir(tmp_path_factory):
    """An initialized (untrained, seeded) extractor with its own CNN tok2vec, saved as a pipeline."""
    fix_random_seed(0)
    nlp = spacy.blank("en")
    nlp.add_pipe("tkre_relation_extractor", config={
        "model": {"@architectures": "spacy_tkre.SpanPoolingRelationModel.v1",
                  "tok2vec": {"@architectures": "spacy.HashEmbedCNN.v2", "width": 16, "depth": 1, "embed_size": 300,
                              "window_size": 1, "maxout_pieces": 2, "subword_features": True,
                              "pretrained_vectors": None},
                  "classifier": {"@architectures": "spacy_tkre.PairClassifier.v1", "hidden_width": 16}},
        "labels": ["Work_For", "Live_In"], "schema": SCHEMA,
    })
    doc = nlp.make_doc(TEXT)
    doc.ents = [doc.char_span(0, 5, label="Peop"), doc.char_span(16, 20, label="Org"), doc.char_span(34, 38, label="Loc")]
    nlp.initialize(lambda: [Example(doc.copy(), doc)])
    path = tmp_path_factory.mktemp("extractor")
    nlp.to_disk(path)
    return path


def ruler_pipeline(extractor_dir, label_map=None, keep_unmapped=True):
    nlp = spacy.blank("en")
    nlp.add_pipe("entity_ruler").add_patterns(PATTERNS)
    if label_map is not None:
        nlp.add_pipe("tkre_entity_label_map", config={"label_map": label_map, "keep_unmapped": keep_unmapped})
    nlp.add_pipe("tkre_relation_extractor", source=spacy.load(extractor_dir))
    return nlp


def test_label_map_renames_and_keeps_or_drops_unmapped():
    nlp = spacy.blank("en")
    nlp.add_pipe("entity_ruler").add_patterns(PATTERNS)
    nlp.add_pipe("tkre_entity_label_map", config={"label_map": LABEL_MAP})
    doc = nlp(TEXT + " today")
    assert [(e.text, e.label_) for e in doc.ents] == [("Alice", "Peop"), ("Acme", "Org"), ("Rome", "Loc"), ("today", "DATE")]
    nlp.get_pipe("tkre_entity_label_map").keep_unmapped = False
    assert [e.label_ for e in nlp(TEXT + " today").ents] == ["Peop", "Org", "Loc"]


def test_bad_label_map_names_the_entries():
    nlp = spacy.blank("en")
    with pytest.raises(ValueError, match="PERSON"):
        nlp.add_pipe("tkre_entity_label_map", config={"label_map": {"PERSON": ""}})


def test_sourced_extractor_needs_the_label_map_to_see_its_types(extractor_dir):
    """Without the map the schema rejects every PERSON/ORG/GPE pair; with it the sourced extractor classifies
    exactly the pairs, with exactly the scores, that the original pipeline gives on the same typed entities."""
    unmapped = ruler_pipeline(extractor_dir)
    assert unmapped.get_pipe("tkre_relation_extractor").candidates(unmapped(TEXT)) == []
    mapped = ruler_pipeline(extractor_dir, LABEL_MAP)
    doc = mapped(TEXT)
    pairs = [(h.text, t.text) for h, t in mapped.get_pipe("tkre_relation_extractor").candidates(doc)]
    assert sorted(pairs) == [("Alice", "Acme"), ("Alice", "Rome")]
    original = spacy.load(extractor_dir)
    reference = original.make_doc(TEXT)
    reference.ents = [reference.char_span(0, 5, label="Peop"), reference.char_span(16, 20, label="Org"),
                      reference.char_span(34, 38, label="Loc")]
    expected = original.get_pipe("tkre_relation_extractor").predict([reference])[1]
    got = mapped.get_pipe("tkre_relation_extractor").predict([doc])[1]
    numpy.testing.assert_allclose(got, expected, rtol=1e-5)


def test_user_set_entities_with_the_map_in_a_saved_pipeline(extractor_dir, tmp_path):
    """Entities set by the user on doc.ents, then the map and the extractor, after a save and load."""
    nlp = spacy.blank("en")
    nlp.add_pipe("tkre_entity_label_map", config={"label_map": LABEL_MAP})
    nlp.add_pipe("tkre_relation_extractor", source=spacy.load(extractor_dir))
    nlp.to_disk(tmp_path / "p")
    loaded = spacy.load(tmp_path / "p")
    doc = loaded.make_doc(TEXT)
    doc.ents = [doc.char_span(0, 5, label="PERSON"), doc.char_span(16, 20, label="ORG")]
    for _, component in loaded.pipeline:
        doc = component(doc)
    assert [e.label_ for e in doc.ents] == ["Peop", "Org"]
    assert [(h.text, t.text) for h, t in loaded.get_pipe("tkre_relation_extractor").candidates(doc)] == [("Alice", "Acme")]
