"""Converters from relation-extraction data sets to spaCy Docs with ``doc.ents`` and ``doc._.relations``.

Each ``read_<format>(path, report, ...)`` yields Docs lazily and fills a ``ConversionReport``;
``read_docs`` picks the reader by format name, as the ``convert`` command does.
"""
from pathlib import Path
from typing import Dict, Iterator, Optional, Union

from spacy.tokens import Doc

from ..annotation import DEFAULT_NEGATIVE_LABEL
from .conll04 import read_conll04
from .fewrel import load_label_names, read_fewrel
from .opennre import read_opennre
from .prodigy import LabelMap, read_prodigy
from .report import ConversionError, ConversionReport, SkipRecord
from .semeval import read_semeval
from .spacy_llm import read_spacy_llm

FORMATS = {
    "semeval": read_semeval,
    "fewrel": read_fewrel,
    "opennre": read_opennre,
    "spacy-llm": read_spacy_llm,
    "conll04": read_conll04,
    "prodigy": read_prodigy,
}
FORMATS_WITH_NEGATIVES = ("semeval", "opennre")


def read_docs(
    path: Union[str, Path],
    file_format: str,
    report: ConversionReport,
    *,
    negative_label: str = DEFAULT_NEGATIVE_LABEL,
    label_names: Optional[Dict[str, str]] = None,
    label_map: Optional[LabelMap] = None,
) -> Iterator[Doc]:
    """Read ``path`` in ``file_format``.

    ``negative_label`` applies to the formats with negatives, ``label_names`` only to FewRel, ``label_map`` only to
    Prodigy.
    """
    if file_format not in FORMATS:
        raise ConversionError(f"Unknown format {file_format!r}: choose one of {', '.join(FORMATS)}.")
    if not Path(path).is_file():
        raise ConversionError(f"Input file {path} does not exist or is not a file: check the path.")
    options = {}
    if file_format in FORMATS_WITH_NEGATIVES:
        options["negative_label"] = negative_label
    if label_names is not None:
        if file_format != "fewrel":
            raise ConversionError(
                f"Label names only apply to the fewrel format, not {file_format}: drop --label-names."
            )
        options["label_names"] = label_names
    if label_map is not None:
        if file_format != "prodigy":
            raise ConversionError(f"A label map only applies to the prodigy format, not {file_format}: drop --label-map.")
        options["label_map"] = label_map
    return FORMATS[file_format](path, report, **options)


__all__ = [
    "FORMATS",
    "ConversionError",
    "ConversionReport",
    "SkipRecord",
    "load_label_names",
    "read_conll04",
    "read_docs",
    "read_fewrel",
    "read_opennre",
    "read_prodigy",
    "read_semeval",
    "read_spacy_llm",
]
