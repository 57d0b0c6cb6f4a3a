"""Reading DocBins, with an error that names a file that is not a DocBin."""
from pathlib import Path
from typing import List, Union

import spacy
from spacy.tokens import Doc, DocBin


def read_docbin(path: Union[str, Path]) -> List[Doc]:
    """All docs of a .spacy file, user data (``doc._.relations``) included."""
    try:
        return list(DocBin().from_disk(path).get_docs(spacy.blank("en").vocab))
    except Exception as error:  # DocBin raises several types for a damaged or foreign file
        raise ValueError(f"Cannot read {path} as a spaCy DocBin (.spacy): {error}") from error
