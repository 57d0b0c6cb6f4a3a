"""Preference pairs from gold samples: the file format, each rejected kind, growing demonstrations, label halves."""
import json
import re

import pytest
import spacy
from typer.testing import CliRunner

from spacy_tkre.cli import app
from spacy_tkre.convert import ConversionReport
from spacy_tkre.dpo.gold_pairs import KINDS, LOOP_REPEATS, gold_pairs, label_halves
from spacy_tkre.dpo.pairs import pairs_of_half, read_pairs, write_pairs
from spacy_tkre.llm.synthesis.parser import FRAGMENT, parse_samples
from spacy_tkre.llm.synthesis.registry import make_relation_synthesis_task
from spacy_tkre.llm.templates import render_sample
from spacy_tkre.llm.validation import OVERLAP, SAME_WORDS, TAIL_NOT_FOUND, Rejected

LABELS = ["Cause-Effect(e1,e2)", "Cause-Effect(e2,e1)", "Part-Whole(e1,e2)", "Made-By(e1,e2)", "Located-In(e1,e2)"]


def _gold():
    gold = {}
    for label, topic in zip(LABELS, ["storm", "wheel", "bakery", "river", "market"]):
        gold[label] = [
            {"relation": label, "context": f"The {topic} number {i} came with the last word {i} here.",
             "head": f"number {i}", "head_type": "ENTITY", "tail": f"word {i}", "tail_type": "ENTITY"}
            for i in range(4)
        ]
    return gold


def _schema():
    return {label: {"head": ["ENTITY"], "tail": ["ENTITY"]} for label in LABELS}


def _validator(gold_samples):
    """The synthesis validator over ``_schema()``, with the label's gold contexts as the ones a sample must not copy."""
    from spacy_tkre.llm.validation import SampleValidator

    return SampleValidator(spacy.blank("en").make_doc, _schema(), [s["context"] for s in gold_samples])


@pytest.fixture(scope="module")
def pairs():
    task = make_relation_synthesis_task(style="diverse", max_demonstrations=8)
    found, skipped = gold_pairs(task, _gold(), _schema(), seed=0)
    assert not skipped
    return found


def test_every_prompt_has_one_pair_per_kind_with_growing_demonstrations(pairs):
    label_pairs = [pair for pair in pairs if pair["label"] == LABELS[0]]
    # 4 gold samples: 1, 2 and 3 demonstrations, the next sample as chosen
    assert [pair["n_demonstrations"] for pair in label_pairs] == [1] * len(KINDS) + [2] * len(KINDS) + [3] * len(KINDS)
    assert [pair["kind"] for pair in label_pairs] == list(KINDS) * 3
    for pair in label_pairs:
        assert pair["prompt"].count("Relation: Cause-Effect(e1,e2)\nContext:") == pair["n_demonstrations"]
        assert pair["chosen"] not in pair["prompt"]  # chosen is a new sample, never a demonstration
        assert pair["chosen"].startswith("Context: ") and pair["chosen"] != pair["rejected"]
        assert pair["source"] == "gold" and set(pair["scores"]) == {"chosen_similarity", "rejected_similarity"}


def test_copy_and_swapped_and_perturbed_come_from_a_demonstration(pairs):
    by_kind = {pair["kind"]: pair for pair in pairs if pair["label"] == LABELS[2] and pair["n_demonstrations"] == 3}
    assert by_kind["copy"]["rejected"] in by_kind["copy"]["prompt"]
    assert by_kind["copy"]["scores"]["rejected_similarity"] == 1.0
    swapped = dict(line.split(": ", 1) for line in by_kind["swapped"]["rejected"].splitlines())
    original = render_sample({"context": swapped["Context"], "head": swapped["Tail Entity"], "head_type": "ENTITY",
                              "tail": swapped["Head Entity"], "tail_type": "ENTITY"})
    assert original in by_kind["swapped"]["prompt"] and swapped["Head Entity"].startswith("word")
    perturbed = dict(line.split(": ", 1) for line in by_kind["perturbed"]["rejected"].splitlines())
    assert perturbed["Head Entity"] in perturbed["Context"] and perturbed["Tail Entity"] in perturbed["Context"]
    assert perturbed["Context"] not in by_kind["perturbed"]["prompt"]
    assert 0.5 < by_kind["perturbed"]["scores"]["rejected_similarity"] < 1.0


