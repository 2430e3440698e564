"""Reading what people hand in: figures (CSV, JSON) and entities, every row accounted for.

One row per figure, long format, the same columns in every format (Vietnamese headers are
accepted as aliases). Each data row becomes an :class:`~plan_rules.Observation` or a
:class:`~plan_rules.DataIssue` that names the file, row, field, the text found and what was
expected, in Vietnamese and English. Blank rows carry no figure and are counted as such.
"""

from __future__ import annotations

import csv
import io
import json
import os
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import date, datetime, timedelta
from fractions import Fraction
from pathlib import Path

import attrs
from dateutil import parser as dateparser

from .errors import ReadError
from .model import DataIssue, Entity, Indicator, Kind, Observation, Text
from .numbers import NumberParseError, parse_decimal, parse_int, parse_rate
from .periods import Period, PeriodParseError
from .registry import Registry

__all__ = ["FIELDS", "ReadResult", "read_entities", "read_observations"]

#: The columns of the figures format, in order.
FIELDS = ("indicator", "entity", "level", "period", "numerator", "denominator", "value",
          "reported_on", "source", "note")

#: Header aliases (compared after NFC, case-folding and trimming).
ALIASES: Mapping[str, str] = {
    "chỉ tiêu": "indicator", "mã chỉ tiêu": "indicator",
    "đơn vị": "entity", "mã đơn vị": "entity",
    "cấp": "level",
    "kỳ báo cáo": "period", "kỳ": "period",
    "tử số": "numerator",
    "mẫu số": "denominator",
    "giá trị": "value",
    "ngày báo cáo": "reported_on",
    "nguồn": "source", "căn cứ": "source",
    "ghi chú": "note",
    # entities file
    "mã": "code", "tên": "name", "tên đơn vị": "name", "nhóm": "groups",
    "đơn vị cấp trên": "parent", "hiệu lực từ": "valid_from", "hiệu lực đến": "valid_to",
}

ENTITY_FIELDS = ("code", "name", "level", "groups", "parent", "valid_from", "valid_to")

_DONE = {"done", "yes", "1", "true", "x", "hoàn thành", "đã hoàn thành", "xong", "có", "đạt"}
_NOT_DONE = {"not done", "no", "0", "false", "chưa", "chưa hoàn thành", "không", "chưa xong"}


@attrs.frozen(kw_only=True)
class ReadResult:
    """What a reader produced: observations, data issues, and how many rows it saw."""

    observations: tuple[Observation, ...]
    issues: tuple[DataIssue, ...]
    rows: int
    blank_rows: int = 0
    entities: tuple[Entity, ...] = ()

    @property
    def accounted(self) -> bool:
        """Every data row is an observation or is named by an issue."""
        rows_with_issue = {i.row for i in self.issues if i.row is not None and i.severity ==
                           "error"}
        return len(self.observations) + len(rows_with_issue) == self.rows


def _key(header: str) -> str:
    text = unicodedata.normalize("NFC", header).strip().lstrip("\ufeff").casefold()
    text = text.replace(" ", "_") if text in {f.replace("_", " ") for f in FIELDS} else text
    return ALIASES.get(text, text)


def _issue(code: str, file: str, row: int | None, field: str | None, vi: str, en: str,
           text: str | None = None, expected: str | None = None) -> DataIssue:
    return DataIssue(code=code, message=Text(vi=vi, en=en), file=file, row=row, field=field,
                     text=text, expected=expected)


def parse_date(text: str) -> date:
    """A date as people write it: ISO ``2025-12-31``, day-first ``31/12/2025``, or an Excel
    serial day number (``45657``)."""
    t = text.strip()
    if t.isdigit() and 20000 <= int(t) <= 80000:
        # Excel's day 0 is 1899-12-30 (it counts a 29 Feb 1900 that never was).
        return date(1899, 12, 30) + timedelta(days=int(t))
    if len(t) >= 8 and t[:4].isdigit() and t[4] == "-":
        return date.fromisoformat(t[:10])
    parsed: datetime = dateparser.parse(t, dayfirst=True)
    return parsed.date()


