"""Comparing synthesis runs: matched sets per label, the figures of each set, and the `compare-synthesis` command."""
import pytest
import spacy
import srsly
from spacy.tokens import DocBin
from typer.testing import CliRunner

from spacy_tkre.cli import app
from spacy_tkre.llm.diversity import diversity, self_bleu, similarity_to_reference
from spacy_tkre.llm.synthesis.compare import compare_runs

GOLD = [("Ann runs Acme .", "leads"), ("Bo joined Initech .", "member_of"), ("Cy saw Dee .", "met")]
RUN_A = [("Eve runs Globex .", "leads"), ("Eve runs Globex .", "leads"), ("Fay chairs Umbrella today .", "leads"),
         ("Gus joined Hooli .", "member_of")]
RUN_B = [("Hal heads Stark Industries .", "leads")]


def docs(annotated_doc, items):
    nlp = spacy.blank("en")
    made = []
    for text, label in items:
        head, tail = text.split()[0], text.split()[2]
        made.append(annotated_doc(nlp, text, [(head, "PER"), (tail, "ORG")], [(head, tail, label)]))
    return made


def test_runs_are_compared_on_the_first_samples_each_run_reached_per_label(annotated_doc):
    result = compare_runs(docs(annotated_doc, GOLD), {"a": docs(annotated_doc, RUN_A), "b": docs(annotated_doc, RUN_B)})
    assert result["matched_per_label"] == {"leads": 1, "member_of": 0}
    gold = ["Ann runs Acme .", "Bo joined Initech ."]  # only the labels the runs synthesized
    matched_a = result["matched"]["a"]
    assert matched_a == {"n": 1, **{k: diversity(["Eve runs Globex ."])[k] for k in ("distinct_1", "distinct_2")},
                         "self_bleu": None, "bleu_to_gold": similarity_to_reference(["Eve runs Globex ."], gold)["bleu_to_gold"]}
    all_a = result["all"]["a"]
    assert all_a["n"] == 4
    assert all_a["distinct_1"] == diversity([text for text, _ in RUN_A])["distinct_1"]
    # within "leads" only: the lone member_of sample has nothing to be compared with
    assert all_a["self_bleu"] == pytest.approx(self_bleu([text for text, label in RUN_A if label == "leads"]))


def test_command_writes_the_comparison_and_its_plot(annotated_doc, tmp_path):
    paths = {}
    for name, items in (("support", GOLD), ("a", RUN_A), ("b", RUN_B)):
        paths[name] = tmp_path / f"{name}.spacy"
        DocBin(docs=docs(annotated_doc, items), store_user_data=True).to_disk(paths[name])
    output, plot = tmp_path / "compare.json", tmp_path / "compare.png"
    result = CliRunner().invoke(app, ["compare-synthesis", str(paths["support"]), f"a={paths['a']}", f"b={paths['b']}",
                                      "--output", str(output), "--plot", str(plot)])
    assert result.exit_code == 0, result.output
    expected = compare_runs(docs(annotated_doc, GOLD), {"a": docs(annotated_doc, RUN_A), "b": docs(annotated_doc, RUN_B)})
    assert srsly.read_json(output) == srsly.json_loads(srsly.json_dumps(expected))
    assert plot.stat().st_size > 0 and "bleu_to_gold" in result.output
    unnamed = CliRunner().invoke(app, ["compare-synthesis", str(paths["support"]), str(paths["a"])])
    assert unnamed.exit_code == 1 and "NAME=OUTPUT.spacy" in unnamed.output