def test_a_loop_rejection_is_the_chosen_sample_then_one_of_its_lines_repeated(pairs):
    loop = next(pair for pair in pairs if pair["kind"] == "loop")
    assert loop["rejected"].startswith(loop["chosen"] + "\n")
    repeated = loop["rejected"][len(loop["chosen"]) + 1:].splitlines()
    assert len(repeated) == LOOP_REPEATS and set(repeated) == {loop["chosen"].splitlines()[3]}
    assert repeated[0].startswith("Tail Entity: ")
    # what the parser makes of it: the sample, then fragments without a context, as it counts SmolLM2's loops
    parsed = parse_samples(loop["rejected"])
    assert len(parsed["samples"]) == 1 and parsed["problems"] == {FRAGMENT: LOOP_REPEATS}


@pytest.fixture(scope="module")
def batch_pairs():
    task = make_relation_synthesis_task(style="batch", samples_per_prompt=2, max_demonstrations=8)
    found, skipped = gold_pairs(task, _gold(), _schema(), seed=0)
    assert not skipped
    return found


def test_batch_pairs_ask_for_the_samples_chosen_holds_and_parse_back_to_those_gold_samples(batch_pairs):
    gold = {sample["context"]: sample for samples in _gold().values() for sample in samples}
    label_pairs = [pair for pair in batch_pairs if pair["label"] == LABELS[1] and pair["kind"] == "copy"]
    # 4 gold samples: 1 demonstration and 2 chosen, 2 and 2, 3 and the last one
    assert [(pair["n_demonstrations"], pair["n_samples"]) for pair in label_pairs] == [(1, 2), (2, 2), (3, 1)]
    for pair in label_pairs:
        assert f"Generate {pair['n_samples']} more samples" in pair["prompt"]
        assert "Relation:" not in pair["chosen"]  # the prompt names the label; answers have no label to garble
        chosen = parse_samples(pair["chosen"])["samples"]
        assert len(chosen) == pair["n_samples"]
        for sample in chosen:
            assert sample["context"] in gold and sample["context"] not in pair["prompt"]
            assert (sample["head"], sample["tail"]) == (gold[sample["context"]]["head"], gold[sample["context"]]["tail"])
        copied = parse_samples(pair["rejected"])["samples"]
        assert len(copied) == pair["n_samples"] and all(s["context"] in pair["prompt"] for s in copied)


def test_batch_loop_rejection_keeps_the_first_chosen_sample_only(batch_pairs):
    loop = next(pair for pair in batch_pairs if pair["kind"] == "loop" and pair["n_samples"] == 2)
    first = loop["chosen"].split("\n\n")[0]
    assert loop["rejected"].startswith(first + "\n") and loop["rejected"] != loop["chosen"]
    assert len(parse_samples(loop["rejected"])["samples"]) == 1


@pytest.mark.parametrize("kind,reasons", [
    ("absent_entity", {TAIL_NOT_FOUND}),
    ("same_entity", {SAME_WORDS, OVERLAP}),  # the head's one mention cannot also be the tail: an overlap
])
def test_entity_rejections_are_the_chosen_samples_with_a_tail_the_validator_refuses(batch_pairs, kind, reasons):
    validator = _validator([])
    for pair in (pair for pair in batch_pairs if pair["kind"] == kind):
        chosen, rejected = (parse_samples(pair[side])["samples"] for side in ("chosen", "rejected"))
        assert len(rejected) == len(chosen) == pair["n_samples"]
        for good, bad in zip(chosen, rejected):
            assert {**bad, "tail": good["tail"], "tail_type": good["tail_type"]} == good and bad["tail"] != good["tail"]
            validator.validate(good, pair["label"])
            with pytest.raises(Rejected) as rejection:
                validator.validate(bad, pair["label"])
            assert rejection.value.reason in reasons


