"""Tests for the SemEval-2010 Task 8 scorer, the spaCy relation scorer and the ``score-semeval`` command.

The SemEval checks compare against the outputs of the official perl scorer shipped with the data set
(``scorer_examples/result_scoresN.txt``): the expected numbers are parsed from those files, never typed in.
"""
import re
from pathlib import Path
from typing import Dict, List, Tuple

import pytest
import spacy
from spacy.training import Example
from typer.testing import CliRunner

from spacy_tkre.cli import score_semeval as _score_semeval_command  # noqa: F401  (registers the command)
from spacy_tkre.cli.app import app
from spacy_tkre.scoring import SEMEVAL_LABELS, AnswerFileError, align_answers, format_report, make_relation_scorer
from spacy_tkre.scoring import read_answer_file, relation_type, score_answer_files, score_relations, score_semeval

EXAMPLE_NUMBERS = [1, 2, 3, 5]  # proposed_answer4.txt has no key: it is the format checker's bad example

BLOCK_TITLES = ("(2*9+1)-WAY", "IGNORING DIRECTIONALITY", "-- OFFICIAL")
LABEL_LINE = re.compile(
    r"^\s*(\S+) :\s+P = .*? = \s*([0-9.]+)%\s+R = .*? = \s*([0-9.]+)%\s+F1 = \s*([0-9.]+)%$"
)
MICRO_LINE = re.compile(r"^P = .*? = \s*([0-9.]+)%\s+R = .*? = \s*([0-9.]+)%\s+F1 = \s*([0-9.]+)%$")
MACRO_LINE = re.compile(r"^P = \s*([0-9.]+)%\tR = \s*([0-9.]+)%\tF1 = \s*([0-9.]+)%$")
OFFICIAL_LINE = re.compile(r"macro-averaged F1 = ([0-9.]+)% >>>$")

Figures = Dict[str, Tuple[str, ...]]


def parse_report(text: str) -> List[Figures]:
    """The printed P/R/F1 strings of each evaluation block: per relation, 'micro' and 'macro'; then 'official'."""
    blocks: List[Figures] = []
    lines = text.splitlines()
    for index, line in enumerate(lines):
        if line.startswith("<<< (") and any(title in line for title in BLOCK_TITLES):
            blocks.append({})
        elif (match := LABEL_LINE.match(line)) is not None:
            blocks[-1][match.group(1)] = match.groups()[1:]
        elif line.startswith("Micro-averaged"):
            blocks[-1]["micro"] = MICRO_LINE.match(lines[index + 1]).groups()
        elif line.startswith("MACRO-averaged"):
            blocks[-1]["macro"] = MACRO_LINE.match(lines[index + 1]).groups()
        elif (match := OFFICIAL_LINE.search(line)) is not None:
            blocks.append({"official": match.groups()})
    return blocks


@pytest.fixture
def scorer_examples(shared_data):
    """The official scorer's example answer files and its printed results (../shared/data)."""
    return shared_data / "semeval2010_task8" / "scorer_examples"


def example_paths(scorer_examples: Path, number: int) -> Tuple[Path, Path, Path]:
    return (
        scorer_examples / f"answer_key{number}.txt",
        scorer_examples / f"proposed_answer{number}.txt",
        scorer_examples / f"result_scores{number}.txt",
    )


def percent(value: float) -> str:
    """Print a percentage the way the perl scorer does (%6.2f, stripped)."""
    return f"{value:6.2f}".strip()


# --- SemEval scorer against the official outputs ----------------------------------------------------------


@pytest.mark.parametrize("number", EXAMPLE_NUMBERS)
def test_printed_figures_match_official_scorer(scorer_examples, number):
    key, proposed, expected = example_paths(scorer_examples, number)
    expected_blocks = parse_report(expected.read_text(encoding="utf8"))
    report = format_report(score_answer_files(key, proposed, labels=SEMEVAL_LABELS))
    # 3 evaluations + the official line, each with micro and macro: the parser really read the file
    assert len(expected_blocks) == 4
    assert all({"micro", "macro"} <= block.keys() for block in expected_blocks[:3])
    assert parse_report(report) == expected_blocks


