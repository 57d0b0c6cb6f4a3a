"""The ``[pretraining]`` config section: read like spaCy reads ``[training]`` — interpolated, overridden from the
command line, resolved through the registry and validated by a pydantic schema with the defaults of TKRE."""
from pathlib import Path
from typing import Dict, List, Optional, Tuple

from confection import Config
from pydantic import BaseModel, ConfigDict, NonNegativeFloat, NonNegativeInt, PositiveFloat, PositiveInt, StrictStr
from spacy.util import load_config, registry

from .objective import Objective


class StageSettings(BaseModel):
    """One stage: how many epochs (0 skips the stage), which ``[pretraining.sources]`` it reads, its objectives."""

    model_config = ConfigDict(extra="forbid", arbitrary_types_allowed=True)
    epochs: NonNegativeInt = 5
    sources: List[StrictStr]
    objectives: Dict[str, Objective]


class PretrainingSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", arbitrary_types_allowed=True)
    encoder: StrictStr = "all-MiniLM-L6-v2"
    seed: int = 42
    max_length: PositiveInt = 128
    batch_size: PositiveInt = 16
    learn_rate: PositiveFloat = 2e-5
    warmup_ratio: NonNegativeFloat = 0.1
    grad_clip: PositiveFloat = 1.0
    context_window: NonNegativeInt = 48
    sources: Dict[str, Optional[Path]]
    stages: Dict[str, StageSettings]


def check_names(config: Config, overrides: Dict[str, object], path: Path) -> None:
    """Refuse misspelled settings, which confection would otherwise drop without a word: every override must name
    a setting of the file, and ``[pretraining]`` and its stages may only hold the schema's fields."""
    for key in overrides:
        node: object = config
        for part in key.split("."):
            if not isinstance(node, dict) or part not in node:
                raise ValueError(f"--{key} names no setting of {path}: check its spelling against the config file.")
            node = node[part]
    sections = [("[pretraining]", config.get("pretraining", {}), PretrainingSettings)]
    sections += [(f"[pretraining.stages.{name}]", stage, StageSettings)
                 for name, stage in config.get("pretraining", {}).get("stages", {}).items()]
    for title, section, schema in sections:
        unknown = sorted(set(section) - set(schema.model_fields))
        if unknown:
            raise ValueError(f"{title} in {path} has unknown settings {unknown}; it takes {sorted(schema.model_fields)}.")


def load_pretraining_config(path: Path, overrides: Dict[str, object] = {}) -> Tuple[Config, PretrainingSettings]:
    """The config file with ``overrides`` (``{"paths.train": ...}``) applied, and its resolved ``[pretraining]``."""
    check_names(load_config(path, interpolate=False), overrides, path)
    config = load_config(path, overrides=overrides, interpolate=False)
    check_names(config, {}, path)
    resolved = registry.resolve(config.interpolate()["pretraining"], schema=PretrainingSettings)
    settings = PretrainingSettings(**resolved)
    for name, stage in settings.stages.items():
        unknown = [source for source in stage.sources if source not in settings.sources]
        if unknown:
            raise ValueError(
                f"Stage {name} reads sources {unknown} that [pretraining.sources] does not define "
                f"(it has {sorted(settings.sources)}): add them there or fix the stage's sources."
            )
    return config, settings
