"""Converters from SemEval, FewRel, OpenNRE (Wiki80), spacy-llm and CoNLL04 to Docs with ``doc._.relations``."""
import json
from pathlib import Path

import pytest
import spacy
from spacy.tokens import DocBin
from typer.testing import CliRunner

import spacy_tkre  # noqa: F401  (registers doc._.relations)
import spacy_tkre.cli.convert  # noqa: F401  (registers the convert command)
from spacy_tkre.annotation import SOURCE_ID_KEY
from spacy_tkre.cli.app import app
from spacy_tkre.convert import (
    ConversionError,
    ConversionReport,
    load_label_names,
    read_conll04,
    read_docs,
    read_fewrel,
    read_opennre,
    read_semeval,
    read_spacy_llm,
)

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
SEMEVAL = FIXTURES / "semeval_train_head.txt"
FEWREL = FIXTURES / "fewrel_val_wiki_slice.json"
PID2NAME = FIXTURES / "fewrel_pid2name_slice.json"
WIKI80 = FIXTURES / "wiki80_dev_slice.txt"
CONLL04 = FIXTURES / "conll04_dev_slice.json"
SPACY_LLM = FIXTURES / "spacy_llm_rel.jsonl"


def convert(reader, path, **options):
    report = ConversionReport(str(path))
    return list(reader(path, report, **options)), report


def triples(doc):
    return [(rel.head.text, rel.tail.text, rel.label) for rel in doc._.relations]


def ents(doc):
    return [(ent.text, ent.label_) for ent in doc.ents]


def test_semeval_fixture():
    docs, report = convert(read_semeval, SEMEVAL)
    assert (report.read, report.written, report.total_skipped) == (6, 6, 0)
    first = docs[0]
    assert first.user_data[SOURCE_ID_KEY] == "1"
    assert "<e1>" not in first.text and first.text.startswith("The system as described")
    assert ents(first) == [("configuration", "ENTITY"), ("elements", "ENTITY")]
    assert triples(first) == [("configuration", "elements", "Component-Whole(e2,e1)")]
    assert triples(docs[1]) == [("child", "cradle", "Other")]
    assert triples(docs[4]) == [("student", "association", "Member-Collection(e1,e2)")]


def test_semeval_negative_label_is_configurable():
    docs, _ = convert(read_semeval, SEMEVAL, negative_label="NO_RELATION")
    assert [doc._.relations[0].label for doc in docs] == [
        "Component-Whole(e2,e1)", "NO_RELATION", "Instrument-Agency(e2,e1)",
        "NO_RELATION", "Member-Collection(e1,e2)", "NO_RELATION",
    ]


def test_semeval_expands_entities_to_tokens(tmp_path):
    path = tmp_path / "glued.txt"
    path.write_text('7\t"Two <e1>dove</e1>s met <e2>moles</e2>."\nOther\nComment:\n', encoding="utf8")
    docs, _ = convert(read_semeval, path)
    assert triples(docs[0]) == [("doves", "moles", "Other")]


def test_semeval_malformed_blocks_are_skipped(tmp_path):
    path = tmp_path / "broken.txt"
    broken = (
        '90\t"The <e1>cat</e1> sat on the mat."\nOther\nComment:\n\n'
        '91\t"No tags at all."\nOther\nComment:\n\n'
        "92 missing tab and quotes\nOther\n\n"
        '93\t"<e1></e1><e2></e2>"\nOther\n'
    )
    path.write_text(SEMEVAL.read_text(encoding="utf8") + broken, encoding="utf8")
    docs, report = convert(read_semeval, path)
    assert (report.read, report.written) == (10, 6)
    assert report.skipped == {"entity tag not found": 2, "malformed sentence line": 1, "empty text": 1}
    assert report.first_skip["entity tag not found"] == "line 25: <e2>, </e2>"


def test_semeval_layout_with_tac_style_labels(tmp_path):
    path = tmp_path / "tac.txt"
    path.write_text(
        '1\t"<e1>Ann</e1> works for <e2>Acme</e2> ."\nper:employee_of(e1,e2)\nComment:\n\n'
        '2\t"<e1>Acme</e1> was founded by <e2>Ann</e2> ."\norg:founded_by(e2,e1)\n\n'
        '3\t"<e1>Ann</e1> met <e2>Bo</e2> ."\nno_relation\n',
        encoding="utf8",
    )
    docs, report = convert(read_semeval, path)
    assert report.total_skipped == 0
    assert [triples(doc) for doc in docs] == [
        [("Ann", "Acme", "per:employee_of(e1,e2)")],
        [("Acme", "Ann", "org:founded_by(e2,e1)")],
        [("Ann", "Bo", "no_relation")],
    ]


