"""Dates as people and spreadsheets write them: ISO, day first, Vietnamese words, Excel
serial day numbers.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from datetime import date, timedelta

from ..periods import Period, PeriodParseError

__all__ = ["excel_date", "parse_date"]


_ISO_DATETIME = re.compile(r"(\d{4}-\d{2}-\d{2})(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?"
                           r"(?:Z|[+-]\d{2}:?\d{2})?)?")
_CLOCK = re.compile(r"(\d{1,2}):(\d{2})(?::(\d{2}))?")
_DAY_FIRST_TIME = re.compile(r"(\d{1,2}[/.\-]\d{1,2}[/.\-]\d{4})\s+\d{1,2}:\d{2}(?::\d{2})?")


@functools.lru_cache(maxsize=4096)
def parse_date(text: str) -> date:
    """A date as people and spreadsheets write it: ``2025-12-31``, ``31/12/2025``,
    ``31.12.2025``, ``ngày 31 tháng 12 năm 2025``, ``2025-12-31 00:00:00``, or an Excel serial
    day number (``46022``). Day first, always; a text that is not one whole day is refused.

    :raises ValueError: the text is not a date.
    """
    t = unicodedata.normalize("NFC", text).strip()
    if t.isdecimal() and 20000 <= int(t) <= 80000:
        return excel_date(int(t))
    m = _ISO_DATETIME.fullmatch(t) or _DAY_FIRST_TIME.fullmatch(t)
    if m:
        clock = _CLOCK.search(t, m.end(1))
        if clock and not (int(clock[1]) < 24 and int(clock[2]) < 60
                          and int(clock[3] or 0) < 60):
            raise ValueError(f"{text!r} has a time of day that does not exist")
    if m and m.re is _ISO_DATETIME:
        return date.fromisoformat(m[1])
    if m:
        t = m[1]
    try:
        period = Period.parse(t)
    except PeriodParseError as exc:
        raise ValueError(f"not a date: {text!r}") from exc
    if period.start != period.end:
        raise ValueError(f"{text!r} is a period of {period.days} days, not a date")
    return period.start


def excel_date(serial: int) -> date:
    """The date of an Excel serial day number (1900 date system)."""
    # Excel's day 0 is 1899-12-30 (it counts a 29 February 1900 that never was).
    return date(1899, 12, 30) + timedelta(days=serial)
