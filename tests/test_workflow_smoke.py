"""`spacy project run smoke`: the main job's chain (sample -> explain -> synthesize -> pretrain -> train -> selftrain
-> evaluate -> package) on a two-label slice of SemEval with the embedded SmolLM2 and MiniLM, so the workflow cannot rot.

Runs in a temporary copy of the project (project.yml and configs/), reading SemEval from ../shared/data. A few
minutes on 2 cores; CI=true turns missing data into a failure.
"""
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = ROOT.parent / "shared" / "data"


def test_smoke_workflow(tmp_path):
    if not (SHARED_DATA / "semeval2010_task8" / "TRAIN_FILE.TXT").is_file():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{SHARED_DATA} has no SemEval-2010 Task 8: the smoke workflow needs it in CI")
        pytest.skip(f"{SHARED_DATA} has no SemEval-2010 Task 8")
    project = tmp_path / "project"
    project.mkdir()
    shutil.copy(ROOT / "project.yml", project)
    shutil.copytree(ROOT / "configs", project / "configs")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
           "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    result = subprocess.run(
        [sys.executable, "-m", "spacy", "project", "run", "smoke", str(project), f"--vars.shared_data={SHARED_DATA}"],
        env=env, capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    run = project / "training" / "smoke" / "training" / "tkre"
    support = run / "train" / "support.spacy"
    assert support.is_file() and (run / "train" / "synthetic.spacy").is_file()
    assert (run / "explanations.jsonl").is_file()
    assert (run / "encoder" / "final" / "config.json").is_file()
    assert (run / "selftrain" / "pseudo.spacy").is_file() and (run / "pipeline_selftrain" / "model-last").is_dir()
    metrics = json.loads((run / "metrics.json").read_text())
    assert 0.0 <= metrics["rel_macro_f"] <= 1.0
    wheels = list((project / "training" / "smoke" / "packages").glob("*/dist/*.whl"))
    assert [wheel.name for wheel in wheels] == ["en_tkre_smoke-0.1.0-py3-none-any.whl"]
