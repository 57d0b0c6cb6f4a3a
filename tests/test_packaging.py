"""A saved or packaged pipeline loads in a fresh process without importing spacy_tkre (entry points)."""
import json
import subprocess
import sys
import venv

import pytest

PREDICT = """
import json, sys
import spacy
assert "spacy_tkre" not in sys.modules
nlp = spacy.load({target!r})
doc = nlp.make_doc("Alice works for Acme in Paris .")
doc.ents = [doc.char_span(0, 5, label="PER"), doc.char_span(16, 20, label="ORG"), doc.char_span(24, 29, label="LOC")]
doc = nlp(doc)
print(json.dumps(sorted([r.head.text, r.tail.text, r.label] for r in doc._.relations)))
"""


@pytest.fixture(scope="module")
def trained(tiny_encoder_dir, tmp_path_factory, train_tiny):
    nlp, examples = train_tiny(tiny_encoder_dir, steps=40)
    path = tmp_path_factory.mktemp("pipeline") / "tiny_tkre"
    nlp.meta["name"] = "tiny_tkre"
    nlp.to_disk(path)
    return nlp, path, examples


def run_predict(python, target):
    out = subprocess.run([python, "-c", PREDICT.format(target=str(target))], capture_output=True, text=True, check=False)
    assert out.returncode == 0, out.stderr
    return [tuple(item) for item in json.loads(out.stdout.strip().splitlines()[-1])]


def test_saved_pipeline_loads_in_fresh_process(trained, triples):
    nlp, path, examples = trained
    expected = triples(nlp(examples[0].predicted.copy()))
    assert expected == [("Acme", "Paris", "based_in"), ("Alice", "Acme", "works_for")]
    assert run_predict(sys.executable, path) == expected


def test_packaged_wheel_installs_and_predicts(trained, tmp_path, triples):
    nlp, path, examples = trained
    packages = tmp_path / "packages"
    packages.mkdir()
    subprocess.run(
        [sys.executable, "-m", "spacy", "package", str(path), str(packages), "--build", "wheel", "--force"],
        check=True, capture_output=True,
    )
    wheels = list(packages.glob("*/dist/*.whl"))
    assert len(wheels) == 1, wheels
    env_dir = tmp_path / "venv"
    venv.create(env_dir, system_site_packages=True, with_pip=True)
    python = str(env_dir / "bin" / "python")
    subprocess.run([python, "-m", "pip", "install", "--quiet", "--no-deps", str(wheels[0])], check=True)
    expected = triples(nlp(examples[0].predicted.copy()))
    assert run_predict(python, "en_tiny_tkre") == expected
