"""Splitting delimited text into records: quoted cells that hold line breaks, a quote left
open (which costs only its own row: the rows it swallowed are read again), and a row
saved with another separator than its header.
"""

from __future__ import annotations

import csv
import itertools
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence

from ..errors import ReadError
from ..model import DataIssue
from .header import header_key
from .result import _issue
from .source import _check_lines, _dialect, _lines, _shown, _Utf8

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
