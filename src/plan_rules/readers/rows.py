"""Records of field → cell into the figure table: the row parser (:class:`_RowReader`),
its shortcut for the plain rows of a large file, and the loop that reads a table's
records into it (:func:`_read_figures`), behind the pure reader (:func:`read_pure`).
"""

from __future__ import annotations

import operator
import os
import unicodedata
from array import array
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date
from fractions import Fraction
from pathlib import Path
from typing import cast

import attrs

from .._bulk import collector_paused
from ..cells import unneutralise
from ..figures import NONE, RARE, Codes, FigureTable
from ..model import DataIssue, Indicator, Kind, Observation
from ..numbers import (
    NumberParseError,
    bounded,
    format_percent,
    literal_precision,
    parse_decimal,
    parse_int,
    parse_published_rate,
)
from ..periods import Period, PeriodParseError
from ..registry import Registry
from .cells import Cell, Number, _text
from .dates import excel_date, parse_date
from .header import _CANONICAL_LEVELS, FIELDS, level_key
from .result import ProgressCallback, ReadResult, _issue, _unaccounted
from .table import _Table

#: The words that say a milestone is done, and that it is not.
_DONE = {"done", "yes", "1", "true", "x", "hoàn thành", "đã hoàn thành", "xong", "có", "đạt"}
_NOT_DONE = {"not done", "no", "0", "false", "chưa", "chưa hoàn thành", "không", "chưa xong"}

#: Rows read between two progress reports.
_PROGRESS_EVERY = 5000


#: A shortcut's verdict on a text it refused (see :meth:`_RowReader._decide`).
_REFUSED = object()

#: The level the shortcut gives a row without one (None itself means "not decided yet").
_NO_LEVEL = object()

#: How many count texts a reader remembers (see :meth:`_RowReader._count`).
_COUNTS_KEPT = 1 << 16

#: About how many rows a reader's pending columns hold before they move to the table.
_FLUSH = 1 << 16


