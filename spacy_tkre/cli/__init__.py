"""Command-line interface: importing the command modules registers them on ``app``."""
from .app import app
from . import convert, episodes, evaluate, pretrain, report, sample, score_semeval, split  # noqa: F401  (register commands)

__all__ = ["app"]
