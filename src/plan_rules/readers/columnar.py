"""Reading figures with pyarrow: the same result as :func:`plan_rules.read_observations`, sooner.

``pip install 'plan-rules[columnar]'``, then ``plan_rules.columnar.read_observations(path)``
(or ``plan_rules.read_observations(path, engine="pyarrow")``) for a large CSV file. The result
is the pure reader's, equal field by field: the same observations in the same order, the same
data issues, the same row numbers, the same counts of rows and blank rows.

How:

1. ``pyarrow.csv`` parses the file with every column as text (nothing is reinterpreted: an
   empty cell stays ``""``, ``007`` stays ``"007"``), after the header has been read by the
   pure reader's own functions (the delimiter it would detect, its header aliases, its
   header issues).
2. Vectorised checks pick the rows that the pure reader's own shortcut
   (``_RowReader._take``) takes: a rate indicator's code exactly as registered, an
   ASCII entity without surrounding spaces (nor an opening apostrophe, which may be the
   template's neutralising mark), a level the plugins name as written (or none), a period
   text that parses, plain digits for numerator and denominator (at most 18, so they fit
   in int64), and nothing in ``value``, ``reported_on``, ``source`` or ``note``.
   The tests on codes, entities, levels and periods are the shortcut's own Python, run once
   per distinct text of the column rather than once per row.
3. Those rows go into the figure table's columns straight from the Arrow arrays, with no
   Python object per row: each coded column's codes are the Arrow dictionary's indices put
   in order of first appearance (``pyarrow.compute.dictionary_encode``), the counts and line
   numbers copied from the arrays' buffers. Every other row goes through the pure reader's
   row parser (``_RowReader.add``) with its line number, so its issues are the pure
   reader's word for word, and its figure takes its place among the others by line. The
   table is the pure reader's, code for code.

Row numbers are line numbers only when every record is exactly one line, so the whole file
goes to the pure reader whenever that is not certain, and whenever pyarrow and Python's
``csv`` could read a line differently: a file that is not UTF-8 or has a UTF-16 byte-order
mark, a NUL byte, a bare carriage return, a quote anywhere but around a whole cell (so also a
quoted line break, or a quote left open), a ``sep=`` line, a blank or unusable header (a
required column missing, a field named twice, more than
:data:`~plan_rules.readers.MAX_COLUMNS` columns), a line longer than
:data:`~plan_rules.readers.MAX_LINE` bytes, a byte-order mark opening the
second line (pyarrow would skip it), a row whose cell count differs from the header's, a cell
longer than ``csv.field_size_limit()``, or no line after the header. Empty lines and rows of
empty cells are blank rows, as for the pure reader. Importing :mod:`plan_rules` does not
import pyarrow; calling this without it raises ImportError.
"""

from __future__ import annotations

import bisect
import codecs
import csv
import os
import re
from array import array
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import attrs

from .._arrow import to_array as _array
from .._bulk import collector_paused
from ..figures import RARE, Codes, FigureTable
from ..model import DataIssue, Kind
from ..periods import Period, PeriodParseError
from ..registry import Registry
from .header import _CANONICAL_LEVELS, FIELDS, MAX_COLUMNS, _header_keys
from .result import ProgressCallback, ReadResult, _unaccounted
from .rows import _PROGRESS_EVERY, _RowReader, read_pure
from .source import MAX_LINE, _delimiter, _long_line
from .table import _Table

__all__ = ["INSTALL_HINT", "available", "read_observations"]

#: What to run when pyarrow is missing.
INSTALL_HINT = "pip install 'plan-rules[columnar]'"

#: Suffixes the pure reader does not read as delimited text (JSON, spreadsheets).
_NOT_DELIMITED = frozenset({".json", ".xlsx", ".xlsm", ".xls", ".ods", ".numbers"})

#: Rows built between two progress reports.
_CHUNK = 1 << 16

#: How pyarrow reads: blocks of this many bytes, one per task.
_BLOCK = 1 << 22

_CLASS = {",": ",", ";": ";", "\t": r"\t"}


def _pyarrow() -> tuple[Any, Any, Any]:
    """``pyarrow``, ``pyarrow.compute`` and ``pyarrow.csv``, or an ImportError that says how
    to install them."""
    try:
        import pyarrow  # type: ignore[import-untyped]
        import pyarrow.compute  # type: ignore[import-untyped]
        import pyarrow.csv  # type: ignore[import-untyped]
    except ImportError as exc:
        raise ImportError(
            f"plan_rules.columnar needs pyarrow, which is not installed: {INSTALL_HINT} "
            "(plan_rules.read_observations reads the same files, with the same result, "
            "without it)", name="pyarrow") from exc
    return pyarrow, pyarrow.compute, pyarrow.csv


