"""Text that is safe in a spreadsheet cell and on a terminal, and the way back.

Spreadsheets run a cell that starts with ``=``, ``+``, ``-`` or ``@`` (or a tab, a carriage
return or a NUL, which they skip before looking) as a formula: the CSV-injection list of OWASP.
Every text cell that plan_rules writes into a CSV file gets a leading apostrophe when it would
start one, the mark a spreadsheet itself uses for "this is text". The scheme is reversible, so a
filled-in template reads back as the text it was written from:

* :func:`neutralise` adds one ``'`` to a text whose first character after any leading
  apostrophes is one of those (full-width forms included, as some spreadsheets fold them), and
  which is not a plain number (``-5``, ``+1,5%``: a number is data, and harmless as a formula).
  It does the same to each part of the text after a ``,``, ``;`` or tab: a spreadsheet that
  splits lines on that character may start a cell there, quotes or not;
* :func:`unneutralise` removes one ``'`` exactly from the texts (and parts) that
  :func:`neutralise` adds one to.

So ``'=x`` (a text that already carries the mark) is written ``''=x`` and read back ``'=x``; a
text like ``'abc`` is neither changed nor stripped. The readers call :func:`unneutralise` on the
cells of CSV and ``.xlsx`` files only (JSON figures are never written neutralised). In ``.xlsx``
the template writes text as typed string cells with the quote-prefix style instead, so the
cells hold the text itself.

:func:`printable` is the terminal's counterpart: control characters, bidirectional overrides
and lone surrogates are shown as escapes (``\\x1b``, ``\\u202e``, ``\\ud800``) rather than
acted on or crashing the encoder. :func:`encodable` escapes only lone surrogates: what every
report goes through before it is encoded as UTF-8 (in a JSON report, ``\\ud800`` inside a
string is JSON's own escape for the same character, so nothing is lost).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable, Sequence

__all__ = ["encodable", "neutralise", "printable", "spreadsheet_csv", "unneutralise"]

#: What a spreadsheet may take as the start of a formula (ASCII and full-width forms).
FORMULA_STARTS = "=+-@\t\r\0\uff1d\uff0b\uff0d\uff20"

#: A plain number (a sign, digits, decimal or thousands marks, a percent): never neutralised.
_NUMBER = re.compile(r"[-+\uff0b\uff0d]?[0-9][0-9.,]*%?")


def _runs(text: str) -> bool:
    """Whether a spreadsheet could run ``text`` (or ``text`` with its apostrophes dropped)."""
    rest = text.lstrip("'")
    return bool(rest) and rest[0] in FORMULA_STARTS and _NUMBER.fullmatch(rest) is None


#: Where a spreadsheet may split a line of CSV into cells, whatever the quotes say: a
#: vi-VN locale splits on ``;``, and LibreOffice then starts a cell after a ``;`` inside a
#: quoted field (seen with LibreOffice Calc 7).
_SPLIT = re.compile("([,;\t])")


def neutralise(cell: str) -> str:
    """``cell`` with an apostrophe before each part that a spreadsheet would run as a
    formula: its start, and each part after a ``,``, ``;`` or tab, where a spreadsheet that
    splits on that character would start a cell."""
    if not cell:
        return cell
    cell = "'" + cell if _runs(cell) else cell
    return _after_splits(cell, lambda part: "'" + part if _runs(part) else part)


def unneutralise(cell: str) -> str:
    """The text :func:`neutralise` was given, from what it returned (other text unchanged)."""
    cell = _after_splits(cell, lambda part: part[1:] if part[:1] == "'" and _runs(part)
                         else part)
    return cell[1:] if cell[:1] == "'" and _runs(cell) else cell


def _after_splits(cell: str, change: Callable[[str], str]) -> str:
    """``cell`` with ``change`` applied to each part after a ``,``, ``;`` or tab (the start,
    before any of them, is left as it is)."""
    if _SPLIT.search(cell) is None:
        return cell
    parts = _SPLIT.split(cell)  # text, separator, text, separator, …, text
    return "".join(part if n < 2 or n % 2 else change(part) for n, part in enumerate(parts))


def spreadsheet_csv(header: Sequence[str], rows: Iterable[Sequence[str]], *,
                    delimiter: str = ",") -> str:
    """CSV text that a spreadsheet opens as it was meant: a byte-order mark (so that Excel
    reads UTF-8), every field quoted (so that a locale splitting on another separator than
    ``delimiter`` still sees each cell whole), and every cell of ``rows`` neutralised."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n",
                        quoting=csv.QUOTE_ALL)
    writer.writerow(header)
    writer.writerows([neutralise(cell) for cell in row] for row in rows)
    return "\ufeff" + buffer.getvalue()


#: C0 controls but tab and line feed, DEL, C1 controls, bidirectional embeddings, overrides
#: and isolates, and lone surrogates (which no UTF-8 encoder takes).
_UNPRINTABLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069"
                          "\ud800-\udfff]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: str) -> str:
    """``text`` with every character a terminal would act on (or an encoder refuse) shown as
    a visible escape: ``ESC[2J`` becomes ``\\x1b[2J``. Idempotent."""
    return _UNPRINTABLE.sub(_escape, text)


_SURROGATE = re.compile("[\ud800-\udfff]")


def encodable(text: str) -> str:
    """``text`` with each lone surrogate (which UTF-8 cannot encode) written ``\\udXXX``."""
    return _SURROGATE.sub(_escape, text) if _SURROGATE.search(text) else text
