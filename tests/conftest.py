"""Shared fixtures: a tiny random BERT encoder and a tiny random Llama saved to folders (tests never need real
weights), the tiny relation pipeline most component tests train, a small support set, and ../shared/data."""
import os
import string
from pathlib import Path

import pytest
import spacy
from spacy.tokens import DocBin
from spacy.training import Example
from thinc.api import fix_random_seed

import spacy_tkre  # noqa: F401  (registers doc._.relations and the component)
from spacy_tkre import Relation

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
TRAIN = [
    ("Alice works for Acme in Paris .", [("Alice", "PER"), ("Acme", "ORG"), ("Paris", "LOC")],
     [("Alice", "Acme", "works_for"), ("Acme", "Paris", "based_in")]),
    ("Bob works for Initech in Berlin .", [("Bob", "PER"), ("Initech", "ORG"), ("Berlin", "LOC")],
     [("Bob", "Initech", "works_for"), ("Initech", "Berlin", "based_in")]),
    ("Carol lives in Rome .", [("Carol", "PER"), ("Rome", "LOC")], [("Carol", "Rome", "lives_in")]),
    ("Dave lives in Oslo .", [("Dave", "PER"), ("Oslo", "LOC")], [("Dave", "Oslo", "lives_in")]),
]
SUPPORT = [
    ("Mia works for Oracle in Austin .", [("Mia", "PER"), ("Oracle", "ORG")], [("Mia", "Oracle", "works_for")]),
    ("Noah works for Intel since 2001 .", [("Noah", "PER"), ("Intel", "ORG")], [("Noah", "Intel", "works_for")]),
    ("Olga has worked for Siemens for years .", [("Olga", "PER"), ("Siemens", "ORG")], [("Olga", "Siemens", "works_for")]),
    ("Pablo lives near Nokia headquarters .", [("Pablo", "PER"), ("Nokia", "ORG")], [("Pablo", "Nokia", "lives_in")]),
    ("Quinn lives near the Bosch plant .", [("Quinn", "PER"), ("Bosch", "ORG")], [("Quinn", "Bosch", "lives_in")]),
    ("Rosa saw Tesla on the news .", [("Rosa", "PER"), ("Tesla", "ORG")], [("Rosa", "Tesla", "Other")]),
]


def _annotated_doc(nlp, text, entities, relations):
    """A doc with ``entities`` [(text, label)] (first occurrences) and ``relations`` [(head text, tail text, label)]."""
    doc = nlp.make_doc(text)
    spans = {word: doc.char_span(text.index(word), text.index(word) + len(word), label=label) for word, label in entities}
    doc.ents = sorted(spans.values())
    doc._.relations = [Relation(spans[head], spans[tail], label) for head, tail, label in relations]
    return doc


def _make_nlp(encoder_dir, architecture="spacy_tkre.EntityMarkerRelationModel.v2", model_config={}, **config):
    nlp = spacy.blank("en")
    model = {
        "@architectures": architecture,
        **model_config,
        "tok2vec": {
            "@architectures": "spacy_tkre.Encoder.v1",
            "name": str(encoder_dir),
            "get_spans": {"@span_getters": "spacy-transformers.doc_spans.v1"},
            "pooling": {"@layers": "reduce_mean.v1"},
        },
        "classifier": {"@architectures": "spacy_tkre.PairClassifier.v1", "hidden_width": 16},
    }
    nlp.add_pipe("tkre_relation_extractor", config={"model": model, **config})
    return nlp


def _train_examples(nlp):
    examples = []
    for text, ents, relations in TRAIN:
        reference = _annotated_doc(nlp, text, ents, relations)
        predicted = nlp.make_doc(text)
        predicted.ents = [predicted.char_span(e.start_char, e.end_char, label=e.label_) for e in reference.ents]
        examples.append(Example(predicted, reference))
    return examples


def _train_tiny(encoder_dir, steps, learn_rate=0.01, **config):
    fix_random_seed(0)
    nlp = _make_nlp(encoder_dir, **config)
    examples = _train_examples(nlp)
    optimizer = nlp.initialize(lambda: examples)
    optimizer.learn_rate = learn_rate
    for _ in range(steps):
        nlp.update(examples, sgd=optimizer)
    return nlp, examples


def _triples(doc):
    return sorted((r.head.text, r.tail.text, r.label) for r in doc._.relations)


@pytest.fixture(scope="session")
def annotated_doc():
    """``annotated_doc(nlp, text, entities, relations)``: a Doc with ``doc.ents`` and ``doc._.relations`` set by text."""
    return _annotated_doc


