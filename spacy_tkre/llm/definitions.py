"""Relation definitions for prompts, read from a file (a config can also give them inline).

Both tasks tell the LLM what a label means (TKRE's explanation prompt and the diverse-generation method's
"explanation of the relation"). Labels like ``P177`` or ``Cause-Effect(e2,e1)`` mean little on their own.
"""
from pathlib import Path
from typing import Dict, Union

import srsly
from spacy_llm.registry import registry

Definitions = Dict[str, str]


def read_definitions(path: Union[str, Path]) -> Definitions:
    """``{label: definition}``, or FewRel's ``pid2name.json`` (``{id: [name, description]}``), where a definition is
    reachable by id and by name, because converted FewRel data may be labelled either way."""
    try:
        data = srsly.read_json(path)
    except (ValueError, OSError) as error:
        raise ValueError(f"Cannot read relation definitions from {path} ({error}): give a JSON object.") from None
    if not isinstance(data, dict):
        raise ValueError(f"{path} holds a JSON {type(data).__name__}; definitions are an object {{label: text}}.")
    definitions: Definitions = {}
    for label, value in data.items():
        if isinstance(value, str):
            definitions[label] = value
        elif isinstance(value, list) and len(value) == 2 and all(isinstance(part, str) for part in value):
            name, description = value
            definitions[label] = definitions[name] = f"{name}: {description}"
        else:
            raise ValueError(f"{path}: the definition of {label!r} is {value!r}; expected a string or [name, description].")
    return definitions


@registry.llm_misc("spacy_tkre.LabelDefinitions.v1")
def make_label_definitions(path: str) -> Definitions:
    """Relation definitions read from ``path`` (see ``read_definitions``), for a task's ``label_definitions``."""
    return read_definitions(path)
