"""``.xlsx`` workbooks through openpyxl, installed with the ``xlsx`` extra (imported lazily).

Reading: the first worksheet is read as the same long format as a CSV file. A text cell is the
text a person typed; a number cell is kept as the exact number the sheet stored (never re-read
through a decimal-mark convention), with a cell formatted as a percentage marked as such; a
date cell becomes the day, or the month when its format shows no day (``mm/yyyy``), so that a
period column that Excel turned into dates still reads as the periods people meant.

Writing: :func:`workbook_bytes` builds the fill-in template: a bold, frozen header, text-format
key columns (so Excel does not turn ``06/2025`` into a date), and a second sheet with guidance.
Every text is written as a typed string cell, never as a formula, whatever it starts with;
one a spreadsheet would run if the person retyped it (``=…``, ``+…``, ``@…``) also gets the
quote-prefix style, Excel's own mark for "typed with a leading apostrophe", so the cell holds
the text itself and reads back unchanged.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator, Sequence
from datetime import date, datetime, time
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

from .cells import neutralise
from .errors import ReadError
from .readers import Cell, Number

__all__ = ["Sheet", "workbook_bytes", "xlsx_rows"]

_NEEDS = "pip install 'plan-rules[xlsx]'"


def _openpyxl(path: Path | None = None) -> Any:
    try:
        import openpyxl
    except ImportError as exc:
        where = f"{path}: " if path else ""
        raise ReadError(
            f"{where}.xlsx files need openpyxl: {_NEEDS} — tệp .xlsx cần thư viện openpyxl: "
            f"{_NEEDS}", file=str(path or "")) from exc
    return openpyxl


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


def xlsx_rows(path: Path) -> tuple[Iterator[tuple[int, list[Cell]]], int]:
    """The rows of the first worksheet of ``path`` as (row number, cells), and how many rows
    the sheet says it has.

    :raises ReadError: openpyxl is not installed, or the file is not a readable workbook.
    """
    openpyxl = _openpyxl(path)
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:
        raise ReadError(
            f"{path} is not a readable .xlsx workbook ({type(exc).__name__}: {exc}) — tệp "
            f"{path} không phải sổ tính .xlsx đọc được", file=str(path)) from exc
    sheet = workbook.worksheets[0]
    total = int(sheet.max_row or 0)

    def rows() -> Iterator[tuple[int, list[Cell]]]:
        try:
            for number, row in enumerate(sheet.iter_rows(), start=1):
                yield number, [_cell(c.value, getattr(c, "number_format", "") or "")
                               for c in row]
        except Exception as exc:
            # A sheet damaged inside a readable workbook fails only while it is read.
            raise ReadError(
                f"{path}: the first worksheet cannot be read ({type(exc).__name__}: {exc}) — "
                f"không đọc được trang tính đầu tiên của tệp {path}", file=str(path)) from exc
        finally:
            workbook.close()

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
