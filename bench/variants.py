"""Model variants compared in the benchmarks, each a change of a spaCy training config (read uninterpolated), and the
one ``spacy train`` call every benchmark trains them with."""
import subprocess
import sys
from pathlib import Path
from typing import Any, Callable, Dict, Optional

from thinc.api import Config

CONFIGS = Path(__file__).parent.parent / "configs"
# The K-shot recipe (batch 16, fixed step budget, 10% warm-up, model-last); the workflow and the README use it too.
KSHOT_CONFIG = CONFIGS / "kshot_cpu.cfg"
# The benchmarks' data is SemEval: its schema's definitions start the classifier's output rows (the recipe's output_init).
SEMEVAL_SCHEMA = CONFIGS / "schema_semeval.json"


def _model(config: Config) -> Dict:
    return config["components"]["tkre_relation_extractor"]["model"]


def shipped(config: Config) -> Config:
    """The recipe as shipped: the doc encoded once, unmarked, the pair vector the unit-length means of head, tail and
    the tokens between them."""
    return config


def entity_marker(config: Config) -> Config:
    """TKRE's baseline (the default before the spans+context one): each pair on its own copy of its context with
    typed entity markers, the pair vector the states at the two opening markers."""
    model = _model(config)
    for key in ("pooling", "normalize"):
        model.pop(key, None)
    model.update({"@architectures": "spacy_tkre.EntityMarkerRelationModel.v2", "context_window": 48, "pooling": "markers"})
    model["tok2vec"]["get_spans"] = {"@span_getters": "spacy-transformers.doc_spans.v1"}
    return config


def span_pooling(config: Config) -> Config:
    """The doc encoded once, head and tail spans mean-pooled (no context, no normalization)."""
    model = _model(config)
    model.update({"pooling": "spans", "normalize": False})
    return config


def tok2vec_cnn(config: Config) -> Config:
    """The spaCy rel_component tutorial's approach: a hash-embedding CNN tok2vec, span pooling, no transformer; a
    10x learning rate, since the CNN starts from random weights."""
    model = _model(span_pooling(config))
    model["tok2vec"] = {
        "@architectures": "spacy.HashEmbedCNN.v2", "pretrained_vectors": None, "width": 96, "depth": 2,
        "embed_size": 2000, "window_size": 1, "maxout_pieces": 3, "subword_features": True,
    }
    model["classifier"]["hidden_width"] = 96
    rate = config["training"]["optimizer"]["learn_rate"]
    rate["initial_rate"] = 10 * rate["initial_rate"]
    return config


def marked_context(config: Config) -> Config:
    """Entity markers, the pair vector the mean of the tokens between head and tail."""
    _model(entity_marker(config))["pooling"] = "context"
    return config


VARIANTS: Dict[str, Callable[[Config], Config]] = {
    "finetune": entity_marker, "span_pooling": span_pooling, "tok2vec_cnn": tok2vec_cnn, "marked_context": marked_context,
    "spans_context_normalized": shipped,
}


def write_variant_config(name: str, path: Path, base: Path = KSHOT_CONFIG, schema: Path = SEMEVAL_SCHEMA) -> Path:
    """Write the variant of ``base`` to ``path`` with variables intact, so ``--paths.*`` overrides still apply;
    ``schema`` fills an empty ``paths.schema``."""
    config = VARIANTS[name](Config().from_disk(base, interpolate=False))
    if "schema" in config["paths"] and config["paths"]["schema"] is None:
        config["paths"]["schema"] = str(schema)
    path.parent.mkdir(parents=True, exist_ok=True)
    config.to_disk(path)
    return path


def spacy_train(config: Path, output: Path, train: Path, dev: Path, encoder: Optional[str] = None, **overrides: Any) -> None:
    """``python -m spacy train`` in a subprocess (a fresh process per run, as a user runs it); ``overrides`` are
    dotted config keys with ``__`` for dots, e.g. ``training__max_steps=200``."""
    options = [f"--{key.replace('__', '.')}={value}" for key, value in overrides.items() if value is not None]
    if encoder:
        options.append(f"--paths.encoder={encoder}")
    subprocess.run(
        [sys.executable, "-m", "spacy", "train", str(config), "--output", str(output), "--paths.train", str(train),
         "--paths.dev", str(dev), "--training.logger.progress_bar=false", *options],
        check=True,
    )
