"""The evaluate command: official SemEval report, micro scores, JSON metrics, clear failure on an empty file."""
import json

import pytest

from spacy.tokens import DocBin
from typer.testing import CliRunner

from spacy_tkre.cli import app
from spacy_tkre.relations import relations_by_pair


def test_evaluate_prints_official_report_and_writes_metrics(tiny_encoder_dir, tmp_path, train_tiny):
    nlp, examples = train_tiny(tiny_encoder_dir, steps=60)
    nlp.to_disk(tmp_path / "model")
    DocBin(docs=[eg.reference for eg in examples], store_user_data=True).to_disk(tmp_path / "gold.spacy")
    output = tmp_path / "metrics.json"
    result = CliRunner().invoke(app, ["evaluate", str(tmp_path / "model"), str(tmp_path / "gold.spacy"), "--output", str(output)])
    assert result.exit_code == 0, result.output
    assert "macro-averaged F1 = 100.00%" in result.output
    metrics = json.loads(output.read_text())
    assert metrics["rel_macro_f"] == 1.0 and metrics["rel_micro_f"] == 1.0 and metrics["docs"] == 4
    assert metrics["rel_per_label"]["works_for"] == {"p": 1.0, "r": 1.0, "f": 1.0, "gold": 2}
    assert ["works_for", "works_for", 2] in metrics["rel_confusion"]


def test_evaluate_empty_file_fails_clearly(tiny_encoder_dir, tmp_path, train_tiny):
    nlp, _ = train_tiny(tiny_encoder_dir, steps=0)
    nlp.to_disk(tmp_path / "model")
    DocBin().to_disk(tmp_path / "empty.spacy")
    result = CliRunner().invoke(app, ["evaluate", str(tmp_path / "model"), str(tmp_path / "empty.spacy")])
    assert result.exit_code == 1 and "holds no docs to evaluate" in " ".join(result.output.split())


@pytest.mark.parametrize(
    "model,data,message",
    [
        ("no_model", "gold.spacy", "neither a folder nor an installed pipeline"),  # not spaCy's E050 traceback
        ("gold.spacy", "gold.spacy", "is a file: pass the pipeline's folder"),
        ("no_model", "gold.txt", "is not a .spacy file: convert the data first"),
    ],
)
def test_evaluate_bad_paths_fail_clearly(tmp_path, model, data, message):
    DocBin().to_disk(tmp_path / "gold.spacy")
    (tmp_path / "gold.txt").write_text("1\t\"text\"\n")
    result = CliRunner().invoke(app, ["evaluate", str(tmp_path / model), str(tmp_path / data)])
    output = " ".join(result.output.split())
    assert result.exit_code == 1 and message in output, output
    assert isinstance(result.exception, SystemExit)  # a message, no traceback


def test_evaluate_writes_official_answer_files(tiny_encoder_dir, tmp_path, train_tiny):
    nlp, examples = train_tiny(tiny_encoder_dir, steps=60)
    nlp.to_disk(tmp_path / "model")
    DocBin(docs=[eg.reference for eg in examples], store_user_data=True).to_disk(tmp_path / "gold.spacy")
    answers, key = tmp_path / "proposed.txt", tmp_path / "key.txt"
    args = ["evaluate", str(tmp_path / "model"), str(tmp_path / "gold.spacy"), "--answers", str(answers)]
    result = CliRunner().invoke(app, args + ["--answer-key", str(key)])
    assert result.exit_code == 0, result.output
    gold = [(str(number), label) for number, label in enumerate(sorted_gold_labels(examples), 1)]
    assert [tuple(line.split("\t")) for line in key.read_text().splitlines()] == gold
    assert answers.read_text() == key.read_text()  # the tiny model is perfect on its training docs
    scored = CliRunner().invoke(app, ["score-semeval", str(key), str(answers), "--any-label"])
    assert scored.exit_code == 0 and "macro-averaged F1 = 100.00%" in scored.output, scored.output


def sorted_gold_labels(examples):
    return [label for eg in examples for _, label in sorted(relations_by_pair(eg.reference).items())]
