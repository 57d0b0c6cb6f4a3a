"""Relation definitions from files: plain mappings and FewRel's pid2name.json."""
import pytest
import srsly

from spacy_tkre.llm.definitions import read_definitions


def test_plain_and_pid2name_definitions(tmp_path):
    srsly.write_json(tmp_path / "plain.json", {"works_for": "the head is employed by the tail"})
    assert read_definitions(tmp_path / "plain.json") == {"works_for": "the head is employed by the tail"}
    srsly.write_json(tmp_path / "pid2name.json", {"P17": ["country", "sovereign state of this item"]})
    definitions = read_definitions(tmp_path / "pid2name.json")
    assert definitions["P17"] == definitions["country"] == "country: sovereign state of this item"


def test_bad_definition_files_name_the_problem(tmp_path):
    srsly.write_json(tmp_path / "list.json", ["a"])
    with pytest.raises(ValueError, match="JSON list"):
        read_definitions(tmp_path / "list.json")
    srsly.write_json(tmp_path / "bad.json", {"P17": 3})
    with pytest.raises(ValueError, match="P17"):
        read_definitions(tmp_path / "bad.json")
    with pytest.raises(ValueError, match="Cannot read"):
        read_definitions(tmp_path / "missing.json")


def test_registered_reader_for_configs(tmp_path):
    from spacy_llm.registry import registry

    srsly.write_json(tmp_path / "d.json", {"r": "text"})
    resolved = registry.resolve({"d": {"@llm_misc": "spacy_tkre.LabelDefinitions.v1", "path": str(tmp_path / "d.json")}})
    assert resolved["d"] == {"r": "text"}
