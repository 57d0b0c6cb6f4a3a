"""Reading DocBins for the commands: a file that cannot be read ends the command with its message."""
from pathlib import Path
from typing import List

from spacy.tokens import Doc
from wasabi import msg

from ..docbins import read_docbin


def read_docbin_or_exit(path: Path) -> List[Doc]:
    try:
        return read_docbin(path)
    except ValueError as error:
        msg.fail(str(error), exits=1)
