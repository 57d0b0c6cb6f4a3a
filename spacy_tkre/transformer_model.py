"""The shared ``transformer`` component's model over a packaged encoder alias (e.g. ``all-MiniLM-L6-v2``)."""
from typing import Callable

from spacy.util import registry
from spacy_transformers.architectures import create_TransformerModel_v3
from thinc.api import Model

from .models.encoder import resolve_encoder_name


@registry.architectures("spacy_tkre.TransformerModel.v1")
def build_transformer_model(
    name: str,
    get_spans: Callable,
    tokenizer_config: dict = {"use_fast": True},
    transformer_config: dict = {},
    mixed_precision: bool = False,
    grad_scaler_config: dict = {},
) -> Model:
    """spacy-transformers' ``TransformerModel.v3`` with ``name`` resolved like the extractor's encoder (a
    folder, a packaged alias, or a model already in the local Hugging Face cache), so a config never needs a
    machine-specific path and nothing is fetched from a hub."""
    return create_TransformerModel_v3(
        resolve_encoder_name(name),
        get_spans,
        tokenizer_config,
        transformer_config=transformer_config,
        mixed_precision=mixed_precision,
        grad_scaler_config=grad_scaler_config,
    )