@pytest.mark.parametrize("number", EXAMPLE_NUMBERS)
def test_official_scores_in_result_object_match_official_scorer(scorer_examples, number):
    """The dataclass holds the official (9+1)-way scores with direction: rounded, they are the printed ones."""
    key, proposed, expected = example_paths(scorer_examples, number)
    official_block, official_line = parse_report(expected.read_text(encoding="utf8"))[2:]
    result = score_answer_files(key, proposed, labels=SEMEVAL_LABELS)
    per_type = {
        name.removeprefix("_"): figures for name, figures in official_block.items() if name not in ("micro", "macro")
    }
    assert {
        name: (percent(score.precision), percent(score.recall), percent(score.f1))
        for name, score in result.per_type.items()
    } == per_type
    assert (percent(result.micro.precision), percent(result.micro.recall), percent(result.micro.f1)) == official_block[
        "micro"
    ]
    assert (percent(result.macro.precision), percent(result.macro.recall), percent(result.macro.f1)) == official_block[
        "macro"
    ]
    assert (f"{result.macro.f1:0.2f}",) == official_line["official"]


@pytest.mark.parametrize("number", EXAMPLE_NUMBERS)
def test_full_report_is_identical_to_official_scorer(scorer_examples, number):
    """Matrices, coverage, accuracies and warnings too: the whole output, byte for byte."""
    key, proposed, expected = example_paths(scorer_examples, number)
    report = format_report(score_answer_files(key, proposed, labels=SEMEVAL_LABELS))
    assert report == expected.read_text(encoding="utf8")


def test_format_errors_name_file_and_line(scorer_examples):
    bad = scorer_examples / "proposed_answer4.txt"
    with pytest.raises(AnswerFileError, match=r"proposed_answer4\.txt, line 2: unknown label 'Message-Topc\(e1,e2\)'"):
        read_answer_file(bad, SEMEVAL_LABELS)


# --- SemEval scorer semantics on small hand-made inputs ---------------------------------------------------


def test_wrong_direction_counts_against_precision_and_skips_against_recall():
    gold = ["A(e1,e2)", "A(e1,e2)", "A(e1,e2)", "Other"]
    predicted = ["A(e1,e2)", "A(e2,e1)", None, "Other"]
    result = score_semeval(gold, predicted)
    a = result.per_type["A"]
    # 1 right; 1 right type, wrong direction (xDIRx); 1 skipped. P = 1/(1 + 1), R = 1/3, F1 = 2PR/(P+R) = 40%
    assert (a.correct, a.proposed, a.wrong_direction, a.gold) == (1, 1, 1, 3)
    assert a.precision == pytest.approx(50.0)
    assert a.recall == pytest.approx(100 / 3)
    assert a.f1 == pytest.approx(40.0)
    assert result.official.skipped("A") == 1
    # Other is excluded from both averages; with one type, macro = that type's scores
    assert result.macro.f1 == pytest.approx(40.0)
    assert (result.micro.correct, result.micro.proposed, result.micro.gold) == (1, 2, 3)
    # ignoring direction, the wrong-direction answer is right: P = 2/2, R = 2/3
    assert result.undirected.per_label["A"].precision == pytest.approx(100.0)
    assert result.undirected.per_label["A"].recall == pytest.approx(200 / 3)


def test_generic_label_set_and_negative_label():
    gold = ["per:title", "org:founded_by", "no_relation", "org:founded_by"]
    predicted = ["per:title", "no_relation", "org:founded_by", "org:founded_by"]
    result = score_semeval(gold, predicted, negative_label="no_relation")
    # per:title P = R = 1/1; org:founded_by P = 1/2, R = 1/2; macro F1 = (100 + 50) / 2
    assert set(result.per_type) == {"per:title", "org:founded_by", "no_relation"}
    assert result.macro.f1 == pytest.approx(75.0)
    # micro: 2 correct of 3 proposed (no_relation excluded), of 3 gold
    assert (result.micro.precision, result.micro.recall) == (pytest.approx(200 / 3), pytest.approx(200 / 3))
    assert "_no_relation :" in format_report(result)


def test_relation_type_strips_only_a_direction_suffix():
    assert relation_type("Cause-Effect(e2,e1)") == "Cause-Effect"
    assert relation_type("Cause-Effect(e1,e2)") == "Cause-Effect"
    assert relation_type("org:founded_by") == "org:founded_by"
    assert relation_type("Other") == "Other"


