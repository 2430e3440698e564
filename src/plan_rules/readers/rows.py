"""Reading what people hand in: figures (CSV, JSON, ``.xlsx``) and entities, every row accounted
for.

One row per figure, long format, the same columns in every format. Files are read the way
people really save them: UTF-8 with or without a byte-order mark (UTF-16, and Windows-1258 with a
warning; a UTF-8 file with a few lines that are not stays UTF-8, those lines named), commas,
semicolons or tabs, Vietnamese number style (``1.234``, ``87,5``, ``87,5%``),
blank lines, stray spaces, Excel serial dates, headers in English or Vietnamese (with or without
diacritics, in any order, with the template's explanatory columns). Each data row becomes an
:class:`~plan_rules.Observation` or is named by a :class:`~plan_rules.DataIssue` giving the file,
row, field, the text found and what was expected, in Vietnamese and English; a row with no figure
at all is named by a warning. Nothing is dropped silently: a quote left open costs only the
row it is on (the rows it swallowed are read again), a row saved with another separator than
its header is an error, and a header or a line too long for any table
(:data:`MAX_COLUMNS`, :data:`MAX_LINE`) is a :class:`~plan_rules.ReadError`, found in bounded
time and memory.
"""

from __future__ import annotations

import codecs
import csv
import difflib
import functools
import itertools
import operator
import os
import re
import unicodedata
from array import array
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import date, timedelta
from fractions import Fraction
from pathlib import Path
from typing import AnyStr, cast

import attrs

from ._bulk import collector_paused
from .cells import unneutralise
from .errors import ReadError
from .figures import NONE, Codes, FigureTable
from .model import DataIssue, Entity, Indicator, Kind, Observation, Text
from .numbers import NumberParseError, bounded, format_percent, parse_decimal, parse_int, parse_rate
from .periods import Period, PeriodParseError
from .registry import Registry

__all__ = [
    "ENTITY_FIELDS",
    "FIELDS",
    "INFO_FIELDS",
    "LEVEL_ALIASES",
    "Number",
    "ReadResult",
    "Unreadable",
    "excel_date",
    "header_key",
    "level_key",
    "parse_date",
    "read_entities",
    "read_observations",
]

#: The columns of the figures format, in order.
FIELDS = ("indicator", "entity", "level", "period", "numerator", "denominator", "value",
          "reported_on", "source", "note")

#: The columns of the entities format, in order.
ENTITY_FIELDS = ("code", "name", "level", "groups", "parent", "valid_from", "valid_to")

#: Explanatory columns the fill-in template adds; readers accept and ignore them.
INFO_FIELDS = ("indicator_name", "entity_name", "target", "unit", "numerator_counts",
               "denominator_counts", "how_to_fill")

#: Header aliases, keyed by the folded form (see :func:`header_key`): Vietnamese names, with
#: or without diacritics, and a few common English variants.
_ALIAS_WORDS: Mapping[str, Sequence[str]] = {
    "indicator": ("chỉ tiêu", "mã chỉ tiêu", "indicator code", "indicator_code"),
    "entity": ("đơn vị", "mã đơn vị", "entity code", "entity_code", "unit code"),
    "level": ("cấp", "cấp đơn vị"),
    "period": ("kỳ báo cáo", "kỳ", "reporting period"),
    "numerator": ("tử số",),
    "denominator": ("mẫu số",),
    "value": ("giá trị", "số liệu", "kết quả"),
    "reported_on": ("ngày báo cáo", "reported on", "report date"),
    "source": ("nguồn", "căn cứ", "nguồn số liệu", "evidence"),
    "note": ("ghi chú", "notes"),
    "code": ("mã",),
    "name": ("tên", "tên đơn vị"),
    "groups": ("nhóm", "group"),
    "parent": ("đơn vị cấp trên", "cấp trên"),
    "valid_from": ("hiệu lực từ", "từ ngày", "valid from"),
    "valid_to": ("hiệu lực đến", "đến ngày", "valid to"),
    "indicator_name": ("tên chỉ tiêu", "indicator name"),
    "entity_name": ("entity name",),
    "target": ("mục tiêu", "chỉ tiêu kế hoạch"),
    "unit": ("đơn vị tính", "đvt"),
    "numerator_counts": ("tử số đếm", "numerator counts"),
    "denominator_counts": ("mẫu số đếm", "denominator counts"),
    "how_to_fill": ("cách điền", "how to fill", "hướng dẫn"),
}

#: Level names as Vietnamese reports write them, mapped to the levels plugins use.
LEVEL_ALIASES: Mapping[str, str] = {
    "tỉnh": "province", "cấp tỉnh": "province", "toàn tỉnh": "province",
    "sở": "department", "sở, ngành": "department", "sở ngành": "department",
    "cơ quan cấp tỉnh": "department",
    "huyện": "district", "cấp huyện": "district",
    "xã": "commune", "cấp xã": "commune", "phường": "commune", "xã, phường": "commune",
    # The plugins' own names, in any case: "Province" and "COMMUNE" are not new levels.
    "province": "province", "department": "department", "district": "district",
    "commune": "commune",
}

_DONE = {"done", "yes", "1", "true", "x", "hoàn thành", "đã hoàn thành", "xong", "có", "đạt"}
_NOT_DONE = {"not done", "no", "0", "false", "chưa", "chưa hoàn thành", "không", "chưa xong"}

#: Issue codes that concern a whole file: as errors, they account for every row of it (a
#: ``duplicate_column`` warning, about a column that is ignored anyway, does not).
FILE_ISSUES = frozenset({"missing_column", "empty_file", "bad_json", "duplicate_column"})

#: Called as ``progress(done, total)`` while a large file is read.
ProgressCallback = Callable[[int, int], None]

_PROGRESS_EVERY = 5000


@attrs.frozen
class Number:
    """A number that a file stored as a number (a JSON number, a spreadsheet cell) rather
    than as typed text: exact, never re-read through a decimal-mark convention.

    ``percent`` marks a spreadsheet cell formatted as a percentage, whose value is a fraction
    of one (a cell showing ``87.5%`` holds 0.875).
    """

    value: Fraction
    text: str
    percent: bool = False


class Unreadable(str):
    """A cell the file holds that cannot be what it claims to be (a spreadsheet number that is
    NaN, a shared string that does not exist): its text is what the file held, and the table
    names it in an issue (``code``, ``vi``/``en``, ``expected``) instead of reading its row.

    A ``str``, so that what only looks at text (the header, the blank-row test) sees the text.
    """

    code: str
    vi: str
    en: str
    expected: str

    def __new__(cls, text: str, *, code: str, vi: str, en: str, expected: str) -> Unreadable:
        cell = super().__new__(cls, text)
        cell.code, cell.vi, cell.en, cell.expected = code, vi, en, expected
        return cell


#: What a reader hands the row parser: typed text, or a number the file stored as one.
Cell = str | Number


