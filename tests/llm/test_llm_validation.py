"""Validation of proposed samples: offsets found here, schema, length, duplicates, optional consistency filter."""
import numpy
import pytest
import spacy
from spacy.language import Language

from spacy_tkre.llm import validation as v
from spacy_tkre.llm.validation import Rejected, SampleValidator, locate, schema_from_samples

NLP = spacy.blank("en")
SCHEMA = {"works_for": {"head": ["PER"], "tail": ["ORG"]}, "untyped": {"head": ["ENTITY"], "tail": ["ENTITY"]}}
GOLD = ["Mia works for Oracle in Austin ."]


def validator(**settings):
    return SampleValidator(NLP.make_doc, SCHEMA, GOLD, **settings)


def draft(context, head, tail, **fields):
    return {"context": context, "head": head, "tail": tail, "head_type": "PER", "tail_type": "ORG", **fields}


def reason(check, sample, label="works_for"):
    with pytest.raises(Rejected) as caught:
        check.validate(sample, label)
    return caught.value.reason


def test_offsets_are_found_in_the_text_on_token_boundaries():
    doc = NLP.make_doc("Ann , not Annabel , joined ACME Corp. last year .")
    span = locate(doc, "ann", "PER")
    assert (span.start_char, span.end_char, span.label_) == (0, 3, "PER")
    assert locate(doc, "Annabel", "PER").start == 3
    assert locate(doc, "acme corp.", "ORG").text == "ACME Corp."
    assert locate(doc, "nab", "PER") is None  # inside a word
    assert locate(doc, "last year.", "DATE").text == "last year"  # trailing punctuation dropped
    assert locate(doc, "Ann", "PER", avoid=doc[0:1]) is None


def test_accepted_sample_is_an_annotated_doc():
    doc = validator().validate(draft("Ann works for Acme in Oslo .", "Ann", "Acme", relation="works_for"), "works_for")
    assert [(e.text, e.label_) for e in doc.ents] == [("Ann", "PER"), ("Acme", "ORG")]
    (relation,) = doc._.relations
    assert (relation.head.text, relation.tail.text, relation.label) == ("Ann", "Acme", "works_for")


def test_every_check_has_its_reason():
    check = validator(min_tokens=4, max_tokens=12, head_first=True)
    ok = "Ann works for Acme in Oslo ."
    assert reason(check, draft(ok, "Ann", "Acme", relation="lives_in")) == v.WRONG_LABEL
    assert reason(check, draft(ok, "Ann", "Acme", head_type="LOC")) == v.TYPE_NOT_IN_SCHEMA
    assert reason(check, draft("Ann works .", "Ann", "works")) == v.TOO_SHORT
    assert reason(check, draft("Ann works for Acme " + "and more " * 10, "Ann", "Acme")) == v.TOO_LONG
    assert reason(check, draft(ok, "Bob", "Acme")) == v.HEAD_NOT_FOUND
    assert reason(check, draft(ok, "Ann", "Globex")) == v.TAIL_NOT_FOUND
    assert reason(check, draft(ok, "Ann", "Ann")) == v.OVERLAP
    assert reason(check, draft("Ann met Ann in Oslo .", "Ann", "ann")) == v.SAME_WORDS
    assert reason(check, draft("Acme hired Ann in Oslo .", "Ann", "Acme")) == v.HEAD_AFTER_TAIL
    assert reason(check, draft(GOLD[0], "Mia", "Oracle")) == v.GOLD_COPY
    assert reason(check, draft("Mia works for Oracle in Dallas .", "Mia", "Oracle")) == v.NEAR_GOLD


def test_types_missing_or_untyped():
    check = validator()
    sample = {"context": "Ann works for Acme in Oslo .", "head": "Ann", "tail": "Acme"}
    assert [e.label_ for e in check.validate(sample, "works_for").ents] == ["PER", "ORG"]
    untyped = dict(sample, head_type="PERSON", tail_type="COMPANY")
    assert [e.label_ for e in check.validate(untyped, "untyped").ents] == ["ENTITY", "ENTITY"]
    two_types = SampleValidator(NLP.make_doc, {"x": {"head": ["PER", "ORG"], "tail": ["ORG"]}}, [])
    assert reason(two_types, sample, "x") == v.MISSING_TYPE