def test_empty_input_scores_zero():
    result = score_semeval([], [])
    assert (result.macro.f1, result.micro.f1) == (0.0, 0.0)
    assert "macro-averaged F1 = 0.00%" in format_report(result)


def test_mismatched_lengths_are_refused():
    with pytest.raises(ValueError, match="one prediction per gold label"):
        score_semeval(["Other"], [])


def test_read_answer_file_errors(tmp_path):
    bad_format = tmp_path / "bad_format.txt"
    bad_format.write_text("1\tOther\n2 Other\n", encoding="utf8")
    with pytest.raises(AnswerFileError, match=r"bad_format\.txt, line 2: expected '<numeric id><TAB><label>'"):
        read_answer_file(bad_format)
    duplicate = tmp_path / "duplicate.txt"
    duplicate.write_text("1\tOther\n1\tOther\n", encoding="utf8")
    with pytest.raises(AnswerFileError, match=r"duplicate\.txt, line 2: id 1 is already defined on line 1"):
        read_answer_file(duplicate)


def test_read_answer_file_accepts_any_labels_crlf_and_missing_final_newline(tmp_path):
    path = tmp_path / "answers.txt"
    path.write_bytes(b"7\tper:title\r\n8\tno_relation")
    assert read_answer_file(path) == {"7": "per:title", "8": "no_relation"}


def test_align_answers_refuses_ids_missing_from_key():
    with pytest.raises(AnswerFileError, match="1 id\\(s\\) that are not in the answer key: 9"):
        align_answers({"1": "Other"}, {"9": "Other"})
    assert align_answers({"1": "Other", "2": "A(e1,e2)"}, {"2": "Other"}) == (["Other", "A(e1,e2)"], [None, "Other"])


# --- spaCy relation scorer ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def make_doc(annotated_doc):
    """``make_doc(text, entities, relations)``: an annotated doc of a blank English pipeline."""
    nlp = spacy.blank("en")
    return lambda text, entities, relations: annotated_doc(nlp, text, entities, relations)


def make_examples(make_doc):
    """Two docs covering every case; the pairs, gold -> predicted:

    1 Alice->Acme    Founded(e1,e2) -> Founded(e1,e2)   correct
    2 Acme->Paris    Located(e1,e2) -> Located(e2,e1)   right type, wrong direction
    3 Alice->Paris   Located(e1,e2) -> (none: Other)    missed
    4 Paris->Alice   (none: Other)  -> Founded(e2,e1)   spurious
    5 Bob->Initech   Founded(e1,e2) -> Located(e1,e2)   wrong type
    6 Bob->Carol     Other          -> Other            negative on both sides
    7 Carol->Initech Located(e1,e2) -> Located(e1,e2)   correct
    """
    text1, text2 = "Alice founded Acme in Paris .", "Bob runs Initech with Carol ."
    ents1 = [("Alice", "PERSON"), ("Acme", "ORG"), ("Paris", "GPE")]
    ents2 = [("Bob", "PERSON"), ("Initech", "ORG"), ("Carol", "PERSON")]
    gold1 = [("Alice", "Acme", "Founded(e1,e2)"), ("Acme", "Paris", "Located(e1,e2)")]
    gold1.append(("Alice", "Paris", "Located(e1,e2)"))
    pred1 = [("Alice", "Acme", "Founded(e1,e2)"), ("Acme", "Paris", "Located(e2,e1)")]
    pred1.append(("Paris", "Alice", "Founded(e2,e1)"))
    gold2 = [("Bob", "Initech", "Founded(e1,e2)"), ("Bob", "Carol", "Other"), ("Carol", "Initech", "Located(e1,e2)")]
    pred2 = [("Bob", "Initech", "Located(e1,e2)"), ("Bob", "Carol", "Other"), ("Carol", "Initech", "Located(e1,e2)")]
    return [
        Example(make_doc(text1, ents1, pred1), make_doc(text1, ents1, gold1)),
        Example(make_doc(text2, ents2, pred2), make_doc(text2, ents2, gold2)),
    ]


