"""Defensive parsing of synthesis answers: JSON in any wrapping, labelled lines in any decoration, garbage."""
from spacy_tkre.llm.synthesis.parser import FRAGMENT, INCOMPLETE, NO_SAMPLE, parse_samples

FULL = {"relation": "founded_by", "context": "Acme was founded by Ann .", "head": "Acme", "head_type": "ORG",
        "tail": "Ann", "tail_type": "PER"}


def test_labelled_lines_with_numbering_markdown_and_quotes():
    response = """Sure! Here are two samples:

1. **Relation**: founded_by
   **Context**: "Acme was founded by Ann ."
   **Head Entity**: Acme
   **Head Type**: ORG
   **Tail Entity**: Ann
   **Tail Type**: PER

2. Relation: founded_by
   Context: Beta Corp was started by Bo .
   Head Entity: 'Beta Corp'
   Tail Entity: Bo
"""
    parsed = parse_samples(response)
    assert parsed["samples"][0] == FULL
    assert parsed["samples"][1] == {"relation": "founded_by", "context": "Beta Corp was started by Bo .",
                                    "head": "Beta Corp", "tail": "Bo"}
    assert parsed["problems"] == {}


def test_json_array_in_a_code_fence_with_nested_entities():
    response = """```json
[{"relation": "founded_by", "context": "Acme was founded by Ann .",
  "head": {"text": "Acme", "type": "ORG"}, "tail": {"text": "Ann", "type": "PER"}}]
```"""
    assert parse_samples(response) == {"samples": [FULL], "problems": {}}


def test_json_wrapper_object_and_alternative_keys():
    response = 'Output: {"samples": [{"sentence": "Acme was founded by Ann .", "subject": "Acme", "object": "Ann"}]}'
    assert parse_samples(response)["samples"] == [{"context": "Acme was founded by Ann .", "head": "Acme", "tail": "Ann"}]


def test_incomplete_and_cut_off_samples_are_counted():
    response = "Context: Acme was founded by Ann .\nHead Entity: Acme\nTail Entity: Ann\n\nContext: Beta was made by"
    parsed = parse_samples(response)
    assert len(parsed["samples"]) == 1
    assert parsed["problems"] == {INCOMPLETE: 1}


def test_repeated_field_lines_are_fragments_not_incomplete_samples():
    response = "Context: Acme was founded by Ann .\nHead Entity: Acme\nTail Entity: Ann\n" + "Tail Entity: mouth\n" * 3
    parsed = parse_samples(response)
    assert len(parsed["samples"]) == 1
    assert parsed["problems"] == {FRAGMENT: 3}


def test_no_sample_at_all():
    for response in ("", "I cannot help with that.", "{not json", "Note: nothing here"):
        assert parse_samples(response) == {"samples": [], "problems": {NO_SAMPLE: 1}}


def test_value_with_a_colon_keeps_everything_after_the_field_name():
    parsed = parse_samples("Context: Ratio: 3 to 1 , said Ann .\nHead Entity: Ratio\nTail Entity: Ann")
    assert parsed["samples"][0]["context"] == "Ratio: 3 to 1 , said Ann ."
