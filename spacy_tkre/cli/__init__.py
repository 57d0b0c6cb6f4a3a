"""Command-line interface: importing the command modules registers them on ``app``."""
from .app import app
from . import convert, episodes, evaluate, sample, score_semeval, split  # noqa: F401  (register commands)

__all__ = ["app"]
