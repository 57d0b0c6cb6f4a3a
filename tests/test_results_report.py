"""Results records and the report: mean ± std over seeds, Markdown table, PNG plot, clear errors."""
import json

import pytest
from typer.testing import CliRunner

from spacy_tkre.cli import app
from spacy_tkre.results import append_record, make_record, read_records


def test_records_append_and_report(tmp_path):
    results = tmp_path / "results.jsonl"
    for seed, f in ((13, 0.5), (21, 0.7)):
        append_record(results, make_record("semeval", "finetune", {"rel_macro_f": f}, 1.0, k=8, seed=seed))
    append_record(results, make_record("semeval", "finetune", {"rel_macro_f": 0.8}, 1.0, k=16, seed=13))
    records = read_records([results])
    assert len(records) == 3 and {"package_version", "git_commit", "wall_time", "timestamp"} <= set(records[0])
    plot, table = tmp_path / "plot.png", tmp_path / "table.md"
    result = CliRunner().invoke(app, ["report", str(results), "--markdown", str(table), "--plot", str(plot)])
    assert result.exit_code == 0, result.output
    text = table.read_text()
    assert "| semeval | finetune | 8 | 60.00 ± 14.14 | 2 |" in text
    assert "| semeval | finetune | 16 | 80.00 ± 0.00 | 1 |" in text
    assert plot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_broken_line_names_file_and_line(tmp_path):
    results = tmp_path / "results.jsonl"
    results.write_text(json.dumps({"dataset": "x"}) + "\n{not json\n")
    with pytest.raises(ValueError, match="line 2: not a JSON record"):
        read_records([results])
    result = CliRunner().invoke(app, ["report", str(results)])
    assert result.exit_code == 1


def test_missing_metric_fails(tmp_path):
    results = tmp_path / "results.jsonl"
    append_record(results, make_record("semeval", "finetune", {"rel_micro_f": 0.5}, 1.0, k=8, seed=13))
    result = CliRunner().invoke(app, ["report", str(results), "--metric", "rel_macro_f"])
    assert result.exit_code == 1 and "has the metric 'rel_macro_f'" in " ".join(result.output.split())


def test_n_way_results_are_not_pooled(tmp_path):
    results = tmp_path / "results.jsonl"
    for n_way, accuracy in ((5, 0.4), (10, 0.2)):
        append_record(results, make_record("val_wiki", "encoder", {"accuracy": accuracy}, 1.0, k=1, seed=0, n_way=n_way))
    table = tmp_path / "table.md"
    result = CliRunner().invoke(app, ["report", str(results), "--metric", "accuracy", "--markdown", str(table)])
    assert result.exit_code == 0, result.output
    assert "| val_wiki | encoder 5-way | 1 | 40.00 ± 0.00 | 1 |" in table.read_text()
    assert "| val_wiki | encoder 10-way | 1 | 20.00 ± 0.00 | 1 |" in table.read_text()