def _as_table(observations: Iterable[Observation]) -> FigureTable:
    """The figures as a table (one is kept as it is; anything else is put into one)."""
    return FigureTable.from_observations(observations)


@attrs.frozen(kw_only=True)
class ReadResult:
    """What a reader produced: observations (or entities), data issues, and the rows it saw.

    ``observations`` is a :class:`~plan_rules.figures.FigureTable`, the columns the reader
    filled (observations given as any other sequence are put into one): a sequence of
    :class:`~plan_rules.Observation` built on demand, equal to the tuple of them.
    """

    observations: Sequence[Observation] = attrs.field(converter=_as_table)
    issues: tuple[DataIssue, ...]
    rows: int
    blank_rows: int = 0
    entities: tuple[Entity, ...] = ()
    unaccounted: tuple[int, ...] = ()

    @property
    def accounted(self) -> bool:
        """Every data row became an observation or an entity, or is named by an issue."""
        return not self.unaccounted

    @property
    def figures(self) -> FigureTable:
        """The observations as the columns the reader filled, in row order."""
        return cast("FigureTable", self.observations)


# -- headers -------------------------------------------------------------------------------


def _fold(text: str) -> str:
    """Case-folded, spaces collapsed, ``_``/``-`` as spaces, diacritics removed (``đ`` → d)."""
    text = unicodedata.normalize("NFC", text).replace("\ufeff", "").strip().casefold()
    text = text.replace("đ", "d")
    text = "".join(c for c in unicodedata.normalize("NFD", text)
                   if not unicodedata.combining(c))
    return " ".join(re.sub(r"[_\-]+", " ", text).split())


_KNOWN: dict[str, str] = {}
for _field in (*FIELDS, *ENTITY_FIELDS, *INFO_FIELDS):
    _KNOWN[_fold(_field)] = _field
for _field, _words in _ALIAS_WORDS.items():
    for _word in _words:
        _KNOWN.setdefault(_fold(_word), _field)
_LEVELS = {_fold(k): v for k, v in LEVEL_ALIASES.items()}


def header_key(header: str) -> str:
    """The field a header names: ``"Tử số"``, ``"tu so"``, ``"Numerator (tử số)"`` and
    ``" numerator *"`` all name ``numerator``; an unknown header is returned folded."""
    folded = _fold(header).rstrip("*: ").strip()
    if folded in _KNOWN:
        return _KNOWN[folded]
    # "Tử số (numerator)": either part may be the name.
    m = re.fullmatch(r"(.*?)\s*[(\[](.*?)[)\]]\s*", folded)
    if m:
        for part in (m[1], m[2]):
            if part.strip() in _KNOWN:
                return _KNOWN[part.strip()]
    return folded


#: Levels already spelt as plugins name them, which the fast path takes as they are.
_CANONICAL_LEVELS = frozenset({"province", "department", "district", "commune"})


@functools.lru_cache(maxsize=1024)
def level_key(level: str) -> str:
    """A level as plugins name it: ``"Cấp xã"`` and ``"xa"`` are ``commune``; other levels
    are kept as written (the set of levels is open)."""
    return _LEVELS.get(_fold(level), level.strip())


# -- issues --------------------------------------------------------------------------------


def _issue(code: str, file: str, row: int | None, field: str | None, vi: str, en: str,
           text: str | None = None, expected: str | None = None,
           severity: str = "error") -> DataIssue:
    return DataIssue(code=code, message=Text(vi=vi, en=en), file=file, row=row, field=field,
                     text=text, expected=expected, severity=severity)


def _suggest(word: str, choices: Iterable[str]) -> str | None:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.75)
    return close[0] if close else None


# -- dates ---------------------------------------------------------------------------------

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


# -- files to rows -------------------------------------------------------------------------


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise ReadError(
            f"cannot read {path}: {exc.strerror or exc} — không đọc được tệp {path}",
            file=str(path)) from exc


def _utf16(raw: bytes, path: Path) -> str | None:
    """The text of a file with a UTF-16 byte-order mark; None for any other file."""
    if not raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return None
    try:
        return raw.decode("utf-16")
    except UnicodeDecodeError as exc:
        raise ReadError(
            f"{path} starts as UTF-16 text but breaks off at byte {exc.start} (a truncated "
            f"or damaged file) — tệp {path} là UTF-16 nhưng bị cắt hoặc hỏng ở byte "
            f"{exc.start}", file=str(path)) from exc


def _decode_lines(path: Path, issues: list[DataIssue], *,
                  mostly: Callable[[bytes], bool] | None = None,
                  raw: bytes | None = None) -> tuple[str, bool]:
    """A file's text, and whether some of its lines hold bytes that are not UTF-8.

    A file whose non-ASCII lines are mostly UTF-8 is UTF-8 (a line pasted from an older file
    must not turn every ``hoàn thành`` of the others into mojibake): its bad bytes are kept as
    surrogate escapes (U+DC80–U+DCFF, which UTF-8 text never holds), for the table (or the
    JSON reader) to name on their rows. Only a file whose non-ASCII lines are mostly not
    UTF-8 is read whole as Windows-1258, with the ``encoding`` warning. ``mostly`` judges
    that instead of counting lines (a JSON file is often one line). ``raw``: the file's
    bytes, already read."""
    raw = _read_bytes(path) if raw is None else raw
    text = _utf16(raw, path)
    if text is not None:
        return text, False
    try:
        return raw.decode("utf-8-sig"), False
    except UnicodeDecodeError as exc:
        if (mostly or _mostly_utf8)(raw):
            return raw.decode("utf-8-sig", errors="surrogateescape"), True
        issues.append(_encoding_issue(str(path), exc.start))
        return _windows_1258(raw), False


_HIGH_BYTE = re.compile(rb"[\x80-\xff]")


def _mostly_utf8(raw: bytes) -> bool:
    """Whether at least as many of the lines holding non-ASCII bytes are UTF-8 as are not.
    One pass: each search starts after the line the previous one found."""
    good = bad = position = 0
    while (m := _HIGH_BYTE.search(raw, position)) is not None:
        start = raw.rfind(b"\n", 0, m.start()) + 1
        end = raw.find(b"\n", m.start())
        end = len(raw) if end < 0 else end
        try:
            raw[start:end].decode("utf-8")
        except UnicodeDecodeError:
            bad += 1
        else:
            good += 1
        position = end + 1
    return good >= bad


_HIGH_RUN = re.compile(rb"[\x80-\xff]+")


def _mostly_utf8_runs(raw: bytes) -> bool:
    """Whether at least as many of the runs of non-ASCII bytes are UTF-8 as are not: for a
    file whose lines say nothing (JSON)."""
    good = bad = 0
    for m in _HIGH_RUN.finditer(raw):
        try:
            m[0].decode("utf-8")
        except UnicodeDecodeError:
            bad += 1
        else:
            good += 1
    return good >= bad


