"""Building one ``llm`` component of an LLM config for the ``synthesize`` and ``explain`` commands.

A provider config (``configs/llm_*.cfg``) holds a synthesis and an explanation component; a command builds only
the one it needs (each would otherwise load its own copy of a local model) and points its cache at the run's
cache directory through ``[paths] cache``, in a subfolder per model.
"""
import hashlib
import json
import warnings
from pathlib import Path
from typing import Any, Dict, Tuple

from spacy import util
from spacy.language import Language

from .cache import ResumableCache

# The model settings that say which model answers, across spacy-llm's models and ours. Settings outside this list
# (threads, device, batch size, logging) may change between a run and its resume without losing the cache.
MODEL_IDENTITY_KEYS = ("@llm_models", "name", "model", "path", "endpoint")


def load_llm_component(config_path: Path, component: str, cache_dir: Path, overrides: Dict[str, Any]) -> Tuple[Language, Any]:
    """``(nlp, component)`` from the config at ``config_path`` with dotted ``overrides`` applied."""
    config = util.load_config(config_path, overrides=overrides, interpolate=False)
    components = config.get("components", {})
    if component not in components:
        raise ValueError(f"{config_path} has no component {component!r} (it has {sorted(components)}); pass --component.")
    if "cache" not in config.get("paths", {}):
        raise ValueError(
            f"{config_path} has no `cache` under [paths]: add `cache = null` there and `path = ${{paths.cache}}` to "
            f"[components.{component}.cache], so each run can name its cache directory."
        )
    config["paths"]["cache"] = str(model_cache_dir(cache_dir, config.interpolate()["components"][component]["model"]))
    others = [name for name in config["nlp"]["pipeline"] if name != component]
    nlp = util.load_model_from_config(config, auto_fill=True, exclude=others)
    llm = nlp.get_pipe(component)
    if not isinstance(component_cache(llm), ResumableCache):
        warnings.warn(
            f"[components.{component}.cache] is not spacy_tkre.ResumableCache.v1: an interrupted run may ask answered "
            "prompts again."
        )
    return nlp, llm


def model_cache_dir(cache_dir: Path, model_config: Dict[str, Any]) -> Path:
    """``cache_dir``'s subfolder for one model, so a rerun with another model never gets the first one's answers."""
    identity = {key: model_config.get(key) for key in MODEL_IDENTITY_KEYS}
    digest = hashlib.sha256(json.dumps(identity, sort_keys=True, default=str).encode("utf8")).hexdigest()[:12]
    return cache_dir / f"model-{digest}"


def component_cache(llm: Any) -> Any:
    """The component's cache; spacy-llm's ``llm`` component keeps it private, so it is read here only."""
    return getattr(llm, "_cache", None)


def cache_stats(llm: Any) -> Dict[str, int]:
    cache = component_cache(llm)
    return dict(cache.stats) if isinstance(cache, ResumableCache) else {}


def load_part(config_path: Path, component: str, part: str, overrides: Dict[str, Any]) -> Any:
    """Only the ``task`` or ``model`` of the config's ``component``, for work that needs one without the other
    (prompts for preference pairs need no model; sampling candidates needs no cache)."""
    from spacy_llm.registry import registry

    config = util.load_config(config_path, overrides=overrides, interpolate=True)
    components = config.get("components", {})
    if component not in components or part not in components[component]:
        raise ValueError(f"{config_path} has no llm component {component!r} with a {part} (it has {sorted(components)}).")
    return registry.resolve({part: components[component][part]})[part]
