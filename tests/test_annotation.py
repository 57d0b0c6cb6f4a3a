"""Annotation helpers: what counts as a data set's no-relation label."""
import pytest

from spacy_tkre.annotation import DEFAULT_NEGATIVE_LABEL, looks_negative


@pytest.mark.parametrize("label", ["Other", "no_relation", "NA", "None", "no-rel", "NO RELATION", "n/a", "none_of_the_above"])
def test_negative_names_are_recognised(label):
    assert looks_negative(label)


@pytest.mark.parametrize("label", ["works_for", "per:other_family", "Cause-Effect(e1,e2)", "org:founded_by", "Nationality"])
def test_relation_names_are_not_negative(label):
    assert not looks_negative(label)


def test_default_negative_label_is_a_negative_name():
    assert looks_negative(DEFAULT_NEGATIVE_LABEL)