def test_semeval_malformed_label_lines_name_the_reason(tmp_path):
    path = tmp_path / "labels.txt"
    path.write_text(
        '1\t"<e1>Ann</e1> met <e2>Bo</e2> ."\n\n'
        '2\t"<e1>Ann</e1> met <e2>Bo</e2> ."\nComment: no label\n\n'
        '3\t"<e1>Ann</e1> met <e2>Bo</e2> ."\n4\t"<e1>Cy</e1> met <e2>Di</e2> ."\nOther\n\n'
        '5\t"<e1>Ann</e1> met <e2>Bo</e2> ."\nMeets(e1, e2)\n',
        encoding="utf8",
    )
    docs, report = convert(read_semeval, path)
    assert docs == []
    assert report.skipped == {"missing label line": 3, "malformed direction suffix": 1}
    assert report.first_skip["missing label line"] == "line 1: sentence 1 is the last line of its block"
    assert "'Meets(e1, e2)'; write (e1,e2) or (e2,e1)" in report.first_skip["malformed direction suffix"]


def test_fewrel_fixture():
    docs, report = convert(read_fewrel, FEWREL)
    assert (report.read, report.written, report.total_skipped) == (6, 6, 0)
    first = docs[0]
    assert first.user_data[SOURCE_ID_KEY] == "P177:0"
    assert ents(first) == [("Mississippi River", "ENTITY"), ("Cape Girardeau Bridge", "ENTITY")]
    assert triples(first) == [("Cape Girardeau Bridge", "Mississippi River", "P177")]
    assert "four - lane" in first.text and "Department approved" in first.text and first.text.endswith("Bridge.")
    assert triples(docs[1]) == [("Wilton Bridge", "River Wye", "P177")]  # whitespace tokens in the sentence
    assert docs[4].user_data[SOURCE_ID_KEY] == "P364:1"
    assert triples(docs[4]) == [("Daddy Cool", "Hindi", "P364")]


def test_fewrel_label_names():
    names = load_label_names(PID2NAME)
    assert names == {"P177": "crosses", "P364": "original language of film or TV show"}
    docs, _ = convert(read_fewrel, FEWREL, label_names=names)
    assert {doc._.relations[0].label for doc in docs} == set(names.values())
    with pytest.raises(ConversionError, match="no name"):
        convert(read_fewrel, FEWREL, label_names={"P177": "crosses"})


def test_fewrel_overlapping_and_malformed_instances_are_counted(tmp_path):
    data = json.loads(FEWREL.read_text(encoding="utf8"))
    same, overlap, gap, missing = (dict(item) for item in data["P177"][:3] + data["P364"][:1])
    same["t"] = same["h"]
    overlap["t"] = ["river wye castle", "Q0", [[1, 2]]]  # shares token 1 with the head "Wilton Bridge" [0, 1]
    gap["h"] = ["toll over", "Q0", [[10, 12]]]
    del missing["tokens"]
    data["P999"] = [same, overlap, gap, missing]
    path = tmp_path / "fewrel.json"
    path.write_text(json.dumps(data), encoding="utf8")
    docs, report = convert(read_fewrel, path)
    assert (report.read, report.written) == (10, 6)
    assert report.skipped == {
        "head and tail are the same span": 1,
        "overlapping entities": 1,
        "non-contiguous entity": 1,
        "missing field 'tokens'": 1,
    }
    assert report.first_skip["overlapping entities"].startswith("P999:1")


def test_opennre_wiki80_fixture():
    docs, report = convert(read_opennre, WIKI80)
    assert (report.read, report.written, report.total_skipped) == (5, 5, 0)
    first = docs[0]
    assert SOURCE_ID_KEY not in first.user_data
    assert ents(first) == [("Bud Frye Field", "ORG"), ("Madison", "GPE")]
    assert triples(first) == [("Bud Frye Field", "Madison", "place served by transport hub")]
    assert ents(docs[1])[0] == ("Majors Airport", "UNK")
    assert triples(docs[3]) == [("Vannevar Bush", "United States", "country of citizenship")]


def test_opennre_negatives_missing_types_and_bad_lines(tmp_path):
    record = json.loads(WIKI80.read_text(encoding="utf8").splitlines()[3])
    untyped = dict(record, relation="NA", h={"name": "vannevar bush", "pos": record["h"]["pos"]})
    no_relation = dict(record, relation="no_relation")
    path = tmp_path / "opennre.txt"
    lines = [json.dumps(untyped), "{not json", json.dumps(no_relation), json.dumps(dict(record, token=[]))]
    path.write_text("\n".join(lines) + "\n\n", encoding="utf8")
    docs, report = convert(read_opennre, path, negative_label="NONE")
    assert (report.read, report.written) == (4, 2)
    assert report.skipped == {"bad JSON": 1, "empty text": 1}
    assert report.first_skip["bad JSON"].startswith("line 2: ")
    head = docs[0]._.relations[0].head
    assert (head.text, head.label_) == ("Vannevar Bush", "ENTITY")
    assert [doc._.relations[0].label for doc in docs] == ["NONE", "NONE"]