def available() -> bool:
    """Whether pyarrow can be imported, so that :func:`read_observations` can run."""
    try:
        _pyarrow()
    except ImportError:
        return False
    return True


def read_observations(path: str | os.PathLike[str], *, registry: Registry | None = None,
                      progress: ProgressCallback | None = None) -> ReadResult:
    """Read a figures file as :func:`plan_rules.read_observations` does, with pyarrow.

    Same parameters, same result, same errors; delimited text (``.csv``, ``.tsv``,
    ``.txt``) is parsed by pyarrow, anything else (JSON, ``.xlsx``) and any file that
    pyarrow and the pure reader could read differently is read by the pure reader.

    :raises ImportError: pyarrow is not installed (``pip install 'plan-rules[columnar]'``).
    :raises ReadError: the file cannot be opened at all.
    """
    pa, pc, pacsv = _pyarrow()
    from ..registry import load_registry

    p = Path(path)
    reg = registry if registry is not None else load_registry()
    parsed = _parse(p, reg, pa, pc, pacsv)
    pa.default_memory_pool().release_unused()  # what parsing used and no longer needs
    result = read_pure(p, registry=reg, progress=progress) if parsed is None \
        else parsed.result(progress)
    # Asked for pyarrow: the stages after reading use it too (validation, the series).
    if isinstance(result.observations, FigureTable):
        result.observations.engine = "pyarrow"
    return result


# -- parsing ----------------------------------------------------------------------------------


def _well_formed(delimiter: str) -> str:
    """An RE2 pattern for a line whose every quote opens or closes a whole cell (or is
    doubled inside one): pyarrow and Python's ``csv`` split such a line alike."""
    d = _CLASS[delimiter]
    cell = f'(?:[^"{d}\\r\\n]*|"(?:[^"\\r]|"")*")'
    return f"^{cell}(?:{d}{cell})*\\r?$"


def _quotes_well_formed(pa: Any, pc: Any, buffer: Any, delimiter: str) -> bool:
    """Whether every line of ``buffer`` that holds a quote is well formed."""
    offsets = pa.array([0, buffer.size], pa.int64()).buffers()[1]
    whole = pa.Array.from_buffers(pa.large_binary(), 1, [None, offsets, buffer])
    lines = pc.list_flatten(pc.split_pattern(whole, b"\n"))
    quoted = pc.filter(lines, pc.match_substring(lines, b'"')).cast(pa.large_string())
    return bool(pc.all(pc.match_substring_regex(quoted, _well_formed(delimiter))).as_py())


def _parse(p: Path, registry: Registry, pa: Any, pc: Any, pacsv: Any) -> _Parsed | None:
    """The file parsed by pyarrow, one record per line, or None when the pure reader must
    read it."""
    if p.suffix.lower() in _NOT_DELIMITED:
        return None
    try:
        raw = p.read_bytes()
    except OSError:
        return None  # the pure reader raises its ReadError
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or b"\x00" in raw:
        return None
    header_end = raw.find(b"\n")
    if header_end == -1 or raw.startswith(codecs.BOM_UTF8, header_end + 1):
        return None  # at most a header; a mark pyarrow would skip as the start of its text
    if len(raw) > MAX_LINE and _long_line(
            raw, (b"\n", b"\r"), MAX_LINE) is not None:
        return None  # a line the pure reader refuses (in bytes: at least its characters)
    try:
        header_line = raw[:header_end].decode("utf-8-sig")
    except UnicodeDecodeError:
        return None  # read as Windows-1258, with a warning, by the pure reader
    if not header_line.strip() or re.fullmatch(r"\s*sep=(.)\s*", header_line):
        return None
    delimiter = _delimiter(header_line)
    buffer = pa.py_buffer(raw)
    try:
        if raw.find(b'"') != -1 and not _quotes_well_formed(pa, pc, buffer, delimiter):
            return None
    except pa.ArrowException:
        return None  # a quoted line that is not UTF-8
    try:
        texts = next(csv.reader([header_line + "\n"], delimiter=delimiter))
    except csv.Error:
        return None  # a header cell beyond csv.field_size_limit(): as the pure reader fails
    if not any(t.strip() for t in texts) or len(texts) > MAX_COLUMNS:
        return None  # no header, or one the pure reader may refuse
    header = _header_keys(texts, str(p), 1)
    issues: list[DataIssue] = []
    table = _Table(p, FIELDS, ("indicator", "entity", "period"), issues)
    if not table._check_header(header, texts, 1):
        return None
    columns: dict[str, int] = {}
    for n, key in enumerate(header):
        if key and key not in columns:
            columns[key] = n
    names = [f"c{n}" for n in range(len(header))]
    coded = {columns[k] for k in ("indicator", "entity", "level", "period") if k in columns}
    column_types = {name: pa.dictionary(pa.int32(), pa.string()) if n in coded
                    else pa.string() for n, name in enumerate(names)}
    try:
        data = pacsv.read_csv(
            pa.BufferReader(buffer.slice(header_end + 1)),
            read_options=pacsv.ReadOptions(column_names=names, block_size=_BLOCK),
            # An empty line is a row of empty cells (a blank row, as for the pure reader);
            # a quoted line break never gets this far.
            parse_options=pacsv.ParseOptions(
                delimiter=delimiter, quote_char='"', double_quote=True, escape_char=False,
                newlines_in_values=False, ignore_empty_lines=False),
            convert_options=pacsv.ConvertOptions(
                column_types=column_types, strings_can_be_null=False,
                quoted_strings_can_be_null=False, check_utf8=True))
    except pa.ArrowException:
        return None  # not UTF-8, ragged rows, an empty body: the pure reader explains
    # One record per line feed. (Both parsers also end a line at a bare carriage return,
    # but such a file, rare, is left to the pure reader rather than counted apart.)
    newlines = raw.count(b"\n")
    if data.num_rows != newlines - (1 if raw.endswith(b"\n") else 0):
        return None
    if len(raw) > csv.field_size_limit() and _longest(pa, pc, data) > csv.field_size_limit():
        return None  # Python's csv refuses such a cell: as the pure reader fails
    return _Parsed(file=str(p), registry=registry, pa=pa, pc=pc,
                   table=data.unify_dictionaries(), columns=columns, issues=issues,
                   total=newlines + 1)