class _RowReader:
    """Turns one mapping of field → text into an observation, or into issues."""

    def __init__(self, file: str, registry: Registry | None) -> None:
        self.file = file
        self.registry = registry

    def read(self, row: int, record: Mapping[str, str]) -> Observation | list[DataIssue]:
        issues: list[DataIssue] = []
        get = {k: (record.get(k) or "").strip() for k in FIELDS}
        for name in ("indicator", "entity", "period"):
            if not get[name]:
                issues.append(_issue("missing_field", self.file, row, name,
                                     f"thiếu cột bắt buộc '{name}'",
                                     f"the required field '{name}' is empty",
                                     expected=f"a {name}"))
        period: Period | None = None
        if get["period"]:
            try:
                period = Period.parse(get["period"])
            except PeriodParseError as exc:
                issues.append(_issue("bad_period", self.file, row, "period", exc.message_vi,
                                     exc.message, text=get["period"],
                                     expected="a period such as Q3/2025, T6/2025, 2025"))
        indicator = self.registry.indicators.get(get["indicator"]) if self.registry else None
        numerator = self._int(get, "numerator", row, issues)
        denominator = self._int(get, "denominator", row, issues)
        if (numerator is None) != (denominator is None) and not any(
                i.field in ("numerator", "denominator") for i in issues):
            missing = "denominator" if denominator is None else "numerator"
            issues.append(_issue("incomplete_counts", self.file, row, missing,
                                 "tử số và mẫu số phải có cả hai hoặc bỏ trống cả hai",
                                 "numerator and denominator go together: fill both or neither",
                                 expected="a whole number"))
        value = self._value(get["value"], indicator, row, issues)
        if numerator is None and denominator is None and value is None and not issues:
            issues.append(_issue("missing_figure", self.file, row, "value",
                                 "dòng không có số liệu: cần tử số và mẫu số, hoặc giá trị",
                                 "the row has no figure: give numerator and denominator, or a "
                                 "value", expected="numerator and denominator, or a value"))
        reported_on: date | None = None
        if get["reported_on"]:
            try:
                reported_on = parse_date(get["reported_on"])
            except (ValueError, OverflowError):
                issues.append(_issue("bad_date", self.file, row, "reported_on",
                                     f"không đọc được ngày {get['reported_on']!r}",
                                     f"cannot read {get['reported_on']!r} as a date",
                                     text=get["reported_on"],
                                     expected="a date such as 31/12/2025 or 2025-12-31"))
        if issues:
            return issues
        assert period is not None
        try:
            return Observation(
                indicator=get["indicator"], entity=get["entity"], level=get["level"] or None,
                period=period, numerator=numerator, denominator=denominator, value=value,
                reported_on=reported_on, source=get["source"] or None,
                note=get["note"] or None, file=self.file, row=row,
            )
        except (TypeError, ValueError) as exc:
            return [_issue("bad_row", self.file, row, None, f"dòng không hợp lệ: {exc}",
                           f"the row is not a valid figure: {exc}")]

    def _int(self, get: Mapping[str, str], name: str, row: int,
             issues: list[DataIssue]) -> int | None:
        text = get[name]
        if not text:
            return None
        try:
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

    def _value(self, text: str, indicator: Indicator | None, row: int,
               issues: list[DataIssue]) -> Fraction | None:
        if not text:
            return None
        folded = unicodedata.normalize("NFC", text).strip().casefold()
        kind = indicator.kind if indicator else None
        if kind is Kind.MILESTONE or (kind is None and (folded in _DONE - {"1", "x"}
                                                        or folded in _NOT_DONE - {"0"})):
            if folded in _DONE:
                return Fraction(1)
            if folded in _NOT_DONE:
                return Fraction(0)
            issues.append(_issue("bad_milestone", self.file, row, "value",
                                 f"mốc công việc: ghi 'hoàn thành' hoặc 'chưa', nhận {text!r}",
                                 f"a milestone is 'done' or 'not done', got {text!r}",
                                 text=text, expected="done / not done (hoàn thành / chưa)"))
            return None
        try:
            if kind is Kind.RATE or (kind is None and text.rstrip().endswith("%")):
                unit = indicator.value_unit if indicator else "percent"
                return parse_rate(text, default_unit="ratio" if unit == "ratio" else "percent")
            if kind is Kind.COUNT:
                return Fraction(parse_int(text))
            return parse_decimal(text)
        except NumberParseError as exc:
            issues.append(_issue("bad_number", self.file, row, "value", exc.message_vi,
                                 exc.message, text=text, expected=exc.expected))
            return None


