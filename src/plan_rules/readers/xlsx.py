"""``.xlsx`` workbooks through openpyxl, installed with the ``xlsx`` extra (imported lazily).

Reading: the first worksheet is read as the same long format as a CSV file. A text cell is the
text a person typed; a number cell is kept as the exact number the sheet stored (never re-read
through a decimal-mark convention), with a cell formatted as a percentage marked as such; a
date cell becomes the day, or the month when its format shows no day (``mm/yyyy``), so that a
period column that Excel turned into dates still reads as the periods people meant.

A workbook is a zip of XML parts from someone else's machine, so reading it is bounded: every
part's size and compression ratio is checked before it is inflated and bounded again while it
is read (:class:`XlsxLimits`), XML parsing goes through defusedxml (no entity expansion, no
external entity), and the sheet is read cell by cell as it really is, whatever size it declares.
A cell that cannot be what it claims to be (a NaN number, a shared string that does not exist)
is an :class:`~plan_rules.readers.Unreadable` cell, which the table names as an issue on its
row; a workbook that is damaged in its structure is a :class:`~plan_rules.ReadError`.

Writing: :func:`workbook_bytes` builds the fill-in template: a bold, frozen header, text-format
key columns (so Excel does not turn ``06/2025`` into a date), and a second sheet with guidance.
Every text is written as a typed string cell, never as a formula, whatever it starts with;
one a spreadsheet would run if the person retyped it (``=…``, ``+…``, ``@…``) also gets the
quote-prefix style, Excel's own mark for "typed with a leading apostrophe", so the cell holds
the text itself and reads back unchanged.
"""

from __future__ import annotations

import importlib
import io
import math
import re
import warnings
import zipfile
import zlib
from collections.abc import Callable, Iterator, Sequence
from datetime import date, datetime, time
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import IO, Any, Literal

import attrs

from ..cells import neutralise
from ..errors import ReadError
from .cells import Cell, Number, Unreadable

__all__ = ["Sheet", "XlsxLimits", "workbook_bytes", "xlsx_rows"]

_NEEDS = "pip install 'plan-rules[xlsx]'"

_MiB = 1 << 20


@attrs.frozen(kw_only=True)
class XlsxLimits:
    """How much of a workbook is read before it is refused as absurd (a ``ReadError`` naming
    the file and the part). The defaults leave room for the largest sheet Excel can hold in
    the figures format and refuse what only a hand-made file holds.

    :param member_bytes: any one part, inflated. A sheet of Excel's 1,048,576 rows in the
        figures format is about 300 MiB (shared strings) to 500 MiB (inline strings).
    :param whole_bytes: a part that openpyxl parses whole into memory (workbook, styles,
        relationships, properties, theme); real ones are a few KiB to a few MiB.
    :param strings_bytes: the shared-string table, which is held in memory while the sheet is
        read: a million distinct 100-character notes fit.
    :param ratio: inflated size over compressed size, for parts of more than ``ratio_from``
        bytes. Spreadsheet XML compresses 5 to 20 times; a zip bomb 1,000 times.
    :param ratio_from: below this size a part may compress as well as it likes.
    :param cells: cells in the sheet counting the empty ones between them, which the reader
        has to hand on: twice Excel's 1,048,576 rows of the template's 17 columns.
    :param cell_elements: XML elements inside one cell or one shared string (rich text is a
        few per run of formatting).
    :param text_bytes: bytes of XML without a tag in them (one text, one attribute), which
        the parser holds whole: a cell holds at most 32,767 characters, about 200 KB.
    """

    member_bytes: int = 512 * _MiB
    whole_bytes: int = 16 * _MiB
    strings_bytes: int = 128 * _MiB
    ratio: int = 100
    ratio_from: int = 1 * _MiB
    cells: int = 40_000_000
    cell_elements: int = 100_000
    text_bytes: int = 4 * _MiB


#: What :func:`xlsx_rows` allows unless told otherwise.
LIMITS = XlsxLimits()

#: Excel's own bounds: no sheet it writes has a row or a column beyond them.
_MAX_ROW = 1_048_576
_MAX_COLUMN = 16_384