def _longest(pa: Any, pc: Any, table: Any) -> int:
    """The length in bytes (at least the length in characters) of the longest cell."""
    longest = 0
    for column in table.columns:
        for chunk in column.chunks:
            texts = chunk.dictionary if pa.types.is_dictionary(chunk.type) else chunk
            found = pc.max(pc.binary_length(texts)).as_py()
            longest = max(longest, found or 0)
    return longest


# -- the shortcut, per distinct text ----------------------------------------------------------


def _rate(registry: Registry) -> Callable[[str], bool]:
    def ok(code: str) -> bool:  # as _RowReader._decide decides
        indicator = registry.indicators.get(code)
        return indicator is not None and indicator.kind is Kind.RATE
    return ok


def _entity_ok(entity: str) -> bool:
    return bool(entity.isascii() and entity and entity.strip() == entity
                and "'" not in entity)


def _level_ok(level: str) -> bool:
    return not level or level in _CANONICAL_LEVELS


class _Unreadable(Exception):
    """A period text made Period.parse fail other than with PeriodParseError."""


def _period(text: str) -> Period | None:
    try:
        return Period.parse(text)
    except PeriodParseError:
        return None
    except Exception as exc:  # the pure reader fails the same way: let it
        raise _Unreadable from exc


# -- reading Arrow arrays ---------------------------------------------------------------------


def _ints(pa: Any, array: Any) -> Sequence[int]:
    """The values of an integer array without nulls, read in place."""
    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks()
    if len(array) == 0:
        return []
    view = memoryview(array.buffers()[1])
    if array.type == pa.int32():
        ints = view.cast("i")
    elif array.type == pa.int64():
        ints = view.cast("q")
    else:
        if array.type != pa.uint64():  # pragma: no cover - only these three are read
            raise TypeError(f"not an integer column this reads: {array.type}")
        ints = view.cast("Q")
    return ints[array.offset:array.offset + len(array)]


def _texts(pa: Any, column: Any) -> list[str]:
    """A text column as Python strings; a dictionary column's rows share its strings."""
    if not pa.types.is_dictionary(column.type):
        return list(column.to_pylist())
    if column.num_chunks == 0:
        return []
    texts = column.chunk(0).dictionary.to_pylist()
    indices = pa.chunked_array([c.indices for c in column.chunks], pa.int32())
    return list(map(texts.__getitem__, _ints(pa, indices)))


@attrs.frozen
class _Coded:
    """A dictionary-encoded column: distinct texts, what each stands for, row masks."""

    texts: list[str]
    decided: list[Any]
    indices: Any
    mask: Any


