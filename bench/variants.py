"""Model variants compared in the benchmarks, each a change of configs/semeval_cpu.cfg (read uninterpolated)."""
from pathlib import Path
from typing import Callable, Dict

from thinc.api import Config

BASE_CONFIG = Path(__file__).parent.parent / "configs" / "semeval_cpu.cfg"


def _model(config: Config) -> Dict:
    return config["components"]["tkre_relation_extractor"]["model"]


def entity_marker(config: Config) -> Config:
    """The default: typed entity markers over the transformer encoder (TKRE's baseline)."""
    return config


def span_pooling(config: Config) -> Config:
    """The doc encoded once, head and tail spans mean-pooled."""
    model = _model(config)
    model["@architectures"] = "spacy_tkre.SpanPoolingRelationModel.v1"
    del model["context_window"]
    model["tok2vec"]["get_spans"] = {"@span_getters": "spacy-transformers.strided_spans.v1", "window": 128, "stride": 96}
    return config


def tok2vec_cnn(config: Config) -> Config:
    """The spaCy rel_component tutorial's approach: a hash-embedding CNN tok2vec, span pooling, no transformer."""
    model = _model(config)
    model["@architectures"] = "spacy_tkre.SpanPoolingRelationModel.v1"
    del model["context_window"]
    model["tok2vec"] = {
        "@architectures": "spacy.HashEmbedCNN.v2", "pretrained_vectors": None, "width": 96, "depth": 2,
        "embed_size": 2000, "window_size": 1, "maxout_pieces": 3, "subword_features": True,
    }
    model["classifier"]["hidden_width"] = 96
    config["training"]["optimizer"]["learn_rate"]["initial_rate"] = 1e-3
    return config


def marked_context(config: Config) -> Config:
    """Entity markers, the pair vector the mean of the tokens between head and tail (best on FewRel untouched)."""
    model = _model(config)
    model["@architectures"] = "spacy_tkre.EntityMarkerRelationModel.v2"
    model["pooling"] = "context"
    return config


def spans_context_normalized(config: Config) -> Config:
    """The doc encoded once, the pair vector the unit-length means of head, tail and the tokens between them."""
    model = _model(span_pooling(config))
    model["@architectures"] = "spacy_tkre.SpanPoolingRelationModel.v2"
    model["pooling"] = "spans+context"
    model["normalize"] = True
    return config


VARIANTS: Dict[str, Callable[[Config], Config]] = {
    "finetune": entity_marker, "span_pooling": span_pooling, "tok2vec_cnn": tok2vec_cnn, "marked_context": marked_context,
    "spans_context_normalized": spans_context_normalized,
}


def write_variant_config(name: str, path: Path) -> Path:
    """Write the variant's config to ``path`` with variables intact, so ``--paths.*`` overrides still apply."""
    config = VARIANTS[name](Config().from_disk(BASE_CONFIG, interpolate=False))
    path.parent.mkdir(parents=True, exist_ok=True)
    config.to_disk(path)
    return path
