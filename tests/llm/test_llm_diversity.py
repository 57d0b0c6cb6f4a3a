"""Diversity figures: distinct-n, BLEU with smoothing, self-BLEU, similarity to gold."""
import pytest

from spacy_tkre.llm.diversity import (
    distinct_n, diversity, per_label_self_bleu, self_bleu, sentence_bleu, similarity_to_reference, words,
)


def test_distinct_n():
    texts = ["the cat sat", "the cat ran"]
    assert distinct_n(texts, 1) == pytest.approx(4 / 6)
    assert distinct_n(texts, 2) == pytest.approx(3 / 4)
    assert distinct_n([], 2) is None


def test_sentence_bleu_known_values():
    hypothesis = words("the cat sat on the mat")
    assert sentence_bleu(hypothesis, [hypothesis]) == pytest.approx(1.0)
    # p1 = 5/6, p2 = 3/5, p3 = 1/4, p4 = 0 -> smoothed to 0.1/3 (nltk's method1); no brevity penalty
    expected = (5 / 6 * 3 / 5 * 1 / 4 * 0.1 / 3) ** 0.25
    assert sentence_bleu(hypothesis, [words("the cat is on the mat")]) == pytest.approx(expected)
    short = words("the cat")
    assert sentence_bleu(short, [hypothesis]) < sentence_bleu(hypothesis, [hypothesis])  # brevity penalty
    assert sentence_bleu([], [hypothesis]) == 0.0


def test_self_bleu_is_high_for_copies_and_low_for_varied_text():
    copies = ["a red car stopped at the light"] * 3
    varied = ["a red car stopped at the light", "storms flooded three villages overnight", "she wrote poems about rivers"]
    assert self_bleu(copies) == pytest.approx(1.0)
    assert self_bleu(varied) < 0.1
    assert self_bleu(["only one"]) is None
    assert diversity(varied)["n"] == 3


def test_per_label_self_bleu_averages_labels_with_two_texts_or_more():
    copies = ["a red car stopped at the light"] * 3
    varied = ["a red car stopped at the light", "storms flooded three villages overnight"]
    assert per_label_self_bleu({"x": copies, "y": varied, "z": ["alone"]}) == pytest.approx((1.0 + self_bleu(varied)) / 2)
    assert per_label_self_bleu({"z": ["alone"]}) is None


def test_similarity_to_gold():
    figures = similarity_to_reference(["a red car stopped"], ["a red car stopped", "unrelated words here"])
    assert figures["nearest_gold_similarity"] == pytest.approx(1.0)
    assert similarity_to_reference([], ["x"]) == {"bleu_to_gold": None, "nearest_gold_similarity": None}
