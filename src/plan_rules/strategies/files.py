"""Figures files as people send them: the CSV text of a spreadsheet saved in Vietnam.

:func:`csv_files` draws figures of a registry and writes them the way a province's staff
save them: Vietnamese numbers (``1.234`` for a thousand and more, ``95,9%``, ``0,959``), a
byte-order mark or none, ``;``, ``,`` or tab separators (with Excel's ``sep=;`` line now and
then), Windows or Unix line ends, stray spaces around cells, headers in Vietnamese (with or
without diacritics, any case) or English in any order, beside the fill-in template's
explanatory columns, periods and levels as Vietnamese reports write them (``Quý III/2025``,
``6 tháng đầu năm 2025``, ``Cấp xã``) and dates day first. Every file drawn reads back,
through :func:`plan_rules.read_observations` with the registry, to exactly the figures it
was drawn from (:attr:`CsvFile.observations`) and to no data issue.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from datetime import date
from fractions import Fraction
from pathlib import Path

import attrs
from hypothesis import strategies as st

from ..model import Entity, Indicator, Kind, Observation
from ..numbers import parse_published_rate
from ..periods import Period
from ..readers import FIELDS, header_key
from ..registry import Registry
from .core import observations_for

__all__ = ["CsvFile", "csv_files"]


@attrs.frozen(kw_only=True)
class CsvFile:
    """A figures file as drawn: its bytes, and the figures they hold, in row order.

    ``observations`` are what :func:`plan_rules.read_observations` gives for the file, less
    the ``file`` and ``row`` a reader adds; ``encoding`` and ``delimiter`` say how it was
    written (shown when a property fails).
    """

    data: bytes = attrs.field(repr=False)
    observations: tuple[Observation, ...]
    encoding: str
    delimiter: str

    @property
    def text(self) -> str:
        """The file's text (without its byte-order mark)."""
        return self.data.decode("utf-16" if self.encoding == "utf-16" else "utf-8-sig")

    def write(self, directory: str | Path, name: str = "số liệu.csv") -> Path:
        """Write the file into ``directory`` as ``name``; its path."""
        path = Path(directory) / name
        path.write_bytes(self.data)
        return path


# -- headers ---------------------------------------------------------------------------------

#: How people head each column, in the styles a whole file is headed in: Vietnamese,
#: Vietnamese typed without diacritics, English. Each is checked against the readers
#: (:func:`plan_rules.readers.header_key`) when this module is imported.
_HEADER_WORDS: dict[str, dict[str, tuple[str, ...]]] = {
    "indicator": {"vi": ("Mã chỉ tiêu", "Chỉ tiêu", "Mã chỉ tiêu *"),
                  "ascii": ("ma chi tieu", "chi tieu"),
                  "en": ("indicator", "Indicator code", "INDICATOR")},
    "entity": {"vi": ("Mã đơn vị", "Đơn vị", "Mã đơn vị *"), "ascii": ("ma don vi", "don vi"),
               "en": ("entity", "Entity code", "ENTITY")},
    "level": {"vi": ("Cấp", "Cấp đơn vị"), "ascii": ("cap", "cap don vi"),
              "en": ("level", "LEVEL")},
    "period": {"vi": ("Kỳ báo cáo", "Kỳ", "Kỳ báo cáo *"), "ascii": ("ky bao cao", "ky"),
               "en": ("period", "Reporting period", "PERIOD")},
    "numerator": {"vi": ("Tử số", "Tử số (numerator)"), "ascii": ("tu so",),
                  "en": ("numerator", "NUMERATOR")},
    "denominator": {"vi": ("Mẫu số", "Mẫu số (denominator)"), "ascii": ("mau so",),
                    "en": ("denominator", "DENOMINATOR")},
    "value": {"vi": ("Giá trị", "Số liệu", "Kết quả"), "ascii": ("gia tri", "so lieu"),
              "en": ("value", "VALUE")},
    "reported_on": {"vi": ("Ngày báo cáo",), "ascii": ("ngay bao cao",),
                    "en": ("reported_on", "Report date", "Reported on")},
    "source": {"vi": ("Nguồn", "Căn cứ", "Nguồn số liệu"), "ascii": ("nguon", "can cu"),
               "en": ("source", "Evidence", "SOURCE")},
    "note": {"vi": ("Ghi chú",), "ascii": ("ghi chu",), "en": ("note", "Notes", "NOTE")},
}
_STYLES = ("en", "vi", "ascii", "mixed")