def _open_text(path: Path) -> str:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ReadError(f"cannot read {path}: {exc.strerror or exc}", file=str(path)) from exc
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ReadError(
            f"{path} is not UTF-8 text (byte {exc.start}): save it as 'CSV UTF-8'",
            file=str(path)) from exc


def _csv_rows(path: Path, text: str) -> Iterator[tuple[int, list[str]]]:
    sample = text[:4096]
    first = sample.splitlines()[0] if sample else ""
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    for cells in reader:
        yield reader.line_num, cells


def _records(path: Path, issues: list[DataIssue], wanted: Sequence[str],
             required: Sequence[str]) -> Iterator[tuple[int, dict[str, str]] | int]:
    """Yield (row, record) for data rows and the row number alone for blank rows."""
    file = str(path)
    suffix = path.suffix.lower()
    if suffix == ".json":
        text = _open_text(path)
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ReadError(f"{file} is not valid JSON: {exc}", file=file) from exc
        if isinstance(data, dict):
            data = data.get("observations", data.get("entities", data.get("records")))
        if not isinstance(data, list):
            raise ReadError(f"{file}: expected a JSON list of records", file=file)
        for n, item in enumerate(data, start=1):
            if not isinstance(item, dict):
                issues.append(_issue("bad_record", file, n, None,
                                     "bản ghi phải là một đối tượng JSON",
                                     "a record must be a JSON object",
                                     text=json.dumps(item, ensure_ascii=False)[:80],
                                     expected="an object with the figure fields"))
                yield n, {}
                continue
            yield n, {_key(k): "" if v is None else str(v) for k, v in item.items()}
        return
    if suffix == ".xlsx":
        from .xlsx import xlsx_rows

        rows: Iterable[tuple[int, list[str]]] = xlsx_rows(path)
    else:
        rows = _csv_rows(path, _open_text(path))
    header: list[str] | None = None
    for line, cells in rows:
        if header is None:
            if not any(c.strip() for c in cells):
                continue
            header = [_key(c) for c in cells]
            missing = [f for f in required if f not in header]
            if missing:
                raise ReadError(
                    f"{file}: the header lacks {', '.join(missing)}; expected columns "
                    f"{', '.join(wanted)} (Vietnamese names accepted)", file=file)
            unknown = [h for h in header if h and h not in wanted]
            if unknown:
                issues.append(_issue("unknown_column", file, line, ", ".join(unknown),
                                     f"bỏ qua cột không biết: {', '.join(unknown)}",
                                     f"unknown columns are ignored: {', '.join(unknown)}",
                                     expected=", ".join(wanted)))
                issues[-1] = attrs.evolve(issues[-1], severity="warning")
            continue
        if not any(c.strip() for c in cells):
            yield line
            continue
        if len(cells) > len(header) and any(c.strip() for c in cells[len(header):]):
            issues.append(_issue("extra_cells", file, line, None,
                                 f"dòng có {len(cells)} ô, tiêu đề có {len(header)} cột",
                                 f"the row has {len(cells)} cells but the header has "
                                 f"{len(header)} columns", expected=f"{len(header)} cells"))
            yield line, {}
            continue
        yield line, {h: c for h, c in zip(header, cells, strict=False) if h}
    if header is None:
        raise ReadError(f"{file} is empty: expected a header row and figures", file=file)


