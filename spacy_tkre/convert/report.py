"""Bookkeeping shared by all converters: a record is either converted or skipped for a named reason.

Real data sets contain records a spaCy Doc cannot hold (overlapping entities, broken markup); converters
skip them instead of crashing, and the report makes every skip visible so nothing is lost silently.
"""
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, Iterable, Iterator, Tuple, TypeVar

from wasabi import msg

from ..annotation import AnnotationError


class ConversionError(Exception):
    """The whole input cannot be converted (missing file, wrong top-level structure, bad option)."""


class SkipRecord(AnnotationError):
    """One record cannot be read; ``reason`` is a short category counted in the report, like annotation errors."""


@dataclass
class ConversionReport:
    """Counts of records read, written and skipped per reason, with the first place each reason occurred."""

    source: str = ""
    read: int = 0
    written: int = 0
    skipped: Counter = field(default_factory=Counter)
    first_skip: Dict[str, str] = field(default_factory=dict)

    def skip(self, reason: str, where: str, detail: str = "") -> None:
        self.skipped[reason] += 1
        self.first_skip.setdefault(reason, f"{where}: {detail}" if detail else where)

    @property
    def total_skipped(self) -> int:
        return sum(self.skipped.values())

    def rows(self):
        """The report as (what, count, first occurrence) rows, skip reasons most frequent first."""
        rows = [("read", self.read, ""), ("written", self.written, "")]
        rows += [(f"skipped: {reason}", count, self.first_skip[reason]) for reason, count in self.skipped.most_common()]
        return rows

    def print(self, action: str = "Converted") -> None:
        title = f"{action} {self.source}" if self.source else action
        if self.total_skipped:
            msg.warn(f"{title}: {self.total_skipped} of {self.read} records skipped")
        else:
            msg.good(f"{title}: all {self.read} records converted")
        msg.table(self.rows(), header=("", "records", "first at"), divider=True)


Record = Tuple[str, Any]
Converted = TypeVar("Converted")


def convert_records(records: Iterable[Record], convert: Callable[[Any], Converted], report: ConversionReport) -> Iterator[Converted]:
    """Turn ``(location, record)`` pairs into Docs (or whatever ``convert`` makes of a record, such as a checked
    preference pair), counting each record as written or skipped."""
    for where, record in records:
        report.read += 1
        try:
            converted = convert(record)
        except AnnotationError as skip:  # SkipRecord from reading, or spans the Doc cannot hold
            report.skip(skip.reason, where, skip.detail)
            continue
        report.written += 1
        yield converted