class _RowReader:
    """Turns records of field → cell into the figures of one file, appended to
    :attr:`table` in row order, or into issues.

    Most rows of a large file are plain (see :meth:`_take`): their parts go straight into
    the table's columns as codes, without an :class:`Observation`. What the shortcut made of
    each distinct text is kept (a national file repeats a few thousand texts over a million
    rows), and so is the code of each text once a figure holds it: a code is given when a
    figure first holds its value, so the table's dictionaries come out as
    :meth:`FigureTable.from_observations` orders them, whichever reader filled it.
    """

    def __init__(self, file: str, registry: Registry | None) -> None:
        self.file = file
        self.registry = registry
        self._folded = ({c.casefold(): c for c in registry.indicators} if registry else {})
        #: A CSV or .xlsx cell may carry the template's formula-neutralising apostrophe.
        self._sheet = not file.lower().endswith(".json")
        #: Warnings about rows that are still used; the caller collects them after each row.
        self.warnings: list[DataIssue] = []
        self.table = FigureTable()
        #: The columns of the figures not yet in the table: indicator, entity, level and
        #: period codes, numerator, denominator, row. Appending to a list takes less than
        #: half the time of appending to an array; :meth:`flush` moves them every
        #: :data:`_FLUSH` rows or so, which bounds what they hold.
        self.pending: tuple[list[int], ...] = ([], [], [], [], [], [], [])
        #: Figures read in full that have a value, a date, evidence or a note: (position,
        #: observation); those columns are filled at the end (most rows have none of them).
        self._rare: list[tuple[int, Observation]] = []
        #: What the shortcut made of a text, per column: the value, or _REFUSED.
        self._decided: tuple[dict[object, object], ...] = ({}, {}, {}, {})
        #: The table's code of each text (or level, None for none) a plain figure holds.
        self._codes: tuple[dict[object, int], ...] = ({}, {}, {}, {})
        #: Count texts of plain digits and their numbers: a national file's counts repeat,
        #: and a look-up takes a tenth of checking and converting the text again.
        self._counts: dict[object, int] = {}

    def add(self, row: int, record: Mapping[str, Cell], issues: list[DataIssue]) -> bool:
        """Read one record into the table, or name what stops it in ``issues`` (with the
        warnings it raised). Whether it made a figure."""
        return self._take(row, record) or self.add_in_full(row, record, issues)

    def add_in_full(self, row: int, record: Mapping[str, Cell],
                    issues: list[DataIssue]) -> bool:
        """:meth:`add` by the general path."""
        result = self.read_in_full(row, record)
        made = isinstance(result, Observation)
        if isinstance(result, Observation):
            self._append(result)
        else:
            issues.extend(result)
        if self.warnings:
            issues.extend(self.warnings)
            self.warnings.clear()
        return made

    def _append(self, obs: Observation) -> None:
        """Append a figure read in full (its file is this reader's)."""
        t = self.table
        ind, ent, lev, per, num, den, row = self.pending
        if obs.value is not None or obs.reported_on is not None or obs.source is not None \
                or obs.note is not None:
            self._rare.append((len(t.indicator) + len(ind), obs))
        ind.append(t.indicators.code(obs.indicator))
        ent.append(t.entities.code(obs.entity))
        lev.append(t.levels.code(obs.level))
        per.append(t.periods.code(obs.period))
        num.append(NONE if obs.numerator is None else obs.numerator)
        den.append(NONE if obs.denominator is None else obs.denominator)
        row.append(NONE if obs.row is None else obs.row)

    def flush(self) -> None:
        """Move the pending columns into the table."""
        t = self.table
        for column, pending in zip((t.indicator, t.entity, t.level, t.period, t.numerator,
                                    t.denominator, t.row), self.pending, strict=True):
            column.extend(pending)  # counts are below 10^18 (plan_rules.numbers)
            pending.clear()

    def finish(self) -> FigureTable:
        """The table, every column holding one value per figure."""
        self.flush()
        t = self.table
        n = len(t.indicator)
        if n:
            t.files = Codes((self.file,))
            t.file = array("i", bytes(4 * n))  # every figure's file is code 0
        for name in RARE:
            column: list[object] = [None] * n
            for position, obs in self._rare:
                column[position] = getattr(obs, name)
            setattr(t, name, column)
        return t

    def _take(self, row: int, record: Mapping[str, Cell]) -> bool:
        """The common row read directly: a known rate, plain digits for both counts, nothing
        else to interpret; appended to the table. Anything less plain returns False and
        takes the general path, which gives the same figure or explains what is wrong."""
        get = record.get
        numerator, denominator = get("numerator"), get("denominator")
        if not (type(numerator) is str and type(denominator) is str):
            return False
        code, entity, period_text = get("indicator"), get("entity"), get("period")
        level = get("level") or None
        if type(code) is not str or type(entity) is not str or type(period_text) is not str:
            return False
        if get("value") or get("reported_on") or get("source") or get("note"):
            return False
        return self._plain(row, code, entity, level, period_text, numerator, denominator)

    def taker(self, header: Sequence[str]) -> Callable[[int, list[Cell]], bool] | None:
        """:meth:`_take` for a row given as its cells under ``header`` (each field named
        once, as many cells as columns), or None when the header lacks a column the
        shortcut looks at (then rows are taken as records).

        The same checks on the cells themselves, each text looked up in what was decided
        about it before; only a text not seen yet goes to :meth:`_plain`. Building a record
        (a dict) per row, and checking and converting each count, took over a third of the
        time of reading the national benchmark file."""
        if not all(f in header for f in FIELDS):
            return None
        pick = operator.itemgetter(*(header.index(f) for f in FIELDS))
        ind_codes, ent_codes, lev_codes, per_codes = self._codes
        counts = self._counts.get
        add_ind, add_ent, add_lev, add_per, add_num, add_den, add_row = (
            c.append for c in self.pending)
        plain = self._plain

        def take(row: int, cells: list[Cell]) -> bool:
            (code, entity, level, period, numerator, denominator, value, reported_on, source,
             note) = pick(cells)
            if value or reported_on or source or note:
                return False
            num, den = counts(numerator), counts(denominator)
            i, e = ind_codes.get(code), ent_codes.get(entity)
            lv, p = lev_codes.get(level or None), per_codes.get(period)
            if (num is None or den is None or i is None or e is None or lv is None
                    or p is None):
                # Every cell of a CSV row is text.
                return plain(row, code, entity, level or None, period, numerator,
                             denominator)
            add_ind(i)
            add_ent(e)
            add_lev(lv)
            add_per(p)
            add_num(num)
            add_den(den)
            add_row(row)
            return True

        return take

    def _count(self, text: str) -> int | None:
        """The number of a count text of at most 18 ASCII digits (so within 64 bits); None
        for any other text. Remembered, up to :data:`_COUNTS_KEPT` texts."""
        found = self._counts.get(text)
        if found is None and text.isascii() and text.isdigit() and len(text) <= 18:
            found = int(text)
            if len(self._counts) < _COUNTS_KEPT:
                self._counts[text] = found
        return found

    def _plain(self, row: int, code: str, entity: str, level: Cell | None, period_text: str,
               numerator: str, denominator: str) -> bool:
        """Append a row whose other figure cells are empty if its counts are plain digits
        and the shortcut takes its indicator, entity, level and period (decided in that
        order, as each text first comes: the first refusal decides)."""
        num, den = self._count(numerator), self._count(denominator)
        if num is None or den is None:
            return False
        texts = (code, entity, level, period_text)
        values = []
        for n, text in enumerate(texts):
            found = self._decided[n].get(text)
            if found is None:
                found = self._decided[n][text] = self._decide(n, text)
            if found is _REFUSED:
                return False
            values.append(found)
        t = self.table
        for n, dictionary in enumerate((t.indicators, t.entities, t.levels, t.periods)):
            found_code = self._codes[n].get(texts[n])
            if found_code is None:
                found_code = self._codes[n][texts[n]] = dictionary.code(
                    None if values[n] is _NO_LEVEL else values[n])
            self.pending[n].append(found_code)
        self.pending[4].append(num)
        self.pending[5].append(den)
        self.pending[6].append(row)
        return True

    def _decide(self, n: int, text: Cell | None) -> object:
        """What the shortcut makes of the ``n``-th of indicator, entity, level and period
        texts: the figure's value (:data:`_NO_LEVEL` for no level), or :data:`_REFUSED`.

        :raises: what :meth:`Period.parse` raises other than PeriodParseError (the general
            path would fail the same way).
        """
        if n == 0:
            code = cast("str", text)  # indicator, entity and period texts are text
            indicator = self.registry.indicators.get(code) if self.registry and code else None
            if indicator is None or indicator.kind is not Kind.RATE:
                return _REFUSED
            return indicator.code  # the registry's own code
        if n == 1:
            entity = cast("str", text)
            ok = entity.isascii() and entity and entity.strip() == entity and "'" not in entity
            return entity if ok else _REFUSED
        if n == 2:
            if text is None:
                return _NO_LEVEL
            return text if text in _CANONICAL_LEVELS else _REFUSED
        try:
            return Period.parse(cast("str", text))
        except PeriodParseError:
            return _REFUSED

    def read_in_full(self, row: int, record: Mapping[str, Cell],
                     ) -> Observation | list[DataIssue]:
        """The general path: every cell interpreted, every problem named."""
        issues: list[DataIssue] = []
        get = {k: _text(record.get(k)) for k in FIELDS}
        if self._sheet:
            get = {k: unneutralise(v) for k, v in get.items()}
        figure = [get[k] for k in ("numerator", "denominator", "value")]
        if not any(figure) and not get["source"] and all(get[k] for k in _REQUIRED):
            # A row of the template left as it was. One that lacks what names the figure
            # holds text that is something else (a row of another separator, a stray line):
            # its empty cells are errors below.
            return [self._not_filled(row, get)]
        for name in ("indicator", "entity", "period"):
            if not get[name]:
                issues.append(_issue("missing_field", self.file, row, name,
                                     f"ô '{name}' bị bỏ trống", f"the '{name}' cell is empty",
                                     expected=_EXPECTED[name]))
        code = self._folded.get(get["indicator"].casefold(), get["indicator"])
        indicator = self.registry.indicators.get(code) if self.registry else None
        period = self._period(get["period"], row, issues)
        numerator = self._int(record.get("numerator"), "numerator", row, issues)
        denominator = self._int(record.get("denominator"), "denominator", row, issues)
        if (numerator is None) != (denominator is None) and not any(
                i.field in ("numerator", "denominator") for i in issues):
            missing = "denominator" if denominator is None else "numerator"
            issues.append(_issue("incomplete_counts", self.file, row, missing,
                                 "tử số và mẫu số phải có cả hai hoặc bỏ trống cả hai",
                                 "numerator and denominator go together: fill both or neither",
                                 expected="a whole number"))
        value, precision = self._value(record.get("value"), indicator, row, issues)
        if numerator is None and denominator is None and value is None and not issues:
            issues.append(_issue("missing_figure", self.file, row, "value",
                                 "dòng không có số liệu: cần tử số và mẫu số, hoặc giá trị",
                                 "the row has no figure: give numerator and denominator, or a "
                                 "value", expected="numerator and denominator, or a value"))
        reported_on = self._date(record.get("reported_on"), row, issues)
        if issues:
            return issues
        assert period is not None
        try:
            return Observation(
                indicator=code, entity=get["entity"],
                level=level_key(get["level"]) if get["level"] else None,
                period=period, numerator=numerator, denominator=denominator, value=value,
                precision=precision, reported_on=reported_on, source=get["source"] or None,
                note=get["note"] or None, file=self.file, row=row,
            )
        except (TypeError, ValueError) as exc:
            return [_issue("bad_row", self.file, row, None, f"dòng không hợp lệ: {exc}",
                           f"the row is not a valid figure: {exc}")]

    def _not_filled(self, row: int, get: Mapping[str, str]) -> DataIssue:
        what = "/".join(get[k] for k in ("indicator", "entity", "period") if get[k]) or "-"
        return _issue(
            "not_filled", self.file, row, "value",
            f"dòng {what} chưa điền số liệu (tử số, mẫu số hoặc giá trị): tính là chưa có số "
            "liệu",
            f"row {what} has no figure filled in (numerator, denominator or value): it counts "
            "as no data", expected="numerator and denominator, or a value", severity="warning")

    def _period(self, text: str, row: int, issues: list[DataIssue]) -> Period | None:
        if not text:
            return None
        try:
            return Period.parse(text)
        except PeriodParseError as exc:
            vi, en = exc.message_vi, exc.message
            if text.isdecimal() and 20000 <= int(text) <= 80000:
                day = excel_date(int(text))
                vi += (f" Ô này có vẻ là một ngày Excel ({day:%d/%m/%Y}): hãy định dạng cột kỳ "
                       "báo cáo là Văn bản (Text).")
                en += (f" The cell looks like an Excel date ({day:%d/%m/%Y}): format the period "
                       "column as Text.")
            issues.append(_issue("bad_period", self.file, row, "period", vi, en, text=text,
                                 expected="a period such as Q3/2025, T6/2025, 2025"))
            return None

    def _date(self, cell: Cell | None, row: int, issues: list[DataIssue]) -> date | None:
        text = _text(cell)
        if not text:
            return None
        try:
            return parse_date(text)
        except (ValueError, OverflowError):
            issues.append(_issue("bad_date", self.file, row, "reported_on",
                                 f"không đọc được ngày {text!r}",
                                 f"cannot read {text!r} as a date", text=text,
                                 expected="a date such as 31/12/2025 or 2025-12-31"))
            return None

    def _int(self, cell: Cell | None, name: str, row: int,
             issues: list[DataIssue]) -> int | None:
        text = _text(cell)
        if not text:
            return None
        try:
            if isinstance(cell, Number):
                if cell.value.denominator != 1 or cell.percent:
                    raise NumberParseError(text, "a whole number")
                number = bounded(cell.value, text, "a whole number").numerator
            else:
                number = parse_int(text)
        except NumberParseError as exc:
            issues.append(_issue("bad_number", self.file, row, name, exc.message_vi,
                                 exc.message, text=text, expected=exc.expected))
            return None
        if number < 0:
            issues.append(_issue("negative", self.file, row, name,
                                 f"{name} không được âm: {text!r}",
                                 f"{name} must not be negative: {text!r}", text=text,
                                 expected="a whole number, 0 or more"))
            return None
        return number

    def _value(self, cell: Cell | None, indicator: Indicator | None, row: int,
               issues: list[DataIssue]) -> tuple[Fraction | None, Fraction | None]:
        """The value of a cell, and for a rate the precision it is written to."""
        text = _text(cell)
        if not text:
            return None, None
        folded = unicodedata.normalize("NFC", text).casefold()
        kind = indicator.kind if indicator else None
        if kind is Kind.MILESTONE or (kind is None and (folded in _DONE - {"1", "x"}
                                                        or folded in _NOT_DONE - {"0"})):
            if folded in _DONE:
                return Fraction(1), None
            if folded in _NOT_DONE:
                return Fraction(0), None
            issues.append(_issue("bad_milestone", self.file, row, "value",
                                 f"mốc công việc: ghi 'hoàn thành' hoặc 'chưa', nhận {text!r}",
                                 f"a milestone is 'done' or 'not done', got {text!r}",
                                 text=text, expected="done / not done (hoàn thành / chưa)"))
            return None, None
        precision: Fraction | None = None
        try:
            if isinstance(cell, Number):
                value, precision = self._number_value(cell, kind, indicator)
            elif kind is Kind.RATE or (kind is None and text.endswith("%")):
                unit = indicator.value_unit if indicator else "percent"
                value, precision = parse_published_rate(
                    text, default_unit="ratio" if unit == "ratio" else "percent")
                if unit == "percent" and not text.endswith("%") and 0 < value <= Fraction(1, 100):
                    # "0,95" meant as 95% reads as 0.95%: used as written, but said.
                    self.warnings.append(_issue(
                        "ambiguous_rate", self.file, row, "value",
                        f"'{text}' được đọc là {text}%; nếu là tỷ lệ 0–1 hãy ghi dạng "
                        f"phần trăm, ví dụ {format_percent(value * 100, lang='vi')}",
                        f"'{text}' is read as {text}%; if it is a ratio from 0 to 1, write it "
                        f"as a percentage, e.g. {format_percent(value * 100)}",
                        text=text, expected="a percentage such as 87,5%"))
                    self.warnings[-1] = attrs.evolve(self.warnings[-1], severity="warning")
            elif kind is Kind.COUNT:
                value = Fraction(parse_int(text))
            else:
                value = parse_decimal(text)
        except NumberParseError as exc:
            issues.append(_issue("bad_number", self.file, row, "value", exc.message_vi,
                                 exc.message, text=text, expected=exc.expected))
            return None, None
        return value, precision

    @staticmethod
    def _number_value(cell: Number, kind: Kind | None,
                      indicator: Indicator | None) -> tuple[Fraction, Fraction | None]:
        """A stored number's value, and for a rate the precision its stored text has."""
        bounded(cell.value, cell.text)  # a spreadsheet's 1e300 is no figure either
        if cell.value < 0:
            raise NumberParseError(cell.text, "a number that is not negative")
        precision = literal_precision(cell.text) if kind is Kind.RATE else None
        if cell.percent:
            return cell.value, precision
        if kind is Kind.RATE and indicator is not None and indicator.value_unit == "percent":
            assert precision is not None  # a rate's
            return cell.value / 100, precision / 100
        if kind is Kind.COUNT and cell.value.denominator != 1:
            raise NumberParseError(cell.text, "a whole number")
        return cell.value, precision


