"""Progress bars that also show in log files.

tqdm's ``disable=None`` hides the bar when stderr is not a terminal, which left synthesis, explanation and
pre-training runs under ``nohup`` or CI silent for tens of minutes. Here the bar always prints; outside a terminal
it refreshes at most every 30 seconds so that a log stays short.
"""
import sys
from typing import Any, Iterable, Optional

from tqdm import tqdm

LOG_REFRESH_SECONDS = 30.0


def progress(iterable: Optional[Iterable] = None, **kwargs: Any) -> tqdm:
    """``tqdm(iterable, **kwargs)`` that is shown in logs as well as in terminals."""
    if not kwargs.get("file", sys.stderr).isatty():
        kwargs.setdefault("mininterval", LOG_REFRESH_SECONDS)
    return tqdm(iterable, **kwargs)