@attrs.define
class _Parsed:
    """A file pyarrow parsed, one record per line, header already checked."""

    file: str
    registry: Registry
    pa: Any
    pc: Any
    table: Any
    columns: dict[str, int]
    issues: list[DataIssue]
    total: int

    def _column(self, field: str) -> Any:
        return self.table.column(self.columns[field])

    def _coded(self, field: str, decide: Callable[[str], object]) -> _Coded:
        """A dictionary column's distinct texts, what ``decide`` made of each (None or
        False: a row holding it cannot take the shortcut), and the row mask that follows."""
        pa, pc = self.pa, self.pc
        chunks = self._column(field).chunks
        texts = chunks[0].dictionary.to_pylist()
        decided = [decide(t) for t in texts]
        ok = pa.array([d is not None and d is not False for d in decided], pa.bool_())
        indices = pa.chunked_array([c.indices for c in chunks], pa.int32())
        return _Coded(texts, decided, indices, pc.take(ok, indices))

    def _shortcut(self) -> tuple[Any, dict[str, _Coded]] | None:
        """The mask of rows the shortcut takes, and the distinct texts of the coded columns
        with what they stand for; None when no row can take it."""
        pc = self.pc
        need = ("indicator", "entity", "period", "numerator", "denominator")
        if not self.registry or any(f not in self.columns for f in need):
            return None
        masks = []
        for field in ("numerator", "denominator"):
            column = self._column(field)
            # str.isascii() and str.isdigit(), at most 18 digits: fits in int64.
            masks += [pc.ascii_is_decimal(column),
                      pc.less_equal(pc.binary_length(column), 18)]
        masks += [pc.equal(self._column(f), "") for f in ("value", "reported_on", "source",
                                                          "note") if f in self.columns]
        coded: dict[str, _Coded] = {
            "indicator": self._coded("indicator", _rate(self.registry)),
            "entity": self._coded("entity", _entity_ok),
            "period": self._coded("period", _period),
        }
        if "level" in self.columns:
            coded["level"] = self._coded("level", _level_ok)
        masks += [c.mask for c in coded.values()]
        mask = masks[0]
        for m in masks[1:]:
            mask = pc.and_(mask, m)
        return mask, coded

    def result(self, progress: ProgressCallback | None) -> ReadResult:
        """The pure reader's result for this file."""
        pa, pc = self.pa, self.pc
        n = self.table.num_rows
        try:
            shortcut = self._shortcut()
        except _Unreadable:
            shortcut = None
        fast = _Fast()
        if shortcut is None:
            slow_at: list[int] = list(range(n))
        else:
            mask, coded = shortcut
            slow_at = pc.indices_nonzero(pc.invert(mask)).to_pylist()
            fast.lines = pc.cast(pc.add(pc.indices_nonzero(mask), 2), pa.int64())
            for field, c in coded.items():
                # The parsed Period; no level for an empty one, as the pure reader says.
                values = (c.decided if field == "period" else
                          [t or None for t in c.texts] if field == "level" else c.texts)
                fast.coded[field] = (values, pc.filter(c.indices, mask))
            for field in ("numerator", "denominator"):
                fast.counts[field] = pc.cast(pc.filter(self._column(field), mask),
                                             pa.int64())
        slow_cells: list[tuple[str, ...]] = []
        if slow_at:
            taken = self.table.take(pa.array(slow_at, pa.uint64())).unify_dictionaries()
            slow_cells = list(zip(*(_texts(pa, c) for c in taken.columns), strict=True))
            del taken
        # What is needed of the parsed file is taken: let its memory go before the table's
        # columns are made (a quarter of the peak on the national benchmark file).
        self.table = None
        pa.default_memory_pool().release_unused()
        return self._assemble(n, fast, slow_at, slow_cells, progress)

    def _assemble(self, n: int, fast: _Fast, slow_at: list[int],
                  slow_cells: list[tuple[str, ...]],
                  progress: ProgressCallback | None) -> ReadResult:
        """The figures and issues in the pure reader's order: row by row."""
        reader = _RowReader(self.file, self.registry)
        issues = list(self.issues)
        blank_at: list[int] = []  # positions of blank rows among the data rows
        unmade: list[int] = []
        milestone = _PROGRESS_EVERY
        done_slow = 0
        with collector_paused():
            for start in range(0, n, _CHUNK):
                stop = min(n, start + _CHUNK)
                while done_slow < len(slow_at) and slow_at[done_slow] < stop:
                    at, cells = slow_at[done_slow], slow_cells[done_slow]
                    done_slow += 1
                    if not any(t.strip() for t in cells):
                        blank_at.append(at)
                        continue
                    line = at + 2
                    record = {key: cells[i] for key, i in self.columns.items()}
                    if not reader.add(line, record, issues):
                        unmade.append(line)
                if progress is not None:
                    while milestone <= stop - len(blank_at):
                        progress(_line_of(milestone, blank_at), self.total)
                        milestone += _PROGRESS_EVERY
            table = fast.joined(self.pa, self.pc, reader.finish(), self.file)
        if progress is not None:
            progress(self.total, self.total)
        return ReadResult(observations=table, issues=tuple(issues),
                          rows=n - len(blank_at), blank_rows=len(blank_at),
                          unaccounted=_unaccounted(unmade, set(), issues))