@pytest.fixture(scope="session")
def make_nlp():
    """``make_nlp(encoder_dir, architecture=..., model_config={...}, **component_config)``: a blank pipeline with a tiny extractor."""
    return _make_nlp


@pytest.fixture(scope="session")
def train_examples():
    """``train_examples(nlp)``: four Examples (works_for, based_in, lives_in) with gold entities on both sides."""
    return _train_examples


@pytest.fixture(scope="session")
def train_tiny():
    """``train_tiny(encoder_dir, steps, learn_rate=0.01, **config)``: a tiny pipeline trained ``steps`` updates on
    ``train_examples``, seeded; returns it with its examples."""
    return _train_tiny


@pytest.fixture(scope="session")
def triples():
    """``triples(doc)``: the sorted (head text, tail text, label) of ``doc._.relations``."""
    return _triples


@pytest.fixture(scope="session")
def shared_data():
    """../shared/data. Missing, it fails the test where the environment says CI (a skip there would hide that the
    real-data tests never ran), and skips it elsewhere."""
    if not SHARED_DATA.is_dir():
        reason = f"the real data sets are not at {SHARED_DATA}: put the shared data folder next to the repository"
        if os.environ.get("CI", "").lower() not in ("", "0", "false"):
            pytest.fail(f"CI is set and {reason}.")
        pytest.skip(reason)
    return SHARED_DATA


@pytest.fixture
def support_dir(tmp_path):
    """A folder with ``support.spacy``: six gold samples (works_for, lives_in, one negative ``Other``)."""
    nlp = spacy.blank("en")
    docs = [_annotated_doc(nlp, text, ents, relations) for text, ents, relations in SUPPORT]
    DocBin(docs=docs, store_user_data=True).to_disk(tmp_path / "support.spacy")
    return tmp_path


@pytest.fixture(scope="session")
def tiny_encoder_dir(tmp_path_factory):
    """A 1-layer, 32-wide BERT with a character-level WordPiece vocabulary (any text tokenizes), random weights."""
    from transformers import BertConfig, BertModel, BertTokenizerFast

    path = tmp_path_factory.mktemp("tiny_encoder")
    chars = string.ascii_letters + string.digits + string.punctuation
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + list(chars) + ["##" + c for c in chars]
    (path / "vocab.txt").write_text("\n".join(vocab) + "\n", encoding="utf8")
    tokenizer = BertTokenizerFast(vocab_file=str(path / "vocab.txt"), do_lower_case=False, model_max_length=512)
    tokenizer.save_pretrained(str(path))
    config = BertConfig(
        vocab_size=len(vocab), hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
        intermediate_size=37, max_position_embeddings=512,
    )
    import torch

    torch.manual_seed(0)
    BertModel(config).save_pretrained(str(path))
    return path


@pytest.fixture(scope="session")
def tiny_llama_dir(tmp_path_factory):
    """A 1-layer, 16-wide Llama with a byte-level tokenizer (every byte is a token) and a simple chat template."""
    import torch
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers
    from transformers import LlamaConfig, LlamaForCausalLM, PreTrainedTokenizerFast
    from transformers.models.gpt2.tokenization_gpt2 import bytes_to_unicode

    path = tmp_path_factory.mktemp("tiny_llama")
    vocab = {char: i for i, char in enumerate(bytes_to_unicode().values())}
    for special in ("<pad>", "<s>", "</s>"):
        vocab[special] = len(vocab)
    backend = Tokenizer(models.BPE(vocab=vocab, merges=[]))
    backend.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    backend.decoder = decoders.ByteLevel()
    tokenizer = PreTrainedTokenizerFast(tokenizer_object=backend, pad_token="<pad>", bos_token="<s>", eos_token="</s>")
    tokenizer.chat_template = (
        "{% for m in messages %}<s>{{ m['role'] }}: {{ m['content'] }}\n{% endfor %}"
        "{% if add_generation_prompt %}assistant:{% endif %}"
    )
    tokenizer.save_pretrained(str(path))
    torch.manual_seed(0)
    config = LlamaConfig(
        vocab_size=len(vocab), hidden_size=16, intermediate_size=32, num_hidden_layers=1, num_attention_heads=2,
        num_key_value_heads=2, max_position_embeddings=256, pad_token_id=vocab["<pad>"], bos_token_id=vocab["<s>"],
        eos_token_id=vocab["</s>"],
    )
    LlamaForCausalLM(config).save_pretrained(str(path))
    return path
