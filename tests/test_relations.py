"""doc._.relations: storage, round-trips, and conversion to and from spacy-llm and tutorial formats."""
import pytest
import spacy
from spacy.tokens import DocBin

from spacy_tkre import Relation
from spacy_tkre.interop import (
    relations_from_spacy_llm,
    relations_from_tutorial,
    relations_to_spacy_llm,
    relations_to_tutorial,
)
from spacy_tkre.render import relation_arcs, render


@pytest.fixture
def nlp():
    return spacy.blank("en")


@pytest.fixture
def doc(nlp):
    doc = nlp("Marie Curie was born in Warsaw and worked in Paris .")
    doc.ents = [doc.char_span(0, 11, label="PER"), doc.char_span(24, 30, label="LOC"), doc.char_span(45, 50, label="LOC")]
    doc._.relations = [Relation(doc.ents[0], doc.ents[1], "born_in", 0.9), Relation(doc.ents[0], doc.ents[2], "worked_in")]
    return doc


def triples(doc):
    return [(r.head.text, r.head.label_, r.tail.text, r.label, r.score) for r in doc._.relations]


EXPECTED = [("Marie Curie", "PER", "Warsaw", "born_in", 0.9), ("Marie Curie", "PER", "Paris", "worked_in", 1.0)]


def test_relations_read_back_as_spans(doc):
    assert triples(doc) == EXPECTED


def test_docbin_round_trip(nlp, doc):
    data = DocBin(docs=[doc], store_user_data=True).to_bytes()
    restored = list(DocBin().from_bytes(data).get_docs(nlp.vocab))[0]
    assert triples(restored) == EXPECTED


def test_to_disk_round_trip(nlp, doc, tmp_path):
    doc.to_disk(tmp_path / "doc")
    restored = spacy.tokens.Doc(nlp.vocab).from_disk(tmp_path / "doc")
    assert triples(restored) == EXPECTED


def test_span_of_another_doc_is_refused(nlp, doc):
    other = nlp("Another doc .")
    with pytest.raises(ValueError, match="belongs to another Doc"):
        doc._.relations = [Relation(other[0:1], doc.ents[0], "x")]


def test_non_relation_is_refused(doc):
    with pytest.raises(TypeError, match="takes Relation objects"):
        doc._.relations = [("Marie Curie", "Warsaw", "born_in")]


def test_retokenized_doc_gives_a_clear_error(doc):
    with doc.retokenize() as retokenizer:
        retokenizer.merge(doc[4:6])  # "in Warsaw": the stored tail no longer starts a token
    with pytest.raises(ValueError, match="retokenized"):
        doc._.relations


def test_spacy_llm_round_trip(doc):
    items = relations_to_spacy_llm(doc)
    assert items == [{"dep": 0, "dest": 1, "relation": "born_in"}, {"dep": 0, "dest": 2, "relation": "worked_in"}]
    relations = relations_from_spacy_llm(doc, items)
    assert [(r.head.text, r.tail.text, r.label) for r in relations] == [(a, c, d) for a, _, c, d, _ in EXPECTED]


def test_spacy_llm_index_out_of_range(doc):
    with pytest.raises(ValueError, match="the doc has 3 entities"):
        relations_from_spacy_llm(doc, [{"dep": 0, "dest": 7, "relation": "born_in"}])


def test_tutorial_round_trip(doc):
    rel = relations_to_tutorial(doc, ["born_in", "worked_in"])
    assert rel == {(0, 5): {"born_in": 0.9, "worked_in": 0.0}, (0, 9): {"born_in": 0.0, "worked_in": 1.0}}
    relations = relations_from_tutorial(doc, rel, threshold=0.5)
    assert [(r.head.text, r.tail.text, r.label, r.score) for r in relations] == [(a, c, d, e) for a, _, c, d, e in EXPECTED]


def test_render_draws_one_arc_per_relation(doc):
    arcs = relation_arcs(doc)
    assert [w["text"] for w in arcs["words"]] == ["Marie Curie", "was born in", "Warsaw", "and worked in", "Paris", "."]
    assert arcs["arcs"] == [
        {"start": 0, "end": 2, "label": "born_in 0.90", "dir": "right"},
        {"start": 0, "end": 4, "label": "worked_in 1.00", "dir": "right"},
    ]
    html = render(doc)
    assert "born_in 0.90" in html and "worked_in 1.00" in html and "<svg" in html
    assert [arc["label"] for arc in relation_arcs(doc, scores=False)["arcs"]] == ["born_in", "worked_in"]


def test_render_draws_arguments_that_are_not_entities(doc):
    relations = doc._.relations
    doc._.relations = relations + [Relation(doc[7:8], doc.ents[2], "verb_at")]  # "worked" is no entity
    arcs = relation_arcs(doc)
    assert [w["text"] for w in arcs["words"]] == ["Marie Curie", "was born in", "Warsaw", "and", "worked", "in", "Paris", "."]
    assert {"start": 4, "end": 6, "label": "verb_at 1.00", "dir": "right"} in arcs["arcs"]