#: The surrogate escapes that stand for bytes that are not UTF-8 (see :func:`_decode_lines`).
_ESCAPED = re.compile("[\udc80-\udcff]")


def _shown(text: str) -> str:
    """Text fit for a report: bytes that were not UTF-8 shown as ``\\xNN``."""
    if not _ESCAPED.search(text):
        return text
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def _encoding_issue(file: str, position: int) -> DataIssue:
    """The warning for a file that is not UTF-8; ``position`` is where decoding failed."""
    return _issue(
        "encoding", file, None, None,
        f"tệp không phải UTF-8 (byte {position}); đã đọc theo bảng mã Windows-1258 — "
        "hãy kiểm tra dấu tiếng Việt và lưu lại dưới dạng 'CSV UTF-8'",
        f"the file is not UTF-8 (byte {position}); it was read as Windows-1258 "
        "(Vietnamese) — check the diacritics, and save it as 'CSV UTF-8'",
        expected="UTF-8 text", severity="warning")


def _windows_1258(raw: bytes) -> str:
    """Bytes that are not UTF-8, read as Windows-1258 (Vietnamese), composed (NFC)."""
    return unicodedata.normalize("NFC", raw.decode("cp1258", errors="replace"))


def _delimiter(line: str) -> str:
    """The delimiter of a header line: the most frequent of ``;``, ``,`` and tab outside
    quotes (a Vietnamese-locale spreadsheet saves with ``;``)."""
    unquoted = re.sub(r'"[^"]*"', "", line)
    counts = {d: unquoted.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: (counts[d], d == ","))
    return best if counts[best] else ","


def _dialect(text: str) -> tuple[str, int]:
    """The delimiter of a table and how many lines come before its content: the first
    non-blank line is Excel's ``sep=;`` hint (skipped, with the blank lines before it) or
    the header, whose delimiter :func:`_delimiter` finds. Only that line is looked at, however
    many blank lines come first."""
    index = position = 0
    while True:
        end = text.find("\n", position)
        line = text[position:] if end < 0 else text[position:end]
        if line.strip() or end < 0:
            break
        index, position = index + 1, end + 1
    m = re.fullmatch(r"\s*sep=(.)\s*", line)
    if m:
        return m[1], index + 1
    return _delimiter(line), 0


#: Line breaks ``str.splitlines`` knows but a CSV file (read with ``newline=""``) does not.
_OTHER_BREAKS = re.compile("[\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+")


def _lines(text: str, block: int = 1 << 20) -> Iterator[str]:
    """The lines of ``text`` with their ends, split as ``io.StringIO(text, newline="")``
    splits them (at ``\\n``, ``\\r\\n`` and ``\\r``), without its copy of the whole text
    at four bytes a character: read a block of about ``block`` characters at a time."""
    if _OTHER_BREAKS.search(text):
        return map(re.Match.group, _LINE.finditer(text))
    return itertools.chain.from_iterable(_line_blocks(text, block))


def _line_blocks(text: str, block: int) -> Iterator[list[str]]:
    start, size = 0, len(text)
    while start < size:
        end = text.find("\n", start + block)
        end = size if end < 0 else end + 1
        yield text[start:end].splitlines(keepends=True)
        start = end


#: The line breaks :data:`_OTHER_BREAKS` names, in UTF-8, by their first byte.
_OTHER_BREAK_BYTES: dict[bytes, tuple[bytes, ...]] = {}
for _char in "\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029":
    _OTHER_BREAK_BYTES.setdefault(_char.encode()[:1], ())
    _OTHER_BREAK_BYTES[_char.encode()[:1]] += (_char.encode(),)


def _other_breaks(raw: bytes) -> bool:
    """Whether UTF-8 bytes hold a line break of :data:`_OTHER_BREAKS`. Each is looked for
    by itself, a longer one only where its first byte is found at all: on the national
    benchmark file, five single bytes and two first bytes take 0.04 s, where one regular
    expression of the eight takes 0.25 s and a search for each of them 0.2 s."""
    return any(raw.find(first) >= 0 and any(raw.find(whole) >= 0 for whole in wholes)
               for first, wholes in _OTHER_BREAK_BYTES.items())


class _Utf8:
    """The text of a UTF-8 file kept as its bytes, its lines decoded a block at a time.

    A few Vietnamese letters beyond Latin-1 (an ``Đ`` in a province's evidence) make Python
    hold a whole decoded text at two bytes a character: the national benchmark file's
    61 MiB of bytes as 122 MiB of text, the largest part of what reading it held. Its
    bytes are only kept when they read exactly as the whole text would (:meth:`of`)."""

    __slots__ = ("head", "raw", "start")

    def __init__(self, raw: bytes, start: int, head: str) -> None:
        self.raw, self.start, self.head = raw, start, head

    @classmethod
    def of(cls, raw: bytes, block: int = 1 << 20) -> _Utf8 | None:
        """``raw`` as lines decoded a block at a time, or None unless that gives exactly
        the lines of its whole text: UTF-8 (with or without a byte-order mark) throughout,
        no line break but those of a CSV file, no line longer than :data:`MAX_LINE` bytes
        (so none longer in characters), and the first block not blank (it holds the line
        :func:`_dialect` reads, given as :attr:`head`)."""
        if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return None
        if _other_breaks(raw) or _long_line(
                raw, (b"\n", b"\r"), MAX_LINE) is not None:
            return None
        start = len(codecs.BOM_UTF8) if raw.startswith(codecs.BOM_UTF8) else 0
        head: str | None = None
        try:
            for text in cls._decoded(raw, start, block):
                head = text if head is None else head
        except UnicodeDecodeError:
            return None
        if not head or not head.strip():
            return None
        return cls(raw, start, head)

    @staticmethod
    def _decoded(raw: bytes, start: int, block: int) -> Iterator[str]:
        """The text of ``raw`` from ``start``, a block of whole lines at a time (a line
        feed is the byte 0x0A and nothing else in UTF-8, so each block decodes alone)."""
        size = len(raw)
        while start < size:
            end = raw.find(b"\n", start + block)
            end = size if end < 0 else end + 1
            yield raw[start:end].decode("utf-8")
            start = end

    def lines(self, block: int = 1 << 20) -> Iterator[str]:
        """The lines with their ends, as :func:`_lines` splits the whole text."""
        return itertools.chain.from_iterable(
            text.splitlines(keepends=True) for text in self._decoded(self.raw, self.start,
                                                                     block))


#: The longest line read, in characters: a row of the widest sensible table, each cell as long
#: as Python's CSV reader takes, is far shorter. A longer line (a file without line ends, a
#: 200 MB "header") is a ReadError, found before anything is split or parsed.
MAX_LINE = 1 << 21

#: The most columns a header may name (the fill-in template has 17); past them, a ReadError.
MAX_COLUMNS = 1000


