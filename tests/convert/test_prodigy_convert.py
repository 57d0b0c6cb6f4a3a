"""The Prodigy rel.manual converter: accepted records only, relations by token index, a label map."""
import json
import os
from pathlib import Path

import pytest
from spacy.tokens import DocBin
from typer.testing import CliRunner

import spacy_tkre  # noqa: F401  (registers doc._.relations)
import spacy_tkre.cli.convert  # noqa: F401  (registers the convert command)
from spacy_tkre.cli.app import app
from spacy_tkre.annotation import SOURCE_ID_KEY
from spacy_tkre.convert import ConversionError, ConversionReport, read_docs, read_prodigy
from spacy_tkre.convert.prodigy import read_label_map

TUTORIAL_DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "rel_component" / "annotations.jsonl"


def _tokens(words, spaces):
    tokens, start = [], 0
    for index, (word, space) in enumerate(zip(words, spaces)):
        tokens.append({"text": word, "start": start, "end": start + len(word), "id": index, "ws": space})
        start += len(word) + int(space)
    return tokens


def _record(answer="accept", relations=None, spans=None):
    words = ["Smad", "activates", "Id1", "and", "binds", "Id2", "."]
    spaces = [True, True, True, True, True, False, False]
    spans = spans if spans is not None else [
        {"token_start": 0, "token_end": 0, "label": "GGP"},
        {"token_start": 2, "token_end": 2, "label": "GGP"},
        {"token_start": 5, "token_end": 5, "label": "GGP"},
    ]
    relations = relations if relations is not None else [
        {"head": 0, "child": 2, "label": "Pos-Reg"},
        {"head": 0, "child": 2, "label": "Reg"},
        {"head": 0, "child": 5, "label": "Binds"},
        {"head": 2, "child": 5, "label": "No-rel"},
    ]
    return {"text": "Smad activates Id1 and binds Id2.", "tokens": _tokens(words, spaces), "spans": spans,
            "relations": relations, "answer": answer, "meta": {"source": "PMC-1-00-TIAB.txt"}}


@pytest.fixture
def annotations(tmp_path):
    records = [
        _record(),
        _record(answer="reject"),
        _record(relations=[{"head": 3, "child": 2, "label": "Reg"}]),
        {"text": "no tokens"},
    ]
    path = tmp_path / "annotations.jsonl"
    path.write_text("\n".join(json.dumps(record) for record in records) + "\n", encoding="utf8")
    return path


LABEL_MAP = {"Pos-Reg": "Regulates", "Neg-Reg": "Regulates", "Reg": "Regulates", "Binds": "Binds", "No-rel": None}


def test_accepted_records_with_mapped_relations(annotations):
    report = ConversionReport(str(annotations))
    docs = list(read_prodigy(annotations, report, label_map=LABEL_MAP))
    assert len(docs) == 1
    doc = docs[0]
    assert doc.text == "Smad activates Id1 and binds Id2."
    assert [(ent.text, ent.label_) for ent in doc.ents] == [("Smad", "GGP"), ("Id1", "GGP"), ("Id2", "GGP")]
    # Pos-Reg and Reg on one pair become a single Regulates; No-rel is dropped.
    assert [(r.head.text, r.tail.text, r.label) for r in doc._.relations] == [("Smad", "Id1", "Regulates"), ("Smad", "Id2", "Binds")]
    assert doc.user_data[SOURCE_ID_KEY] == "PMC-1-00-TIAB.txt"
    assert (report.read, report.written) == (4, 1)
    assert report.skipped == {
        "answer is 'reject', not 'accept'": 1,
        "relation points at a token outside the spans": 1,
        "missing field 'tokens'": 1,
    }


def test_without_a_label_map_labels_are_kept(annotations):
    docs = list(read_prodigy(annotations, ConversionReport()))
    assert [r.label for r in docs[0]._.relations] == ["Pos-Reg", "Reg", "Binds", "No-rel"]


def test_label_map_only_for_prodigy(annotations):
    with pytest.raises(ConversionError, match="only applies to the prodigy format"):
        read_docs(annotations, "spacy-llm", ConversionReport(), label_map=LABEL_MAP)


def test_label_map_file_is_checked(tmp_path):
    path = tmp_path / "map.json"
    path.write_text(json.dumps({"Pos-Reg": 1}), encoding="utf8")
    with pytest.raises(ConversionError, match="must be a label or null"):
        read_label_map(path)


def test_cli_converts_with_a_label_map(annotations, tmp_path):
    label_map = tmp_path / "map.json"
    label_map.write_text(json.dumps(LABEL_MAP), encoding="utf8")
    output = tmp_path / "out.spacy"
    result = CliRunner().invoke(
        app, ["convert", str(annotations), str(output), "--format", "prodigy", "--label-map", str(label_map)]
    )
    assert result.exit_code == 0, result.output
    assert len(DocBin().from_disk(output)) == 1


def test_tutorial_annotations():
    """The spaCy rel_component tutorial's 149 Genia records: all accepted, every relation label mapped."""
    if not TUTORIAL_DATA.is_file():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{TUTORIAL_DATA} is missing: CI needs ../shared/data")
        pytest.skip(f"{TUTORIAL_DATA} is missing")
    report = ConversionReport()
    docs = list(read_prodigy(TUTORIAL_DATA, report, label_map=LABEL_MAP))
    assert (report.read, report.written) == (149, 149)
    labels = {relation.label for doc in docs for relation in doc._.relations}
    assert labels == {"Regulates", "Binds"}
    assert sum(bool(doc._.relations) for doc in docs) > 100
