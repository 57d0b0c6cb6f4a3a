"""bench/rel_component.py's data preparation: the tutorial's sentences, labels and split by article id."""
import json
from pathlib import Path

import pytest
from spacy.tokens import Doc
from spacy.vocab import Vocab

from bench.rel_component import read_tutorial_docs, relation_keys, split_by_article
from spacy_tkre import Relation

TUTORIAL_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "rel_component" / "annotations.jsonl"
LABEL_MAP = {"Pos-Reg": "Regulates", "Neg-Reg": "Regulates", "Reg": "Regulates", "Binds": "Binds", "No-rel": None}


def _record(source, relations, answer="accept"):
    words = ["Smad", "activates", "Id1", "and", "binds", "Id2", "."]
    tokens, start = [], 0
    for index, word in enumerate(words):
        tokens.append({"text": word, "start": start, "end": start + len(word), "id": index, "ws": True})
        start += len(word) + 1
    spans = [{"token_start": i, "token_end": i, "label": "GGP"} for i in (0, 2, 5)]
    return {"text": " ".join(words), "tokens": tokens, "spans": spans, "relations": relations, "answer": answer,
            "meta": {"source": f"BioNLP 2011 Genia Shared Task, {source}"}}


@pytest.fixture
def annotations(tmp_path):
    records = [
        _record("PMC-1134653-00-TIAB.txt", [{"head": 0, "child": 2, "label": "Pos-Reg"},
                                            {"head": 0, "child": 5, "label": "Binds"}]),
        _record("PMID-8622884.txt", [{"head": 2, "child": 5, "label": "No-rel"}]),
        _record("PMC-2222968-04-Results-03.txt", [{"head": 5, "child": 0, "label": "Neg-Reg"}]),
        _record("PMC-2222968-05-Results-04.txt", []),
        _record("PMC-2222968-06-Results-05.txt", [{"head": 0, "child": 2, "label": "Reg"}], answer="reject"),
    ]
    path = tmp_path / "annotations.jsonl"
    path.write_text("\n".join(json.dumps(record) for record in records) + "\n", encoding="utf8")
    return path


def _triples(doc):
    return sorted((r.head.text, r.tail.text, r.label) for r in doc._.relations)


def test_docs_labels_and_split_as_the_tutorial(annotations):
    docs = read_tutorial_docs(annotations, LABEL_MAP)
    # accepted sentences with an annotated relation, a No-rel one included (the tutorial counts it)
    assert len(docs) == 3
    splits = split_by_article(docs)
    # the split reads the article id (1134653, 8622884, 2222968), not the section the file name ends with
    assert [len(splits[name]) for name in ("train", "dev", "test")] == [1, 1, 1]
    assert _triples(splits["test"][0]) == [("Id2", "Smad", "Binds"), ("Smad", "Id1", "Regulates"),
                                           ("Smad", "Id2", "Binds")]
    assert _triples(splits["dev"][0]) == []  # No-rel is a negative pair here
    assert _triples(splits["train"][0]) == [("Id2", "Smad", "Regulates")]  # only Binds is symmetric


@pytest.mark.skipif(not TUTORIAL_DATA.exists(), reason="the tutorial's data are not in ../shared/data")
def test_tutorial_split_sizes():
    splits = split_by_article(read_tutorial_docs(TUTORIAL_DATA, LABEL_MAP))
    assert {name: len(part) for name, part in splits.items()} == {"train": 102, "dev": 27, "test": 20}


def _doc(words, spaces, ents, relations):
    doc = Doc(Vocab(), words=words, spaces=spaces)
    doc.ents = [doc.char_span(start, end, label="GGP") for start, end in ents]
    doc._.relations = [Relation(head=doc.ents[h], tail=doc.ents[t], label=label, score=score)
                       for h, t, label, score in relations]
    return doc


def test_relation_keys_match_across_tokenizations():
    # the gold doc keeps Prodigy's tokens, the pipeline's doc is tokenized again: the token indices differ
    gold = _doc(["approximately20-fold", "IL-2", "up", "Id1"], [True] * 4, [(21, 25), (29, 32)],
                [(0, 1, "Regulates", 1.0)])
    predicted = _doc(["approximately20", "-", "fold", "IL-2", "up", "Id1"], [False, False] + [True] * 4,
                     [(21, 25), (29, 32)],
                     [(0, 1, "Regulates", 0.7), (1, 0, "Binds", 0.9), (1, 0, "Regulates", 0.4)])
    assert gold.ents[0].start != predicted.ents[0].start
    assert relation_keys(gold, ["Regulates", "Binds"]) == {(21, 25, 29, 32, "Regulates")}
    # threshold 0.5 drops the 0.4 decision; a label outside the list is not scored
    assert relation_keys(predicted, ["Regulates"], 0.5) == relation_keys(gold, ["Regulates"])
