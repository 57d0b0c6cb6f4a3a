"""Progress bars that also show in log files.

tqdm's ``disable=None`` hides the bar when stderr is not a terminal, which left synthesis, explanation and
pre-training runs under ``nohup`` or CI silent for tens of minutes. Here the bar always prints; outside a terminal
it refreshes at most every 30 seconds and each refresh is a line of its own, so that a log stays short and the next
message never lands on the bar's line (tqdm redraws with carriage returns, which a log file keeps as they are).
"""
import sys
from typing import Any, Iterable, Optional, TextIO

from tqdm import tqdm

LOG_REFRESH_SECONDS = 30.0


class LogLines:
    """A stream wrapper for tqdm: every redraw of the bar becomes one finished line, blank redraws are dropped."""

    def __init__(self, stream: TextIO):
        self.stream = stream

    def write(self, text: str) -> int:
        line = text.replace("\r", "").rstrip()
        if line:
            self.stream.write(line + "\n")
        return len(text)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.stream, name)  # flush, encoding, isatty ...


def progress(iterable: Optional[Iterable] = None, **kwargs: Any) -> tqdm:
    """``tqdm(iterable, **kwargs)`` that is shown in logs as well as in terminals."""
    stream = kwargs.get("file", sys.stderr)
    if not stream.isatty():
        kwargs.setdefault("mininterval", LOG_REFRESH_SECONDS)
        kwargs["file"] = LogLines(stream)
    return tqdm(iterable, **kwargs)
