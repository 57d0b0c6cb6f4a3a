"""FewRel episodes: prototype classification, confidence interval, bad settings, and the command end to end."""
import json

import numpy
import pytest
from typer.testing import CliRunner

from spacy_tkre.cli import app
from spacy_tkre.episodes import draw_episodes, run_episodes, score_episodes

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
    results = tmp_path / "results.jsonl"
    result = CliRunner().invoke(app, ["episodes", str(tiny_encoder_dir), FIXTURE, "--setting", "2-1", "--setting", "2-2",
                                      "--queries", "1", "--episodes", "20", "--results", str(results),
                                      "--variant", "tiny", "--pooling", "spans", "--no-mark-entities"])
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in results.read_text().splitlines()]
    assert [(r["n_way"], r["k"], r["episodes"], r["variant"], r["pooling"]) for r in records] == [
        (2, 1, 20, "tiny", "spans"), (2, 2, 20, "tiny", "spans")]
    assert all(0.0 <= r["metrics"]["accuracy"] <= 1.0 for r in records) and records[0]["encoded_docs"] == 6


def test_only_the_drawn_docs_are_needed():
    labels = [f"P{c}" for c in range(10) for _ in range(50)]
    drawn = draw_episodes(labels, n_way=2, k_shot=1, queries=1, episodes=3, seed=0)
    used = sorted(drawn.used_rows())
    assert len(used) <= 12
    vectors = numpy.full((len(labels), 2), numpy.nan)
    vectors[used] = numpy.eye(10)[[int(labels[row][1:]) for row in used]][:, :2] + 1.0
    assert not numpy.isnan(score_episodes(vectors, drawn).accuracy)


def test_several_poolings_share_one_encoding_and_equal_separate_runs(tiny_encoder_dir, tmp_path):
    def run(*poolings):
        results = tmp_path / f"{len(poolings)}.jsonl"
        args = ["episodes", str(tiny_encoder_dir), FIXTURE, "--setting", "2-1", "--episodes", "30", "--results", str(results),
                "--mark-entities"]
        result = CliRunner().invoke(app, args + [arg for p in poolings for arg in ("--pooling", p)])
        assert result.exit_code == 0, result.output
        return {r["pooling"]: r["metrics"]["accuracy"] for r in map(json.loads, results.read_text().splitlines())}

    together = run("context", "markers+spans")
    assert together == {**run("context"), **run("markers+spans")}


def test_a_malformed_setting_is_refused():
    result = CliRunner().invoke(app, ["episodes", "all-MiniLM-L6-v2", FIXTURE, "--setting", "5x1"])
    assert result.exit_code != 0 and "is not N-K" in result.output
