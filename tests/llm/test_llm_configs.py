"""The shipped LLM configs: every block resolves, and the local config runs end to end on a tiny model."""
from pathlib import Path

import pytest
import srsly
from spacy import util
from spacy.util import registry
from typer.testing import CliRunner

from spacy_tkre.cli import app, explain, synthesize  # noqa: F401  (the command modules register themselves)

CONFIGS = Path(__file__).resolve().parents[2] / "configs"
NAMES = ["llm_local", "llm_openai", "llm_anthropic", "llm_endpoint"]


@pytest.mark.parametrize("name", NAMES)
def test_config_blocks_resolve(name):
    config = util.load_config(CONFIGS / f"{name}.cfg", interpolate=True)
    assert config["nlp"]["pipeline"] == ["synthesis", "explanation"]
    for component in ("synthesis", "explanation"):
        for part in ("task", "model", "cache"):
            registry.fill({"block": config["components"][component][part]}, validate=True)
    assert len(config["label_definitions"]) == 18


@pytest.mark.filterwarnings("ignore:A prompt of")
def test_local_config_runs_with_another_model_folder(support_dir, tiny_llama_dir):
    output, report = support_dir / "out.spacy", support_dir / "report.json"
    result = CliRunner().invoke(app, [
        "synthesize", str(CONFIGS / "llm_local.cfg"), str(support_dir / "support.spacy"), str(output),
        "--per-label", "2", "--max-prompts", "1", "--report", str(report),
        "--components.synthesis.model.path", str(tiny_llama_dir), "--components.synthesis.model.max_new_tokens", "8",
    ])
    assert result.exit_code == 0, result.output
    data = srsly.read_json(report)
    assert data["total"]["prompts"] == 2  # random weights write no valid sample: the shortfall is reported
    assert data["total"]["labels_short"] == ["lives_in", "works_for"]
    result = CliRunner().invoke(app, [
        "explain", str(CONFIGS / "llm_local.cfg"), str(support_dir / "support.spacy"), str(support_dir / "e.jsonl"),
        "--per-label", "1", "--components.explanation.model.path", str(tiny_llama_dir),
        "--components.explanation.model.max_new_tokens", "8",
    ])
    assert result.exit_code == 0, result.output


def test_missing_component_and_cache_path_are_explained(support_dir, tmp_path):
    result = CliRunner().invoke(app, ["synthesize", str(CONFIGS / "llm_local.cfg"), str(support_dir / "support.spacy"),
                                      str(tmp_path / "o.spacy"), "--component", "generator"])
    assert result.exit_code == 1 and "no component 'generator'" in " ".join(result.output.split())
    bare = tmp_path / "bare.cfg"
    bare.write_text((CONFIGS / "llm_local.cfg").read_text().replace("[paths]\ncache = null\n", "[paths]\n"))
    bare.write_text(bare.read_text().replace("${paths.cache}", "null"))
    result = CliRunner().invoke(app, ["synthesize", str(bare), str(support_dir / "support.spacy"), str(tmp_path / "o.spacy")])
    assert result.exit_code == 1 and "no `cache` under [paths]" in " ".join(result.output.split())