def _long_line(text: AnyStr, breaks: tuple[AnyStr, AnyStr], bound: int) -> int | None:
    """Where the first line (ended by either of ``breaks``) longer than ``bound`` starts, or
    None. Nothing is split or copied: each step looks back from ``bound`` past the last line
    end found, so the whole text is looked at about once."""
    position, size = 0, len(text)
    while size - position > bound:
        end = position + bound + 1
        cut = max(text.rfind(breaks[0], position, end), text.rfind(breaks[1], position, end))
        if cut < 0:
            return position
        position = cut + 1
    return None


def _check_lines(text: str, file: str) -> None:
    """:raises ReadError: a line of ``text`` is longer than :data:`MAX_LINE`."""
    at = _long_line(text, ("\n", "\r"), MAX_LINE)
    if at is None:
        return
    line = text.count("\n", 0, at) + text.count("\r", 0, at) - text.count("\r\n", 0, at) + 1
    raise ReadError(
        f"{file}, line {line}: a line of more than {MAX_LINE:,} characters, which no table "
        "of figures has (a file without line ends, or not a CSV file) — "
        f"{file}, dòng {line}: một dòng dài hơn {MAX_LINE:,} ký tự, không phải bảng số liệu",
        file=file)


def _header_keys(texts: Sequence[str], file: str, line: int) -> list[str]:
    """The fields a header's cells name (:func:`header_key`), blank cells at the end as "".

    :raises ReadError: the header names more than :data:`MAX_COLUMNS` columns.
    """
    width = len(texts)
    while width and not texts[width - 1].strip():
        width -= 1
    if width > MAX_COLUMNS:
        raise ReadError(
            f"{file}, line {line}: the header has {width:,} columns; a figures file has at "
            f"most {MAX_COLUMNS:,} — {file}, dòng {line}: dòng tiêu đề có {width:,} cột; tệp "
            f"số liệu có tối đa {MAX_COLUMNS:,} cột", file=file)
    return [header_key(t) for t in texts[:width]] + [""] * (len(texts) - width)


#: Parsed after the last line, to learn whether the text ends inside a quoted cell: a record
#: of its own after a complete record, part of the cell otherwise. Told from the file's own
#: lines by identity (U+FFFF is a noncharacter, and a file may hold one anyway).
_END_LINE = "".join(("\uffff", "\n"))


class _Tracked:
    """``lines`` and then :data:`_END_LINE`, with the lines put ``back`` given first; every
    line given is added to ``taken`` (the caller clears it after each record). An iterator
    that can go on after it ran out, when lines are put back (a generator could not)."""

    __slots__ = ("back", "lines", "taken")

    def __init__(self, lines: Iterable[str]) -> None:
        self.lines = itertools.chain(lines, (_END_LINE,))
        self.back: deque[str] = deque()
        self.taken: list[str] = []

    def __iter__(self) -> _Tracked:
        return self

    def __next__(self) -> str:
        line = self.back.popleft() if self.back else next(self.lines)
        self.taken.append(line)
        return line


def _cell_count(line: str, delimiter: str) -> int:
    """How many cells ``line`` holds read as a record of its own."""
    try:
        return len(next(csv.reader([line], delimiter=delimiter), []))
    except csv.Error:
        return 0


def _looks_like_row(line: str, delimiter: str, width: int) -> bool:
    """Whether a line swallowed by a quoted cell has the header's ``width`` cells, read as a
    record of its own or split at every delimiter (its own quote may be the stray one)."""
    count = line.count(delimiter) + 1  # never fewer than the record's cells
    return count == width or (count > width and _cell_count(line, delimiter) == width)


def _after_quote(line: str) -> str | None:
    """What follows the quote that ``line`` (read from inside a quoted cell) closes: a
    character, ``""`` at the end of the text, or None when no quote on it closes the cell."""
    at = 0
    while (at := line.find('"', at)) >= 0:
        if line[at + 1:at + 2] == '"':  # a quote within the cell, written twice
            at += 2
            continue
        return line[at + 1:at + 2]
    return None


def _swallows_rows(lines: Sequence[str], cells: Sequence[str] | None, delimiter: str,
                   width: int, ahead: Callable[[str], bool] | None = None) -> bool:
    """Whether a record read over several ``lines`` (into ``cells``, None where the CSV reader
    gave up) is a quote left open over rows rather than a cell that holds line breaks.

    It is when the record has more cells than the header's ``width``; when the quote closes
    where no cell ends (followed by more text: it opened a cell of a later row); when a line
    inside the quoted text looks like a row, or so does the text inside the quote on the
    first line (after its last quote) or on the last line (before its first quote); and when
    the last line, read as a record of its own with the lines after it, has the header's
    cells (``ahead`` reads it; None: take it that it has) while the quote that closes the
    cell ends its line, or while the quoted text on that line holds a delimiter. A note of
    several lines in the first column, whose quote is followed by the rest of its row, is
    not what a quote swallowed."""
    first, last = lines[0], lines[-1]
    follows = _after_quote(last)
    if (cells is not None and len(cells) > width) or follows not in (
            None, "", delimiter, "\r", "\n"):
        return True
    closing = last[:last.find('"')] if '"' in last else last
    inside = [first[first.rfind('"') + 1:], *lines[1:-1], closing]
    if any(_looks_like_row(t, delimiter, width) for t in inside):
        return True
    # The quote that closed the cell may have opened one of the next row's (a note of
    # several lines) instead.
    return ((follows != delimiter or delimiter in closing)
            and (ahead is None or ahead(last)))


def _starts_a_row(source: _Tracked, delimiter: str, width: int, *,
                  part: bool = False) -> Callable[[str], bool]:
    """For :func:`_swallows_rows`: whether a line, read as the start of a record with the
    lines after it in ``source`` (looked at, then put back), has ``width`` cells. ``part``:
    the source is part of a file (a chunk), so a record still open where it ends may go on
    after it; the answer is then yes, and the whole-file reader decides."""

    def ahead(line: str) -> bool:
        mark = len(source.taken)
        ran_out = False

        def following() -> Iterator[str]:
            nonlocal ran_out
            yield line
            for _ in range(_LOOK_AHEAD):
                after = next(source, _END_LINE)
                if after is _END_LINE:
                    ran_out = True
                    return  # (put back with the rest, when it was taken)
                yield after

        try:
            cells = next(csv.reader(following(), delimiter=delimiter), None)
        except csv.Error:
            cells = None
        finally:
            pulled = source.taken[mark:]
            del source.taken[mark:]
            source.back.extendleft(reversed(pulled))
        if part and ran_out:
            return True
        return cells is not None and len(cells) == width

    return ahead


#: How many lines :func:`_starts_a_row` reads at most after the one it looks at.
_LOOK_AHEAD = 64


