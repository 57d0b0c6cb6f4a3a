"""Reading DocBins for the commands, with a clear error for a file that is not a DocBin."""
from pathlib import Path
from typing import List

import spacy
from spacy.tokens import Doc, DocBin
from wasabi import msg


def read_docbin(path: Path) -> List[Doc]:
    """All docs of a .spacy file; exit with a message naming the file when it cannot be read."""
    try:
        return list(DocBin().from_disk(path).get_docs(spacy.blank("en").vocab))
    except Exception as error:  # DocBin raises several types for a damaged or foreign file
        msg.fail(f"Cannot read {path} as a spaCy DocBin (.spacy): {error}", exits=1)
