"""spacy_tkre.ResumableCache.v1: answers written at once, keyed by prompts, damaged entries set aside."""
from typing import Iterable

import pytest
import spacy
from spacy_llm.registry import registry

from spacy_tkre.llm.cache import ResumableCache
from spacy_tkre.llm.synthesis import make_request, read_results


class CountingModel:
    def __init__(self):
        self.prompts = []

    @property
    def context_length(self) -> int:
        return 4096

    def __call__(self, prompts: Iterable[Iterable[str]]) -> Iterable[Iterable[str]]:
        out = []
        for doc_prompts in prompts:
            doc_prompts = list(doc_prompts)
            self.prompts.extend(doc_prompts)
            out.append([f"Context: Ann founded Acme {len(self.prompts)} .\nHead Entity: Acme\nTail Entity: Ann"] * len(doc_prompts))
        return out


def make_llm(path, model, style="batch", parser=None):
    registry.llm_models.register("test.CountingModel.v1", func=lambda: model)
    nlp = spacy.blank("en")
    task = {"@llm_tasks": "spacy_tkre.RelationSynthesis.v1", "style": style}
    if parser:
        task["parse_responses"] = {"@llm_misc": parser}
    llm = nlp.add_pipe("llm", config={
        "task": task,
        "model": {"@llm_models": "test.CountingModel.v1"},
        "cache": {"@llm_misc": "spacy_tkre.ResumableCache.v1", "path": str(path)},
    })
    return nlp, llm


GOLD = [{"relation": "founded_by", "context": "Acme was founded by Ann .", "head": "Acme", "head_type": "ORG",
         "tail": "Ann", "tail_type": "PER"}]


def requests(nlp, attempts):
    return [make_request(nlp.vocab, "founded_by", attempt, GOLD, [], ["ORG"], ["PER"]) for attempt in attempts]


def test_answers_are_reused_across_processes_and_new_requests_asked(tmp_path):
    model = CountingModel()
    nlp, llm = make_llm(tmp_path, model)
    first = [read_results(doc) for doc in llm.pipe(requests(nlp, [0, 1]))]
    assert len(model.prompts) == 2 and len(list(tmp_path.glob("*.doc"))) == 2
    model2 = CountingModel()
    nlp2, llm2 = make_llm(tmp_path, model2)  # a new component, as after a restart
    again = [read_results(doc) for doc in llm2.pipe(requests(nlp2, [0, 1, 2]))]
    assert again[:2] == first
    assert len(model2.prompts) == 1
    assert llm2._cache.stats["hit"] == 2


def test_changed_prompt_is_not_served_from_the_cache(tmp_path):
    model = CountingModel()
    nlp, llm = make_llm(tmp_path, model, style="batch")
    list(llm.pipe(requests(nlp, [0])))
    nlp2, llm2 = make_llm(tmp_path, model, style="diverse")
    list(llm2.pipe(requests(nlp2, [0])))
    assert len(model.prompts) == 2


def shouting_parser(task, shards, responses):
    for _, doc_responses in zip(shards, responses):
        yield [{"samples": [{"context": response.upper(), "head": "ACME", "tail": "ANN"}], "problems": {}} for response in doc_responses]


registry.llm_misc.register("test.ShoutingParser.v1", func=lambda: shouting_parser)


def test_cached_answers_are_parsed_again_with_the_current_parser(tmp_path):
    model = CountingModel()
    nlp, llm = make_llm(tmp_path, model)
    (doc,) = llm.pipe(requests(nlp, [0]))
    assert read_results(doc)[0]["samples"][0]["head"] == "Acme"
    nlp2, llm2 = make_llm(tmp_path, model, parser="test.ShoutingParser.v1")
    (again,) = llm2.pipe(requests(nlp2, [0]))
    assert read_results(again)[0]["samples"][0]["head"] == "ACME"
    assert read_results(again)[0]["response"] == read_results(doc)[0]["response"]
    assert len(model.prompts) == 1


def test_damaged_entry_is_reported_set_aside_and_asked_again(tmp_path):
    model = CountingModel()
    nlp, llm = make_llm(tmp_path, model)
    list(llm.pipe(requests(nlp, [0])))
    (entry,) = tmp_path.glob("*.doc")
    data = bytearray(entry.read_bytes())
    data[-5] ^= 0xFF  # one flipped byte
    entry.write_bytes(bytes(data))
    nlp2, llm2 = make_llm(tmp_path, model)
    with pytest.warns(UserWarning, match="damaged"):
        (doc,) = llm2.pipe(requests(nlp2, [0]))
    assert read_results(doc)[0]["samples"]
    assert len(model.prompts) == 2
    assert llm2._cache.stats["corrupt"] == 1
    assert len(list(tmp_path.glob("*.corrupt"))) == 1 and len(list(tmp_path.glob("*.doc"))) == 1


def test_no_path_means_no_caching(tmp_path):
    cache = ResumableCache(None)
    nlp = spacy.blank("en")
    assert nlp.make_doc("x") not in cache
    with pytest.raises(ValueError, match="is a file"):
        (tmp_path / "file").write_text("")
        ResumableCache(tmp_path / "file")
