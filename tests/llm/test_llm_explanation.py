"""spacy_tkre.RelationExplanation.v1: one prompt per non-negative relation, cleaned explanations stored with it."""
from typing import Iterable

import spacy
from spacy_llm.registry import registry

from spacy_tkre import Relation
from spacy_tkre.llm.explanation import EXPLANATIONS_KEY
from spacy_tkre.llm.explanation.parser import EMPTY, REPEATS, TOO_SHORT, parse_explanation
from spacy_tkre.llm.explanation.run import select_examples


class ScriptedModel:
    """Answers the n-th prompt with the n-th scripted answer."""

    def __init__(self):
        self.answers = iter(["Explanation: **Ann** started Acme, so she founded it.\n\nExtra chatter.", "  ", "Yes."])
        self.prompts = []

    @property
    def context_length(self) -> int:
        return 4096

    def __call__(self, prompts: Iterable[Iterable[str]]) -> Iterable[Iterable[str]]:
        answers = []
        for doc_prompts in prompts:
            doc_prompts = list(doc_prompts)
            self.prompts.extend(doc_prompts)
            answers.append([next(self.answers) for _ in doc_prompts])
        return answers


SCRIPTED = ScriptedModel()
registry.llm_models.register("test.ScriptedExplainer.v1", func=lambda: SCRIPTED)


def annotated(nlp, text, pairs):
    doc = nlp.make_doc(text)
    relations = []
    spans = {}
    for head, tail, label in pairs:
        for name in (head, tail):
            if name not in spans:
                spans[name] = doc.char_span(text.index(name), text.index(name) + len(name), label="ENTITY")
        relations.append(Relation(spans[head], spans[tail], label))
    doc.ents = sorted(spans.values(), key=lambda span: span.start)
    doc._.relations = relations
    return doc


def test_parser_cleans_and_rejects():
    assert parse_explanation("```\nAnswer: The tail holds the head .\n```") == {
        "explanation": "The tail holds the head .", "problem": None}
    assert parse_explanation('"The tail holds the head ."') == {"explanation": "The tail holds the head .", "problem": None}
    cut_off = parse_explanation('The head causes it. The tail is the "effect". This relates to the head entity "nasal')
    assert cut_off["explanation"] == 'The head causes it. The tail is the "effect".'
    sentence = "Ann founded Acme in 1990 ."
    assert parse_explanation("Ann founded Acme in 1990.", sentence) == {"explanation": None, "problem": REPEATS}
    assert parse_explanation("Founding a company makes Ann its founder.", sentence)["explanation"]
    assert parse_explanation("") == {"explanation": None, "problem": EMPTY}
    assert parse_explanation("Because.") == {"explanation": None, "problem": TOO_SHORT}


def test_prompts_per_relation_and_results_stored_with_offsets():
    nlp = spacy.blank("en")
    llm = nlp.add_pipe("llm", config={
        "task": {"@llm_tasks": "spacy_tkre.RelationExplanation.v1", "label_definitions": {"founded": "the tail founded the head"}},
        "model": {"@llm_models": "test.ScriptedExplainer.v1"},
    })
    docs = [
        annotated(nlp, "Acme was founded by Ann in Oslo .", [("Acme", "Ann", "founded"), ("Acme", "Oslo", "based_in"), ("Ann", "Oslo", "Other")]),
        annotated(nlp, "Bo met Cy .", [("Bo", "Cy", "Other")]),
        annotated(nlp, "Dee founded Eon .", [("Eon", "Dee", "founded")]),
    ]
    out = list(llm.pipe(docs))
    assert len(SCRIPTED.prompts) == 3  # the Other pairs are not explained
    first = SCRIPTED.prompts[0]
    assert first.startswith("Sentence: Acme was founded by Ann in Oslo .")
    assert 'the head entity "Acme" has the relation founded with the tail entity "Ann"' in first
    assert "(the tail founded the head)" in first
    explained = out[0].user_data[EXPLANATIONS_KEY]
    assert explained[0]["explanation"] == "Ann started Acme, so she founded it."
    assert explained[0]["head"] == [0, 4] and explained[0]["tail"] == [20, 23]
    assert explained[1]["problem"] == EMPTY
    assert out[1].user_data[EXPLANATIONS_KEY] == []
    assert out[2].user_data[EXPLANATIONS_KEY][0]["problem"] == TOO_SHORT


def test_select_examples_per_label_seeded_and_in_file_order():
    nlp = spacy.blank("en")
    docs = [annotated(nlp, f"A{i} likes B{i} .", [(f"A{i}", f"B{i}", "likes" if i % 2 else "Other")]) for i in range(10)]
    chosen = select_examples(docs, 2, seed=1, negative_label="Other")
    assert len(chosen) == 2 and all(doc._.relations[0].label == "likes" for doc in chosen)
    assert [docs.index(doc) for doc in chosen] == sorted(docs.index(doc) for doc in chosen)
    assert select_examples(docs, 2, seed=1, negative_label="Other") == chosen
    assert select_examples(docs, 2, seed=1, negative_label="Other", labels=["hates"]) == []