def test_duplicates_of_accepted_samples_and_counting():
    check = validator()
    first = check.validate(draft("Ann works for Acme in Oslo .", "Ann", "Acme"), "works_for")
    check.accept(first, "synthetic:works_for:0")
    assert first.user_data["spacy_tkre.source_id"] == "synthetic:works_for:0"
    assert reason(check, draft("Ann  works for Acme in Oslo .", "Ann", "Acme")) == v.DUPLICATE
    assert reason(check, draft("Ann works for Acme in Bergen .", "Ann", "Acme")) == v.NEAR_DUPLICATE
    assert check.validate(draft("In 1990 , Bo took a job with Globex .", "Bo", "Globex"), "works_for")
    check.reject("works_for", v.DUPLICATE)
    check.reject("works_for", v.DUPLICATE, 2)
    assert check.rejections == {"works_for": {v.DUPLICATE: 3}}


def test_schema_from_gold_samples():
    samples = [{"relation": "r", "head_type": "PER", "tail_type": "ORG"}, {"relation": "r", "head_type": "PER", "tail_type": "LOC"}]
    assert schema_from_samples(samples) == {"r": {"head": ["PER"], "tail": ["ORG", "LOC"]}}


class FakePairScorer:
    """Stands for a trained tkre_relation_extractor: a fixed probability per label for every pair it is given."""

    labels = ("Other", "works_for")

    def __init__(self):
        self.seen = []

    def __call__(self, doc):
        return doc

    def score_pairs(self, docs, pairs):
        self.seen.extend((doc.text, [(h.text, h.label_, t.text, t.label_) for h, t in doc_pairs]) for doc, doc_pairs in zip(docs, pairs))
        return [numpy.tile(numpy.asarray([0.3, 0.7], dtype="f"), (len(doc_pairs), 1)) for doc_pairs in pairs]


@Language.factory("test_fake_pair_scorer")
def make_fake_pair_scorer(nlp, name):
    return FakePairScorer()


def filter_pipeline():
    nlp = spacy.blank("en")
    nlp.add_pipe("test_fake_pair_scorer")
    return nlp


def test_consistency_filter_keeps_or_vetoes_by_probability():
    nlp = filter_pipeline()
    keep = v.ConsistencyFilter(nlp, threshold=0.6)
    veto = v.ConsistencyFilter(nlp, threshold=0.8)
    sample = draft("Ann works for Acme in Oslo .", "Ann", "Acme")
    doc = SampleValidator(NLP.make_doc, {"works_for": SCHEMA["works_for"]}, [], consistency=keep).validate(sample, "works_for")
    assert keep.probability(doc, "works_for") == pytest.approx(0.7)
    assert keep.probability(doc, "Other") == pytest.approx(0.3)
    # the filter's component got the sample's pair, typed, in a doc of the filter's own vocab
    assert nlp.get_pipe("test_fake_pair_scorer").seen[-1] == ("Ann works for Acme in Oslo .", [("Ann", "PER", "Acme", "ORG")])
    strict = SampleValidator(NLP.make_doc, {"works_for": SCHEMA["works_for"]}, [], consistency=veto)
    assert reason(strict, sample) == v.FILTERED


def test_consistency_filter_refuses_unknown_labels_and_pipelines_without_a_pair_scorer():
    with pytest.raises(ValueError, match=r"does not know the labels \['founded'\]"):
        SampleValidator(NLP.make_doc, {"founded": SCHEMA["works_for"]}, [], consistency=v.ConsistencyFilter(filter_pipeline(), 0.5))
    with pytest.raises(ValueError, match="no component that scores entity pairs"):
        v.ConsistencyFilter(spacy.blank("en"), 0.5)