def test_spacy_llm_fixture():
    docs, report = convert(read_spacy_llm, SPACY_LLM)
    assert (report.read, report.written, report.total_skipped) == (3, 3, 0)
    assert ents(docs[0]) == [("Ana", "PERSON"), ("Porto", "GPE"), ("Rui", "PERSON")]
    assert triples(docs[0]) == [("Ana", "Porto", "LivesIn"), ("Rui", "Porto", "LivesIn")]
    assert triples(docs[1]) == [("Ana", "South America", "Visits")]
    # indices refer to the record's entity list, which need not be in text order
    assert triples(docs[2]) == [("Rui", "Boston", "Visits"), ("Rui", "Lisbon", "LivesIn")]


def test_spacy_llm_malformed_lines_are_skipped(tmp_path):
    bad = [
        '{"text": "Ana lives in Porto.", "ents": [',
        json.dumps({"text": "Ana lives in Porto.", "ents": [{"start_char": 0, "end_char": 3, "label": "PERSON"}],
                    "relations": [{"dep": 0, "dest": 1, "relation": "LivesIn"}]}),
        json.dumps({"text": "Ana lives in Porto.", "ents": [{"start_char": 13, "end_char": 40, "label": "GPE"}]}),
        json.dumps({"text": "   ", "ents": []}),
    ]
    path = tmp_path / "llm.jsonl"
    path.write_text(SPACY_LLM.read_text(encoding="utf8") + "\n".join(bad) + "\n", encoding="utf8")
    docs, report = convert(read_spacy_llm, path)
    assert (report.read, report.written) == (7, 3)
    assert report.skipped == {
        "bad JSON": 1, "relation points at a missing entity": 1, "entity span does not align": 1, "empty text": 1,
    }


def test_conll04_fixture():
    docs, report = convert(read_conll04, CONLL04)
    assert (report.read, report.written, report.total_skipped) == (5, 5, 0)
    first = docs[0]
    assert first.user_data[SOURCE_ID_KEY] == "5178"
    assert first.text == "John Wilkes Booth, who assassinated President Lincoln, was an actor."
    assert ents(first) == [("John Wilkes Booth", "Peop"), ("President Lincoln", "Peop")]
    assert triples(first) == [("John Wilkes Booth", "President Lincoln", "Kill")]
    assert triples(docs[4]) == [
        ("Marie Magdefrau Ferraro", "Bethany", "Live_In"),
        ("Marie Magdefrau Ferraro", "Conn.", "Live_In"),
        ("Bethany", "Conn.", "Located_In"),
    ]


def test_conll04_malformed_sentences_are_skipped(tmp_path):
    data = json.loads(CONLL04.read_text(encoding="utf8"))
    first = data[0]
    data += [
        dict(first, tags=["I-Peop"] + first["tags"][1:]),
        dict(first, relations=[{"head": 0, "tail": 7, "type": "Kill"}]),
        {"tokens": first["tokens"]},
    ]
    path = tmp_path / "conll04.json"
    path.write_text(json.dumps(data), encoding="utf8")
    docs, report = convert(read_conll04, path)
    assert (report.read, report.written) == (8, 5)
    assert report.skipped == {
        "invalid BILOU tags": 1, "relation points at a missing entity": 1, "missing field 'tags'": 1,
    }
    assert report.first_skip["invalid BILOU tags"].startswith("sentence 5: ")


def test_conll04_glued_periods_are_split_as_spacy_tokenizes_raw_text(tmp_path):
    sentence = {
        "tokens": ["Lt.", "Col.", "North", "met", "Smith", "of", "Hartford", ",", "Conn.", ",", "in", "Europe."],
        "tags": ["B-Peop", "I-Peop", "L-Peop", "O", "U-Peop", "O", "U-Loc", "O", "U-Loc", "O", "O", "U-Loc"],
        "relations": [{"head": 1, "tail": 4, "type": "Live_In"}],
    }
    path = tmp_path / "conll04.json"
    path.write_text(json.dumps([sentence]), encoding="utf8")
    (doc,), _ = convert(read_conll04, path)
    assert [t.text for t in doc][-2:] == ["Europe", "."]
    assert ents(doc) == [("Lt. Col. North", "Peop"), ("Smith", "Peop"), ("Hartford", "Loc"), ("Conn.", "Loc"),
                         ("Europe", "Loc")]
    assert triples(doc) == [("Smith", "Europe", "Live_In")]
    raw = [t.text for t in spacy.blank("en")(doc.text)]
    assert raw == [t.text for t in doc]


