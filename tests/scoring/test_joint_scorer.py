"""The end-to-end (strict) scorer on hand-built docs: entity and relation errors and what they cost."""
import pytest
import spacy
from spacy.training import Example

from spacy_tkre.scoring.joint import make_joint_relation_scorer, score_strict_relations

TEXT = "Alice works for Acme in Paris and Bob lives in Rome ."


@pytest.fixture
def nlp():
    return spacy.blank("en")


@pytest.fixture
def annotated(annotated_doc):
    """``annotated(nlp, entities, relations)``: a doc of TEXT, relations as (head text, tail text, label)."""
    return lambda nlp, ents, relations: annotated_doc(nlp, TEXT, ents, relations)


GOLD_ENTS = [("Alice", "Peop"), ("Acme", "Org"), ("Paris", "Loc"), ("Bob", "Peop"), ("Rome", "Loc")]
GOLD_RELATIONS = [("Alice", "Acme", "Work_For"), ("Acme", "Paris", "OrgBased_In"), ("Bob", "Rome", "Live_In")]


def test_perfect_prediction_scores_one(nlp, annotated):
    example = Example(annotated(nlp, GOLD_ENTS, GOLD_RELATIONS), annotated(nlp, GOLD_ENTS, GOLD_RELATIONS))
    scores = make_joint_relation_scorer()([example], negative_label="no_relation")
    assert scores["ents_f"] == 1.0
    assert scores["rel_strict_micro_f"] == 1.0
    assert scores["rel_strict_macro_f"] == 1.0
    assert set(scores["rel_strict_per_type"]) == {"Work_For", "OrgBased_In", "Live_In"}


def test_missed_entity_counts_its_relations_as_missed(nlp, annotated):
    """The recognizer missed 'Acme': both relations through it are false negatives, the third is right."""
    predicted_ents = [("Alice", "Peop"), ("Paris", "Loc"), ("Bob", "Peop"), ("Rome", "Loc")]
    example = Example(annotated(nlp, predicted_ents, [("Bob", "Rome", "Live_In")]), annotated(nlp, GOLD_ENTS, GOLD_RELATIONS))
    scores = score_strict_relations([example])
    assert scores["rel_strict_micro_p"] == 1.0
    assert scores["rel_strict_micro_r"] == pytest.approx(1 / 3)
    assert scores["rel_strict_per_type"]["Work_For"] == {"p": 0.0, "r": 0.0, "f": 0.0}
    assert scores["rel_strict_per_type"]["Live_In"]["f"] == 1.0
    assert scores["rel_strict_macro_f"] == pytest.approx(1 / 3)


@pytest.mark.parametrize(
    "predicted_ents",
    [
        [("Alice", "Org"), ("Acme", "Org"), ("Paris", "Loc"), ("Bob", "Peop"), ("Rome", "Loc")],  # wrong type
        [("Alice works", "Peop"), ("Acme", "Org"), ("Paris", "Loc"), ("Bob", "Peop"), ("Rome", "Loc")],  # boundary
    ],
)
def test_relation_with_a_wrong_argument_is_wrong(nlp, predicted_ents, annotated):
    """Same label between overlapping spans: strict scoring needs exact boundaries and types on both sides."""
    head = predicted_ents[0][0]
    example = Example(annotated(nlp, predicted_ents, [(head, "Acme", "Work_For")]), annotated(nlp, GOLD_ENTS, GOLD_RELATIONS))
    scores = score_strict_relations([example])
    assert scores["rel_strict_micro_p"] == 0.0
    assert scores["rel_strict_per_type"]["Work_For"]["r"] == 0.0


def test_wrong_label_and_spurious_relation(nlp, annotated):
    """A wrong label is a false positive of its type and a false negative of the gold type; macro averages the
    types present in gold or prediction."""
    predicted = [("Alice", "Acme", "Work_For"), ("Acme", "Paris", "Located_In"), ("Bob", "Rome", "Live_In"), ("Alice", "Rome", "Live_In")]
    example = Example(annotated(nlp, GOLD_ENTS, predicted), annotated(nlp, GOLD_ENTS, GOLD_RELATIONS))
    scores = score_strict_relations([example])
    assert scores["rel_strict_micro_p"] == pytest.approx(2 / 4)
    assert scores["rel_strict_micro_r"] == pytest.approx(2 / 3)
    per_type = scores["rel_strict_per_type"]
    assert per_type["Located_In"] == {"p": 0.0, "r": 0.0, "f": 0.0}
    assert per_type["Live_In"]["p"] == pytest.approx(1 / 2)
    expected_macro = (1.0 + 0.0 + 0.0 + per_type["Live_In"]["f"]) / 4
    assert scores["rel_strict_macro_f"] == pytest.approx(expected_macro)


def test_no_relations_anywhere_scores_zero_without_crashing(nlp, annotated):
    example = Example(annotated(nlp, [], []), annotated(nlp, [], []))
    scores = make_joint_relation_scorer()([example])
    assert scores["rel_strict_micro_f"] == 0.0 and scores["rel_strict_macro_f"] == 0.0
    assert scores["rel_strict_per_type"] == {}