_EXPECTED = {
    "indicator": "an indicator code (see `plan-rules indicators`)",
    "entity": "the reporting unit's code",
    "period": "a period such as Q3/2025, T6/2025, 2025",
}


def read_pure(path: str | os.PathLike[str], *, registry: Registry | None = None,
              progress: ProgressCallback | None = None) -> ReadResult:
    """Read a figures file with the pure reader: what
    :func:`plan_rules.read_observations` does with ``engine="python"``, and what the pyarrow
    reader falls back to.

    :raises ReadError: as :func:`plan_rules.read_observations`.
    """
    from ..registry import load_registry

    p = Path(path)
    reg = registry if registry is not None else load_registry()
    issues: list[DataIssue] = []
    table = _Table(p, FIELDS, _REQUIRED, issues, lists=True)
    reader = _RowReader(str(p), reg)
    with collector_paused():  # the few objects made per row hold no cycle worth collecting
        unmade, rows, blank = _read_figures(table, table.records(), reader, progress)
    if progress is not None:
        progress(table.total, table.total)
    return ReadResult(observations=reader.finish(), issues=tuple(issues), rows=rows,
                      blank_rows=blank, unaccounted=_unaccounted(unmade, set(), issues))


#: The columns a figures file cannot do without.
_REQUIRED = ("indicator", "entity", "period")


