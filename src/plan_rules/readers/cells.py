"""What a reader hands the row parser: a cell is typed text, or a number the file stored as
one (:class:`Number`); a cell that cannot be what it claims is :class:`Unreadable`.
"""

from __future__ import annotations

from fractions import Fraction

import attrs

__all__ = ["Cell", "Number", "Unreadable"]


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


def _text(cell: Cell | None) -> str:
    if cell is None:
        return ""
    return (cell.text if isinstance(cell, Number) else cell).strip()
