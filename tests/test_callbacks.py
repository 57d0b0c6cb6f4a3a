"""A run shorter than eval_frequency is evaluated at its last step, so model-best is a trained model."""
import os
import subprocess
import sys
from pathlib import Path

import spacy
from spacy.tokens import DocBin

from spacy_tkre.callbacks import make_evaluate_last_step

CONFIG = Path(__file__).resolve().parents[1] / "configs" / "semeval_cpu.cfg"


def test_short_run_is_evaluated_at_its_last_step():
    nlp = spacy.blank("en", config={"training": {"max_steps": 30, "eval_frequency": 250}})
    make_evaluate_last_step()(nlp)
    assert nlp.config["training"]["eval_frequency"] == 30
    nlp = spacy.blank("en", config={"training": {"max_steps": 0, "eval_frequency": 250}})  # a full run: unchanged
    make_evaluate_last_step()(nlp)
    assert nlp.config["training"]["eval_frequency"] == 250


def test_spacy_train_with_the_semeval_config_saves_the_last_step_as_best(tiny_encoder_dir, tmp_path, train_examples):
    docs = [eg.reference for eg in train_examples(spacy.blank("en"))]
    DocBin(docs=docs, store_user_data=True).to_disk(tmp_path / "train.spacy")
    command = [
        sys.executable, "-m", "spacy", "train", str(CONFIG), "--output", str(tmp_path / "out"),
        "--paths.train", str(tmp_path / "train.spacy"), "--paths.dev", str(tmp_path / "train.spacy"),
        "--paths.encoder", str(tiny_encoder_dir), "--training.max_steps", "3", "--training.max_epochs", "0",
        "--components.tkre_relation_extractor.negative_label", "no_relation",
        "--components.tkre_relation_extractor.model.classifier.hidden_width", "16",
    ]
    result = subprocess.run(command, capture_output=True, text=True, env=os.environ)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "max_steps (3) is below eval_frequency (250)" in " ".join(result.stdout.split())
    steps = [line.split()[1] for line in result.stdout.splitlines() if line.strip()[:1].isdigit()]
    assert steps == ["0", "3"], result.stdout  # the score table's rows: step 0 and the last step
    saved = spacy.util.load_config(tmp_path / "out" / "model-best" / "config.cfg")
    assert saved["training"]["eval_frequency"] == 3
