"""spacy_tkre.RelationSynthesis.v1: prompts of both styles, demonstrations chosen per attempt, answers stored."""
import warnings
from typing import Iterable

import pytest
import spacy
from spacy_llm.registry import registry

from spacy_tkre.llm.synthesis import make_request, read_results

GOLD = [
    {"relation": "founded_by", "context": f"Company {i} was founded by Person {i} .", "head": f"Company {i}",
     "head_type": "ORG", "tail": f"Person {i}", "tail_type": "PER"}
    for i in range(10)
]
ACCEPTED = [dict(GOLD[0], context=f"New sample {i} .") for i in range(3)]


class EchoModel:
    """Answers every prompt with one fixed sample; enough to see the task's round trip."""

    @property
    def context_length(self) -> int:
        return 4096

    def __call__(self, prompts: Iterable[Iterable[str]]) -> Iterable[Iterable[str]]:
        return [["Context: Ann founded Acme .\nHead Entity: Acme\nTail Entity: Ann"] * len(list(p)) for p in prompts]


registry.llm_models.register("test.SynthesisEcho.v1", func=lambda: EchoModel())


def make_task(**config):
    return registry.llm_tasks.get("spacy_tkre.RelationSynthesis.v1")(**config)


def request(attempt=0, accepted=(), gold=GOLD):
    return make_request(spacy.blank("en").vocab, "founded_by", attempt, gold, list(accepted), ["ORG"], ["PER"])


def test_batch_prompt_has_schema_definition_demonstrations_and_count():
    task = make_task(style="batch", samples_per_prompt=5, max_demonstrations=8,
                     label_definitions={"founded_by": "the tail founded the head"})
    prompt = task.render(request())
    assert "one of: ORG" in prompt and "one of: PER" in prompt
    assert "The relation founded_by means: the tail founded the head" in prompt
    assert prompt.count("\nContext: Company ") == 8
    assert "Head Entity: Company" in prompt and "Tail Type: PER" in prompt
    assert prompt.rstrip().endswith("each with a new context sentence.")
    assert "Generate 5 more samples like above for the relation founded_by" in prompt
    assert task.samples_per_prompt == 5


def test_batch_retries_reshuffle_the_demonstrations():
    task = make_task(style="batch", max_demonstrations=4)
    first = task.demonstrations(request(0).user_data["spacy_tkre.synthesis_request"])
    second = task.demonstrations(request(1).user_data["spacy_tkre.synthesis_request"])
    assert len(first) == len(second) == 4
    assert first != second
    assert task.render(request(0)) == task.render(request(0))


def test_diverse_prompt_asks_for_one_different_sample_with_a_sliding_window():
    task = make_task(style="diverse", max_demonstrations=4, samples_per_prompt=8)
    assert task.samples_per_prompt == 1
    prompt = task.render(request(0, accepted=ACCEPTED))
    assert "as different as possible from the samples above" in prompt
    assert "Explanation of the relation:" in prompt
    shown = task.demonstrations(request(0, accepted=ACCEPTED).user_data["spacy_tkre.synthesis_request"])
    assert shown[-3:] == ACCEPTED and len(shown) == 4  # newest accepted samples last, one gold sample
    many = [dict(ACCEPTED[0], context=f"Accepted {i} .") for i in range(6)]
    assert task.demonstrations(request(0, accepted=many).user_data["spacy_tkre.synthesis_request"]) == many[-4:]
    gold_first = task.demonstrations(request(0).user_data["spacy_tkre.synthesis_request"])
    gold_next = task.demonstrations(request(1).user_data["spacy_tkre.synthesis_request"])
    assert gold_first != gold_next  # a retry after a rejection shows other gold samples


def test_unknown_style_and_plain_docs_are_refused():
    with pytest.raises(ValueError, match="Unknown synthesis style"):
        make_task(style="creative")
    with pytest.raises(ValueError, match="not a synthesis request"):
        make_task().render(spacy.blank("en")("Just some text."))


def test_round_trip_through_the_llm_component_without_type_warnings():
    nlp = spacy.blank("en")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        llm = nlp.add_pipe("llm", config={
            "task": {"@llm_tasks": "spacy_tkre.RelationSynthesis.v1", "style": "diverse"},
            "model": {"@llm_models": "test.SynthesisEcho.v1"},
        })
    doc = llm(request())
    (result,) = read_results(doc)
    assert result["response"].startswith("Context: Ann founded Acme")
    assert result["samples"] == [{"context": "Ann founded Acme .", "head": "Acme", "tail": "Ann"}]
    assert result["problems"] == {}