#: A declared dimension up to this many columns pads every row to it, as openpyxl did; a
#: wider one is not trusted (``A1:XFD1048576`` would pad every row to 16,384 cells).
_PAD_COLUMNS = 256

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_ROW, _CELL, _VALUE, _SHEET_DATA = f"{_MAIN}row", f"{_MAIN}c", f"{_MAIN}v", f"{_MAIN}sheetData"
_STRING = f"{_MAIN}si"
_REF = re.compile(r"([A-Z]{1,3})([1-9][0-9]*)")
#: A number as the XML schema writes a double (Excel writes nothing else in a number cell);
#: NaN and INF, which the schema also allows, are no figure.
_XSD_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
#: Where a part's prolog ends: the first element.
_ELEMENT = re.compile(rb"<[^?!]")
_PROLOG_BYTES = 1 << 16
#: The most a part is inflated at a time.
_BLOCK = 1 << 16


def _openpyxl(path: Path | None = None) -> Any:
    try:
        import openpyxl
    except ImportError as exc:
        where = f"{path}: " if path else ""
        raise ReadError(
            f"{where}.xlsx files need openpyxl: {_NEEDS} — tệp .xlsx cần thư viện openpyxl: "
            f"{_NEEDS}", file=str(path or "")) from exc
    return openpyxl


def _iterparse(path: Path) -> Callable[..., Iterator[tuple[str, Any]]]:
    """defusedxml's ``iterparse``: refuses entity declarations and external references."""
    try:
        module = importlib.import_module("defusedxml.ElementTree")
    except ImportError as exc:
        raise ReadError(
            f"{path}: .xlsx files are read only with defusedxml, which refuses XML attacks: "
            f"{_NEEDS} — tệp .xlsx chỉ được đọc khi có thư viện defusedxml: {_NEEDS}",
            file=str(path)) from exc
    parse: Callable[..., Iterator[tuple[str, Any]]] = module.iterparse
    return parse


# -- the zip -------------------------------------------------------------------------------


def _refuse(path: Path, member: str, en: str, vi: str) -> ReadError:
    return ReadError(f"{path}: part {member} of the workbook {en} — phần {member} của tệp "
                     f"{path} {vi}", file=str(path))


class _Archive(zipfile.ZipFile):
    """The workbook's zip, every part checked before it is inflated and read through a
    :class:`_Member` that stops at its limit, whoever reads it (openpyxl or this module)."""

    def __init__(self, path: Path, limits: XlsxLimits) -> None:
        super().__init__(path)
        self.path = path
        self.limits = limits
        try:
            for info in self.infolist():
                self._check(info, limits.member_bytes)
        except ReadError:
            self.close()
            raise

    def _check(self, info: zipfile.ZipInfo, limit: int) -> None:
        size, packed = info.file_size, info.compress_size
        if size > limit:
            raise _refuse(self.path, info.filename,
                          f"inflates to {size:,} bytes, more than the {limit:,} a part may "
                          "(a zip bomb, or no spreadsheet)",
                          f"giải nén ra {size:,} byte, vượt giới hạn {limit:,} byte của một "
                          "phần (bom nén, hoặc không phải bảng tính)")
        if size > self.limits.ratio_from and size > self.limits.ratio * max(packed, 1):
            raise _refuse(
                self.path, info.filename,
                f"inflates {size // max(packed, 1):,} times ({packed:,} bytes to {size:,}), "
                f"more than the {self.limits.ratio} times of any spreadsheet (a zip bomb)",
                f"giải nén gấp {size // max(packed, 1):,} lần ({packed:,} byte thành "
                f"{size:,}), vượt mức {self.limits.ratio} lần của bảng tính thật (bom nén)")

    def open(self, name: str | zipfile.ZipInfo, mode: Literal["r", "w"] = "r",
             pwd: bytes | None = None, *, force_zip64: bool = False) -> IO[bytes]:
        if mode != "r":
            return super().open(name, mode, pwd, force_zip64=force_zip64)
        return self.open_limited(name, self.limits.member_bytes, pwd)

    def read(self, name: str | zipfile.ZipInfo, pwd: bytes | None = None) -> bytes:
        # What is read whole is parsed whole: it gets the smaller limit, and is inflated a
        # block at a time (ZipFile.read would inflate up to 1 GiB in one call before it
        # noticed that the part had declared less).
        with self.open_limited(name, self.limits.whole_bytes, pwd) as member:
            return member.read()

    def open_limited(self, name: str | zipfile.ZipInfo, limit: int,
                     pwd: bytes | None = None) -> IO[bytes]:
        info = name if isinstance(name, zipfile.ZipInfo) else self.getinfo(name)
        self._check(info, limit)
        stream = super().open(info, "r", pwd)
        raw = _Member(stream, self.path, info.filename, min(limit, info.file_size),
                      self.limits.text_bytes)
        return io.BufferedReader(raw, buffer_size=_BLOCK)