def test_other_label_rejections_stay_in_the_half_and_both_directions_share_a_half(pairs):
    halves = label_halves(LABELS, seed=0)
    assert halves["Cause-Effect(e1,e2)"] == halves["Cause-Effect(e2,e1)"]
    types = {half: {label.split("(")[0] for label in LABELS if halves[label] == half} for half in (0, 1)}
    assert len(types[0]) == len(types[1]) == 2  # four relation types, two per half
    contexts = {sample["context"]: label for label, samples in _gold().items() for sample in samples}
    for pair in pairs:
        assert pair["half"] == halves[pair["label"]]
        if pair["kind"] == "other_label":
            source = contexts[pair["rejected"].splitlines()[0][len("Context: "):]]
            assert source != pair["label"] and halves[source] == pair["half"]


def test_file_round_trip_and_half_filter(pairs, tmp_path):
    path = tmp_path / "pairs.jsonl"
    assert write_pairs(path, pairs) == len(pairs)
    assert read_pairs(path) == pairs
    assert {pair["half"] for pair in pairs_of_half(read_pairs(path), 1)} == {1}


def test_malformed_lines_are_skipped_counted_and_reported_like_converted_records(pairs, tmp_path, capsys):
    """A hand edit that breaks one line loses that line, not the file: it is counted under its reason with its
    line number, as `convert` counts a bad record."""
    path = tmp_path / "pairs.jsonl"
    write_pairs(path, pairs)
    lines = path.read_text(encoding="utf8").splitlines()
    lines[1] = lines[1][:-1]  # an unclosed object
    lines.append(json.dumps({**pairs[0], "rejected": pairs[0]["chosen"]}))
    path.write_text("\n".join(lines) + "\n", encoding="utf8")
    report = ConversionReport(str(path))
    assert read_pairs(path, report) == [pairs[0]] + pairs[2:]
    assert (report.read, report.written) == (len(pairs) + 1, len(pairs) - 1)
    assert report.skipped == {"bad JSON": 1, "chosen and rejected are the same text, so the pair teaches nothing": 1}
    assert report.first_skip["bad JSON"].startswith("line 2: ")
    printed = " ".join(capsys.readouterr().out.split())
    assert f"2 of {len(pairs) + 1} records skipped" in printed and "bad JSON" in printed


@pytest.mark.parametrize(
    "content,problem",
    [
        ("", "holds no valid preference pair:"),
        ("\n\n", "holds no valid preference pair:"),
        ('{"prompt": "p", "chosen": "a", "rejected": "b", "label": "L", "kind": "copy"\nnot json\n', "2 x bad JSON, first at line 1: "),
        ('["a list"]\n', "record is not a JSON object, first at line 1: list"),
        ('{"prompt": "p", "chosen": "a", "label": "L", "kind": "copy"}\n', "missing field 'rejected', first at line 1"),
        ('{"prompt": "p", "chosen": "a", "rejected": " ", "label": "L", "kind": "copy"}\n', "field without text, first at line 1: ['rejected']"),
        ('{"prompt": "p", "chosen": "same", "rejected": " same", "label": "L", "kind": "copy"}\n', "chosen and rejected are the same"),
    ],
)
def test_a_file_without_a_valid_pair_names_each_reason_and_its_first_line(tmp_path, content, problem):
    path = tmp_path / "pairs.jsonl"
    path.write_text(content, encoding="utf8")
    with pytest.raises(ValueError, match=re.escape(problem)):
        read_pairs(path)


def _support(tmp_path):
    """``_gold()`` as a support set on disk."""
    from spacy.tokens import DocBin

    from spacy_tkre.annotation import annotate

    nlp = spacy.blank("en")
    docs = []
    for label, samples in _gold().items():
        for sample in samples:
            doc = nlp.make_doc(sample["context"])
            start = sample["context"].index(sample["head"])
            end = sample["context"].index(sample["tail"])
            head = doc.char_span(start, start + len(sample["head"]), label="ENTITY")
            tail = doc.char_span(end, end + len(sample["tail"]), label="ENTITY")
            annotate(doc, [head, tail], [(0, 1, label)])
            docs.append(doc)
    support = tmp_path / "support.spacy"
    DocBin(docs=docs, store_user_data=True).to_disk(support)
    return support


