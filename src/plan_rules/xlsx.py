"""``.xlsx`` workbooks, under the name they have always had: :mod:`plan_rules.readers.xlsx`
(reading a sheet's rows, bounded, and writing the fill-in template)."""

from __future__ import annotations

from .readers.xlsx import Sheet, XlsxLimits, workbook_bytes, xlsx_rows

__all__ = ["Sheet", "XlsxLimits", "workbook_bytes", "xlsx_rows"]