class _Member(io.RawIOBase):
    """One part as it is inflated: never more than ``limit`` bytes, a damaged part named, and
    no DTD in its prolog (a part of an Office file never has one; it is how entity expansion
    and external entities get in, whichever XML parser openpyxl picked)."""

    def __init__(self, stream: IO[bytes], path: Path, member: str, limit: int,
                 text_limit: int) -> None:
        super().__init__()
        self._text_limit = text_limit
        self._run = 0  # bytes since the last "<"
        self._stream = stream
        self._path = path
        self._member = member
        self._left = limit
        self._limit = limit
        self._prolog: bytes | None = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        view = memoryview(buffer).cast("B")
        try:
            # One byte more than the limit allows shows that the part goes on past it; a
            # block at most 64 KiB keeps the text check below to two searches a block.
            data = self._stream.read(min(len(view), _BLOCK, self._left + 1))
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError) as exc:
            raise _refuse(self._path, self._member,
                          f"is damaged, or inflates to more than the {self._limit:,} bytes it "
                          f"declares ({type(exc).__name__}: {exc})",
                          "bị hỏng, hoặc giải nén ra nhiều hơn kích thước khai báo") from exc
        if len(data) > self._left:
            raise _refuse(self._path, self._member,
                          f"inflates to more than the {self._limit:,} bytes a part may",
                          f"giải nén ra nhiều hơn giới hạn {self._limit:,} byte của một phần")
        self._left -= len(data)
        self._check_run(data)
        if self._prolog is not None:
            self._check_prolog(data)
        view[:len(data)] = data
        return len(data)

    def _check_run(self, data: bytes) -> None:
        # A text with no tag in it is held whole by the parser, however long: bound it here,
        # in the bytes, before the parser sees it (to within a block: a run inside one block
        # is shorter than the block).
        first = data.find(b"<")
        self._run += len(data) if first < 0 else first
        if self._run > self._text_limit:
            raise _refuse(self._path, self._member,
                          f"has a text of more than {self._text_limit:,} bytes (a cell holds "
                          "at most 32,767 characters)",
                          f"có một đoạn văn bản dài hơn {self._text_limit:,} byte (một ô chứa "
                          "tối đa 32.767 ký tự)")
        if first >= 0:
            self._run = len(data) - data.rfind(b"<") - 1

    def _check_prolog(self, data: bytes) -> None:
        assert self._prolog is not None
        # Without NUL bytes, UTF-16 text reads as ASCII for this purpose.
        self._prolog += data.replace(b"\x00", b"")
        first = _ELEMENT.search(self._prolog)
        head = self._prolog[:first.start()] if first else self._prolog
        if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
            raise _refuse(self._path, self._member,
                          "declares a DTD, which no Office file has: refused (XML entity "
                          "expansion or an external entity)",
                          "có khai báo DTD, điều mà tệp Office không bao giờ có: bị từ chối "
                          "(tấn công thực thể XML)")
        if first or len(self._prolog) > _PROLOG_BYTES:
            self._prolog = None

    def close(self) -> None:
        self._stream.close()
        super().close()


# -- the workbook --------------------------------------------------------------------------


def _load(archive: _Archive, path: Path, iterparse: Callable[..., Iterator[tuple[str, Any]]],
          ) -> tuple[Any, list[str]]:
    """The workbook openpyxl reads from ``archive`` (read-only, cached values), with the
    shared strings read here, compactly and within limits."""
    from openpyxl.reader.excel import ExcelReader
    from openpyxl.xml.constants import SHARED_STRINGS

    strings: list[str] = []

    class Reader(ExcelReader):
        def read_strings(self) -> None:
            package: Any = self.package  # typed loosely in openpyxl's stubs
            part = package.find(SHARED_STRINGS)
            if part is not None:
                strings.extend(_shared_strings(archive, part.PartName[1:], iterparse))

    reader = Reader(path, read_only=True, data_only=True, keep_links=False)
    # ExcelReader opens the file with a plain ZipFile; every part is read through ours.
    reader.archive.close()
    reader.archive = archive
    reader.read()
    return reader.wb, strings


