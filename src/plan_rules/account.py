"""Accounting: every figure given is used by a finding or named by a data issue.

What is left after the targets and the checks — a figure for a period after the as-of date, or
one that no target's scope or measurement window takes — is named ``unused``, so that nothing
the user gave vanishes from the report.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from itertools import chain

from .compare import UnitResults
from .dataissues import IssueSink
from .figures import FigureTable
from .model import Entity, Finding
from .words import level_words

__all__ = ["account", "cited", "referenced"]


def cited(finding: Finding) -> Iterator[Sequence[int]]:
    """The positions of the observations a finding used, set aside as older, or excluded,
    a sequence at a time (a position may come more than once)."""
    yield finding.observations
    for key in ("excluded", "history"):
        yield finding.details.get(key, ())
    entities = finding.entities
    # A target's results per unit cite the figures the target used or excluded, which the
    # finding lists itself: they are not walked again, nor built.
    if not isinstance(entities, UnitResults):
        for result in entities:
            yield result.observations


def referenced(finding: Finding) -> set[int]:
    """Positions of the observations a finding used, set aside as older, or excluded."""
    return set(chain.from_iterable(cited(finding)))


def account(table: FigureTable, findings: Iterable[Finding], as_of: date,
            unit_of: Sequence[Entity | None], sink: IssueSink) -> None:
    """Name every figure of ``table`` that no finding used and no issue names yet."""
    # One byte a figure, set where a finding or an issue names it: a set of a million
    # positions would take a hundred times the memory.
    named = bytearray(len(table))
    for f in findings:
        for positions in cited(f):
            for i in positions:
                named[i] = 1
    for seen in sink.named.values():
        for position in seen:
            if position is not None:
                named[position] = 1
    periods = table.periods.values
    levels = table.levels.values
    i = named.find(0)
    while i != -1:
        period = periods[table.period[i]]
        if period.end > as_of:
            vi, en = (f"kỳ {period} kết thúc sau ngày đánh giá {as_of:%d/%m/%Y}",
                      f"period {period} ends after the as-of date {as_of:%d/%m/%Y}")
        else:
            unit = unit_of[i]
            level = level_words(unit.level if unit is not None else levels[table.level[i]])
            vi, en = (f"không chỉ tiêu nào dùng số liệu này (kỳ {period}, cấp {level.vi}): "
                      "ngoài phạm vi hoặc ngoài kỳ đo của mọi chỉ tiêu",
                      f"no target uses this figure (period {period}, level {level.en}): it is "
                      "outside the scope or the measurement window of every target")
        sink.issue("unused", i, vi, en, field="period", text=str(period), blocking=False,
                   severity="warning")
        i = named.find(0, i + 1)
