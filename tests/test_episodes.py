"""FewRel episodes: prototype classification, confidence interval, bad settings, and the command end to end."""
import json

import numpy
import pytest
from typer.testing import CliRunner

from spacy_tkre.cli import app
from spacy_tkre.episodes import run_episodes

FIXTURE = "tests/fixtures/fewrel_val_wiki_slice.json"


def test_separable_clusters_are_classified_perfectly():
    rng = numpy.random.default_rng(0)
    centres = numpy.eye(4, 8) * 10
    labels = [f"P{c}" for c in range(4) for _ in range(6)]
    vectors = numpy.stack([centres[int(label[1])] + rng.normal(0, 0.1, 8) for label in labels])
    result = run_episodes(vectors, labels, n_way=3, k_shot=2, queries=2, episodes=50, seed=1)
    assert result.accuracy == 1.0 and result.ci95 == 0.0


def test_random_vectors_score_near_chance():
    rng = numpy.random.default_rng(0)
    labels = [f"P{c}" for c in range(5) for _ in range(40)]
    vectors = rng.normal(size=(len(labels), 16))
    result = run_episodes(vectors, labels, n_way=5, k_shot=1, queries=1, episodes=2000, seed=0)
    assert abs(result.accuracy - 0.2) < 3 * result.ci95 + 0.01
    assert result == run_episodes(vectors, labels, n_way=5, k_shot=1, queries=1, episodes=2000, seed=0)


def test_too_few_relations_is_a_clear_error():
    with pytest.raises(ValueError, match="need 5 relations with at least 2 examples; the data have 2"):
        run_episodes(numpy.zeros((4, 2)), ["a", "a", "b", "b"], n_way=5, k_shot=1, queries=1, episodes=1, seed=0)


def test_episodes_command_with_a_bare_encoder(tiny_encoder_dir, tmp_path):
    output = tmp_path / "result.json"
    result = CliRunner().invoke(app, ["episodes", str(tiny_encoder_dir), FIXTURE, "--n-way", "2", "--k-shot", "1",
                                      "--queries", "1", "--episodes", "20", "--output", str(output)])
    assert result.exit_code == 0, result.output
    record = json.loads(output.read_text())
    assert record["n_way"] == 2 and record["episodes"] == 20 and record["docs"] == 6
    assert 0.0 <= record["accuracy"] <= 1.0
