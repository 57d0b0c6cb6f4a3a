"""The entity-type schema the LLM commands validate samples against: the types seen in the support set, with a
schema file's entries (``--schema``) taking precedence."""
from pathlib import Path
from typing import Dict, List, Optional

from wasabi import msg

from ..candidates import Schema
from ..llm.validation import schema_from_samples
from ..schema import read_schema, schema_types


def support_schema(gold: Dict[str, List], schema_path: Optional[Path]) -> Schema:
    """Exits with the file's problem named when ``schema_path`` is not a valid schema file."""
    schema = schema_from_samples([sample for samples in gold.values() for sample in samples])
    if schema_path is not None:
        try:
            schema.update(schema_types(read_schema(schema_path)))
        except ValueError as error:
            msg.fail(str(error), exits=1)
    return schema
