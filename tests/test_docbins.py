"""gather_docbins: the folder a training step reads holds exactly the DocBins named, nothing left from before."""
import pytest
import spacy
from spacy.tokens import DocBin

from spacy_tkre.docbins import gather_docbins, read_docbin


def _docbin(path, *texts):
    nlp = spacy.blank("en")
    DocBin(docs=[nlp(text) for text in texts]).to_disk(path)
    return path


def test_gathers_only_the_files_named(tmp_path):
    gold = _docbin(tmp_path / "support.spacy", "a b", "c")
    synthetic = _docbin(tmp_path / "synthetic.spacy", "d")
    gather_docbins(tmp_path / "corpus", [gold, synthetic])
    assert sorted(p.name for p in (tmp_path / "corpus").iterdir()) == ["support.spacy", "synthetic.spacy"]
    gather_docbins(tmp_path / "corpus", [gold])  # a later run without the synthetic samples
    assert [p.name for p in (tmp_path / "corpus").iterdir()] == ["support.spacy"]
    assert [doc.text for doc in read_docbin(tmp_path / "corpus" / "support.spacy")] == ["a b", "c"]


def test_missing_file_and_name_clash_are_errors(tmp_path):
    gold = _docbin(tmp_path / "support.spacy", "a")
    with pytest.raises(ValueError, match="Not .spacy files: .*nowhere.spacy"):
        gather_docbins(tmp_path / "corpus", [gold, tmp_path / "nowhere.spacy"])
    (tmp_path / "other").mkdir()
    twin = _docbin(tmp_path / "other" / "support.spacy", "b")
    with pytest.raises(ValueError, match="same name"):
        gather_docbins(tmp_path / "corpus", [gold, twin])