def test_wrong_top_level_structure_is_an_error():
    with pytest.raises(ConversionError, match="expected a list"):
        convert(read_conll04, FEWREL)
    with pytest.raises(ConversionError, match="Unknown format 'tacred'"):
        read_docs(SEMEVAL, "tacred", ConversionReport())


@pytest.mark.parametrize(
    "file_format,path,options",
    [("semeval", SEMEVAL, {}), ("fewrel", FEWREL, {"label_names": {"P177": "crosses", "P364": "language"}}),
     ("opennre", WIKI80, {}), ("spacy-llm", SPACY_LLM, {}), ("conll04", CONLL04, {})],
)
def test_docbin_round_trip_keeps_relations(file_format, path, options):
    docs = list(read_docs(path, file_format, ConversionReport(), **options))
    doc_bin = DocBin(store_user_data=True, docs=docs)
    restored = list(DocBin().from_bytes(doc_bin.to_bytes()).get_docs(spacy.blank("en").vocab))
    assert [triples(doc) for doc in restored] == [triples(doc) for doc in docs]
    assert [ents(doc) for doc in restored] == [ents(doc) for doc in docs]
    assert [doc.user_data.get(SOURCE_ID_KEY) for doc in restored] == [doc.user_data.get(SOURCE_ID_KEY) for doc in docs]


def test_cli_writes_readable_docbin(tmp_path):
    output = tmp_path / "corpus" / "fewrel.spacy"
    args = ["convert", str(FEWREL), str(output), "--format", "fewrel", "--label-names", str(PID2NAME)]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "written" in result.output
    docs = list(DocBin().from_disk(output).get_docs(spacy.blank("en").vocab))
    assert len(docs) == 6
    assert triples(docs[0]) == [("Cape Girardeau Bridge", "Mississippi River", "crosses")]


@pytest.mark.parametrize(
    "args,message",
    [
        (["{tmp}/missing.txt", "{tmp}/out.spacy", "--format", "semeval"], "does not exist"),
        ([str(SEMEVAL), "{tmp}/out.spacy", "--format", "tacred"], "Unknown format"),
        ([str(SEMEVAL), "{tmp}/out.spacy", "--format", "opennre"], "Nothing was converted"),
        (
            [str(SEMEVAL), "{tmp}/out.spacy", "--format", "semeval", "--label-names", str(PID2NAME)],
            "only apply to the fewrel",
        ),
    ],
)
def test_cli_fails_clearly(tmp_path, args, message):
    result = CliRunner().invoke(app, ["convert"] + [arg.format(tmp=tmp_path) for arg in args])
    assert result.exit_code != 0
    assert message in " ".join(result.output.split())  # wasabi wraps long messages
    assert not (tmp_path / "out.spacy").exists()


@pytest.mark.parametrize(
    "file_format,binary_message,empty_message",
    [
        ("semeval", "is not UTF-8 text", "holds no records"),
        ("opennre", "is not UTF-8 text", "holds no records"),
        ("spacy-llm", "is not UTF-8 text", "holds no records"),
        ("fewrel", "is not valid JSON", "is not valid JSON"),
        ("conll04", "is not valid JSON", "is not valid JSON"),
    ],
)
def test_cli_binary_and_empty_files_fail_clearly(tmp_path, file_format, binary_message, empty_message):
    binary, empty = tmp_path / "model.bin", tmp_path / "empty.txt"
    binary.write_bytes(bytes(range(256)) * 4)
    empty.write_text("")
    for path, message in ((binary, binary_message), (empty, empty_message)):
        result = CliRunner().invoke(app, ["convert", str(path), str(tmp_path / "out.spacy"), "--format", file_format])
        output = " ".join(result.output.split())
        assert result.exit_code == 1 and message in output, output
        assert "records converted" not in output and isinstance(result.exception, SystemExit)  # a message, no crash
        assert not (tmp_path / "out.spacy").exists()


@pytest.mark.parametrize(
    "file_format,relative,expected",
    [
        ("semeval", "semeval2010_task8/TRAIN_FILE.TXT", 8000),
        ("semeval", "semeval2010_task8/TEST_FILE_FULL.TXT", 2717),
        ("fewrel", "fewrel/val_wiki.json", 11200),
        ("opennre", "wiki80/dev.txt", 5600),
        ("conll04", "conll04/conll04_train.json", 922),
        ("conll04", "conll04/conll04_dev.json", 231),
        ("conll04", "conll04/conll04_test.json", 288),
    ],
)
def test_real_data_converts(file_format, relative, expected, shared_data):
    """Reads ../shared/data: every record of the real files is read, and converted unless skipped for a reason."""
    report = ConversionReport(relative)
    docs = list(read_docs(shared_data / relative, file_format, report))
    print(f"{relative}: read {report.read}, written {report.written}, skipped {dict(report.skipped)}")
    assert report.read == expected
    assert report.written == len(docs) == report.read - report.total_skipped
    assert all(doc._.relations for doc in docs)
