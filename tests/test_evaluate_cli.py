"""The evaluate command: official SemEval report, micro scores, JSON metrics, clear failure on an empty file."""
import json

from spacy.tokens import DocBin
from typer.testing import CliRunner

from spacy_tkre.cli import app


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