#: The fill-in template's explanatory columns, which readers accept and ignore.
_INFO_COLUMNS = ("Tên chỉ tiêu", "Đơn vị tính", "Cách điền")


def _checked() -> dict[str, dict[str, tuple[str, ...]]]:
    wrong = [w for field, styles in _HEADER_WORDS.items() for words in styles.values()
             for w in words if header_key(w) != field]
    if wrong:
        raise AssertionError(f"headers the readers do not take: {wrong}")
    styles = {f: {**by, "mixed": tuple(w for words in by.values() for w in words)}
              for f, by in _HEADER_WORDS.items()}
    return styles


_HEADERS = _checked()


# -- cells -----------------------------------------------------------------------------------


def _grouped(n: int, mark: str) -> str:
    """``n`` with its thousands separated by ``mark`` (none for ``""``)."""
    return f"{n:,}".replace(",", mark) if mark else str(n)


def _whole(draw: st.DrawFn, n: int) -> str:
    """A whole number as typed: ``1234``, ``1.234``, ``1 234`` or ``1,234``."""
    return _grouped(n, draw(st.sampled_from(("", ".", " ", ","))))


#: A number that a lone dot splits into groups of three, which readers take as thousands.
_DOT_THOUSANDS = re.compile(r"[1-9][0-9]{0,2}(?:\.[0-9]{3})+")


def _decimals(x: Fraction) -> int | None:
    """How many decimals ``x`` needs written out exactly (None: it has no end, or needs
    more than a reader takes)."""
    for n in range(31):
        if (x * 10 ** n).denominator == 1:
            return n
    return None


def _decimal(draw: st.DrawFn, x: Fraction, places: int) -> str:
    """``x`` (0 or more) with ``places`` decimals, the decimal mark a comma (the Vietnamese
    way) or a point; never a point a reader would take for thousands."""
    whole, rest = divmod(x, 1)
    digits = str(int(rest * 10 ** places)).rjust(places, "0") if places else ""
    mark = draw(st.sampled_from((",", ".")))
    text = f"{int(whole)}{mark}{digits}" if places else str(int(whole))
    if mark == "." and _DOT_THOUSANDS.fullmatch(text):
        text = text.replace(".", ",")
    return text


def _rate(draw: st.DrawFn, value: Fraction, indicator: Indicator) -> str:
    """A rate as typed: ``95,9%`` or ``95,9`` for a percent indicator (``0,5%`` always with
    its sign: readers take a bare ``0,5`` as 0.5% but say it may be a ratio), ``0,959`` or
    ``95,9%`` for a ratio indicator."""
    ratio = indicator.value_unit != "percent"
    places = _decimals(value)
    if ratio and places is not None and draw(st.booleans()):
        return _decimal(draw, value, places)
    places = _decimals(value * 100)
    assert places is not None  # a figure that cannot be written is not drawn
    signed = ratio or 0 < value <= Fraction(1, 100) or draw(st.booleans())
    return _decimal(draw, value * 100, places) + ("%" if signed else "")


_ROMAN = ("I", "II", "III", "IV")