def _csv_rows(text: str | _Utf8, file: str = "the file",
              issues: list[DataIssue] | None = None,
              ) -> Iterator[tuple[int, list[str] | None]]:
    """Yield (first line of the record, cells); a ``sep=;`` line (Excel's hint) is obeyed.

    A quoted cell may hold line breaks (a note of two lines). A quote that runs on to the
    end of the text, or over lines that look like rows (as many cells as the header), was
    left unclosed: its record is named by an ``unclosed_quote`` issue (added to ``issues``)
    and yielded with None for its cells, and the lines after its first are read again, as
    rows of their own. So a stray quote costs the row it is on, and no other.

    :raises ReadError: a line is longer than :data:`MAX_LINE`; a cell is longer than
        Python's CSV reader takes (``csv.field_size_limit()``) other than in an unclosed
        quote; the header's quote is never closed: nothing after it can be read reliably.
    """
    if isinstance(text, _Utf8):  # checked for long lines when it was made
        delimiter, skip = _dialect(text.head)
        lines, size, quoted = text.lines(), len(text.raw), b'"' in text.raw
    else:
        _check_lines(text, file)
        delimiter, skip = _dialect(text)
        lines, size, quoted = _lines(text), len(text), '"' in text
    if not quoted:
        # Without a quote every line is one record, and nothing need be read again.
        return _unquoted_rows(lines, delimiter, skip, file)
    return _quoted_rows(lines, delimiter, skip, size, file, issues)


def _quoted_rows(lines: Iterable[str], delimiter: str, skip: int, size: int, file: str,
                 issues: list[DataIssue] | None) -> Iterator[tuple[int, list[str] | None]]:
    """:func:`_csv_rows` for a text that holds a quote (of ``size`` characters at most)."""
    source = _Tracked(lines)
    back, taken = source.back, source.taken
    line = 0  # the lines before the current record
    header: list[str] | None = None
    # Lines read again, bounded (each line holds at least its line end): linear work.
    again, limit = 0, size + 1000
    while True:
        reader = csv.reader(source, delimiter=delimiter)
        try:
            for cells in reader:
                start, at_end = line + 1, taken[-1] is _END_LINE
                if at_end and len(taken) == 1:
                    return
                if len(taken) == 1 or header is None or start <= skip:
                    if at_end:  # only the header's quote can get here
                        raise _unclosed_header(file, start)
                    line += len(taken)
                    taken.clear()
                    if start <= skip:
                        continue
                    if header is None and "".join(cells).strip():
                        header = cells
                    yield start, cells
                    continue
                swallowed = taken[1:-1] if at_end else taken[1:]
                if not at_end and not _swallows_rows(taken, cells, delimiter, len(header),
                                                      _starts_a_row(source, delimiter,
                                                                    len(header))):
                    line += len(taken)
                    taken.clear()
                    yield start, cells  # a cell that really holds line breaks
                    continue
                if issues is not None:
                    issues.append(_unclosed_quote(file, start, header, delimiter, taken[0],
                                                  len(swallowed), at_end))
                yield start, None
                again += len(taken) - 1
                if again > limit:  # pragma: no cover - no file found to need it
                    raise _too_many_quotes(file, start)
                back.extendleft(reversed(taken[1:]))
                line = start
                taken.clear()
                break
            else:  # pragma: no cover - the end line always ends the loop first
                return
        except csv.Error as exc:
            start = line + 1
            if (header is not None and start > skip and len(taken) > 1
                    and _swallows_rows(taken, None, delimiter, len(header))):
                # The cell grew past the CSV reader's limit because its quote was never
                # closed: a row lost, not the file.
                if issues is not None:
                    issues.append(_unclosed_quote(file, start, header, delimiter, taken[0],
                                                  len(taken) - 1, False))
                yield start, None
                again += len(taken) - 1
                if again > limit:  # pragma: no cover - no file found to need it
                    raise _too_many_quotes(file, start) from exc
                back.extendleft(reversed(taken[1:]))
                line = start
                taken.clear()
                continue
            raise _cell_too_long(file, start, exc) from exc


def _unquoted_rows(lines: Iterable[str], delimiter: str, skip: int,
                   file: str) -> Iterator[tuple[int, list[str] | None]]:
    """:func:`_csv_rows` for a text without a quote: a record per line. Most files have
    none; on the national benchmark file, this saves a third of splitting it into
    records."""
    start = 0
    try:
        for start, cells in enumerate(csv.reader(lines, delimiter=delimiter), start=1):
            if start > skip:
                yield start, cells
    except csv.Error as exc:
        raise _cell_too_long(file, start + 1, exc) from exc


def _cell_too_long(file: str, line: int, exc: csv.Error) -> ReadError:
    where = f"{file}, line {line}"
    return ReadError(
        f"{where}: {exc} (a cell of more than {csv.field_size_limit():,} characters, "
        f"often an unclosed quote) — {where}: một ô quá dài, thường do thiếu dấu ngoặc "
        "kép đóng", file=file)


def _too_many_quotes(file: str, line: int) -> ReadError:
    return ReadError(
        f"{file}, line {line}: too many unclosed quotes to read the file reliably — "
        f"{file}, dòng {line}: quá nhiều dấu ngoặc kép không được đóng, không đọc được tệp",
        file=file)


def _unclosed_header(file: str, line: int) -> ReadError:
    return ReadError(
        f"{file}, line {line}: a quote opened here is never closed, so the header and the "
        "rows after it cannot be told apart — "
        f"{file}, dòng {line}: dấu ngoặc kép mở ở đây không được đóng, nên không phân biệt "
        "được dòng tiêu đề và các dòng số liệu", file=file)


def _unclosed_quote(file: str, row: int, header: Sequence[str], delimiter: str, first: str,
                    swallowed: int, at_end: bool) -> DataIssue:
    """The issue naming a row whose quote was left open on its ``first`` line, and the
    lines it swallowed."""
    # The quote opened the last cell that starts on the row's first line.
    n = max(_cell_count(first, delimiter) - 1, 0)
    field = (header_key(header[n]) if n < len(header) else "") or f"column {n + 1}"
    rows = (f"{row + 1}" if swallowed == 1 else f"{row + 1}–{row + swallowed}")
    where_en = "before the end of the file" if at_end else "on its row"
    where_vi = "đến hết tệp" if at_end else "trên dòng của nó"
    en = (f"a quote opened in the '{field}' cell of row {row} is not closed {where_en}"
          + ((f"; it swallowed row {rows}, read again as a row of its own" if swallowed == 1
              else f"; it swallowed rows {rows}, read again as rows of their own")
             if swallowed else "")
          + f". Row {row} is not read: close the quote (\") or remove it")
    vi = (f"dấu ngoặc kép mở ở ô '{field}' dòng {row} không được đóng {where_vi}"
          + (f"; nó đã nuốt dòng {rows}, các dòng này được đọc lại như dòng riêng"
             if swallowed else "")
          + f". Dòng {row} không được đọc: hãy đóng dấu ngoặc kép (\") hoặc xóa nó")
    return _issue("unclosed_quote", file, row, field, vi, en,
                  text=_shown(first.rstrip("\r\n"))[:120],
                  expected='a closing quote (") in the same cell')


