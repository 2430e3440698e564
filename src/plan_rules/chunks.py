"""Reading one figures file in pieces, in parallel or on other machines, and merging the pieces
into exactly what reading it whole gives.

:func:`plan_chunks` cuts a CSV figures file into byte ranges that end at line ends, looking
only at the file's first lines and near each cut. :func:`read_chunk` reads one range wherever
it runs (the file must be reachable there) into a :class:`Partial`. :func:`merge` and
:func:`merge_all` combine partials in any grouping and any order (associative and
commutative), so a map and a tree reduction on Dask, Spark or a process pool can do the work.
:meth:`Partial.to_read_result` then gives the :class:`~plan_rules.ReadResult` that
:func:`plan_rules.read_observations` gives for the whole file: the same observations and data
issues, in the same order, with the same file and row numbers; every data row an observation
or named by an issue.

Evaluation then runs once, on the merged observations, which all travel to one process.
:mod:`plan_rules.partials` sends less: each chunk is also validated and combined where it is
read, into the sums and latest snapshots the targets need. See ``docs/scaling.md``.

How the whole-file result is kept, row for row:

- **Header.** Every chunk reads the file's head (the lines up to and including the header) and
  reads its own rows with the header's columns and delimiter; the header's own issues are kept
  from chunk 0 only.
- **Row numbers.** A chunk counts the line ends before its range (``bytes.count`` over the
  prefix, a block at a time: at most 0.14 s a chunk in the 64 MB national file), so its
  observations and issues carry the whole file's row numbers from the start, and merging
  copies nothing.
- **Quoted fields across a cut.** A quoted field may hold line ends, and a cut may fall inside
  one. A chunk notices when its range ends inside a quoted field; the merged result then reads
  that chunk and the next one again as one range, before anything is returned. Nothing is
  lost or invented, and nothing needs reporting.
- **Encoding.** A file with bytes that are not UTF-8 is read whole: whether it is a UTF-8
  file with a few bad bytes (named on their rows) or a Windows-1258 file depends on all of
  its lines (a file saved as "CSV UTF-8" never needs this).
- **Hostile text.** A quote left open (to the end of the file, or over lines that look like
  rows), a line longer than :data:`~plan_rules.readers.MAX_LINE` or a cell longer than
  Python's CSV reader takes makes the file be read whole, which names or refuses them.
- JSON and ``.xlsx`` files, UTF-16 text, a file without a header line, and a header that ends
  with a lone carriage return are not cut: they are one chunk, read by
  :func:`~plan_rules.read_observations` itself.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import os
import re
from array import array
from collections.abc import Callable, Iterable, Iterator, MutableSequence, Sequence
from pathlib import Path
from typing import BinaryIO, cast

import attrs

from .errors import ReadError
from .figures import RARE, Codes, FigureTable
from .model import DataIssue, Observation
from .readers import read_observations
from .readers.cells import Cell
from .readers.csv import _END_LINE, _csv_rows, _starts_a_row, _swallows_rows, _Tracked
from .readers.header import FIELDS
from .readers.result import ReadResult, _as_table, _unaccounted
from .readers.rows import _REQUIRED, _read_figures, _RowReader
from .readers.source import MAX_LINE, _dialect, _lines, _long_line, _windows_1258
from .readers.table import _Table
from .registry import Registry

__all__ = [
    "Chunk",
    "ChunkResult",
    "Partial",
    "merge",
    "merge_all",
    "plan_chunks",
    "read_chunk",
    "read_in_chunks",
]

#: Suffixes read whole: a JSON list or a workbook has no line ends to cut at (``.xls``,
#: ``.ods`` and ``.numbers`` are refused by the reader, whole, with its own message).
_NOT_CUT = frozenset({".json", ".xlsx", ".xlsm", ".xls", ".ods", ".numbers"})

#: Appended to a chunk's text to learn whether the range ended inside a quoted field: it is a
#: record of its own after a complete record, part of a field otherwise. U+FFFF is a
#: noncharacter, absent from real files (and harmless if present: the chunk is read again).
_SENTINEL = "\uffff"

_BLOCK = 1 << 20
_BREAKS = re.compile(rb"\r\n|\r|\n")


@attrs.frozen(kw_only=True)
class Chunk:
    """One byte range ``[start, end)`` of a figures file, cut just after a line end.

    Every chunk also reads the file's head, bytes ``[0, head)``: the lines up to and including
    the header. Chunk 0 starts at 0 and holds the head. ``count`` is the number of chunks the
    file was cut into; a file that is not cut is one chunk (``count == 1``, :attr:`whole`) read
    whole, whose byte range is not used. ``size`` is the file's size when it was cut: a chunk
    of a file that has changed since is refused.
    """

    path: str
    index: int
    count: int
    start: int
    end: int
    head: int = 0
    size: int | None = None

    @property
    def whole(self) -> bool:
        """Whether this chunk is the whole file, read by :func:`plan_rules.read_observations`."""
        return self.count == 1


@attrs.frozen(kw_only=True)
class ChunkResult:
    """What reading one chunk produced, with the whole file's row numbers.

    ``first_line`` is the whole-file line number of the chunk's first line (after the head,
    for chunk 0). The fields after it tell :meth:`Partial.to_read_result` whether the chunk
    must be read again: ``encoding`` is how its bytes were decoded (``"utf-8"``;
    ``"windows-1258"`` when they are not UTF-8, or None for a file read whole), ``ascii``
    whether they were plain ASCII, ``undecodable`` where UTF-8 decoding failed (counted as the
    whole-file reader counts, after a byte-order mark), ``open_end`` whether the range ended
    inside a quoted field, and ``replan`` whether the file must be read whole: the head no
    longer ends with the header, bytes are not UTF-8, or the text is hostile (a quote left
    open, a line or a cell too long; see the module's notes).
    """

    chunk: Chunk
    observations: Sequence[Observation] = attrs.field(converter=_as_table)
    issues: tuple[DataIssue, ...]
    rows: int
    blank_rows: int = 0
    unaccounted: tuple[int, ...] = ()
    first_line: int = 1
    encoding: str | None = None
    ascii: bool = True
    undecodable: int | None = None
    open_end: bool = False
    replan: bool = False

    @property
    def figures(self) -> FigureTable:
        """The chunk's observations as the columns its reader filled. Pickled as they are:
        a few arrays and lists, not an object per figure."""
        return cast("FigureTable", self.observations)


@attrs.frozen(kw_only=True)
class Partial:
    """What some chunks of one file produced: a :class:`ChunkResult` each, in chunk order.

    Merge the partials of every chunk (:func:`merge`, :func:`merge_all`, in any grouping and
    order), then call :meth:`to_read_result` for the file's :class:`~plan_rules.ReadResult`.
    The properties show what the chunks read as they read it: until :meth:`to_read_result`
    has read again the chunks that need it (or the whole file), they can differ from the
    whole-file read.
    """

    file: str
    count: int
    results: tuple[ChunkResult, ...]

    @property
    def indices(self) -> tuple[int, ...]:
        """The chunks this partial holds, in order."""
        return tuple(r.chunk.index for r in self.results)

    @property
    def complete(self) -> bool:
        """Whether every chunk of the file is here."""
        return self.indices == tuple(range(self.count))

    @property
    def observations(self) -> FigureTable:
        """The chunks' observations, in chunk order."""
        return _joined([r.figures for r in self.results])

    @property
    def issues(self) -> tuple[DataIssue, ...]:
        """The chunks' data issues, in chunk order."""
        return tuple(i for r in self.results for i in r.issues)

    @property
    def rows(self) -> int:
        """Data rows read."""
        return sum(r.rows for r in self.results)

    @property
    def blank_rows(self) -> int:
        """Blank rows read."""
        return sum(r.blank_rows for r in self.results)

    def merge(self, other: Partial) -> Partial:
        """This partial and ``other`` as one (see :func:`merge`)."""
        return merge(self, other)

    def to_read_result(self, *, registry: Registry | None = None) -> ReadResult:
        """The result of reading the whole file, equal to what
        :func:`plan_rules.read_observations` gives for it.

        Chunks whose cut fell inside a quoted field are read again here, and a file with
        bytes that are not UTF-8 or hostile text is read whole, from the file (rare: see the
        module's notes).

        :param registry: the registry the chunks were read with, used only if a chunk is read
            again; default: the installed plugins.
        :raises ValueError: a chunk of the file is missing.
        :raises ReadError: a chunk must be read again and the file cannot be read here.
        """
        missing = sorted(set(range(self.count)) - set(self.indices))
        if missing:
            raise ValueError(
                f"{self.file}: chunks {', '.join(map(str, missing))} of {self.count} are "
                "missing; merge the partials of every chunk first")
        results = list(self.results)
        if self.count == 1:
            return _result(results, ())
        registry_used: list[Registry] = []

        def reg() -> Registry:
            if not registry_used:
                registry_used.append(registry if registry is not None else _load())
            return registry_used[0]

        if any(r.replan for r in results):
            return read_observations(self.file, registry=reg())
        i = 0
        while i < len(results) - 1:
            if results[i].open_end:
                joined = attrs.evolve(results[i].chunk, end=results[i + 1].chunk.end)
                results[i:i + 2] = [_read_range(joined, reg())]
            else:
                i += 1
        if any(r.replan for r in results):
            return read_observations(self.file, registry=reg())
        return _result(results, ())


def _load() -> Registry:
    from .registry import load_registry

    return load_registry()


def _result(results: list[ChunkResult], first: tuple[DataIssue, ...]) -> ReadResult:
    return ReadResult(
        observations=_joined([r.figures for r in results]),
        issues=first + tuple(i for r in results for i in r.issues),
        rows=sum(r.rows for r in results),
        blank_rows=sum(r.blank_rows for r in results),
        unaccounted=tuple(n for r in results for n in r.unaccounted),
    )


#: The coded columns of a figure table and their dictionaries.
_CODED = (("indicator", "indicators"), ("entity", "entities"), ("level", "levels"),
          ("period", "periods"), ("file", "files"))


def _joined(tables: Sequence[FigureTable]) -> FigureTable:
    """The figures of ``tables`` one after the other, as one table (one table as it is).
    Each table's codes are given again in the joined dictionaries, in order of first
    appearance, as if one reader had filled it."""
    if len(tables) == 1:
        return tables[0]
    out = FigureTable()
    for table in tables:
        for name, codes_name in _CODED:
            codes: Codes = getattr(out, codes_name)
            recode = [codes.code(v) for v in getattr(table, codes_name).values]
            column: MutableSequence[int] = getattr(out, name)
            if recode == list(range(len(recode))):
                column.extend(getattr(table, name))
            else:
                column.extend(map(recode.__getitem__, getattr(table, name)))
        for name in ("numerator", "denominator", "row"):
            mine, theirs = getattr(out, name), getattr(table, name)
            if isinstance(mine, array) and not isinstance(theirs, array):
                mine = list(mine)  # a count past 64 bits: the column as Python integers
                setattr(out, name, mine)
            mine.extend(theirs)
        for name in RARE:
            getattr(out, name).extend(getattr(table, name))
    return out


# -- merging ---------------------------------------------------------------------------------


def merge(a: Partial, b: Partial) -> Partial:
    """Two partials of the same file as one, in chunk order.

    Associative and commutative: partials can be merged in any grouping and order (a tree
    reduction, Spark's ``reduce``) and give the same partial. Nothing is copied but the list
    of chunk results.

    :raises ValueError: the partials come from different files or plans, or share a chunk.
    """
    return merge_all((a, b))


def merge_all(partials: Iterable[Partial]) -> Partial:
    """Any number of partials of the same file as one, in chunk order (see :func:`merge`).

    :raises ValueError: no partial is given, they come from different files or plans, or two
        hold the same chunk.
    """
    items = list(partials)
    if not items:
        raise ValueError("merge_all needs at least one partial")
    first = items[0]
    plan = {(r.chunk.path, r.chunk.count, r.chunk.head, r.chunk.size)
            for p in items for r in p.results}
    if any(p.file != first.file or p.count != first.count for p in items) or len(plan) > 1:
        raise ValueError(
            "these partials come from different files or different cuts of one file: "
            f"{sorted({p.file for p in items})}")
    results = sorted((r for p in items for r in p.results), key=lambda r: r.chunk.index)
    for x, y in itertools.pairwise(results):
        if x.chunk.index == y.chunk.index:
            raise ValueError(f"{first.file}: chunk {x.chunk.index} is in two partials")
    return Partial(file=first.file, count=first.count, results=tuple(results))


# -- planning --------------------------------------------------------------------------------


def plan_chunks(path: str | os.PathLike[str], n: int) -> tuple[Chunk, ...]:
    """Cut a figures file into at most ``n`` chunks of about equal size, each ending just
    after a line end.

    Only the file's first lines (to find the header) and a few bytes after each cut are read.
    A file that cannot be cut (JSON, ``.xlsx``, UTF-16, no header line, too few lines) or
    cannot be opened is one chunk: :func:`read_chunk` then reads it whole, and raises what
    :func:`plan_rules.read_observations` raises.

    :raises ValueError: ``n`` is less than 1.
    """
    if n < 1:
        raise ValueError(f"n must be 1 or more, got {n}")
    p = Path(path)
    file = str(p)
    whole = (Chunk(path=file, index=0, count=1, start=0, end=0),)
    if n == 1 or p.suffix.lower() in _NOT_CUT:
        return whole
    try:
        with p.open("rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            head = _find_head(handle, size)
            if head is None:
                return whole
            cuts = [head]
            for k in range(1, n):
                cut = _line_end_from(handle, head + (size - head) * k // n, size)
                if cuts[-1] < cut < size:
                    cuts.append(cut)
    except OSError:
        return whole
    cuts.append(size)
    if len(cuts) <= 2:
        return whole
    count = len(cuts) - 1
    return tuple(Chunk(path=file, index=i, count=count, start=0 if i == 0 else cuts[i],
                       end=cuts[i + 1], head=head, size=size) for i in range(count))


def _line_end_from(handle: BinaryIO, target: int, size: int) -> int:
    """The first position at or after ``target`` that follows a line feed (or the end)."""
    position = max(target - 1, 0)
    handle.seek(position)
    while position < size:
        block = handle.read(1 << 16)
        if not block:
            break
        found = block.find(b"\n")
        if found >= 0:
            return position + found + 1
        position += len(block)
    return size


def _find_head(handle: BinaryIO, size: int) -> int | None:
    """The end of the file's head (after the header record and its line feed), or None if
    the file must be read whole."""
    block = 1 << 16
    while True:
        handle.seek(0)
        data = handle.read(block)
        if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return None
        at_end = len(data) >= size
        cut = len(data) if at_end else data.rfind(b"\n") + 1
        if cut:
            text = _decode_any(data[:cut])
            lines = _header_lines(text)
            if lines is not None:
                end = _after_breaks(data, lines)
                return end if end and data[end - 1:end] == b"\n" else None
        if at_end or block > 4 * MAX_LINE:
            return None  # no header, or a header line the whole-file reader refuses
        block *= 4


def _decode_any(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return _windows_1258(data)


def _header_lines(text: str) -> int | None:
    """How many lines the head takes (up to the end of the header record, as the whole-file
    reader finds it), or None when ``text`` ends before the header record does."""
    delimiter, skip = _dialect(text)
    reader = csv.reader(io.StringIO(text + _SENTINEL + "\n", newline=""), delimiter=delimiter)
    previous = 0
    for cells in reader:
        start, previous = previous + 1, reader.line_num
        if any(_SENTINEL in c for c in cells):
            return None
        if start > skip and any(c.strip() for c in cells):
            return previous
    return None  # pragma: no cover - the sentinel record always comes


def _after_breaks(data: bytes, lines: int) -> int | None:
    """The position just after the ``lines``-th line end (``\\r\\n``, ``\\r`` or ``\\n``, as
    Python's text reader counts them)."""
    for n, m in enumerate(_BREAKS.finditer(data), start=1):
        if n == lines:
            return m.end()
    return None


def _count_breaks(data: bytes) -> int:
    return data.count(b"\n") + data.count(b"\r") - data.count(b"\r\n")


def _breaks_between(handle: BinaryIO, start: int, stop: int, before: bytes) -> int:
    """Line ends in bytes ``[start, stop)`` of the file; ``before`` is the byte just before
    ``start`` (a ``\\r`` there and a ``\\n`` at ``start`` are one line end, already counted)."""
    handle.seek(start)
    count = 0
    previous = before
    position = start
    while position < stop:
        block = handle.read(min(_BLOCK, stop - position))
        if not block:
            break
        count += _count_breaks(block)
        if previous == b"\r" and block[:1] == b"\n":
            count -= 1
        previous = block[-1:]
        position += len(block)
    return count


# -- reading ---------------------------------------------------------------------------------


def read_chunk(chunk: Chunk, *, registry: Registry | None = None) -> Partial:
    """Read one chunk of a figures file, where this runs: every row validated as
    :func:`plan_rules.read_observations` validates it, with the whole file's row numbers.

    :param registry: as for :func:`~plan_rules.read_observations`; default: the installed
        plugins (a registry cannot be sent to another process: a worker loads its own).
    :raises ReadError: the file cannot be read, or has changed since it was cut.
    """
    reg = registry if registry is not None else _load()
    if chunk.whole:
        read = read_observations(chunk.path, registry=reg)
        result = ChunkResult(chunk=chunk, observations=read.observations, issues=read.issues,
                             rows=read.rows, blank_rows=read.blank_rows,
                             unaccounted=read.unaccounted)
    else:
        result = _read_range(chunk, reg)
    return Partial(file=chunk.path, count=chunk.count, results=(result,))


def _read_range(chunk: Chunk, registry: Registry) -> ChunkResult:
    """Read a chunk's rows with the head's header; a chunk with bytes that are not UTF-8 asks
    for the file to be read whole (``replan``)."""
    path = Path(chunk.path)
    begin = max(chunk.start, chunk.head)
    try:
        with path.open("rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            if size != chunk.size:
                raise ReadError(
                    f"{chunk.path} has changed since it was cut into chunks ({size} bytes, "
                    f"not {chunk.size}): cut it again — tệp {chunk.path} đã thay đổi sau khi "
                    "được chia: hãy chia lại", file=chunk.path)
            head = handle.read(chunk.head)
            before = _count_breaks(head) + _breaks_between(handle, chunk.head, begin,
                                                           head[-1:])
            handle.seek(begin)
            body = handle.read(chunk.end - begin)
    except OSError as exc:
        raise ReadError(
            f"cannot read {path}: {exc.strerror or exc} — không đọc được tệp {path}",
            file=chunk.path) from exc
    encoding = "utf-8"
    plain = head.isascii() and body.isascii()
    try:
        head_text, body_text = head.decode("utf-8-sig"), body.decode("utf-8")
    except UnicodeDecodeError:
        # UTF-8 with a few bad bytes, or Windows-1258: only the whole file tells.
        return ChunkResult(chunk=chunk, observations=(), issues=(), rows=0,
                           encoding="windows-1258", ascii=plain,
                           undecodable=_utf8_failure(head, body, begin), replan=True)
    if _header_lines(head_text) != _count_breaks(head):
        # Decoded otherwise than when the file was cut, the head no longer ends with the
        # header (a line of no-break spaces, blank in one encoding only): read the file whole.
        return ChunkResult(chunk=chunk, observations=(), issues=(), rows=0, encoding=encoding,
                           ascii=plain, replan=True)
    issues: list[DataIssue] = []
    table = _Table(path, FIELDS, _REQUIRED, issues, lists=True)
    state = _State()
    last = chunk.end >= size

    delimiter, _ = _dialect(head_text)

    def records() -> Iterator[tuple[int, list[Cell] | None]]:
        # Cells are text here; the cast only widens the list's type for the table.
        width = 0
        for line, cells in _csv_rows(head_text, chunk.path):
            if cells is not None and "".join(cells).strip():
                width = len(cells)  # the header's
            yield line, cast("list[Cell] | None", cells)
        state.header_issues = len(issues)  # the header has been read by now
        yield from cast("Iterator[tuple[int, list[Cell]]]",
                        _body_rows(body_text, delimiter, before, last, state, width))

    reader = _RowReader(str(path), registry)
    unmade, rows, blank = _read_figures(
        table, table._table(records(), plain=True, delimiter=delimiter), reader)
    unaccounted = _unaccounted(unmade, set(), issues)
    if chunk.index > 0:
        del issues[:state.header_issues]
    return ChunkResult(
        chunk=chunk, observations=reader.finish(), issues=tuple(issues), rows=rows,
        blank_rows=blank, unaccounted=unaccounted, first_line=before + 1, encoding=encoding,
        ascii=plain, open_end=state.open_end, replan=state.replan)


@attrs.define
class _State:
    header_issues: int = 0
    open_end: bool = False
    replan: bool = False


def _utf8_failure(head: bytes, body: bytes, begin: int) -> int:
    """Where decoding the whole file as UTF-8 fails first, counted as the whole-file reader
    counts (after a byte-order mark), knowing it fails in ``head`` or ``body``."""
    try:
        head.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return exc.start
    try:
        body.decode("utf-8")
    except UnicodeDecodeError as exc:
        return begin + exc.start - (len(codecs.BOM_UTF8)
                                    if head.startswith(codecs.BOM_UTF8) else 0)
    raise AssertionError("unreachable")  # pragma: no cover


def _body_rows(text: str, delimiter: str, before: int, last: bool, state: _State,
               width: int) -> Iterator[tuple[int, list[str]]]:
    """The records of a chunk's range, numbered as lines of the whole file. An end line is
    parsed after it: read as a record of its own, the range ended between records; inside a
    field, it ended inside a quoted field (``open_end``, or ``replan`` at the end of the
    file, where the whole-file reader names the quote left open). A record whose quoted
    cell swallowed a line that looks like a row (``width`` cells), a line longer than
    :data:`~plan_rules.readers.MAX_LINE` or a cell too long for the CSV reader also ask for
    the file to be read whole (``replan``): the whole-file reader explains them."""
    if _long_line(text, ("\n", "\r"), MAX_LINE) is not None:
        state.replan = True
        return
    source = _Tracked(_lines(text))
    taken = source.taken
    reader = csv.reader(source, delimiter=delimiter)
    line = 0
    try:
        for cells in reader:
            start = line + 1
            line += len(taken)
            if taken[-1] is _END_LINE:
                if len(taken) > 1:  # the broken last record is left out: read again
                    state.open_end, state.replan = not last, last
                return
            if len(taken) > 1 and _swallows_rows(taken, cells, delimiter, width, _starts_a_row(
                    source, delimiter, width, part=True)):
                state.replan = True
                return
            taken.clear()
            yield before + start, cells
    except csv.Error:
        state.replan = True


# -- convenience -----------------------------------------------------------------------------


def read_in_chunks(path: str | os.PathLike[str], n: int, *, registry: Registry | None = None,
                   mapper: Callable[[Callable[[Chunk], Partial], Iterable[Chunk]],
                                    Iterable[Partial]] = map) -> ReadResult:
    """Read a figures file as ``n`` chunks and merge them: the same result as
    :func:`plan_rules.read_observations`.

    :param mapper: how the chunks are read, e.g. ``ProcessPoolExecutor().map`` (then leave
        ``registry`` None: each process loads the installed plugins); default: one after the
        other, here.
    """
    from functools import partial

    reader = partial(read_chunk, registry=registry)
    return merge_all(mapper(reader, plan_chunks(path, n))).to_read_result(registry=registry)