def _period(draw: st.DrawFn, p: Period) -> str:
    """A period as Vietnamese reports write it, or its label."""
    y, start, end = p.start.year, p.start, p.end
    forms = [p.label]
    if p == Period.year(y):
        forms += [f"năm {y}", f"Năm {y}"]
    elif p in (Period.half(y, 1), Period.half(y, 2)):
        forms += [f"6 tháng {'đầu' if start.month == 1 else 'cuối'} năm {y}"]
    elif p == Period.quarter(y, (start.month + 2) // 3) and start.month % 3 == 1:
        q = (start.month + 2) // 3
        forms += [f"Quý {_ROMAN[q - 1]}/{y}", f"quý {q} năm {y}"]
    elif p == Period.month(y, start.month):
        forms += [f"T{start.month}/{y}", f"tháng {start.month}/{y}",
                  f"Tháng {start.month} năm {y}"]
    elif start == end:
        forms += [f"{start:%d/%m/%Y}", f"ngày {start.day} tháng {start.month} năm {y}"]
    else:
        forms += [f"{start:%d/%m/%Y} - {end:%d/%m/%Y}", f"từ {start:%d/%m/%Y} đến {end:%d/%m/%Y}"]
    return str(draw(st.sampled_from(forms)))


def _day(draw: st.DrawFn, d: date) -> str:
    return str(draw(st.sampled_from((f"{d:%d/%m/%Y}", d.isoformat(), f"{d:%d.%m.%Y}"))))


#: Levels as Vietnamese reports write them.
_LEVEL_WORDS = {"province": ("Tỉnh", "cấp tỉnh"), "department": ("Sở", "sở, ngành"),
                "district": ("Huyện", "Cấp huyện"), "commune": ("Xã", "Cấp xã", "Phường")}


def _level(draw: st.DrawFn, level: str) -> str:
    return str(draw(st.sampled_from((level, *_LEVEL_WORDS.get(level, ())))))


def _milestone(draw: st.DrawFn, value: Fraction) -> str:
    done = ("hoàn thành", "Hoàn thành", "đã hoàn thành", "done", "1")
    not_done = ("chưa", "Chưa hoàn thành", "not done", "0")
    return str(draw(st.sampled_from(done if value == 1 else not_done)))


def _indicator_code(draw: st.DrawFn, code: str, folded: dict[str, int]) -> str:
    """The code, or in another case where no other indicator folds to the same."""
    if folded.get(code.casefold(), 0) > 1:
        return code
    return str(draw(st.sampled_from((code, code.lower(), code.upper()))))


def _cells(draw: st.DrawFn, o: Observation, indicator: Indicator,
           folded: dict[str, int]) -> dict[str, str]:
    """The cells of one figure, by field."""
    cells = {"indicator": _indicator_code(draw, o.indicator, folded), "entity": o.entity,
             "period": _period(draw, o.period)}
    if o.level is not None:
        cells["level"] = _level(draw, o.level)
    if o.numerator is not None and o.denominator is not None:
        cells["numerator"] = _whole(draw, o.numerator)
        cells["denominator"] = _whole(draw, o.denominator)
    if o.value is not None:
        if indicator.kind is Kind.MILESTONE:
            cells["value"] = _milestone(draw, o.value)
        elif indicator.kind is Kind.COUNT:
            cells["value"] = _whole(draw, int(o.value))
        else:
            cells["value"] = _rate(draw, o.value, indicator)
    if o.reported_on is not None:
        cells["reported_on"] = _day(draw, o.reported_on)
    for name in ("source", "note"):
        text = getattr(o, name)
        if text is not None:
            cells[name] = text
    return cells


def _padded(draw: st.DrawFn, text: str) -> str:
    """A cell with stray spaces around it, now and then."""
    if draw(st.integers(0, 3)) == 3:
        return draw(st.sampled_from((" ", "  "))) + text + draw(st.sampled_from(("", " ")))
    return text


# -- figures a file can hold -------------------------------------------------------------------


def _writable(o: Observation, indicator: Indicator) -> Observation:
    """The figure as a file can say it and a reader gives it back: texts without the spaces
    a reader strips, a percentage only when it can be written out exactly."""
    def stripped(text: str | None) -> str | None:
        return text.strip() or None if text is not None else None

    value = o.value
    if indicator.kind is Kind.RATE and value is not None and _decimals(value * 100) is None:
        value = None if o.numerator is not None else value
    return attrs.evolve(o, value=value, source=stripped(o.source), note=stripped(o.note),
                        file=None, row=None)


def _published(o: Observation, indicator: Indicator, text: str | None) -> Observation:
    """The figure with the precision a reader finds in its value's ``text`` (a rate's)."""
    if indicator.kind is not Kind.RATE or text is None:
        return o
    read = parse_published_rate(
        text, default_unit="ratio" if indicator.value_unit == "ratio" else "percent")
    return attrs.evolve(o, precision=read.precision)


def _sendable(indicator: Indicator, o: Observation) -> bool:
    """Whether a file can hold the figure at all (a percentage with no exact decimals and
    no counts cannot be typed)."""
    return o.value is None or o.numerator is not None or indicator.kind is not Kind.RATE \
        or _decimals(o.value * 100) is not None


@st.composite
def _typed_rate(draw: st.DrawFn, o: Observation, indicator: Indicator) -> Observation:
    """A rate figure as people type it: its counts, its counts and percentage, or only the
    percentage rounded to a tenth (``95,9%``)."""
    if indicator.kind is not Kind.RATE or o.numerator is None or not o.denominator:
        return o
    form = draw(st.sampled_from(("counts", "both", "percentage")))
    share = Fraction(o.numerator, o.denominator)
    if form == "counts":
        return attrs.evolve(o, value=None)
    if form == "both":
        return attrs.evolve(o, value=share)
    tenths = Fraction(round(share * 1000), 1000)
    return attrs.evolve(o, numerator=None, denominator=None, value=tenths)


@st.composite
def csv_files(
    draw: st.DrawFn,
    registry: Registry,
    *,
    observations: Sequence[Observation] | None = None,
    entities: Sequence[Entity] | None = None,
    min_size: int = 0,
    max_size: int = 10,
) -> CsvFile:
    """Figures files of ``registry``'s indicators as people send them (see the module's
    text); each reads back, with ``read_observations(path, registry=registry)``, to
    :attr:`CsvFile.observations` and no data issue.

    :param observations: the figures to write (default: :func:`observations_for` the
        registry, clean, a rate given as its counts, its counts and percentage, or only
        its percentage to a tenth, as people type it — a ``pooled`` target refuses those
        with ``counts_needed``); each must be of one of the registry's indicators, and a
        rate's percentage is kept only where it has exact decimals or the figure has no
        counts.
    :param entities: the units the drawn figures name (default: drawn).
    """
    inds = registry.indicators
    if observations is None:
        drawn = [draw(_typed_rate(o, inds[o.indicator]))
                 for o in draw(observations_for(registry, entities=entities,
                                                min_size=min_size, max_size=max_size))]
    else:
        drawn = list(observations)
    figures = [_writable(o, inds[o.indicator]) for o in drawn
               if _sendable(inds[o.indicator], o)]
    folded: dict[str, int] = {}
    for code in inds:
        folded[code.casefold()] = folded.get(code.casefold(), 0) + 1
    rows = [_cells(draw, o, inds[o.indicator], folded) for o in figures]
    # A rate's percentage reads back with the precision it was typed to.
    figures = [_published(o, inds[o.indicator], r.get("value")) for o, r in
               zip(figures, rows, strict=True)]
    needed = [f for f in FIELDS if f in ("indicator", "entity", "period")
              or any(f in r for r in rows)]
    # The template's columns, all of them, now and then; the explanatory ones too.
    columns = FIELDS if draw(st.booleans()) else needed
    columns = list(draw(st.permutations(columns)))
    info = draw(st.lists(st.sampled_from(_INFO_COLUMNS), unique=True, max_size=2))
    style = draw(st.sampled_from(_STYLES))
    header = [_padded(draw, draw(st.sampled_from(_HEADERS[c][style]))) for c in columns] \
        + info
    delimiter = draw(st.sampled_from((",", ";", "\t")))
    line_end = draw(st.sampled_from(("\n", "\r\n")))
    out = io.StringIO()
    if delimiter != "," and draw(st.integers(0, 3)) == 3:
        out.write(f"sep={delimiter}{line_end}")
    writer = csv.writer(out, delimiter=delimiter, lineterminator=line_end)
    writer.writerow(header)
    for r in rows:
        writer.writerow([_padded(draw, r.get(c, "")) for c in columns]
                        + [draw(st.sampled_from(("", "x", "Tỷ lệ %"))) for _ in info])
        if draw(st.integers(0, 9)) == 9:
            out.write(line_end)  # a blank line between rows
    encoding = draw(st.sampled_from(("utf-8", "utf-8-sig", "utf-16")))
    return CsvFile(data=out.getvalue().encode(encoding), observations=tuple(figures),
                   encoding=encoding, delimiter=delimiter)