def _shared_strings(archive: _Archive, member: str,
                    iterparse: Callable[..., Iterator[tuple[str, Any]]]) -> list[str]:
    """The shared-string table as a plain list (openpyxl keeps each one's XML element too)."""
    from openpyxl.cell.text import Text

    strings: list[str] = []
    limit = archive.limits.cell_elements
    with archive.open_limited(member, archive.limits.strings_bytes) as source:
        stack: list[Any] = []
        inside = 0
        for event, element in iterparse(source, events=("start", "end")):
            if event == "start":
                stack.append(element)
                inside += len(stack) > 2
                if inside > limit:
                    raise _refuse(archive.path, member,
                                  f"has a string of more than {limit:,} XML elements",
                                  f"có một chuỗi gồm hơn {limit:,} phần tử XML")
                continue
            stack.pop()
            if element.tag == _STRING and len(stack) == 1:
                item = Text.from_tree(element)
                # x005F_ is openpyxl's own escape, undone as its reader does.
                strings.append(item.content.replace("x005F_", "") if item else "")
            if len(stack) == 1:
                stack[0].remove(element)
                inside = 0
    return strings


def _number_formats(sheet: Any) -> Callable[[int], str | None]:
    """The number format of a style index, or None for a style the workbook does not have."""
    from openpyxl.cell.read_only import ReadOnlyCell

    known: dict[int, str | None] = {}

    def number_format(style: int) -> str | None:
        if style not in known:
            try:
                known[style] = str(ReadOnlyCell(sheet, 1, 1, None, "n", style).number_format)
            except (IndexError, KeyError, TypeError, AttributeError):
                known[style] = None
        return known[style]

    return number_format


# -- cells ---------------------------------------------------------------------------------


def _shows_day(number_format: str) -> bool:
    # Drop [colour]/[$-locale] sections and "quoted" literals before looking for a day code.
    fmt = re.sub(r'\[[^\]]*\]|"[^"]*"', "", number_format or "").lower()
    return "d" in fmt or fmt in ("", "general")


def _shows_month(number_format: str) -> bool:
    fmt = re.sub(r'\[[^\]]*\]|"[^"]*"', "", number_format or "").lower()
    return "m" in fmt


def _cell(value: object, number_format: str) -> Cell:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime | date):
        day = value.date() if isinstance(value, datetime) else value
        if _shows_day(number_format):
            return day.isoformat()
        if _shows_month(number_format):
            return f"{day:%Y-%m}"
        return f"{day:%Y}"
    if isinstance(value, time):
        return value.isoformat()
    if isinstance(value, int):
        return Number(Fraction(value), str(value), percent="%" in number_format)
    if isinstance(value, float):
        # repr is the shortest text that reads back to the same float: what was typed.
        exact = Fraction(Decimal(repr(value)))
        text = repr(value)
        text = text[:-2] if text.endswith(".0") else text
        return Number(exact, text, percent="%" in number_format)
    return str(value)


def _bad_number(text: str) -> Unreadable:
    return Unreadable(
        text, code="bad_number",
        vi=f"ô số của bảng tính chứa {text[:40]!r}, không phải một số hữu hạn đọc được",
        en=f"the spreadsheet's number cell holds {text[:40]!r}, which is not a finite number",
        expected="a finite number")


def _bad_cell(text: str, vi: str, en: str, expected: str) -> Unreadable:
    return Unreadable(text, code="bad_cell", vi=f"ô không đọc được: {vi}",
                      en=f"the cell cannot be read: {en}", expected=expected)