def read_observations(path: str | os.PathLike[str], *,
                      registry: Registry | None = None) -> ReadResult:
    """Read a figures file (``.csv``, ``.json``, ``.xlsx`` with the ``xlsx`` extra).

    :param registry: used to read each ``value`` as its indicator's kind needs (a bare
        ``87.5`` is 87.5% for a rate, 87.5 for a count); default: the installed plugins.
    :raises ReadError: the file cannot be read at all (missing, not UTF-8, no header).
    """
    from .registry import load_registry

    p = Path(path)
    reg = registry if registry is not None else load_registry()
    issues: list[DataIssue] = []
    observations: list[Observation] = []
    rows = blank = 0
    reader = _RowReader(str(p), reg)
    for item in _records(p, issues, FIELDS, ("indicator", "entity", "period")):
        if isinstance(item, int):
            blank += 1
            continue
        line, record = item
        rows += 1
        if not record:
            continue  # already reported by _records
        result = reader.read(line, record)
        if isinstance(result, Observation):
            observations.append(result)
        else:
            issues.extend(result)
    return ReadResult(observations=tuple(observations), issues=tuple(issues), rows=rows,
                      blank_rows=blank)


def read_entities(path: str | os.PathLike[str]) -> ReadResult:
    """Read an entities file: ``code, name, level, groups, parent, valid_from, valid_to``."""
    p = Path(path)
    file = str(p)
    issues: list[DataIssue] = []
    entities: list[Entity] = []
    rows = blank = 0
    for item in _records(p, issues, ENTITY_FIELDS, ("code", "level")):
        if isinstance(item, int):
            blank += 1
            continue
        line, record = item
        rows += 1
        if not record:
            continue
        get = {k: (record.get(k) or "").strip() for k in ENTITY_FIELDS}
        row_issues: list[DataIssue] = []
        dates: dict[str, date | None] = {}
        for name in ("valid_from", "valid_to"):
            dates[name] = None
            if get[name]:
                try:
                    dates[name] = parse_date(get[name])
                except (ValueError, OverflowError):
                    row_issues.append(_issue("bad_date", file, line, name,
                                             f"không đọc được ngày {get[name]!r}",
                                             f"cannot read {get[name]!r} as a date",
                                             text=get[name], expected="a date: 2025-06-30"))
        for name in ("code", "level"):
            if not get[name]:
                row_issues.append(_issue("missing_field", file, line, name,
                                         f"thiếu cột bắt buộc '{name}'",
                                         f"the required field '{name}' is empty",
                                         expected=f"a {name}"))
        if not row_issues:
            try:
                entities.append(Entity(
                    code=get["code"], name=get["name"] or None, level=get["level"],
                    groups=get["groups"], parent=get["parent"] or None,
                    valid_from=dates["valid_from"], valid_to=dates["valid_to"]))
            except ValueError as exc:
                row_issues.append(_issue("bad_entity", file, line, None,
                                         f"đơn vị không hợp lệ: {exc}",
                                         f"the entity is not valid: {exc}"))
        issues.extend(row_issues)
    seen: dict[str, Entity] = {}
    for e in entities:
        if e.code in seen:
            issues.append(_issue("duplicate_entity", file, None, "code",
                                 f"mã đơn vị {e.code} xuất hiện hai lần; dùng dòng đầu",
                                 f"entity code {e.code} appears twice; the first is used",
                                 text=e.code, expected="unique codes"))
            continue
        seen[e.code] = e
    return ReadResult(observations=(), issues=tuple(issues), rows=rows, blank_rows=blank,
                      entities=tuple(seen.values()))

