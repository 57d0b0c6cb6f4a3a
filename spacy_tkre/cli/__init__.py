"""Command-line interface: importing the command modules registers them on ``app``."""
from .app import app
from . import convert, episodes, evaluate, explain, pretrain, report, sample, score_semeval, split, synthesize  # noqa: F401,E501  (register commands)
from . import dpo, preference_pairs  # noqa: F401,E402  (register commands)

__all__ = ["app"]
