"""Shared fixtures: a tiny random BERT encoder saved to a folder, so tests never need real weights."""
import string

import pytest

import spacy_tkre  # noqa: F401  (registers doc._.relations and the component)


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
