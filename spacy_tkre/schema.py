"""A relation schema file: per label the entity types its head and tail may have and what the label means.

One file tells synthesis which types to write and validate, and tells the LLM prompts what a label means (names
like ``Pos-Reg`` or ``Cause-Effect(e2,e1)`` mean little on their own). JSON or YAML::

    {"Regulates": {"head": ["GGP"], "tail": ["GGP"], "definition": "the head controls the tail's activity"}}

``head``/``tail`` may be one type or a list; an empty list (or a missing key) allows any type.
"""
from pathlib import Path
from typing import Any, Dict, List, Union

import srsly
from spacy.util import registry

from .candidates import Schema

SchemaFile = Dict[str, Dict[str, Any]]
KEYS = ("head", "tail", "definition")


def read_schema(path: Union[str, Path]) -> SchemaFile:
    """The schema at ``path`` (``.json``, ``.yml`` or ``.yaml``) as ``{label: {"head": [..], "tail": [..],
    "definition": str}}``, with a message naming the label and the fix when an entry is malformed."""
    path = Path(path)
    try:
        data = srsly.read_yaml(path) if path.suffix in (".yml", ".yaml") else srsly.read_json(path)
    except (ValueError, OSError) as error:
        raise ValueError(f"Cannot read the relation schema {path} ({error}): give a JSON or YAML file.") from None
    if not isinstance(data, dict) or not data:
        raise ValueError(f"{path} holds no schema: give an object {{label: {{\"head\": [types], \"tail\": [types], \"definition\": text}}}}.")
    return {str(label): _entry(path, str(label), entry) for label, entry in data.items()}


def _entry(path: Path, label: str, entry: Any) -> Dict[str, Any]:
    if not isinstance(entry, dict):
        raise ValueError(f"{path}: the entry of {label!r} is {entry!r}; expected an object with head, tail and definition.")
    unknown = sorted(set(entry) - set(KEYS))
    if unknown:
        raise ValueError(f"{path}: the entry of {label!r} has unknown keys {unknown}; allowed: {list(KEYS)}.")
    types: Dict[str, List[str]] = {}
    for side in ("head", "tail"):
        value = entry.get(side) or []
        value = [value] if isinstance(value, str) else value
        if not isinstance(value, list) or not all(isinstance(name, str) for name in value):
            raise ValueError(f"{path}: {label!r} {side} is {value!r}; give an entity type or a list of them.")
        types[side] = value
    definition = entry.get("definition", "")
    if not isinstance(definition, str):
        raise ValueError(f"{path}: the definition of {label!r} is {definition!r}; give a text.")
    return {**types, "definition": definition}


def schema_types(schema: SchemaFile) -> Schema:
    """``{label: {"head": [..], "tail": [..]}}``: what candidates and sample validation check."""
    return {label: {"head": entry["head"], "tail": entry["tail"]} for label, entry in schema.items()}


def schema_definitions(schema: SchemaFile) -> Dict[str, str]:
    """``{label: definition}`` for the labels that have one: what the LLM prompts show."""
    return {label: entry["definition"] for label, entry in schema.items() if entry["definition"]}


@registry.misc("spacy_tkre.schema_definitions.v1")
def make_schema_definitions(path: str) -> Dict[str, str]:
    """The label definitions of a schema file, for an LLM task's ``label_definitions``."""
    return schema_definitions(read_schema(path))
