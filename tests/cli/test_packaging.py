"""A saved or packaged pipeline loads in a fresh process without importing spacy_tkre (entry points), and the
packaged one installs from the package command's output folder alone."""
import json
import os
import site
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

import spacy_tkre

REPO = Path(__file__).resolve().parents[2]

PREDICT = """
import json, sys
import spacy
assert "spacy_tkre" not in sys.modules
nlp = spacy.load({target!r})
doc = nlp.make_doc("Alice works for Acme in Paris .")
doc.ents = [doc.char_span(0, 5, label="PER"), doc.char_span(16, 20, label="ORG"), doc.char_span(24, 29, label="LOC")]
doc = nlp(doc)
assert sys.modules["spacy_tkre"].__file__.startswith({code_in!r}), sys.modules["spacy_tkre"].__file__
print(json.dumps(sorted([r.head.text, r.tail.text, r.label] for r in doc._.relations)))
"""


@pytest.fixture(scope="module")
def trained(tiny_encoder_dir, tmp_path_factory, train_tiny):
    nlp, examples = train_tiny(tiny_encoder_dir, steps=40)
    path = tmp_path_factory.mktemp("pipeline") / "tiny_tkre"
    nlp.meta["name"] = "tiny_tkre"
    nlp.to_disk(path)
    return nlp, path, examples


def run_predict(python, target, env=None, code_in=""):
    script = PREDICT.format(target=str(target), code_in=code_in)
    cwd = code_in or None  # not the repository, whose spacy_tkre `python -c` would import first
    out = subprocess.run([python, "-c", script], capture_output=True, text=True, check=False, env=env, cwd=cwd)
    assert out.returncode == 0, out.stderr
    return [tuple(item) for item in json.loads(out.stdout.strip().splitlines()[-1])]


def test_saved_pipeline_loads_in_fresh_process(trained, triples):
    nlp, path, examples = trained
    expected = triples(nlp(examples[0].predicted.copy()))
    assert expected == [("Acme", "Paris", "based_in"), ("Alice", "Acme", "works_for")]
    assert run_predict(sys.executable, path) == expected


def test_packaged_wheel_installs_and_predicts(trained, tmp_path, triples):
    """What the README says: `python -m spacy_tkre package`, then `pip install --find-links packages NAME` in a new
    venv. The venv sees the running environment's site-packages (venv or system Python alike) for the public
    dependencies, so the install runs offline with --no-deps; the pin to this spacy_tkre is checked in the wheel."""
    nlp, path, examples = trained
    packages = tmp_path / "packages"
    env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}  # the venv's own spacy_tkre only
    command = [sys.executable, "-m", "spacy_tkre", "package", str(path), str(packages), "--version", "0.0.1"]
    result = subprocess.run(command, capture_output=True, text=True, env={**env, "PYTHONPATH": str(REPO)})
    assert result.returncode == 0, result.stdout + result.stderr
    wheels = sorted(wheel.name for wheel in packages.glob("*.whl"))
    assert wheels == ["en_tiny_tkre-0.0.1-py3-none-any.whl", f"spacy_tkre-{spacy_tkre.__version__}-py3-none-any.whl"]
    with zipfile.ZipFile(packages / wheels[0]) as wheel:
        metadata = wheel.read("en_tiny_tkre-0.0.1.dist-info/METADATA").decode()
    assert f"Requires-Dist: spacy_tkre=={spacy_tkre.__version__}" in metadata.splitlines()
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    python = str(env_dir / "bin" / "python")
    inner_site = subprocess.run([python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                                capture_output=True, text=True, check=True).stdout.strip()
    Path(inner_site, "outer_site_packages.pth").write_text("\n".join(site.getsitepackages()) + "\n")
    install = [python, "-m", "pip", "install", "--quiet", "--no-index", "--no-deps", "--ignore-installed",
               "--find-links", str(packages), "en_tiny_tkre", "spacy_tkre"]
    subprocess.run(install, check=True, env=env)
    expected = triples(nlp(examples[0].predicted.copy()))
    assert run_predict(python, "en_tiny_tkre", env=env, code_in=str(env_dir)) == expected