_SEPARATOR_NAMES = {",": ("dấu phẩy (,)", "commas (,)"),
                    ";": ("dấu chấm phẩy (;)", "semicolons (;)"),
                    "\t": ("dấu tab", "tabs")}


def _other_separator(texts: Sequence[str], delimiter: str, width: int,
                     required: int) -> str | None:
    """The separator, other than ``delimiter``, that a row shorter than its header (of
    ``width`` cells) was saved with: it splits the row into more cells than ``delimiter``
    did, and either ``delimiter`` left out a required column (the first ``required`` cells)
    or the other one gives exactly the header's cells. A short row with a decimal comma
    (``87,5`` in a semicolon file) is neither."""
    line = delimiter.join(texts)
    for other in _SEPARATOR_NAMES:
        if other == delimiter or other not in line:
            continue
        count = _cell_count(line, other)
        if count > len(texts) and (len(texts) < required or count == width):
            return other
    return None


class _Table:
    """The rows of one file as records keyed by field, with header problems reported once."""

    def __init__(self, path: Path, wanted: Sequence[str], required: Sequence[str],
                 issues: list[DataIssue], *, lists: bool = False) -> None:
        self.path = path
        self.file = str(path)
        self.wanted = wanted
        self.required = required
        self.issues = issues
        self.total = 0
        #: Give a CSV row whose cells line up with a header naming each column once as its
        #: list of cells, not as a record (see :func:`_read_figures`): the fields are
        #: ``header[n]``.
        self.lists = lists
        self.header: list[str] = []
        #: Whether the text holds bytes that are not UTF-8 (see _decode_lines).
        self.escaped = False

    def records(self) -> Iterator[tuple[int, dict[str, Cell] | list[Cell]] | int]:
        """(row, record) for data rows and the row number alone for blank rows (the record
        as a list of cells only when asked for: :attr:`lists`). The file is read now; the
        rows are given by the table's own iterator (one generator less for each to pass).

        :raises ReadError: as :func:`read_observations`."""
        suffix = self.path.suffix.lower()
        if suffix == ".json":
            return self._json()
        if suffix in (".xls", ".ods", ".numbers"):
            raise ReadError(
                f"{self.file}: {suffix} files are not read; save the sheet as .xlsx or as "
                f"'CSV UTF-8' — không đọc được tệp {suffix}; hãy lưu thành .xlsx hoặc "
                "'CSV UTF-8'", file=self.file)
        rows: Iterable[tuple[int, list[Cell] | None]]
        if suffix in (".xlsx", ".xlsm"):
            from .xlsx import xlsx_rows

            rows, self.total = xlsx_rows(self.path)
            return self._table(rows)
        raw = _read_bytes(self.path)
        utf8 = _Utf8.of(raw)
        text: str | _Utf8
        if utf8 is not None:
            text, self.total = utf8, raw.count(b"\n") + 1
            delimiter, _ = _dialect(utf8.head)
        else:
            text, self.escaped = _decode_lines(self.path, self.issues, raw=raw)
            self.total = text.count("\n") + 1
            _check_lines(text, self.file)  # before _dialect looks at the first line
            delimiter, _ = _dialect(text)
        del raw  # the text, or the bytes it keeps
        rows = cast("Iterator[tuple[int, list[Cell] | None]]",
                    _csv_rows(text, self.file, self.issues))
        return self._table(rows, plain=True, delimiter=delimiter)

    def _json(self) -> Iterator[tuple[int, dict[str, Cell]] | int]:
        from .jsonread import json_records

        text, escaped = _decode_lines(self.path, self.issues, mostly=_mostly_utf8_runs)
        self.total, records = json_records(text, self.file, self.issues, escaped=escaped)
        yield from records

    def _table(self, rows: Iterable[tuple[int, list[Cell] | None]], *, plain: bool = False,
               delimiter: str | None = None,
               ) -> Iterator[tuple[int, dict[str, Cell] | list[Cell]] | int]:
        """Records from rows of cells; ``plain``: every cell is text (a CSV file);
        ``delimiter``: the CSV file's, to tell a row split by another one. A row whose cells
        are None was refused, and named, by the CSV reader."""
        header: list[str] | None = None
        usable = True
        # With every column named once, a record is the header zipped with the cells.
        distinct = as_list = False
        required = 0  # cells a row needs to reach every required column
        width = 0
        escaped = self.escaped
        for item in rows:
            line, cells = item
            if cells is None:
                if header is not None:
                    yield line, {}
                continue
            if as_list and len(cells) == width and not escaped:
                # The steady state of a CSV file, checked first: a row as wide as the
                # header, not blank (its first cell holds more than spaces), is a record,
                # given as it came.
                first = cells[0]
                if first and not first.isspace():  # type: ignore[union-attr]  # text
                    yield item  # type: ignore[misc]  # its cells are not None
                    continue
            texts = cast("list[str]", cells) if plain else [
                c.text if isinstance(c, Number) else c for c in cells]
            joined = "".join(texts)
            if not joined or joined.isspace():
                if header is not None:
                    yield line
                continue
            if header is None:
                if self.escaped and _ESCAPED.search(joined):
                    self.issues.extend(self._undecodable(line, None, texts))
                    texts = [_ESCAPED.sub("\ufffd", t) for t in texts]
                header = self.header = _header_keys(texts, self.file, line)
                usable = self._check_header(header, texts, line)
                distinct = all(header) and len(set(header)) == len(header)
                as_list = plain and distinct and self.lists and usable
                width = len(header)
                required = 1 + max((header.index(f) for f in self.required if f in header),
                                   default=-1)
                continue
            if not usable:
                yield line, {}
                continue
            if self.escaped and _ESCAPED.search(joined):
                self.issues.extend(self._undecodable(line, header, texts))
                yield line, {}
                continue
            if not plain and self._unreadable(line, header, cells):
                yield line, {}
                continue
            if len(cells) > len(header) and (any(t.strip() for t in texts[len(header):])
                                             or self._split_number(header, texts)):
                self.issues.append(self._extra_cells(line, texts, len(header)))
                yield line, {}
                continue
            if delimiter is not None and len(cells) < len(header):
                found = _other_separator(texts, delimiter, len(header), required)
                if found is not None:
                    self.issues.append(self._separator_mismatch(line, texts, delimiter,
                                                                found))
                    yield line, {}
                    continue
            if as_list and len(cells) == len(header):
                yield line, cells
                continue
            if distinct:
                yield line, dict(zip(header, cells, strict=False))
                continue
            record: dict[str, Cell] = {}
            for h, c in zip(header, cells, strict=False):
                if h and h not in record:
                    record[h] = c
            yield line, record
        if header is None:
            self.issues.append(_issue(
                "empty_file", self.file, None, None,
                "tệp trống: cần một dòng tiêu đề và các dòng số liệu",
                "the file is empty: expected a header row and rows of figures",
                expected=", ".join(self.wanted)))

    def _undecodable(self, line: int, header: Sequence[str] | None,
                     texts: Sequence[str]) -> list[DataIssue]:
        """An issue for each cell of a row (of the header: ``header`` None) holding bytes
        that are not UTF-8."""
        found = []
        for n, text in enumerate(texts):
            if not _ESCAPED.search(text):
                continue
            shown = _shown(text)
            if header is None:
                field = f"column {n + 1}"
                vi = (f"tiêu đề cột {n + 1} có byte không phải UTF-8 ('{shown}'); các byte đó "
                      "được đọc là '\ufffd' — hãy gõ lại tiêu đề và lưu tệp dạng 'CSV UTF-8'")
                en = (f"the header of column {n + 1} holds bytes that are not UTF-8 "
                      f"('{shown}'); they are read as '\ufffd' — retype the header and save "
                      "the file as 'CSV UTF-8'")
            else:
                field = (header[n] if n < len(header) else "") or f"column {n + 1}"
                vi = (f"ô '{field}' có byte không phải UTF-8 ('{shown}'), thường do dán từ tệp "
                      "mã khác; dòng không được đọc — hãy gõ lại ô này và lưu tệp dạng "
                      "'CSV UTF-8'")
                en = (f"the '{field}' cell holds bytes that are not UTF-8 ('{shown}'), often "
                      "pasted from a file in another encoding; the row is not read — retype "
                      "the cell and save the file as 'CSV UTF-8'")
            found.append(_issue("bad_encoding", self.file, line, field, vi, en, text=shown,
                                expected="UTF-8 text"))
        return found

    def _separator_mismatch(self, line: int, texts: Sequence[str], delimiter: str,
                            found: str) -> DataIssue:
        vi_found, en_found = _SEPARATOR_NAMES[found]
        vi_used, en_used = _SEPARATOR_NAMES[delimiter]
        return _issue(
            "separator_mismatch", self.file, line, None,
            f"dòng này phân cách các ô bằng {vi_found}, nhưng dòng tiêu đề dùng {vi_used}: "
            "không tách được các ô của dòng — hãy lưu cả tệp với cùng một dấu phân cách",
            f"the row separates its cells with {en_found} but the header with {en_used}, so "
            "its cells cannot be told apart — save the whole file with one separator",
            text=_shown(delimiter.join(texts))[:120],
            expected=f"cells separated by {en_used}, as in the header")

    def _check_header(self, header: list[str], texts: list[str], line: int) -> bool:
        # An entity's name beside its code is explanation, in a figures file too.
        known = set(self.wanted) | set(INFO_FIELDS) | {"name"}
        missing = [f for f in self.required if f not in header]
        for field in missing:
            self.issues.append(_issue(
                "missing_column", self.file, line, field,
                f"thiếu cột '{field}' ở dòng tiêu đề; không đọc được dòng nào của tệp. Các "
                f"cột cần có: {', '.join(self.wanted)} (chấp nhận tên tiếng Việt)",
                f"the header has no '{field}' column, so no row of the file can be read. "
                f"Expected columns: {', '.join(self.wanted)} (Vietnamese names accepted)",
                text=" | ".join(texts), expected=", ".join(self.wanted)))
        seen: dict[str, int] = {}
        twice = False
        for n, (key, text) in enumerate(zip(header, texts, strict=True), start=1):
            if not key:
                continue
            if key in seen and key in self.wanted:
                # "numerator" and "tử số": which column holds the figures is anybody's
                # guess, and a wrong guess reads every row wrong, so none is read.
                twice = True
                first = texts[seen[key] - 1].strip()
                self.issues.append(_issue(
                    "duplicate_column", self.file, line, key,
                    f"cột {seen[key]} ('{first}') và cột {n} ('{text.strip()}') cùng là trường "
                    f"'{key}'; không biết cột nào đúng nên không đọc được dòng nào của tệp — "
                    "hãy xóa hoặc đổi tên một cột",
                    f"columns {seen[key]} ('{first}') and {n} ('{text.strip()}') both name the "
                    f"field '{key}'; which one is meant is unclear, so no row of the "
                    "file is read — delete or rename one of them",
                    text=f"{first} | {text.strip()}", expected="each field in one column"))
                continue
            if key in seen:
                self.issues.append(_issue(
                    "duplicate_column", self.file, line, key,
                    f"cột '{key}' xuất hiện hai lần (cột {seen[key]} và {n}); chỉ dùng cột "
                    f"{seen[key]}, cột {n} bị bỏ qua",
                    f"column '{key}' appears twice (columns {seen[key]} and {n}); column "
                    f"{seen[key]} is used and column {n} is ignored",
                    text=text, expected="each column once", severity="warning"))
                continue
            seen[key] = n
            if key not in known:
                hint = _suggest(key, _KNOWN)
                hint_field = _KNOWN[hint] if hint else None
                self.issues.append(_issue(
                    "unknown_column", self.file, line, text.strip(),
                    f"bỏ qua cột không biết '{text.strip()}'"
                    + (f" (có phải '{hint_field}'?)" if hint_field else ""),
                    f"unknown column '{text.strip()}' is ignored"
                    + (f" (did you mean '{hint_field}'?)" if hint_field else ""),
                    text=text, expected=", ".join(self.wanted), severity="warning"))
        return not missing and not twice

    def _unreadable(self, line: int, header: Sequence[str], cells: Sequence[Cell]) -> bool:
        """Name each :class:`Unreadable` cell of a row; whether there was one."""
        found = False
        for n, cell in enumerate(cells):
            if isinstance(cell, Unreadable):
                field = header[n] if n < len(header) and header[n] else f"column {n + 1}"
                self.issues.append(_issue(cell.code, self.file, line, field, cell.vi, cell.en,
                                          text=str(cell), expected=cell.expected))
                found = True
        return found

    @staticmethod
    def _split_number(header: Sequence[str], texts: Sequence[str]) -> bool:
        """Whether a number column holds digits followed by more digits: ``87,5`` split in
        two by the comma delimiter (the extra cell at the end is then blank)."""
        return any(h in ("numerator", "denominator", "value") and n + 1 < len(texts)
                   and header[n + 1:n + 2] != ["denominator"]
                   and texts[n].strip().isdigit()
                   and re.fullmatch(r"\d{1,3}", texts[n + 1].strip()) is not None
                   for n, h in enumerate(header))

    def _extra_cells(self, line: int, texts: list[str], width: int) -> DataIssue:
        hint_vi = hint_en = ""
        if any(re.fullmatch(r"\d+", t.strip()) for t in texts):
            hint_vi = (" — số có dấu phẩy thập phân (87,5) trong tệp phân cách bằng dấu phẩy "
                       "phải đặt trong ngoặc kép, hoặc lưu tệp với dấu chấm phẩy")
            hint_en = (" — a number with a decimal comma (87,5) in a comma-separated file "
                       "must be quoted, or the file saved with semicolons")
        return _issue(
            "extra_cells", self.file, line, f"column {width + 1}",
            f"dòng có {len(texts)} ô nhưng tiêu đề chỉ có {width} cột{hint_vi}",
            f"the row has {len(texts)} cells but the header has {width} columns{hint_en}",
            text=",".join(texts)[:120], expected=f"{width} cells")


