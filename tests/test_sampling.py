"""K-shot sampling: K per label, negative label included, deterministic per seed, shortfalls reported."""
import spacy
from spacy.tokens import DocBin, Span
from typer.testing import CliRunner

from spacy_tkre import Relation
from spacy_tkre.cli import app
from spacy_tkre.sampling import sample_k_shot


def corpus(counts):
    nlp = spacy.blank("en")
    docs = []
    for label, count in counts.items():
        for i in range(count):
            doc = nlp(f"Entity{i} relates to Thing{i} .")
            doc.ents = [Span(doc, 0, 1, label="E"), Span(doc, 3, 4, label="E")]
            doc._.relations = [Relation(doc.ents[0], doc.ents[1], label)]
            docs.append(doc)
    return docs


def test_k_per_label_and_deterministic():
    docs = corpus({"A": 10, "B": 6, "Other": 20})
    chosen, counts = sample_k_shot(docs, k=4, seed=13)
    assert counts == {"A": 4, "B": 4, "Other": 4} and len(chosen) == 12
    again, _ = sample_k_shot(docs, k=4, seed=13)
    other, _ = sample_k_shot(docs, k=4, seed=21)
    texts = lambda ds: [(d.text, d._.relations[0].label) for d in ds]  # noqa: E731
    assert texts(chosen) == texts(again)
    assert texts(chosen) != texts(other)


def test_label_with_fewer_than_k_keeps_all_and_is_reported(tmp_path):
    docs = corpus({"A": 10, "rare": 2})
    chosen, counts = sample_k_shot(docs, k=5, seed=0)
    assert counts == {"A": 5, "rare": 2}
    path = tmp_path / "in.spacy"
    DocBin(docs=docs, store_user_data=True).to_disk(path)
    result = CliRunner().invoke(app, ["sample", str(path), str(tmp_path / "out.spacy"), "--k", "5", "--seed", "0"])
    assert result.exit_code == 0, result.output
    output = " ".join(result.output.split())
    assert "1 label(s) have fewer than 5 examples" in output and "'rare': 2" in output
    out = list(DocBin().from_disk(tmp_path / "out.spacy").get_docs(spacy.blank("en").vocab))
    assert sorted(d._.relations[0].label for d in out) == ["A"] * 5 + ["rare"] * 2


def test_dev_set_is_k_shot_and_disjoint_from_support(tmp_path):
    docs = corpus({"A": 10, "B": 6, "Other": 20})
    path = tmp_path / "in.spacy"
    DocBin(docs=docs, store_user_data=True).to_disk(path)
    args = ["sample", str(path), str(tmp_path / "k.spacy"), "--k", "3", "--seed", "13", "--dev-output", str(tmp_path / "dev.spacy")]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    vocab = spacy.blank("en").vocab
    read = lambda name: list(DocBin().from_disk(tmp_path / name).get_docs(vocab))  # noqa: E731
    support, dev = read("k.spacy"), read("dev.spacy")
    assert sorted(d._.relations[0].label for d in dev) == ["A"] * 3 + ["B"] * 3 + ["Other"] * 3
    key = lambda d: (d.text, d._.relations[0].label)  # noqa: E731
    assert not {key(d) for d in support} & {key(d) for d in dev}


def test_rest_output_holds_every_doc_not_in_the_support_or_dev_set(tmp_path):
    docs = corpus({"A": 10, "B": 6, "Other": 20})
    path = tmp_path / "in.spacy"
    DocBin(docs=docs, store_user_data=True).to_disk(path)
    args = ["sample", str(path), str(tmp_path / "k.spacy"), "--k", "3", "--seed", "13",
            "--dev-output", str(tmp_path / "dev.spacy"), "--rest-output", str(tmp_path / "rest.spacy")]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    vocab = spacy.blank("en").vocab
    key = lambda d: (d.text, d._.relations[0].label)  # noqa: E731
    read = lambda name: [key(d) for d in DocBin().from_disk(tmp_path / name).get_docs(vocab)]  # noqa: E731
    support, dev, rest = read("k.spacy"), read("dev.spacy"), read("rest.spacy")
    assert len(support) + len(dev) + len(rest) == len(docs)
    assert sorted(support + dev + rest) == sorted(key(d) for d in docs)