class _SheetReader:
    """The rows of one worksheet, read from its XML as it is: each row where it says it is,
    each cell where it says it is, nothing padded to a size the sheet only declares."""

    def __init__(self, workbook: Any, sheet: Any, strings: list[str], archive: _Archive,
                 iterparse: Callable[..., Iterator[tuple[str, Any]]]) -> None:
        from openpyxl.utils import column_index_from_string
        from openpyxl.worksheet._reader import WorkSheetParser

        self.column_index: Callable[[str], int] = column_index_from_string
        self.archive = archive
        self.path = archive.path
        self.member = str(sheet._worksheet_path)
        self.strings = strings
        self.iterparse = iterparse
        self.number_format = _number_formats(sheet)
        # openpyxl's own cell parser (dates, booleans, inline and rich strings), given only
        # cells checked first.
        self.parser = WorkSheetParser(io.BytesIO(), strings, data_only=True, epoch=workbook.epoch,
                                      date_formats=workbook._date_formats,
                                      timedelta_formats=workbook._timedelta_formats)
        declared = sheet.max_column
        self.width = declared if isinstance(declared, int) and declared <= _PAD_COLUMNS else 0

    def _damaged(self, row: int, en: str, vi: str) -> ReadError:
        return _refuse(self.path, self.member, f"is damaged at row {row}: {en}",
                       f"bị hỏng ở dòng {row}: {vi}")

    def rows(self) -> Iterator[tuple[int, list[Cell]]]:
        limits = self.archive.limits
        previous = number = 0
        cells_left = limits.cells
        row: dict[int, Cell] = {}
        last = 0  # the column of the row's last cell so far
        stack: list[Any] = []
        cell: Any = None  # the cell being read, whose elements are kept until its end
        inside = 0  # how many elements it has
        with self.archive.open_limited(self.member, limits.member_bytes) as source:
            for event, element in self.iterparse(source, events=("start", "end")):
                if cell is not None:
                    # Most events are inside a cell: its elements are only counted here, and
                    # kept for openpyxl's cell parser until the cell ends.
                    if element is not cell:
                        if event == "start":
                            inside += 1
                            if inside > limits.cell_elements:
                                raise self._damaged(
                                    number, f"a cell of more than {limits.cell_elements:,} "
                                    "XML elements",
                                    f"một ô gồm hơn {limits.cell_elements:,} phần tử XML")
                        continue
                    stack.pop()
                    cell = None
                    last = self._read_cell(element, number, last, row)
                    stack[-1].remove(element)
                    continue
                tag = element.tag
                if event == "start":
                    parent = stack[-1].tag if stack else None
                    stack.append(element)
                    if tag == _ROW:
                        if parent != _SHEET_DATA:
                            raise self._damaged(previous, "a row outside the sheet's data",
                                                "một dòng nằm ngoài dữ liệu của trang tính")
                        number = self._row_number(element, previous)
                        row, last = {}, 0
                    elif tag == _CELL:
                        if parent != _ROW:
                            raise self._damaged(previous, "a cell outside a row",
                                                "một ô nằm ngoài các dòng")
                        cell, inside = element, 0
                    continue
                stack.pop()
                if tag == _ROW:
                    for blank in range(previous + 1, number):
                        yield blank, []
                    cells = self._cells(row)
                    cells_left -= len(cells)
                    if cells_left < 0:
                        raise self._damaged(
                            number, f"more than {limits.cells:,} cells counting the empty "
                            "ones between them",
                            f"hơn {limits.cells:,} ô kể cả các ô trống ở giữa")
                    previous = number
                    yield number, cells
                if stack:
                    # Read and done with: let it go (openpyxl keeps every row's empty shell).
                    stack[-1].remove(element)

    def _row_number(self, element: Any, previous: int) -> int:
        given = element.get("r")
        if given is None:
            number = previous + 1
        else:
            text = given.strip()
            number = int(text) if text.isascii() and text.isdigit() and len(text) < 9 else 0
        if not previous < number <= _MAX_ROW:
            raise self._damaged(
                previous + 1, f"row number {str(given)[:20]!r} after row {previous} (rows "
                f"go down from 1 to {_MAX_ROW:,})",
                f"số dòng {str(given)[:20]!r} sau dòng {previous} (các dòng đi từ 1 đến "
                f"{_MAX_ROW:,})")
        return number

    def _read_cell(self, element: Any, number: int, last: int, row: dict[int, Cell]) -> int:
        """Read a cell into ``row``; its column, which comes after ``last``."""
        ref = element.get("r")
        if ref is None:
            column = last + 1
        else:
            m = _REF.fullmatch(ref.strip())
            column = self.column_index(m[1]) if m and int(m[2]) == number else 0
        if not last < column <= _MAX_COLUMN:
            raise self._damaged(number, f"cell {str(ref)[:20]!r} out of its place (cells go "
                                "left to right in their row, from A to XFD)",
                                f"ô {str(ref)[:20]!r} sai vị trí (các ô đi từ trái sang phải "
                                "trong dòng của nó, từ A đến XFD)")
        value = self._value(element, number, column)
        if value != "":
            row[column] = value
        return column

    def _value(self, element: Any, number: int, column: int) -> Cell:
        kind = element.get("t", "n")
        style = element.get("s", "0")
        raw = element.findtext(_VALUE)
        text = (raw or "").strip()
        if text and kind == "n" and not self._finite(text):
            return _bad_number(text)
        if text and kind == "s" and not (
                text.isascii() and text.isdigit() and int(text) < len(self.strings)):
            count = len(self.strings)
            return _bad_cell(
                text, f"ô trỏ tới chuỗi dùng chung số {text[:20]!r} nhưng bảng chuỗi của tệp "
                f"có {count} chuỗi (tệp bị hỏng)",
                f"it refers to shared string {text[:20]!r} but the workbook's string table "
                f"holds {count} (a damaged file)",
                f"an index into the string table, 0 to {count - 1}" if count
                else "no shared string: the workbook has none")
        if text and kind == "b" and text not in ("0", "1"):
            return _bad_cell(text, f"giá trị đúng/sai {text[:20]!r}",
                             f"a true/false value {text[:20]!r}", "0 or 1")
        if not (style.isascii() and style.isdigit() and len(style) < 9):
            return _bad_cell(text, f"kiểu định dạng {style[:20]!r}", f"a style {style[:20]!r}",
                             "a style index")
        self.parser.row_counter, self.parser.col_counter = number, column - 1
        dated = kind == "n" and int(style) in self.parser.date_formats
        try:
            if dated:
                # openpyxl warns of a day number outside any date and hands back "#VALUE!":
                # here it is an issue on the cell instead, with the number found.
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    parsed = self.parser.parse_cell(element)
            else:
                parsed = self.parser.parse_cell(element)
        except (ValueError, TypeError, IndexError, KeyError, OverflowError, AttributeError):
            return _bad_cell(text, f"giá trị {text[:40]!r} kiểu {kind[:10]!r}",
                             f"the value {text[:40]!r} of type {kind[:10]!r}",
                             "a value of its declared type")
        value = parsed["value"]
        if dated and parsed["data_type"] == "e":
            return _bad_cell(text, f"ô định dạng ngày chứa số ngày {text[:40]!r}, ngoài mọi "
                             "ngày có thể có", f"a date cell holds the day number "
                             f"{text[:40]!r}, which is no date", "a date")
        if not isinstance(value, int | float | date | time):
            return _cell(value, "")
        fmt = self.number_format(int(style))
        if fmt is None:
            return _bad_cell(text, f"kiểu định dạng {style} không có trong tệp",
                             f"style {style} is not in the workbook", "a style of the workbook")
        try:
            return _cell(value, fmt)
        except (ValueError, OverflowError, ArithmeticError):
            return _bad_number(text)

    @staticmethod
    def _finite(text: str) -> bool:
        if not _XSD_NUMBER.fullmatch(text):
            return False
        try:
            value = float(text) if any(c in text for c in ".eE") else int(text)
        except (ValueError, OverflowError):  # more digits than Python reads as an integer
            return False
        return not isinstance(value, float) or math.isfinite(value)

    def _cells(self, row: dict[int, Cell]) -> list[Cell]:
        # Cells come in column order, so the last one filled is the row's extent.
        extent = next(reversed(row), 0)
        cells: list[Cell] = [""] * max(self.width, extent)
        for column, cell in row.items():
            cells[column - 1] = cell
        return cells