# -- rows to observations ------------------------------------------------------------------


def _text(cell: Cell | None) -> str:
    if cell is None:
        return ""
    return (cell.text if isinstance(cell, Number) else cell).strip()


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
        for name in ("value", "reported_on", "source", "note"):
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
        value = self._value(record.get("value"), indicator, row, issues)
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
                reported_on=reported_on, source=get["source"] or None,
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
               issues: list[DataIssue]) -> Fraction | None:
        text = _text(cell)
        if not text:
            return None
        folded = unicodedata.normalize("NFC", text).casefold()
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
            if isinstance(cell, Number):
                value = self._number_value(cell, kind, indicator)
            elif kind is Kind.RATE or (kind is None and text.endswith("%")):
                unit = indicator.value_unit if indicator else "percent"
                value = parse_rate(text, default_unit="ratio" if unit == "ratio" else "percent")
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
            return None
        return value

    @staticmethod
    def _number_value(cell: Number, kind: Kind | None, indicator: Indicator | None) -> Fraction:
        bounded(cell.value, cell.text)  # a spreadsheet's 1e300 is no figure either
        if cell.value < 0:
            raise NumberParseError(cell.text, "a number that is not negative")
        if cell.percent:
            return cell.value
        if kind is Kind.RATE and indicator is not None and indicator.value_unit == "percent":
            return cell.value / 100
        if kind is Kind.COUNT and cell.value.denominator != 1:
            raise NumberParseError(cell.text, "a whole number")
        return cell.value


