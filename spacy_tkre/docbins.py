"""Reading DocBins, with an error that names a file that is not a DocBin, and gathering several into one corpus folder."""
import shutil
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


def gather_docbins(output_dir: Union[str, Path], paths: List[Union[str, Path]]) -> None:
    """Copy .spacy files into an emptied folder, which ``spacy train`` reads as one corpus: a training set made of
    several DocBins (gold, synthetic, pseudo-labelled) whose makeup is a setting, with no file left over from a run
    of another makeup."""
    sources = [Path(path) for path in paths]
    missing = [str(path) for path in sources if not path.is_file() or path.suffix != ".spacy"]
    if missing:
        raise ValueError(f"Not .spacy files: {', '.join(missing)}")
    names = [path.name for path in sources]
    if len(set(names)) < len(names):
        raise ValueError(f"Two files of the same name would overwrite each other in {output_dir}: {names}")
    output = Path(output_dir)
    shutil.rmtree(output, ignore_errors=True)
    output.mkdir(parents=True)
    for path in sources:
        shutil.copy(path, output / path.name)