def _read_figures(table: _Table,
                  items: Iterable[tuple[int, dict[str, Cell] | list[Cell]] | int],
                  reader: _RowReader, progress: ProgressCallback | None = None,
                  ) -> tuple[list[int], int, int]:
    """Read a table's records (``items``) into ``reader.table``, adding row issues to
    ``table.issues`` in row order: (the lines of the data rows that gave no figure, data
    rows, blank rows). The one loop behind :func:`read_pure` and reading by chunks.

    A record given as its list of cells (:attr:`_Table.lists`) is first offered to the
    shortcut on the cells themselves, then read in full as the record of ``table.header``.
    """
    issues = table.issues
    take: Callable[[int, list[Cell]], bool] | None = None
    unmade: list[int] = []
    rows = blank = 0
    for item in items:
        if type(item) is int:
            blank += 1
            continue
        line, record = item  # type: ignore[misc]  # not an int: a row
        rows += 1
        if not rows & (_FLUSH - 1):
            reader.flush()
        if progress is not None and not rows % _PROGRESS_EVERY:
            progress(line, table.total)
        if type(record) is list:
            if take is None:
                take = reader.taker(table.header) or (lambda row, cells: reader._take(
                    row, dict(zip(table.header, cells, strict=True))))
            if take(line, record):
                continue
            record = dict(zip(table.header, record, strict=True))
            if not reader.add_in_full(line, record, issues):
                unmade.append(line)
            continue
        if not record:
            unmade.append(line)  # already reported by the table
        elif not reader.add(line, record, issues):  # type: ignore[arg-type]  # a dict
            unmade.append(line)
    return unmade, rows, blank