_EXPECTED = {
    "indicator": "an indicator code (see `plan-rules indicators`)",
    "entity": "the reporting unit's code",
    "period": "a period such as Q3/2025, T6/2025, 2025",
}


def read_observations(path: str | os.PathLike[str], *, registry: Registry | None = None,
                      progress: ProgressCallback | None = None,
                      engine: str = "python") -> ReadResult:
    """Read a figures file (``.csv``, ``.tsv``/``.txt``, ``.json``, ``.xlsx`` with the
    ``xlsx`` extra).

    :param registry: used to read each ``value`` as its indicator's kind needs (a bare
        ``87,5`` is 87.5% for a rate, 87.5 for a count) and to match indicator codes whatever
        their case; default: the installed plugins.
    :param progress: called as ``progress(rows_done, rows_total)`` every few thousand rows.
    :param engine: ``"python"``, or ``"pyarrow"`` to parse delimited text with pyarrow (the
        ``columnar`` extra; same result, see :mod:`plan_rules.columnar`).
    :raises ReadError: the file cannot be opened at all (missing, unreadable, a format that is
        not read); every problem with its content is a data issue instead.
    :raises ImportError: ``engine="pyarrow"`` without pyarrow installed.
    """
    from .registry import load_registry

    if engine != "python":
        if engine != "pyarrow":
            raise ValueError(f"engine must be 'python' or 'pyarrow', not {engine!r}")
        from .columnar import read_observations as read_with_pyarrow

        return read_with_pyarrow(path, registry=registry, progress=progress)
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
    rows, blank rows). The one loop behind :func:`read_observations` and reading by chunks.

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


def _unaccounted(lines: Sequence[int], made: set[int | None],
                 issues: Sequence[DataIssue]) -> tuple[int, ...]:
    """The data rows that produced nothing and that no issue names (none, if all is well)."""
    if any(i.code in FILE_ISSUES and i.severity == "error" for i in issues):
        return ()
    named = {i.row for i in issues}
    return tuple(n for n in lines if n not in made and n not in named)


def read_entities(path: str | os.PathLike[str]) -> ReadResult:
    """Read an entities file: ``code, name, level, groups, parent, valid_from, valid_to``
    (groups separated by ``;``, ``,`` or ``|``; dates day-first or ISO)."""
    p = Path(path)
    file = str(p)
    issues: list[DataIssue] = []
    entities: dict[str, tuple[int, Entity]] = {}
    lines: list[int] = []
    rows = blank = 0
    for item in _Table(p, ENTITY_FIELDS, ("code", "level"), issues).records():
        if isinstance(item, int):
            blank += 1
            continue
        line, record = cast("tuple[int, dict[str, Cell]]", item)  # records, not lists
        rows += 1
        lines.append(line)
        if not record:
            continue
        entity = _entity(file, line, {k: _text(record.get(k)) for k in ENTITY_FIELDS}, issues)
        if entity is None:
            continue
        if entity.code in entities:
            first = entities[entity.code][0]
            issues.append(_issue(
                "duplicate_entity", file, line, "code",
                f"mã đơn vị {entity.code} đã có ở dòng {first}; dòng này bị bỏ qua",
                f"entity code {entity.code} was already given on row {first}; this row is "
                "ignored", text=entity.code, expected="each code once"))
            continue
        entities[entity.code] = (line, entity)
    for line, e in entities.values():
        if e.parent and e.parent not in entities:
            issues.append(_issue(
                "unknown_parent", file, line, "parent",
                f"đơn vị cấp trên '{e.parent}' không có trong tệp đơn vị",
                f"parent '{e.parent}' is not an entity of this file", text=e.parent,
                expected="the code of another entity in the file", severity="warning"))
    return ReadResult(observations=(), issues=tuple(issues), rows=rows, blank_rows=blank,
                      entities=tuple(e for _, e in entities.values()),
                      unaccounted=_unaccounted(lines, {n for n, _ in entities.values()},
                                               issues))


def _entity(file: str, line: int, get: Mapping[str, str],
            issues: list[DataIssue]) -> Entity | None:
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
                                         text=get[name], expected="a date: 30/06/2025"))
    for name in ("code", "level"):
        if not get[name]:
            row_issues.append(_issue("missing_field", file, line, name,
                                     f"ô '{name}' bị bỏ trống", f"the '{name}' cell is empty",
                                     expected=f"the entity's {name}"))
    start, end = dates.get("valid_from"), dates.get("valid_to")
    if start and end and end < start:
        row_issues.append(_issue(
            "bad_validity", file, line, "valid_to",
            f"ngày hết hiệu lực {end:%d/%m/%Y} trước ngày bắt đầu {start:%d/%m/%Y}",
            f"valid_to {end:%d/%m/%Y} is before valid_from {start:%d/%m/%Y}",
            text=get["valid_to"], expected=f"a date on or after {start:%d/%m/%Y}"))
    issues.extend(row_issues)
    if row_issues:
        return None
    return Entity(code=get["code"], name=get["name"] or None, level=level_key(get["level"]),
                  groups=get["groups"], parent=get["parent"] or None,
                  valid_from=start, valid_to=end)