@attrs.define
class _Fast:
    """The rows that take the shortcut, as Arrow arrays: line numbers (int64), each coded
    column as its values and one dictionary index per row, numerators and denominators
    (int64)."""

    lines: Any = None
    coded: dict[str, tuple[list[Any], Any]] = attrs.field(factory=dict)
    counts: dict[str, Any] = attrs.field(factory=dict)

    def joined(self, pa: Any, pc: Any, slow: FigureTable, file: str) -> FigureTable:
        """The table of every figure, these and the ``slow`` ones (read row by row), in
        line order; codes in order of first appearance, as the pure reader gives them."""
        if self.lines is None or len(self.lines) == 0:
            return slow
        order = None
        if len(slow):
            # Both are in line order already; a stable sort of the lines interleaves them.
            order = pc.sort_indices(pa.concat_arrays(
                [self.lines, pa.array(list(slow.row), pa.int64())]))

        def placed(fast: Any, slow_part: Any) -> Any:
            if order is None:
                return _whole(fast)
            return pc.take(pa.concat_arrays([_whole(fast), slow_part]), order)

        table = FigureTable()
        n = len(self.lines) + len(slow)
        # Freed Arrow memory goes back to the system as each column is made: the columns
        # of the table and those they are made of are not all held at once.
        pool = pa.default_memory_pool()
        for field, codes_name in (("indicator", "indicators"), ("entity", "entities"),
                                  ("level", "levels"), ("period", "periods")):
            # One number per distinct value (periods: per Period, two texts may give one),
            # whichever side holds it; then codes in order of first appearance.
            number: dict[Any, int] = {}
            values: list[Any] = []

            def numbered(value: Any, number: dict[Any, int] = number,
                         values: list[Any] = values) -> int:
                found = number.get(value)
                if found is None:
                    found = number[value] = len(values)
                    values.append(value)
                return found

            if field in self.coded:
                texts, indices = self.coded.pop(field)  # let each go once it is used
                fast_ids = pc.take(pa.array([numbered(v) for v in texts], pa.int32()),
                                   _whole(indices))
                del indices
            else:  # no level column: no level
                fast_ids = pa.array([numbered(None)] * len(self.lines), pa.int32())
            slow_values: Codes = getattr(slow, codes_name)
            recode = [numbered(v) for v in slow_values.values]
            slow_ids = pa.array([recode[c] for c in getattr(slow, field)], pa.int32())
            encoded = pc.dictionary_encode(placed(fast_ids, slow_ids))
            setattr(table, codes_name,
                    Codes(values[i] for i in encoded.dictionary.to_pylist()))
            setattr(table, field, _array("i", encoded.indices))
            del fast_ids, encoded
            pool.release_unused()
        for field in ("numerator", "denominator"):
            setattr(table, field, _array("q", placed(
                self.counts.pop(field), pa.array(list(getattr(slow, field)), pa.int64()))))
            pool.release_unused()
        rare: dict[str, list[Any]] = {name: getattr(slow, name) for name in RARE}
        at: list[int] = []
        if any(v is not None for column in rare.values() for v in column):
            lines = _ints(pa, self.lines)
            at = [k + bisect.bisect_left(lines, line) for k, line in enumerate(slow.row)]
            del lines
        table.row = _array("q", placed(self.lines, pa.array(list(slow.row), pa.int64())))
        self.lines = order = None
        pool.release_unused()
        table.files = Codes((file,))
        table.file = array("i", bytes(4 * n))
        for name, column in rare.items():
            full: list[Any] = [None] * n
            if at:
                for position, value in zip(at, column, strict=True):
                    full[position] = value
            setattr(table, name, full)
        return table


def _whole(values: Any) -> Any:
    """An Arrow array in one piece (a chunked array's chunks combined)."""
    return values.combine_chunks() if hasattr(values, "combine_chunks") else values


def _line_of(k: int, blank_at: list[int]) -> int:
    """The line of the k-th data row that is not blank (data rows start on line 2)."""
    at = k - 1
    while True:
        moved = k - 1 + bisect.bisect_right(blank_at, at)
        if moved == at:
            return at + 2
        at = moved
