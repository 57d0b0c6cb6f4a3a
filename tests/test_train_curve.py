"""bench.train_curve reads the dev scores of a spacy train console log and draws them."""
import typer
from typer.testing import CliRunner

from bench.train_curve import main, read_curve

LOG = """start Tue Dec  1 20:31:35 UTC 2026 max_steps=2000
\x1b[1m============================= Training pipeline =============================\x1b[0m
E    #       LOSS TRANS...  LOSS NER  LOSS TKRE_...  ENTS_F  REL_STRICT...  REL_STRICT...  SCORE 
---  ------  -------------  --------  -------------  ------  -------------  -------------  ------
  0       0         631.39    390.14           0.00    0.88           0.00           0.00    0.00
\u26a0 tkre_relation_extractor: training docs have gold entities but the
  3     200       47679.54  25577.48           0.44   69.92          25.36          22.78    0.25
 24    1400         417.53    117.05           0.02   80.62          60.55          61.60    0.61
\u2714 Saved pipeline to output directory
"""


def test_read_curve_keeps_evaluation_rows_and_first_of_repeated_names():
    curve = read_curve(LOG)
    assert curve["#"] == [0, 200, 1400]
    assert curve["ENTS_F"] == [0.88, 69.92, 80.62]
    assert curve["REL_STRICT..."] == [0.0, 25.36, 60.55]
    assert curve["SCORE"] == [0.0, 0.25, 0.61]


def test_cli_writes_json_and_png(tmp_path):
    log = tmp_path / "train.log"
    log.write_text(LOG, encoding="utf8")
    app = typer.Typer()
    app.command()(main)
    output = tmp_path / "curve.json"
    result = CliRunner().invoke(app, [str(log), "--label", "run", "--column", "ENTS_F", "--output", str(output)])
    assert result.exit_code == 0, result.output
    assert output.is_file() and output.with_suffix(".png").stat().st_size > 0
