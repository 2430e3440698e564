"""Reporting periods: closed date intervals read from the way Vietnamese and English reports
write them (``2025``, ``Q3/2025``, ``Quý III/2025``, ``T6/2025``, ``6 tháng đầu năm 2025``,
``31/12/2025``, ISO intervals such as ``2025-01-01/P3M``), with a canonical label, exact
containment and overlap tests, and the date arithmetic the engine needs (the window an as-of
date selects, exact fractional years). Parsing never guesses: a text that fits none of the
accepted forms, or fits several with different meanings, raises :class:`PeriodParseError`.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from collections.abc import Callable
from datetime import date, datetime, timedelta
from fractions import Fraction
from typing import Any

import attrs
from dateutil.parser import isoparse
from dateutil.relativedelta import relativedelta

from .errors import ModelError, PlanRulesError

__all__ = [
    "ACCEPTED_FORMS",
    "Period",
    "PeriodParseError",
    "fractional_years",
    "window_for",
]

#: Examples of every form :meth:`Period.parse` accepts, shown in error messages.
ACCEPTED_FORMS: tuple[str, ...] = (
    "2025",
    "năm 2025",
    "H1/2025",
    "6 tháng đầu năm 2025",
    "6 tháng cuối năm 2025",
    "9 tháng năm 2025",
    "Q3/2025",
    "2025-Q3",
    "Quý III/2025",
    "quý 3 năm 2025",
    "06/2025",
    "T6/2025",
    "tháng 6/2025",
    "tháng 6 năm 2025",
    "2025-06",
    "31/12/2025",
    "2025-12-31",
    "ngày 31 tháng 12 năm 2025",
    "01/01/2025 - 30/06/2025",
    "từ 01/01/2025 đến 30/06/2025",
    "2025-01-01/2025-03-31",
    "2025-01-01/P3M",
    "P3M/2025-03-31",
)


class PeriodParseError(PlanRulesError, ValueError):
    """A text could not be read as a period.

    :ivar text: the text as it was given.
    :ivar reason: what was wrong, in English, when more is known than "no accepted form".
    :ivar reason_vi: the same in Vietnamese.
    :ivar message: the English message (also ``str(error)``).
    :ivar message_vi: the Vietnamese message.
    """

    def __init__(self, text: str, reason: str | None = None, reason_vi: str | None = None):
        self.text = text
        self.reason = reason
        self.reason_vi = reason_vi
        forms = ", ".join(ACCEPTED_FORMS)
        self.message = (
            f"cannot read {text!r} as a period"
            + (f": {reason}" if reason else "")
            + f". Accepted forms: {forms}."
        )
        self.message_vi = (
            f"không đọc được {text!r} thành một kỳ báo cáo"
            + (f": {reason_vi}" if reason_vi else "")
            + f". Các dạng được chấp nhận: {forms}."
        )
        super().__init__(self.message)

    def __reduce__(self) -> tuple[Any, ...]:
        # The default reduce would call cls(message); keep the parts so the error survives
        # pickling (process pools, Dask workers).
        return (type(self), (self.text, self.reason, self.reason_vi))


class _Invalid(Exception):
    """A text had the shape of an accepted form but named something that does not exist."""

    def __init__(self, reason: str, reason_vi: str):
        super().__init__(reason)
        self.reason = reason
        self.reason_vi = reason_vi


def _as_date(value: date) -> date:
    # A datetime is a date subclass but does not compare with dates; keep only the day.
    if isinstance(value, datetime):
        return value.date()
    return value


def _end_not_before_start(instance: Period, attribute: attrs.Attribute[date], value: date) -> None:
    if value < instance.start:
        raise ModelError(f"period ends ({value}) before it starts ({instance.start})")


def _last_day(y: int, m: int) -> date:
    return date(y, m, calendar.monthrange(y, m)[1])


def _canonical_label(start: date, end: date) -> str:
    if start == end:
        return start.isoformat()
    y = start.year
    if start.day == 1 and end.year == y and end == _last_day(y, end.month):
        months = end.month - start.month + 1
        if months == 12:
            return f"{y:04d}"
        if months == 6 and start.month in (1, 7):
            return f"H{(start.month + 5) // 6}/{y:04d}"
        if months == 3 and start.month % 3 == 1:
            return f"Q{(start.month + 2) // 3}/{y:04d}"
        if months == 1:
            return f"{start.month:02d}/{y:04d}"
    return f"{start.isoformat()}/{end.isoformat()}"


_PARSED: dict[str, Period] = {}
_PARSED_MAX = 4096
_BETWEEN: dict[tuple[type, date, date], Period] = {}


@attrs.frozen(kw_only=True, order=False)
class Period:
    """A closed interval of days, ``start`` to ``end`` inclusive, with a canonical label.

    The label is derived from the dates (``2025``, ``H1/2025``, ``Q3/2025``, ``06/2025``,
    ``2025-12-31`` or ``2025-01-01/2025-09-30``), so two periods with the same dates are
    equal and hash equal however they were written. Periods sort by ``(end, start)``: the
    period that ends first comes first, which is the order "the latest snapshot" relies on.
    """

    start: date = attrs.field(converter=_as_date, validator=attrs.validators.instance_of(date))
    end: date = attrs.field(
        converter=_as_date,
        validator=[attrs.validators.instance_of(date), _end_not_before_start],
    )
    label: str = attrs.field(init=False, eq=False, hash=False)

    @label.default
    def _label_default(self) -> str:
        # Defaults are computed before validators run: leave bad values to the validators.
        if not (isinstance(self.start, date) and isinstance(self.end, date)):
            return ""
        return _canonical_label(self.start, self.end)

    # -- constructors -------------------------------------------------------------------

    @classmethod
    def parse(cls, text: str) -> Period:
        """Read a period from what people write; see :data:`ACCEPTED_FORMS`.

        Matching ignores case and surrounding spaces and treats NFC and NFD spellings of
        Vietnamese alike. Years have four digits; day-first dates are ``dd/mm/yyyy`` (also
        with ``-`` or ``.``); year-first dates are read only when the year comes first with
        four digits (``2025/06/07`` is 7 June).

        :raises PeriodParseError: the text fits no accepted form, names a day, month,
            quarter or half that does not exist, ends before it starts, or can be read in
            two different ways.
        """
        if not isinstance(text, str):
            raise TypeError(f"Period.parse expects a str, got {type(text).__name__}")
        # A file repeats a handful of period texts over millions of rows; periods are
        # immutable, so a parsed one can be handed out again.
        cached = _PARSED.get(text)
        if cached is not None:
            return cached
        found = cls._parse_uncached(text)
        if len(_PARSED) < _PARSED_MAX:
            _PARSED[text] = found
        return found

    @classmethod
    def _parse_uncached(cls, text: str) -> Period:
        norm = _normalise(text)
        if not norm:
            raise PeriodParseError(text, "the text is empty", "văn bản rỗng")
        try:
            found = _parse_single(norm)
            if found is None:
                found = _parse_iso_interval(norm)
            if found is None:
                found = _parse_range(norm)
        except _Invalid as exc:
            raise PeriodParseError(text, exc.reason, exc.reason_vi) from None
        if found is None:
            if _looks_like_two_digit_year(norm):
                raise PeriodParseError(
                    text, "years must be written with four digits", "năm phải viết đủ 4 chữ số"
                )
            raise PeriodParseError(text)
        return found

    @classmethod
    def year(cls, y: int) -> Period:
        """The calendar year ``y``, labelled ``2025``."""
        _check_year(y)
        return cls(start=date(y, 1, 1), end=date(y, 12, 31))

    @classmethod
    def half(cls, y: int, h: int) -> Period:
        """Half ``h`` (1: January–June, 2: July–December) of year ``y``, labelled ``H1/2025``."""
        _check_year(y)
        if h not in (1, 2):
            raise ModelError(f"a half-year is 1 or 2, not {h!r}")
        first = 6 * h - 5
        return cls(start=date(y, first, 1), end=_last_day(y, first + 5))

    @classmethod
    def quarter(cls, y: int, q: int) -> Period:
        """Quarter ``q`` (1–4) of year ``y``, labelled ``Q3/2025``."""
        _check_year(y)
        if q not in (1, 2, 3, 4):
            raise ModelError(f"a quarter is 1 to 4, not {q!r}")
        first = 3 * q - 2
        return cls(start=date(y, first, 1), end=_last_day(y, first + 2))

    @classmethod
    def month(cls, y: int, m: int) -> Period:
        """Month ``m`` (1–12) of year ``y``, labelled ``06/2025``."""
        _check_year(y)
        if not (isinstance(m, int) and 1 <= m <= 12):
            raise ModelError(f"a month is 1 to 12, not {m!r}")
        return cls(start=date(y, m, 1), end=_last_day(y, m))

    @classmethod
    def day(cls, d: date) -> Period:
        """The single day ``d``, labelled ``2025-12-31``."""
        return cls(start=d, end=d)

    @classmethod
    def between(cls, start: date, end: date) -> Period:
        """The days from ``start`` to ``end`` inclusive.

        The label is the canonical year, half, quarter, month or day label when the interval
        is exactly one of those, else ``2025-01-01/2025-09-30``.

        :raises ModelError: ``end`` is before ``start``.
        """
        # Every target asks for its window at each date of its history, and a plan
        # instantiated per province asks the same few windows for each copy: periods are
        # immutable, so one made is handed out again. On the national benchmark evaluated
        # per province, making them anew (validated and labelled) took 4.8 s of the run
        # under a profiler, for 28,291 windows of a few hundred distinct ones.
        key = (cls, start, end)
        cached = _BETWEEN.get(key)
        if cached is not None:
            return cached
        found = cls(start=start, end=end)
        if len(_BETWEEN) < _PARSED_MAX:
            _BETWEEN[key] = found
        return found

    # -- queries ------------------------------------------------------------------------

    @property
    def key(self) -> tuple[date, date]:
        """The sort key ``(end, start)``."""
        return (self.end, self.start)

    @property
    def days(self) -> int:
        """The number of days in the period, both ends included."""
        return (self.end - self.start).days + 1

    def contains(self, d: date) -> bool:
        """Whether the day ``d`` lies in the period."""
        d = _as_date(d)
        return self.start <= d <= self.end

    def covers(self, other: Period) -> bool:
        """Whether every day of ``other`` lies in this period."""
        return self.start <= other.start and other.end <= self.end

    def overlaps(self, other: Period) -> bool:
        """Whether the two periods share at least one day."""
        return self.start <= other.end and other.start <= self.end

    def intersection(self, other: Period) -> Period | None:
        """The days both periods share, or ``None`` when they share none."""
        if not self.overlaps(other):
            return None
        return Period.between(max(self.start, other.start), min(self.end, other.end))

    def __str__(self) -> str:
        return self.label

    # Ordering is written out rather than generated: attrs would order by the fields in
    # declaration order (start first), and the engine wants the period that ends first first.
    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Period):
            return NotImplemented
        return self.key < other.key

    def __le__(self, other: object) -> bool:
        if not isinstance(other, Period):
            return NotImplemented
        return self.key <= other.key

    def __gt__(self, other: object) -> bool:
        if not isinstance(other, Period):
            return NotImplemented
        return self.key > other.key

    def __ge__(self, other: object) -> bool:
        if not isinstance(other, Period):
            return NotImplemented
        return self.key >= other.key


def window_for(as_of: date, *, start: date | None = None) -> Period:
    """The window an as-of date selects: from ``start`` (default 1 January of ``as_of``'s
    year) to ``as_of``, both included.

    :raises ModelError: ``start`` is after ``as_of``.
    """
    as_of = _as_date(as_of)
    return Period.between(date(as_of.year, 1, 1) if start is None else start, as_of)


def fractional_years(a: date, b: date) -> Fraction:
    """The exact length from ``a`` to ``b`` in years, negative when ``b`` is before ``a``.

    Whole years are counted on the calendar (``relativedelta``: 29 February plus one year is
    28 February); the days left over count each as ``1/365`` or ``1/366`` according to the
    length of the calendar year they fall in. So ``fractional_years(a, a + k years) == k``
    exactly, and within less than a year the measure is additive.
    """
    a, b = _as_date(a), _as_date(b)
    if b < a:
        return -fractional_years(b, a)
    whole = b.year - a.year
    while whole > 0 and a + relativedelta(years=whole) > b:
        whole -= 1
    anchor: date = a + relativedelta(years=whole)
    result = Fraction(whole)
    while anchor < b:
        year_end = date(anchor.year + 1, 1, 1) if anchor.year < b.year else b
        length = 366 if calendar.isleap(anchor.year) else 365
        result += Fraction((year_end - anchor).days, length)
        anchor = year_end
    return result


# -- parsing ---------------------------------------------------------------------------

# En and em dashes separate the two ends of a range; the other hyphen-like characters
# (minus sign, non-breaking hyphen…) that spreadsheets substitute for "-" mean "-".
_HYPHENS = str.maketrans({"\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2212": "-"})
_RANGE_DASHES = str.maketrans({"\u2014": "\u2013", "\u2015": "\u2013"})

_Y = r"(?P<y>[0-9]{4})"
# Between a quarter, month or half and its year: "/", "-", a space, or " năm ".
_YSEP = r"(?:\s*[/-]\s*|\s+(?:năm\s+)?)"
_ISO_DATE = r"[0-9]{4}-[0-9]{2}-[0-9]{2}"
_DURATION = r"p(?:[0-9]+y)?(?:[0-9]+m)?(?:[0-9]+w)?(?:[0-9]+d)?"

_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}


def _normalise(text: str) -> str:
    text = unicodedata.normalize("NFC", text).casefold()
    text = text.translate(_HYPHENS).translate(_RANGE_DASHES)
    return re.sub(r"\s+", " ", text).strip()


def _looks_like_two_digit_year(norm: str) -> bool:
    return (
        re.search(r"[0-9]{4}", norm) is None and re.search(r"(?<![0-9])[0-9]{2}$", norm) is not None
    )


def _check_year(y: int) -> None:
    if not (isinstance(y, int) and 1 <= y <= 9999):
        raise ModelError(f"a year is 1 to 9999, not {y!r}")


def _number(token: str, what: str, what_vi: str, low: int, high: int) -> int:
    if token in _ROMAN:
        n = _ROMAN[token]
    elif token.isdecimal():
        n = int(token)
    else:
        n = -1
    if not low <= n <= high:
        if high == low + 1:
            raise _Invalid(
                f"{what} must be {low} or {high}, not {token.upper()}",
                f"{what_vi} phải là {low} hoặc {high}, không phải {token.upper()}",
            )
        raise _Invalid(
            f"{what} must be {low} to {high}, not {token.upper()}",
            f"{what_vi} phải từ {low} đến {high}, không phải {token.upper()}",
        )
    return n


def _date(y: str, m: str, d: str) -> date:
    try:
        return date(int(y), int(m), int(d))
    except ValueError:
        raise _Invalid(f"there is no day {d}/{m}/{y}", f"không có ngày {d}/{m}/{y}") from None


def _iso_date(text: str) -> date:
    try:
        return isoparse(text).date()
    except ValueError:
        raise _Invalid(f"there is no day {text}", f"không có ngày {text}") from None


def _year(m: re.Match[str]) -> int:
    y = int(m["y"])
    if y < 1:
        raise _Invalid("there is no year 0000", "không có năm 0000")
    return y


def _first_months(y: int, n: int) -> Period:
    return Period.between(date(y, 1, 1), _last_day(y, n))


def _last_months(y: int, n: int) -> Period:
    return Period.between(date(y, 13 - n, 1), date(y, 12, 31))


def _quarter(m: re.Match[str]) -> Period:
    return Period.quarter(_year(m), _number(m["q"], "the quarter", "quý", 1, 4))


def _half(m: re.Match[str]) -> Period:
    return Period.half(_year(m), _number(m["h"], "the half-year", "nửa năm", 1, 2))


def _month(m: re.Match[str]) -> Period:
    return Period.month(_year(m), _number(m["m"], "the month", "tháng", 1, 12))


def _months_of_year(m: re.Match[str]) -> Period:
    n = _number(m["n"], "the number of months", "số tháng", 1, 12)
    y = _year(m)
    return _last_months(y, n) if m["which"] == "cuối" else _first_months(y, n)


def _day_first(m: re.Match[str]) -> Period:
    return Period.day(_date(m["y"], m["m"], m["d"]))


def _iso_day(m: re.Match[str]) -> Period:
    return Period.day(_iso_date(m[0]))


_SINGLE_FORMS: tuple[tuple[re.Pattern[str], Callable[[re.Match[str]], Period]], ...] = tuple(
    (re.compile(pattern), build)
    for pattern, build in (
        # 2025, năm 2025
        (rf"(?:năm\s+)?{_Y}", lambda m: Period.year(_year(m))),
        # Q3/2025, Quý III/2025, quý 3 năm 2025 ("qúy" is the old-style tone placement)
        (rf"(?:q|quý|qúy)\s*(?P<q>[0-9]+|[ivx]+){_YSEP}{_Y}", _quarter),
        # 2025-Q3, 2025 Q3
        (rf"{_Y}(?:\s*[/-]\s*|\s+)(?:q|quý|qúy)\s*(?P<q>[0-9]+|[ivx]+)", _quarter),
        # H1/2025, 2025-H1
        (rf"h\s*(?P<h>[0-9]+){_YSEP}{_Y}", _half),
        (rf"{_Y}(?:\s*[/-]\s*|\s+)h\s*(?P<h>[0-9]+)", _half),
        # 6 tháng đầu năm 2025, 6 tháng cuối năm 2025
        (rf"(?P<n>[0-9]{{1,2}})\s+tháng\s+(?P<which>đầu|cuối)\s+(?:năm\s+)?{_Y}", _months_of_year),
        # 9 tháng năm 2025: a report "for n months of the year" counts from January
        (rf"(?P<n>[0-9]{{1,2}})\s+tháng\s+(?P<which>)năm\s+{_Y}", _months_of_year),
        # T6/2025, T06/2025, tháng 6/2025, tháng 6 năm 2025
        (rf"(?:t|tháng|thg)\.?\s*(?P<m>[0-9]{{1,2}}){_YSEP}{_Y}", _month),
        # 06/2025, 6-2025
        (rf"(?P<m>[0-9]{{1,2}})\s*[/-]\s*{_Y}", _month),
        # 2025-06, 2025/06
        (rf"{_Y}\s*[/-]\s*(?P<m>[0-9]{{1,2}})", _month),
        # 2025-12-31 (ISO 8601)
        (_ISO_DATE, _iso_day),
        # 2025/12/31, 2025.12.31: year first only with a four-digit year
        (rf"{_Y}(?P<sep>[/.-])(?P<m>[0-9]{{1,2}})(?P=sep)(?P<d>[0-9]{{1,2}})", _day_first),
        # 31/12/2025, 31-12-2025, 31.12.2025, ngày 31/12/2025
        (
            rf"(?:ngày\s*)?(?P<d>[0-9]{{1,2}})(?P<sep>[/.-])(?P<m>[0-9]{{1,2}})(?P=sep){_Y}",
            _day_first,
        ),
        # ngày 31 tháng 12 năm 2025
        (
            rf"ngày\s+(?P<d>[0-9]{{1,2}})\s+tháng\s+(?P<m>[0-9]{{1,2}})\s+năm\s+{_Y}",
            _day_first,
        ),
    )
)

_ISO_INTERVAL = re.compile(rf"(?P<a>{_ISO_DATE}|{_DURATION})\s*/\s*(?P<b>{_ISO_DATE}|{_DURATION})")
_DURATION_PARTS = re.compile(
    r"p(?:(?P<years>[0-9]+)y)?(?:(?P<months>[0-9]+)m)?(?:(?P<weeks>[0-9]+)w)?(?:(?P<days>[0-9]+)d)?"
)
# Where a range "A – B" may be split: an en/em dash, a hyphen, or a word, each possibly with
# spaces. Every split is tried; exactly one distinct reading must survive.
_RANGE_SEPARATOR = re.compile(r"\s*[-\u2013]\s*|\s+(?:đến|tới|to|until)\s+")
_RANGE_START = re.compile(r"(?:từ|from)\s+")


def _parse_single(norm: str) -> Period | None:
    for pattern, build in _SINGLE_FORMS:
        m = pattern.fullmatch(norm)
        if m is not None:
            return build(m)
    return None


def _duration(text: str) -> relativedelta:
    m = _DURATION_PARTS.fullmatch(text)
    if m is None or not any(m.groupdict().values()):
        raise _Invalid(
            f"{text.upper()} is not an ISO 8601 duration of years, months, weeks or days",
            f"{text.upper()} không phải là khoảng thời gian ISO 8601 (năm, tháng, tuần, ngày)",
        )
    return relativedelta(
        years=int(m["years"] or 0),
        months=int(m["months"] or 0),
        weeks=int(m["weeks"] or 0),
        days=int(m["days"] or 0),
    )


def _checked_between(start: date, end: date) -> Period:
    if end < start:
        raise _Invalid(
            f"the end ({end.isoformat()}) is before the start ({start.isoformat()})",
            f"ngày kết thúc ({end.isoformat()}) trước ngày bắt đầu ({start.isoformat()})",
        )
    return Period.between(start, end)


def _parse_iso_interval(norm: str) -> Period | None:
    m = _ISO_INTERVAL.fullmatch(norm)
    if m is None:
        return None
    a, b = m["a"], m["b"]
    a_is_duration, b_is_duration = a.startswith("p"), b.startswith("p")
    if a_is_duration and b_is_duration:
        raise _Invalid(
            "an interval needs at least one date, not two durations",
            "khoảng thời gian cần ít nhất một ngày cụ thể, không phải hai khoảng",
        )
    one_day = timedelta(days=1)
    try:
        if b_is_duration:
            start = _iso_date(a)
            end = start + _duration(b) - one_day
        elif a_is_duration:
            end = _iso_date(b)
            start = end - _duration(a) + one_day
        else:
            start, end = _iso_date(a), _iso_date(b)
    except (OverflowError, ValueError):
        raise _Invalid(
            "the interval runs outside the calendar (years 1 to 9999)",
            "khoảng thời gian vượt ra ngoài lịch (năm 1 đến 9999)",
        ) from None
    return _checked_between(start, end)


def _parse_range(norm: str) -> Period | None:
    readings: set[Period] = set()
    problem: _Invalid | None = None
    for sep in _RANGE_SEPARATOR.finditer(norm):
        left, right = norm[: sep.start()], norm[sep.end() :]
        if word := _RANGE_START.match(left):
            left = left[word.end() :]
        try:
            first, last = _parse_single(left), _parse_single(right)
            if first is None or last is None:
                continue
            if last.start < first.start or last.end < first.end:
                raise _Invalid(
                    f"the second part of the range ({last}) comes before the first ({first})",
                    f"phần sau của khoảng ({last}) đứng trước phần đầu ({first})",
                )
            readings.add(Period.between(first.start, last.end))
        except _Invalid as exc:
            problem = problem or exc
    if len(readings) > 1:
        shown = " or ".join(sorted(str(p) for p in readings))
        shown_vi = " hoặc ".join(sorted(str(p) for p in readings))
        raise _Invalid(
            f"it can be read as {shown}; write the dates so only one reading fits",
            f"có thể hiểu là {shown_vi}; hãy viết sao cho chỉ có một cách hiểu",
        )
    if readings:
        return readings.pop()
    if problem is not None:
        raise problem
    return None