def test_command_writes_pairs_from_a_support_set_without_loading_a_model(tmp_path):
    support = _support(tmp_path)
    out = tmp_path / "pairs.jsonl"
    result = CliRunner().invoke(app, [
        "preference-pairs", "configs/llm_local.cfg", str(support), str(out), "--kind", "copy",
        "--components.synthesis.task.style", "diverse",
    ])
    assert result.exit_code == 0, result.output
    written = [json.loads(line) for line in out.read_text(encoding="utf8").splitlines()]
    assert len(written) == len(LABELS) * 3 and {pair["kind"] for pair in written} == {"copy"}
    assert "the head is a cause" in written[0]["prompt"]  # the config's label definitions reach the prompt


def test_command_keeps_one_half_of_the_pairs(tmp_path):
    out = tmp_path / "pairs.jsonl"
    result = CliRunner().invoke(app, [
        "preference-pairs", "configs/llm_local.cfg", str(_support(tmp_path)), str(out), "--kind", "copy", "--half", "1",
        "--components.synthesis.task.style", "diverse",
    ])
    assert result.exit_code == 0, result.output
    written = [json.loads(line) for line in out.read_text(encoding="utf8").splitlines()]
    halves = label_halves(LABELS, seed=0)
    assert {pair["half"] for pair in written} == {1}
    assert len(written) == 3 * sum(halves[label] == 1 for label in LABELS)


def test_self_pairs_choose_the_valid_answer_farthest_from_the_pool_and_keep_every_verdict(tiny_encoder_dir):
    from spacy_tkre.dpo.self_pairs import self_pairs
    from spacy_tkre.llm.sentence_vectors import SentenceVectors

    gold = {label: samples for label, samples in _gold().items() if label == LABELS[2]}
    answers = [
        "Context: The wheel number 0 came with the last word 0 here today.\nHead Entity: number 0\nTail Entity: word 0",
        "Context: A spoke of the old bicycle snapped.\nHead Entity: spoke\nTail Entity: bicycle",
        "Context: The wheel number 9 came with the last word 1 here.\nHead Entity: number 9\nTail Entity: word 1",
        "I cannot write that.",
        "Context: The hub sat in the frame.\nHead Entity: hub\nTail Entity: moon",
    ]
    asked = []

    def model(prompts):
        asked.extend(prompts)
        return [answers[: len(prompts[0])]]

    validator = _validator(gold[LABELS[2]])
    task = make_relation_synthesis_task(style="diverse", max_demonstrations=3)
    pairs, skipped = self_pairs(task, model, gold, validator, SentenceVectors(str(tiny_encoder_dir)), candidates=5, seed=0)
    assert len(asked) == 1 and len(asked[0]) == 5 and asked[0][0].count("Context:") == 3
    assert not skipped
    assert {pair["chosen"] for pair in pairs} == {
        "Context: A spoke of the old bicycle snapped.\nHead Entity: spoke\nHead Type: ENTITY\nTail Entity: bicycle\n"
        "Tail Type: ENTITY"
    }
    assert [pair["kind"] for pair in pairs] == [
        "near duplicate of a gold sample", "no sample found in the response", "tail not found in context",
    ]
    # rejected answers with a complete sample are written in the chosen one's layout; the raw answers stay in candidates
    assert [pair["rejected"] for pair in pairs] == [
        "Context: The wheel number 0 came with the last word 0 here today.\nHead Entity: number 0\nHead Type: \n"
        "Tail Entity: word 0\nTail Type: ",
        answers[3],
        "Context: The hub sat in the frame.\nHead Entity: hub\nHead Type: \nTail Entity: moon\nTail Type: ",
    ]
    assert [c["answer"] for c in pairs[0]["candidates"]] == answers
    verdicts = [c["verdict"] for c in pairs[0]["candidates"]]
    assert verdicts == ["near duplicate of a gold sample", "valid", "valid", "no sample found in the response", "tail not found in context"]
    assert all(pair["source"] == "self" and pair["candidates"] == pairs[0]["candidates"] for pair in pairs)
    encoder_scores = [c["encoder_similarity"] for c in pairs[0]["candidates"]]
    assert encoder_scores[0] is None and encoder_scores[3] is None and -1.0 <= encoder_scores[1] <= 1.0


