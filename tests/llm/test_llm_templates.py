"""The prompt templates ship as Jinja files and a config can replace them."""
import pytest
import spacy

from spacy_tkre.llm.synthesis import make_request
from spacy_tkre.llm.templates import read_template

DEMO = {"context": "The cat sat on the mat.", "head": "cat", "head_type": "ANIMAL", "tail": "mat", "tail_type": "THING"}


def _request(vocab):
    return make_request(vocab, "On(e1,e2)", 0, [DEMO], [], ["ANIMAL"], ["THING"])


def test_shipped_synthesis_prompt_shows_demonstrations_in_the_sample_layout():
    nlp = spacy.blank("en")
    llm = nlp.add_pipe("llm", config={"task": {"@llm_tasks": "spacy_tkre.RelationSynthesis.v1", "style": "diverse"},
                                      "model": {"@llm_models": "spacy.NoOp.v1"}})
    prompt = llm.task.render(_request(nlp.vocab))
    assert "Relation: On(e1,e2)\nContext: The cat sat on the mat.\nHead Entity: cat\nHead Type: ANIMAL\n" in prompt
    assert prompt.endswith("Use the same six-line format and write nothing else.")


def test_config_replaces_the_template_from_a_file_that_includes_the_sample_layout(tmp_path):
    custom = tmp_path / "mine.jinja"
    custom.write_text('Write like this for {{ label }}:\n{% for sample in demonstrations %}{% include "sample.v1.jinja" %}{% endfor %}')
    nlp = spacy.blank("en")
    llm = nlp.add_pipe("llm", config={
        "task": {"@llm_tasks": "spacy_tkre.RelationSynthesis.v1", "style": "diverse",
                 "template": {"@misc": "spacy.FileReader.v1", "path": str(custom)}},
        "model": {"@llm_models": "spacy.NoOp.v1"},
    })
    assert llm.task.render(_request(nlp.vocab)) == (
        "Write like this for On(e1,e2):\nContext: The cat sat on the mat.\nHead Entity: cat\nHead Type: ANIMAL\n"
        "Tail Entity: mat\nTail Type: THING"
    )


def test_unknown_template_name_lists_the_shipped_ones():
    with pytest.raises(ValueError, match="synthesis_diverse.v1"):
        read_template("synthesis.v9")