def _not_a_workbook(path: Path, exc: Exception) -> ReadError:
    """The error for a file that does not open as a workbook at all."""
    return ReadError(f"{path} is not a readable .xlsx workbook ({_why(exc)}) — tệp {path} "
                     "không phải sổ tính .xlsx đọc được", file=str(path))


def _why(exc: BaseException) -> str:
    """The first cause of ``exc`` (openpyxl re-raises what the XML parser said as a vaguer
    ValueError of its own)."""
    while exc.__cause__ is not None:
        exc = exc.__cause__
    return f"{type(exc).__name__}: {exc}"


def xlsx_rows(path: Path, *, limits: XlsxLimits = LIMITS,
              ) -> tuple[Iterator[tuple[int, list[Cell]]], int]:
    """The rows of the first worksheet of ``path`` as (row number, cells), and how many rows
    the sheet says it has (for progress only: the rows read are the rows the sheet holds).

    A row's number is the sheet's own; the rows it skips come as blank rows. A cell that
    cannot be read as what it claims is an :class:`~plan_rules.readers.Unreadable`.

    :param limits: how much is read before the file is refused as absurd.
    :raises ReadError: openpyxl or defusedxml is not installed, the file is not a readable
        workbook, or it is beyond ``limits`` (refused before it is inflated where its sizes
        tell, while it is read where they lie).
    """
    _openpyxl(path)
    iterparse = _iterparse(path)
    try:
        archive = _Archive(path, limits)
    except ReadError:
        raise
    except Exception as exc:
        raise _not_a_workbook(path, exc) from exc
    try:
        workbook, strings = _load(archive, path, iterparse)
        sheet = workbook.worksheets[0]
        reader = _SheetReader(workbook, sheet, strings, archive, iterparse)
        declared = sheet.max_row
        total = min(declared, _MAX_ROW) if isinstance(declared, int) else 0
    except ReadError:
        archive.close()
        raise
    except Exception as exc:
        archive.close()
        raise _not_a_workbook(path, exc) from exc

    def rows() -> Iterator[tuple[int, list[Cell]]]:
        try:
            yield from reader.rows()
        except ReadError:
            raise
        except Exception as exc:
            # A sheet damaged inside a readable workbook fails only while it is read.
            raise ReadError(
                f"{path}: the first worksheet cannot be read ({_why(exc)}) — "
                f"không đọc được trang tính đầu tiên của tệp {path}", file=str(path)) from exc
        finally:
            archive.close()

    return rows(), total