def test_self_pairs_reject_the_closest_valid_answer_when_all_are_valid(tiny_encoder_dir):
    from spacy_tkre.dpo.self_pairs import self_pairs
    from spacy_tkre.llm.sentence_vectors import SentenceVectors

    gold = {label: samples for label, samples in _gold().items() if label == LABELS[2]}
    answers = [
        "Context: The wheel number 9 came with the last word 1 here.\nHead Entity: number 9\nTail Entity: word 1",
        "Context: A spoke of the old bicycle snapped.\nHead Entity: spoke\nTail Entity: bicycle",
    ]
    validator = _validator(gold[LABELS[2]])
    task = make_relation_synthesis_task(style="diverse")
    encoder = SentenceVectors(str(tiny_encoder_dir))
    pairs, _ = self_pairs(task, lambda prompts: [answers], gold, validator, encoder, candidates=2, seed=0)
    assert len(pairs) == 1 and pairs[0]["kind"] == "near_copy"
    assert pairs[0]["rejected"] == (
        "Context: The wheel number 9 came with the last word 1 here.\nHead Entity: number 9\nHead Type: ENTITY\n"
        "Tail Entity: word 1\nTail Type: ENTITY"
    )
    assert pairs[0]["scores"]["rejected_bleu"] > pairs[0]["scores"]["chosen_bleu"]


class _MeaningOf:
    """Sentence vectors stand-in with known closeness: texts naming ``word`` mean the same as the pool."""

    def __init__(self, word):
        self.word = word

    def closest(self, texts, pool):
        return [0.95 if self.word in text else 0.1 for text in texts]


def test_self_pairs_reject_a_paraphrase_that_bleu_alone_would_choose():
    """Two valid answers with no word in common with the pool: BLEU ties, encoder similarity decides."""
    from spacy_tkre.dpo.self_pairs import self_pairs

    gold = {label: samples for label, samples in _gold().items() if label == LABELS[2]}
    answers = [
        "Context: A spoke of the old bicycle snapped.\nHead Entity: spoke\nTail Entity: bicycle",
        "Context: A spoke of the old tricycle snapped.\nHead Entity: spoke\nTail Entity: tricycle",
    ]
    validator = _validator(gold[LABELS[2]])
    task = make_relation_synthesis_task(style="diverse")
    for paraphrase, kept in ((" bicycle", answers[1]), ("tricycle", answers[0])):
        pairs, _ = self_pairs(task, lambda prompts: [answers], gold, validator, _MeaningOf(paraphrase), candidates=2, seed=0)
        assert len(pairs) == 1 and pairs[0]["kind"] == "near_copy"
        assert pairs[0]["chosen"].startswith(kept.split("\n")[0]) and pairs[0]["rejected"] != kept
        assert pairs[0]["scores"]["chosen_encoder_similarity"] == 0.1
        assert pairs[0]["scores"]["rejected_encoder_similarity"] == 0.95