def test_relation_scorer_hand_computed(make_doc):
    scores = score_relations(make_examples(make_doc))
    # TACRED micro: non-Other predictions = pairs 1,2,4,5,7 (5); non-Other gold = 1,2,3,5,7 (5); tp = 1,7 (2)
    # P = R = F = 2/5
    assert scores["rel_micro_p"] == pytest.approx(0.4)
    assert scores["rel_micro_r"] == pytest.approx(0.4)
    assert scores["rel_micro_f"] == pytest.approx(0.4)
    # SemEval official, by type with direction:
    #   Founded: gold 1,5 (2); proposed right-direction 1,4 (2); correct 1 -> P = 1/2, R = 1/2, F = 1/2
    #   Located: gold 2,3,7 (3); proposed 5,7 (2) + 1 wrong direction (2); correct 7 -> P = 1/3, R = 1/3, F = 1/3
    #   macro F1 (Other excluded) = (1/2 + 1/3) / 2 = 5/12
    assert scores["rel_macro_f"] == pytest.approx(5 / 12)
    assert scores["rel_f_per_type"] == {
        "Founded": {"p": pytest.approx(0.5), "r": pytest.approx(0.5), "f": pytest.approx(0.5)},
        "Located": {"p": pytest.approx(1 / 3), "r": pytest.approx(1 / 3), "f": pytest.approx(1 / 3)},
    }


def test_relation_scorer_negative_label_and_registry(make_doc):
    text = "Bob runs Initech ."
    ents = [("Bob", "PERSON"), ("Initech", "ORG")]
    predicted = make_doc(text, ents, [("Bob", "Initech", "no_relation")])
    reference = make_doc(text, ents, [("Bob", "Initech", "org:founded_by")])
    scorer = spacy.registry.scorers.get("spacy_tkre.relation_scorer.v1")(negative_label="no_relation")
    # spaCy calls scorers as scorer(examples, **kwargs): extra keyword arguments must be accepted
    scores = scorer([Example(predicted, reference)], per_component=True)
    # the only gold relation is missed: nothing proposed (P = 0 by convention), R = 0/1
    assert (scores["rel_micro_p"], scores["rel_micro_r"], scores["rel_micro_f"]) == (0.0, 0.0, 0.0)
    assert scores["rel_f_per_type"] == {"org:founded_by": {"p": 0.0, "r": 0.0, "f": 0.0}}
    assert make_relation_scorer()(make_examples(make_doc)) == score_relations(make_examples(make_doc))


def test_relation_scorer_empty_input_gives_zeros():
    assert score_relations([]) == {
        "rel_micro_p": 0.0,
        "rel_micro_r": 0.0,
        "rel_micro_f": 0.0,
        "rel_macro_f": 0.0,
        "rel_f_per_type": {},
    }


# --- CLI ------------------------------------------------------------------------------------------------------


def test_cli_prints_official_report(scorer_examples):
    key, proposed, expected = example_paths(scorer_examples, 1)
    result = CliRunner().invoke(app, ["score-semeval", str(key), str(proposed)])
    assert result.exit_code == 0, result.output
    assert result.stdout == expected.read_text(encoding="utf8")


def test_cli_missing_file_fails_clearly(tmp_path):
    key = tmp_path / "key.txt"
    key.write_text("1\tOther\n", encoding="utf8")
    result = CliRunner().invoke(app, ["score-semeval", str(key), str(tmp_path / "missing.txt")])
    assert result.exit_code == 1
    assert "proposed answer file" in result.stderr and "missing.txt does not exist" in result.stderr


def test_cli_bad_label_and_any_label(tmp_path):
    key, proposed = tmp_path / "key.txt", tmp_path / "proposed.txt"
    key.write_text("1\tper:title\n2\tno_relation\n", encoding="utf8")
    proposed.write_text("1\tper:title\n", encoding="utf8")
    refused = CliRunner().invoke(app, ["score-semeval", str(key), str(proposed)])
    assert refused.exit_code == 1
    assert "key.txt, line 1: unknown label 'per:title'" in refused.stderr and "--any-label" in refused.stderr
    accepted = CliRunner().invoke(
        app, ["score-semeval", str(key), str(proposed), "--any-label", "--negative-label", "no_relation"]
    )
    assert accepted.exit_code == 0, accepted.output
    # per:title: 1/1 right, the no_relation example skipped; macro over per:title only
    assert "macro-averaged F1 = 100.00% >>>" in accepted.stdout