class Sheet:
    """One worksheet to write: a header, rows of text, and how to present them."""

    def __init__(self, title: str, header: Sequence[str], rows: Sequence[Sequence[object]], *,
                 text_columns: Sequence[int] = (), input_columns: Sequence[int] = (),
                 widths: Sequence[int] = ()) -> None:
        self.title = title
        self.header = header
        self.rows = rows
        self.text_columns = text_columns
        self.input_columns = input_columns
        self.widths = widths


def workbook_bytes(sheets: Sequence[Sheet]) -> bytes:
    """An ``.xlsx`` workbook holding ``sheets``, as bytes (to be written atomically).

    Text columns get the ``@`` (Text) format so that a period typed as ``06/2025`` stays text;
    input columns are left white and the others shaded, so the person filling the sheet sees
    where to type.
    """
    openpyxl = _openpyxl()
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    shade = PatternFill("solid", fgColor="EEF2F7")
    head = PatternFill("solid", fgColor="1F4E79")
    for spec in sheets:
        ws = workbook.create_sheet(spec.title[:31])
        for number, row in enumerate([spec.header, *spec.rows], start=1):
            for column, value in enumerate(row, start=1):
                _put(ws.cell(row=number, column=column), value)
        for cell in ws[1]:
            cell.font = Font(bold=True, color="FFFFFF")
            cell.fill = head
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        ws.freeze_panes = "A2"
        for index in range(1, len(spec.header) + 1):
            letter = get_column_letter(index)
            if index - 1 < len(spec.widths):
                ws.column_dimensions[letter].width = spec.widths[index - 1]
            text = index - 1 in spec.text_columns
            info = spec.input_columns and index - 1 not in spec.input_columns
            for (cell,) in ws.iter_rows(min_row=2, min_col=index, max_col=index):
                if text:
                    cell.number_format = "@"
                if info:
                    cell.fill = shade
                cell.alignment = Alignment(wrap_text=not text and bool(info), vertical="top")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _put(cell: Any, value: object) -> None:
    """``value`` into ``cell``; a text as a string cell. openpyxl takes a text starting with
    ``=`` for a formula when it is assigned, so the type is set again after."""
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"
        if neutralise(value) != value:
            cell.quotePrefix = True