def test_self_pairs_of_one_half_sample_only_its_labels_and_count_every_verdict():
    """``half`` keeps the halves drawn over every label and asks only that half's prompts; ``verdicts`` counts the
    candidates of a prompt without a valid answer too, which give no pair and so are not in the file."""
    from collections import Counter

    from spacy_tkre.dpo.self_pairs import self_pairs

    gold = _gold()
    halves = label_halves(LABELS, seed=0)
    asked = []

    def model(prompts):
        asked.append(prompts[0][0])
        if len(asked) == 1:  # the first label's prompt: nothing valid
            return [["I cannot write that.", "Context: The hub sat in the frame.\nHead Entity: hub\nTail Entity: moon"]]
        return [["Context: A spoke of the old bicycle snapped.\nHead Entity: spoke\nTail Entity: bicycle",
                 "I cannot write that."]]

    validator = _validator([s for samples in gold.values() for s in samples])
    task = make_relation_synthesis_task(style="diverse")
    for half in (0, 1):
        asked.clear()
        verdicts = Counter()
        pairs, skipped = self_pairs(task, model, gold, validator, _MeaningOf("nothing"), candidates=2, seed=0,
                                    half=half, verdicts=verdicts)
        in_half = [label for label in LABELS if halves[label] == half]
        assert len(asked) == len(in_half) and all(f"Relation: {label}" in prompt for label, prompt in zip(in_half, asked))
        assert {pair["half"] for pair in pairs} == {half} and {pair["label"] for pair in pairs} == set(in_half[1:])
        assert skipped == {"prompt with no valid candidate": 1}
        assert verdicts == {"no sample found in the response": len(in_half), "tail not found in context": 1,
                            "valid": len(in_half) - 1}


def test_sentence_vectors_are_unit_length_and_closest_finds_a_copy(tiny_encoder_dir):
    from spacy_tkre.llm.sentence_vectors import SentenceVectors

    encoder = SentenceVectors(str(tiny_encoder_dir), batch_size=2)
    texts = ["The storm caused a flood.", "A wheel is part of a car.", "Bread is made by bakers."]
    vectors = encoder(texts)
    assert tuple(vectors.shape) == (3, 32)
    assert vectors.norm(dim=1).sub(1.0).abs().max().item() < 1e-5
    closest = encoder.closest([texts[1], "Something else entirely."], texts)
    assert abs(closest[0] - 1.0) < 1e-5 and closest[1] < 1.0
    assert encoder.closest(texts[:1], []) == [0.0] and encoder.closest([], texts) == []


def test_sentence_encoder_that_cannot_be_loaded_is_a_clear_error(tmp_path):
    from spacy_tkre.llm.sentence_vectors import SentenceVectors

    with pytest.raises(ValueError, match="Cannot load the sentence encoder"):
        SentenceVectors(str(tmp_path))


def test_two_tuned_generators_split_the_labels_exactly_once_and_never_their_own_types():
    from spacy_tkre.dpo.label_split import labels_to_generate

    labels = ["A(e1,e2)", "A(e2,e1)", "B(e1,e2)", "C(e1,e2)", "C(e2,e1)", "D(e1,e2)"]  # D: too rare for pairs
    h0 = {"half": 0, "labels_trained": ["A(e1,e2)", "B(e1,e2)"], "generate_for": ["C(e1,e2)", "C(e2,e1)"]}
    h1 = {"half": 1, "labels_trained": ["C(e1,e2)", "C(e2,e1)"], "generate_for": ["A(e1,e2)", "B(e1,e2)"]}
    assert labels_to_generate(h0, labels) == ["C(e1,e2)", "C(e2,e1)", "D(e1,e2)"]
    assert labels_to_generate(h1, labels) == ["A(e1,e2)", "A(e2,e1)", "B(e1,e2)"]  # A(e2,e1) had no pair: same type
    every_pair = {"half": None, "labels_trained": ["A(e1,e2)", "B(e1,e2)", "C(e1,e2)"], "generate_for": []}
    assert labels_to_generate(every_pair, labels) == ["D(e1,e2)"]
    with pytest.raises(ValueError, match="lacks"):
        labels_to_generate({"labels_trained": []}, labels)


def test_self_pairs_refuse_the_batch_prompt_with_the_setting_to_use(tiny_encoder_dir):
    from spacy_tkre.dpo.self_pairs import self_pairs
    from spacy_tkre.llm.sentence_vectors import SentenceVectors

    task = make_relation_synthesis_task(style="batch")
    with pytest.raises(ValueError, match="--components.synthesis.task.style diverse"):
        self_pairs(task, lambda prompts: [[]], _gold(), _validator(_gold()[LABELS[0]]),
                   SentenceVectors(str(tiny_encoder_dir)), candidates=2, seed=0)
