"""Reading ``.xlsx`` workbooks through openpyxl, installed with the ``xlsx`` extra.

The first worksheet is read as the same long format as a CSV file; cells become the text a
person would have typed, so the same parsing and the same data issues apply.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

from .errors import ReadError

__all__ = ["xlsx_rows"]


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        # repr gives the shortest text that reads back to the same float: what was typed.
        text = repr(value)
        return text[:-2] if text.endswith(".0") else text
    return str(value)


def xlsx_rows(path: Path) -> Iterator[tuple[int, list[str]]]:
    """Yield (row number, cells as text) for the first worksheet of ``path``."""
    try:
        import openpyxl
    except ImportError as exc:
        raise ReadError(
            f"reading {path} needs openpyxl: pip install 'plan-rules[xlsx]'", file=str(path)
        ) from exc
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:
        raise ReadError(f"{path} is not a readable .xlsx workbook: {exc}", file=str(path)) \
            from exc
    try:
        sheet = workbook.worksheets[0]
        for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield number, [_cell(c) for c in row]
    finally:
        workbook.close()
