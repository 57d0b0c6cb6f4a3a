"""Two-stage knowledge-guided pre-training of the span encoder (TKRE): MSLM, then SCL + MSLM.
Importing this package registers ``spacy_tkre.MSLM.v1`` and ``spacy_tkre.SCL.v1``."""
from .config import PretrainingSettings, StageSettings, load_pretraining_config
from .data import EntityPair, PretrainExample, SkipExample
from .masked_lm import load_masked_lm, save_encoder, weights_digest
from .mslm import MSLM
from .objective import Objective
from .registry import make_mslm, make_scl
from .scl import SCL
from .trainer import pretrain

__all__ = [
    "EntityPair", "MSLM", "SCL", "Objective", "PretrainExample", "PretrainingSettings", "SkipExample",
    "StageSettings", "load_masked_lm", "load_pretraining_config", "make_mslm", "make_scl", "pretrain",
    "save_encoder", "weights_digest",
]
