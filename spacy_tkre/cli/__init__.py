"""Command-line interface: ``app`` imports each command's module when that command is used (see ``app.py``)."""
from .app import app

__all__ = ["app"]
