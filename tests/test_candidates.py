"""Cutting candidate pairs into bounded groups for prediction (candidates.pair_batches)."""
import pytest
import spacy

from spacy_tkre.candidates import pair_batches


def test_pair_batches_keep_order_split_long_docs_and_skip_docs_without_pairs():
    nlp = spacy.blank("en")
    docs = [nlp.make_doc(text) for text in ("a b c", "d e", "f g h i")]
    pairs = [[(docs[0][0:1], docs[0][1:2])] * 5, [], [(docs[2][0:1], docs[2][1:2])] * 2]
    groups = list(pair_batches(docs, pairs, 3))
    assert [[len(p) for p in group_pairs] for _, group_pairs in groups] == [[3], [2, 1], [1]]
    assert [[doc.text for doc in group_docs] for group_docs, _ in groups] == [["a b c"], ["a b c", "f g h i"], ["f g h i"]]
    flat = [pair for _, group_pairs in groups for doc_pairs in group_pairs for pair in doc_pairs]
    assert flat == [pair for doc_pairs in pairs for pair in doc_pairs]
    assert list(pair_batches(docs[1:2], pairs[1:2], 3)) == []
    with pytest.raises(ValueError, match="max_pairs"):
        list(pair_batches(docs, pairs, 0))
