"""The README's command blocks run as written, one after the other, from a copy of the repository's layout.

A block runs when the line before its fence is ``<!-- readme-test -->``; sections added later opt in with that
line. Every other block must be listed in ``NOT_RUN`` with the reason, so none is left out silently. The README's
own flags shorten the long commands (``SHORTER``): an option given again overrides the one written.
"""
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import List, NamedTuple

import pytest

REPO = Path(__file__).resolve().parents[1]
README = REPO / "README.md"
SHARED_DATA = REPO.parent / "shared" / "data"
MARKER = "<!-- readme-test -->"
FENCE = re.compile(r"^```(\w+)\n(.*?)^```", re.S | re.M)

SHORTER = {
    "python -m spacy_tkre split": "--dev-fraction 0.01",  # 80 dev docs to evaluate during training
    "python -m spacy train": "--training.max_steps 2",
    "python -m spacy_tkre evaluate": "--limit 50",
}
NOT_RUN = {
    "# main job": "installs packages and trains for a long time; tests/cli/test_packaging.py and the commands below "
    "cover its steps",
    "python -m spacy_tkre package": "builds two wheels and installs them in a new venv from the package index; "
    "tests/cli/test_packaging.py runs the same command and install on a tiny pipeline",
    "python -m spacy_tkre episodes": "encodes FewRel sentences with MiniLM for 1000 episodes (minutes); "
    "tests/test_episodes.py runs the command on a slice",
    "# (a) plain fine-tuning": "benchmarks: five seeds per K, hours on a CPU",
    "python -m spacy_tkre synthesize": "the local LLM writes samples for every label: tens of minutes on a CPU; "
    "tests/llm/test_llm_cli.py runs both commands on tiny data",
    "python -m spacy_tkre pretrain": "two pre-training stages and a training run: tens of minutes on a CPU",
    "python -m spacy_tkre pseudo-label": "needs a trained pipeline and unlabelled docs; tests/test_pseudo_labels.py "
    "runs the command on a tiny pipeline",
    "python -m spacy_tkre convert ../shared/data/rel_component": "runs the `own` workflow (LLM steps, pre-training, "
    "training: tens of minutes); tests/test_workflow_smoke.py runs the same chain on a slice",
    '{"Regulates"': "a schema file's contents, not a command (configs/schema_genia.json holds it)",
    "python -m spacy_tkre convert ../shared/data/conll04": "trains the CoNLL04 joint pipeline (tens of minutes); "
    "tests/test_joint_training.py runs both configs through spacy train on tiny data",
    "# the CoNLL04 extractor behind an entity_ruler": "needs the CoNLL04 pipeline the block before trains; "
    "tests/test_joint_label_map.py runs the same code on a tiny pipeline",
    "# 1. pairs from the gold support set": "DPO of the 135M generator: tens of minutes on a CPU; tests/test_dpo.py "
    "and tests/test_preference_pairs.py run the commands with a tiny model",
    "python -m bench.tkre_benchmark": "benchmarks: the K x seed x variant grid, hours on a CPU",
    'nlp = spacy.load("training/semeval/model-best")': "needs example docs of a label the pipeline lacks; "
    "tests/test_prototypes.py adds labels to a tiny pipeline in Python and with the command",
    "# K examples per label sampled": "the README's pipeline is trained on every SemEval label, so none is new; "
    "tests/test_prototypes.py runs the command on a tiny pipeline, bench/new_labels.py on SemEval",
}
LINKED = ["configs", "bench", "tests"]  # what the README's commands read from the repository


class Block(NamedTuple):
    language: str
    code: str
    line: int
    marked: bool

    @property
    def first_line(self) -> str:
        return self.code.strip().splitlines()[0]


def readme_blocks() -> List[Block]:
    text = README.read_text(encoding="utf8")
    blocks = []
    for match in FENCE.finditer(text):
        before = text[: match.start()].rstrip("\n").rsplit("\n", 1)[-1]
        line = text.count("\n", 0, match.start()) + 1
        blocks.append(Block(match.group(1), match.group(2), line, before.strip() == MARKER))
    return blocks


def shortened(script: str) -> str:
    """``script`` with continuation lines joined and the ``SHORTER`` flags added to the commands they name."""
    lines = []
    for line in script.replace("\\\n", " ").splitlines():
        for prefix, flags in SHORTER.items():
            if line.startswith(prefix + " "):
                command, hash_, comment = line.partition("  #")
                line = f"{command.rstrip()} {flags}" + (f"  {hash_}{comment}" if hash_ else "")
        lines.append(line)
    return "\n".join(lines)


def test_every_block_is_run_or_listed_with_a_reason():
    blocks = readme_blocks()
    unlisted = [
        f"line {b.line}: {b.first_line}" for b in blocks
        if not b.marked and not any(b.first_line.startswith(prefix) for prefix in NOT_RUN)
    ]
    assert not unlisted, f"README blocks neither marked {MARKER} nor listed in NOT_RUN: {unlisted}"
    stale = [p for p in NOT_RUN if not any(b.first_line.startswith(p) and not b.marked for b in blocks)]
    assert not stale, f"NOT_RUN names blocks that are gone or now run: {stale}"
    assert any(b.marked for b in blocks) and all(b.language in ("bash", "python") for b in blocks if b.marked)


def test_readme_blocks_run_in_order(tmp_path):
    if not SHARED_DATA.is_dir():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{SHARED_DATA} is missing: the README's commands read the data sets from it")
        pytest.skip("../shared/data is not present")
    project = tmp_path / "project"
    project.mkdir()
    for name in LINKED:
        (project / name).symlink_to(REPO / name)
    (tmp_path / "shared").symlink_to(SHARED_DATA.parent)  # ../shared/data, as seen from the project
    python_so_far = ""
    for block in (b for b in readme_blocks() if b.marked):
        if block.language == "python":  # python blocks continue one another, as in one session
            python_so_far += block.code + "\n"
            command = [sys.executable, "-c", python_so_far]
        else:
            command = ["bash", "-euo", "pipefail", "-c", shortened(block.code).replace("python ", f"{sys.executable} ")]
        result = subprocess.run(command, cwd=project, capture_output=True, text=True)
        assert result.returncode == 0, f"README line {block.line}:\n{block.code}\n{result.stdout}\n{result.stderr}"
    assert (project / "proposed_answers.txt").is_file() and (project / "f1_vs_k.png").is_file()
