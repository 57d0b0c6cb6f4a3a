"""Self-training data: a trained extractor labels unlabelled docs; only docs it is sure of throughout are kept."""
from spacy.tokens import DocBin
from typer.testing import CliRunner

from spacy_tkre.cli.app import app
from spacy_tkre.docbins import read_docbin
from spacy_tkre.pseudo_labels import pseudo_label


def test_confident_docs_are_kept_with_predicted_relations_and_gold_relations_ignored(tiny_encoder_dir, train_tiny, triples):
    nlp, examples = train_tiny(tiny_encoder_dir, 30)
    extractor = nlp.get_pipe("tkre_relation_extractor")
    docs = [eg.reference for eg in examples]
    no_pairs = nlp.make_doc("Nobody is here .")
    result = pseudo_label(extractor, docs + [no_pairs], min_score=0.05, per_label=10)
    assert result.skipped == {"doc without a candidate entity pair": 1}
    assert sum(result.kept.values()) == len(result.docs) == len(docs)
    predicted = {doc.text: triples(doc) for doc in nlp.pipe([eg.predicted.copy() for eg in examples])}
    assert {doc.text: triples(doc) for doc in result.docs} == predicted
    assert [triples(doc) for doc in docs] != [[] for _ in docs], "the inputs keep their own relations"


def test_unsure_docs_and_docs_over_the_per_label_cap_are_counted(tiny_encoder_dir, train_tiny):
    nlp, examples = train_tiny(tiny_encoder_dir, 1)
    extractor = nlp.get_pipe("tkre_relation_extractor")
    docs = [eg.reference for eg in examples]
    assert pseudo_label(extractor, docs, min_score=1.0).skipped == {"a pair below min_score 1.0": len(docs)}
    capped = pseudo_label(extractor, docs * 3, min_score=0.01, per_label=1)
    assert len(capped.docs) == len(capped.kept) and all(count == 1 for count in capped.kept.values())
    assert capped.skipped == {"over per_label 1": 3 * len(docs) - len(capped.docs)}


def test_cli_writes_the_kept_docs_and_fails_clearly_when_none_is_sure(tiny_encoder_dir, train_tiny, tmp_path):
    nlp, examples = train_tiny(tiny_encoder_dir, 30)
    nlp.to_disk(tmp_path / "model")
    DocBin(docs=[eg.reference for eg in examples], store_user_data=True).to_disk(tmp_path / "pool.spacy")
    args = ["pseudo-label", str(tmp_path / "model"), str(tmp_path / "pool.spacy"), str(tmp_path / "out.spacy")]
    result = CliRunner().invoke(app, args + ["--min-score", "0.05"])
    assert result.exit_code == 0, result.output
    assert len(read_docbin(tmp_path / "out.spacy")) == len(examples)
    result = CliRunner().invoke(app, args + ["--min-score", "1.0"])
    assert result.exit_code == 1 and "lower --min-score" in result.output


def test_cli_on_an_empty_input_writes_an_empty_file_and_says_so(tiny_encoder_dir, train_tiny, tmp_path):
    nlp, _ = train_tiny(tiny_encoder_dir, 1)
    nlp.to_disk(tmp_path / "model")
    DocBin().to_disk(tmp_path / "empty.spacy")
    result = CliRunner().invoke(app, ["pseudo-label", str(tmp_path / "model"), str(tmp_path / "empty.spacy"),
                                      str(tmp_path / "out.spacy")])
    assert result.exit_code == 0 and "holds no docs" in " ".join(result.output.split())
    assert read_docbin(tmp_path / "out.spacy") == []
