"""Relation schema files (JSON/YAML: head/tail entity types and definitions) and the warm-up share schedule."""
import itertools
import json
from pathlib import Path

import pytest
import srsly
from spacy.util import registry

from spacy_tkre.schema import read_schema, schema_definitions, schema_types

SEMEVAL_SCHEMA = Path(__file__).resolve().parents[1] / "configs" / "schema_semeval.json"


def test_json_and_yaml_schemas_read_alike(tmp_path):
    data = {"Regulates": {"head": "GGP", "tail": ["GGP"], "definition": "the head controls the tail"}, "Binds": {}}
    (tmp_path / "schema.json").write_text(json.dumps(data), encoding="utf8")
    srsly.write_yaml(tmp_path / "schema.yml", data)
    for name in ("schema.json", "schema.yml"):
        schema = read_schema(tmp_path / name)
        assert schema_types(schema) == {"Regulates": {"head": ["GGP"], "tail": ["GGP"]}, "Binds": {"head": [], "tail": []}}
        assert schema_definitions(schema) == {"Regulates": "the head controls the tail"}


@pytest.mark.parametrize(
    "entry, message",
    [("GGP", "expected an object"), ({"head": 3}, "give an entity type"), ({"tails": ["GGP"]}, "unknown keys"),
     ({"definition": ["x"]}, "give a text")],
)
def test_malformed_entries_name_the_label(tmp_path, entry, message):
    path = tmp_path / "schema.json"
    path.write_text(json.dumps({"Binds": entry}), encoding="utf8")
    with pytest.raises(ValueError, match=message):
        read_schema(path)


def test_registered_definitions_read_the_project_schema():
    definitions = registry.resolve({"d": {"@misc": "spacy_tkre.schema_definitions.v1", "path": str(SEMEVAL_SCHEMA)}})["d"]
    assert len(definitions) == 18
    assert definitions["Cause-Effect(e1,e2)"].startswith("the head is a cause")


def test_warmup_share_schedule():
    schedule = registry.resolve({"s": {"@schedules": "spacy_tkre.warmup_linear_ratio.v1", "initial_rate": 1.0, "total_steps": 20}})["s"]
    rates = list(itertools.islice(schedule, 20))
    assert rates[:3] == [0.0, 0.5, 1.0]
    assert rates[2] > rates[10] > rates[19] > 0.0
    with pytest.raises(ValueError, match="warmup_ratio"):
        registry.resolve({"s": {"@schedules": "spacy_tkre.warmup_linear_ratio.v1", "initial_rate": 1.0, "total_steps": 20, "warmup_ratio": 1.5}})
