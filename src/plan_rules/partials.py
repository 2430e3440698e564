"""Mergeable partial aggregates: each chunk of a figures file read, validated and combined
where it runs, into a small picklable summary; the summaries merged in any grouping and order;
the targets aggregated and the report made once, from the merged summary.

What a target needs of a unit's figures is known before any row is read: the as-of date, the
windows of the targets and the reporting periods of their schedules fix every date at which
anything is measured. Figures of one indicator and unit that no such date tells apart (the same
*class*: which window starts they follow, which of those dates they end by, which reporting
period of each schedule they end in, where the targets with dates apply) are always selected
or set aside together, so a flow's class keeps
only its count of figures, the sums of its counts (Python integers) and the first start and last
end; a stock's or milestone's keeps its latest figure by the combine stage's own order (end,
length, report date, then position in the file). Figures of a year before a target's window
are its history (a point a year): those of one year form classes of their own. Figures that
no window can select (before every window and in no such year, or after the as-of date) keep
a count. Each unit's periods are kept as coalesced day
intervals, so that a figure for the same period in two chunks (a duplicate) or periods that
overlap across chunks are noticed when merging.

Where a summary could not be exact the rows themselves are kept, for that indicator and unit
only, and evaluated as one pass evaluates them: a row named by a data issue (validation's
rules, a duplicate, a unit not described in the entities given), a unit with dates of
existence, a rate given only as a percentage, a zero denominator, periods of one chunk
that overlap, the indicators a check reads, and a unit whose periods in two chunks share a day
(its rows are read again from those chunks when the summary is finished). The duplicate rule
across chunks is :func:`plan_rules.validate.validate`'s own, applied to those rows.

:func:`finish` turns the merged summary into a compact :class:`~plan_rules.FigureTable`, one
figure per class (plus the rows kept), and runs :func:`plan_rules.evaluate` on it: the findings
equal a one-pass evaluation's in every verdict, figure, statistic, gap, history point, progress
assessment and message. What differs is provenance: a finding cites the class figures, and
:meth:`Evaluated.rows` names the rows of the file behind them (see ``docs/scaling.md``).
"""

from __future__ import annotations

import bisect
import itertools
import os
from array import array
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import date
from fractions import Fraction
from functools import partial as bind
from typing import Any

import attrs

from .checks import CheckContext, CheckParts, run_part
from .chunks import Chunk, ChunkResult, plan_chunks, read_chunk
from .chunks import _read_range as read_range
from .composite import window_targets
from .dataissues import IssueSink
from .figures import NONE, FigureTable, _counts
from .model import DataIssue, Entity, Finding, Kind, Target
from .periods import Period
from .readers import read_observations
from .registry import Registry, load_registry
from .report import DEFAULT_MAX_ISSUES, IssueLedger, Report
from .resolve import Units
from .schedule import DEFAULT_SCHEDULE, Schedule
from .validate import Valid, validate
from .window import HISTORY_YEARS, Series
from .window import series as window_series

__all__ = [
    "Buckets",
    "Evaluated",
    "PartialAggregate",
    "Source",
    "combine_chunk",
    "evaluate_in_chunks",
    "finish",
    "merge",
    "merge_all",
]

#: An indicator's code and a unit's code.
Key = tuple[str, str]
#: Where a figure stands in the file: its chunk and its position among the chunk's figures.
Place = tuple[int, int]
#: A check run in parts: its code, the indicators it reads, its part.
CheckEntry = tuple[str, tuple[str, ...], Any]
#: A figure's class (see the module's notes): which window starts its period follows, which
#: measuring dates it ends by (and where targets with dates apply), and the reporting period
#: of each schedule it ends in.
Class = tuple[int, int, tuple[int, ...]]
#: The two classes of figures no window selects: ending after the as-of date, or not.
AFTER: Class = (-1, 1, ())
BEFORE: Class = (-1, 0, ())


class Buckets:
    """The buckets of a partial as columns: bucket ``j`` holds the figures of one indicator
    and unit (``key[j]``, an index into the partial's keys) and one class (``cls[j]``, into
    its classes).

    ``start``/``end`` are the days (ordinals) the figures span, ``figures`` how many they are.
    A flow's ``numerator``/``denominator`` (a count's ``value``) are their sums, as Python
    integers (exact, whatever their size); a snapshot's fields are those of its latest figure
    by the combine stage's order (end, length, report date, place); the classes no window
    selects keep the fields of their first figure, which stands for them when they are named
    ``unused``. ``chunk``/``place`` say where the figure standing for the bucket is (the
    first of a flow's, a snapshot's latest), ``row`` its row in the file.

    Columns, not an object a bucket: a chunk of the national file holds 200,000 buckets, and
    as tuples in dictionaries they cost 1.3 s of CPU a 100,000 rows to pickle and as much
    to load (fresh process, 300,000 rows in 3 chunks); arrays and lists of numbers pickle in
    a few milliseconds.
    """

    __slots__ = ("chunk", "cls", "denominator", "end", "figures", "key", "numerator", "place",
                 "reported_on", "row", "source", "start", "value")

    def __init__(self) -> None:
        self.key = array("i")
        self.cls = array("i")
        self.start = array("i")
        self.end = array("i")
        self.figures = array("q")
        self.numerator: list[int] = []
        self.denominator: list[int] = []
        self.value: list[Fraction | None] = []
        self.reported_on: list[date | None] = []
        self.source: list[str | None] = []
        self.chunk = array("i")
        self.place = array("q")
        self.row = array("q")

    def __len__(self) -> int:
        return len(self.key)

    def __getstate__(self) -> tuple[Any, ...]:
        return tuple(getattr(self, n) for n in self.__slots__)

    def __setstate__(self, state: tuple[Any, ...]) -> None:
        for n, v in zip(self.__slots__, state, strict=True):
            setattr(self, n, v)

    #: The columns of a bucket's fields, in the order of :meth:`fields`.
    FIELDS = ("start", "end", "figures", "numerator", "denominator", "value", "reported_on",
              "source", "chunk", "place", "row")

    def fields(self, j: int) -> tuple[Any, ...]:
        """Bucket ``j``'s fields (see :data:`FIELDS`)."""
        return (self.start[j], self.end[j], self.figures[j], self.numerator[j],
                self.denominator[j], self.value[j], self.reported_on[j], self.source[j],
                self.chunk[j], self.place[j], self.row[j])

    def append(self, key: int, cls: int, fields: Sequence[Any]) -> int:
        """A new bucket of ``key`` and ``cls``; its index."""
        start, end, figures, num, den, value, reported, source, chunk, place, row = fields
        self.key.append(key)
        self.cls.append(cls)
        self.start.append(start)
        self.end.append(end)
        self.figures.append(figures)
        self.numerator.append(num)
        self.denominator.append(den)
        self.value.append(value)
        self.reported_on.append(reported)
        self.source.append(source)
        self.chunk.append(chunk)
        self.place.append(place)
        self.row.append(row)
        return len(self.key) - 1

    def extend(self, other: Buckets, js: Sequence[int], keys: Sequence[int],
               classes: Sequence[int]) -> None:
        """``other``'s buckets ``js`` as new ones, of ``keys`` and ``classes``."""
        self.key.extend(keys)
        self.cls.extend(classes)
        for name in self.FIELDS:
            mine, theirs = getattr(self, name), getattr(other, name)
            mine.extend([theirs[j] for j in js])

    def add(self, j: int, fields: Sequence[Any], how: int) -> None:
        """Add the figures of ``fields`` (of the same indicator, unit and class) to bucket
        ``j``; ``how`` is :data:`_FLOW`, :data:`_SNAPSHOT` or :data:`_UNSELECTED`.
        Associative and commutative: the figure standing for the bucket is decided by place
        (a flow's and the unselected, the first) or by combine's order (a snapshot's)."""
        start, end, figures, num, den, value, reported, source, chunk, place, row = fields
        total = self.figures[j] + figures
        if how == _SNAPSHOT:
            theirs = (end, end - start, reported or date.min, chunk, place)
            if theirs > (self.end[j], self.end[j] - self.start[j],
                         self.reported_on[j] or date.min, self.chunk[j], self.place[j]):
                self._set(j, fields)
            self.figures[j] = total
            return
        earlier = (chunk, place) < (self.chunk[j], self.place[j])
        if how == _FLOW:
            if self.numerator[j] == NONE:  # a count: its values add up
                self.value[j] = (self.value[j] or Fraction(0)) + (value or Fraction(0))
            else:
                self.numerator[j] += num
                self.denominator[j] += den
            if earlier:
                self.reported_on[j], self.source[j] = reported, source
                self.chunk[j], self.place[j], self.row[j] = chunk, place, row
        elif earlier:
            self._set(j, fields)
        if start < self.start[j]:
            self.start[j] = start
        if end > self.end[j]:
            self.end[j] = end
        self.figures[j] = total

    def _set(self, j: int, fields: Sequence[Any]) -> None:
        """Bucket ``j`` stood for by the figure of ``fields`` (its count of figures kept)."""
        (self.start[j], self.end[j], _, self.numerator[j], self.denominator[j], self.value[j],
         self.reported_on[j], self.source[j], self.chunk[j], self.place[j],
         self.row[j]) = fields

    def copy(self) -> Buckets:
        out = Buckets()
        for name in self.__slots__:
            column = getattr(self, name)
            setattr(out, name, array(column.typecode, column) if isinstance(column, array)
                    else list(column))
        return out


_FLOW, _SNAPSHOT, _UNSELECTED = range(3)


def _coalesce(spans: Iterable[tuple[int, int]]) -> list[int]:
    """Day intervals joined where they touch or overlap (their union, exactly), flat:
    ``[start, end, start, end, …]``."""
    out: list[int] = []
    for start, end in sorted(spans):
        if out and start <= out[-1] + 1:
            out[-1] = max(out[-1], end)
        else:
            out += (start, end)
    return out


def _pairs(flat: Sequence[int]) -> Iterator[tuple[int, int]]:
    """The intervals of a flat list ``[start, end, start, end, …]``."""
    return zip(flat[::2], flat[1::2], strict=True)


def _union(a: list[int], b: list[int]) -> list[int] | None:
    """The union of two flat coalesced interval lists, or None when they share a day. The
    usual case, one chunk's months before the next one's, is a join at one end."""
    if not a or not b:
        return list(a or b)
    if a[0] > b[0]:
        a, b = b, a
    if a[-1] < b[0]:
        return a[:-1] + b[1:] if a[-1] + 1 == b[0] else a + b
    i = j = 0
    while i < len(a) and j < len(b):
        if a[i] <= b[j + 1] and b[j] <= a[i + 1]:
            return None
        if a[i + 1] < b[j + 1]:
            i += 2
        else:
            j += 2
    return _coalesce(itertools.chain(_pairs(a), _pairs(b)))


@attrs.frozen
class Rows:
    """The figures of one chunk kept as they are, with their places in the chunk."""

    chunk: int
    table: FigureTable
    places: array[int]


@attrs.frozen(kw_only=True, eq=False)
class PartialAggregate:
    """What some chunks of one file add up to, for one evaluation date and registry.

    Keys are (indicator, unit) pairs, ``k`` indexing ``indicator``/``entity`` (codes into
    ``indicators``/``entities``), the day intervals its periods cover (``intervals``, flat and
    coalesced), the chunks that summarised it (``chunks``, a bit a chunk), how many figures
    they did (``figures``) and whether it must be kept as rows after all (``conflict``: its
    periods in two chunks share a day, or a chunk kept its rows; the chunks that summarised it
    then read it again). Its buckets are in ``buckets``.

    ``given`` counts the figures the chunks read (rows the reader refused are named by its
    ``issues``); every one of them is in a bucket (``summarised``), kept as it is in ``rows``
    (``kept``), or to be read again (``to_read_again``): ``given == summarised + kept +
    to_read_again`` in every partial and every merge of partials. ``spans`` is each chunk's
    provenance: its index, first line and the number of lines it read.
    """

    file: str
    count: int
    as_of: date
    snapshots: frozenset[str]
    chunks_merged: frozenset[int]
    #: The byte ranges read (a range that ended inside a quoted field joined to the next).
    ranges: tuple[Chunk, ...]
    indicators: list[str]
    entities: list[str]
    classes: list[Class]
    indicator: array[int]
    entity: array[int]
    intervals: list[list[int]]
    chunks: list[int]
    figures: list[int]
    conflict: bytearray
    buckets: Buckets
    rows: tuple[Rows, ...]
    issues: tuple[tuple[int, tuple[DataIssue, ...]], ...]
    read: int
    blank: int
    unaccounted: tuple[int, ...]
    given: int
    spans: tuple[tuple[int, int, int], ...]
    #: Chunks whose range ended inside a quoted field (read again with the next one), and
    #: whether the file must be read whole (bytes that are not UTF-8, hostile text).
    open_ends: frozenset[int] = frozenset()
    whole: bool = False
    #: The parts of the checks run in parts (:class:`~plan_rules.InParts`), by check code,
    #: with the indicators each reads.
    checks: tuple[CheckEntry, ...] = ()

    def key(self, k: int) -> Key:
        """The indicator and unit of key ``k``."""
        return (self.indicators[self.indicator[k]], self.entities[self.entity[k]])

    @property
    def summarised(self) -> int:
        """How many figures the buckets hold."""
        return sum(n for n, c in zip(self.figures, self.conflict, strict=True) if not c)

    @property
    def kept(self) -> int:
        """How many figures are kept as they are."""
        return sum(len(r.table) for r in self.rows)

    @property
    def to_read_again(self) -> int:
        """How many figures were summarised of units that must be kept as rows after all:
        :func:`finish` reads them again."""
        return sum(n for n, c in zip(self.figures, self.conflict, strict=True) if c)

    def content(self) -> dict[str, Any]:
        """What the partial holds, independent of the order chunks were merged in: two
        partials with the same content stand for the same figures."""
        b = self.buckets
        keys: dict[Key, Any] = {}
        for k in range(len(self.indicator)):
            keys[self.key(k)] = [tuple(self.intervals[k]), self.chunks[k], self.figures[k],
                                 bool(self.conflict[k]), {}]
        for j in range(len(b)):
            keys[self.key(b.key[j])][4][self.classes[b.cls[j]]] = (
                b.start[j], b.end[j], b.figures[j], b.numerator[j], b.denominator[j],
                b.value[j], b.reported_on[j], b.source[j], b.chunk[j], b.place[j], b.row[j])
        return {
            "file": self.file, "count": self.count, "as_of": self.as_of,
            "chunks": self.chunks_merged, "ranges": self.ranges, "keys": keys,
            "rows": [(r.chunk, tuple(r.places), list(r.table)) for r in self.rows],
            "issues": self.issues, "read": self.read, "blank": self.blank,
            "unaccounted": self.unaccounted, "given": self.given, "spans": self.spans,
            "open_ends": self.open_ends, "whole": self.whole, "checks": self.checks,
        }

    def merge(self, other: PartialAggregate) -> PartialAggregate:
        """This partial and ``other`` as one (see :func:`merge`)."""
        return merge(self, other)


def merge(a: PartialAggregate, b: PartialAggregate) -> PartialAggregate:
    """Two partial aggregates of one file as one: associative and commutative (any grouping
    and order of the chunks' partials, a tree reduction or Spark's ``reduce``, gives a
    partial of the same :meth:`~PartialAggregate.content`).

    :raises ValueError: different files, cuts or dates, or a chunk in both.
    """
    if (a.file, a.count, a.as_of, a.snapshots) != (b.file, b.count, b.as_of, b.snapshots):
        raise ValueError(f"these partials come from different files, cuts or dates: "
                         f"{a.file} ({a.count}, {a.as_of}), {b.file} ({b.count}, {b.as_of})")
    both = a.chunks_merged & b.chunks_merged
    if both:
        raise ValueError(f"{a.file}: chunks {sorted(both)} are in both partials")
    if len(a.indicator) < len(b.indicator):
        a, b = b, a  # copy the larger partial once, walk the smaller
    indicators, entities, classes = list(a.indicators), list(a.entities), list(a.classes)
    recode_ind = _recode(indicators, b.indicators)
    recode_ent = _recode(entities, b.entities)
    recode_cls = _recode(classes, b.classes)
    ind, ent = array("i", a.indicator), array("i", a.entity)
    intervals, chunks, figures = list(a.intervals), list(a.chunks), list(a.figures)
    conflict = bytearray(a.conflict)
    index = {(i, e): k for k, (i, e) in enumerate(zip(ind, ent, strict=True))}
    key_of = array("i")
    dropped: set[int] = set()
    for kb, (i, e) in enumerate(zip(b.indicator, b.entity, strict=True)):
        pair = (recode_ind[i], recode_ent[e])
        k = index.get(pair)
        if k is None:
            k = index[pair] = len(ind)
            ind.append(pair[0])
            ent.append(pair[1])
            intervals.append(b.intervals[kb])
            chunks.append(b.chunks[kb])
            figures.append(b.figures[kb])
            conflict.append(b.conflict[kb])
        else:
            joined = None if conflict[k] or b.conflict[kb] else _union(intervals[k],
                                                                         b.intervals[kb])
            if joined is None:
                if not conflict[k]:
                    dropped.add(k)  # its buckets so far leave
                conflict[k] = 1
                joined = _coalesce(itertools.chain(
                    _pairs(intervals[k]),
                    _pairs(b.intervals[kb])))
            intervals[k] = joined
            chunks[k] |= b.chunks[kb]
            figures[k] += b.figures[kb]
        key_of.append(k)
    out = a.buckets.copy()
    where = {(k, c): j for j, (k, c) in enumerate(zip(out.key, out.cls, strict=True))}
    how = [_SNAPSHOT if indicators[i] in a.snapshots else _FLOW for i in ind]
    unselected = {classes.index(c) for c in (AFTER, BEFORE) if c in classes}
    bb = b.buckets
    new: list[int] = []
    new_keys = array("i")
    new_classes = array("i")
    for jb, (kb, cb) in enumerate(zip(bb.key, bb.cls, strict=True)):
        k, c = key_of[kb], recode_cls[cb]
        if conflict[k]:
            continue
        j = where.get((k, c))
        if j is None:
            new.append(jb)
            new_keys.append(k)
            new_classes.append(c)
        else:
            out.add(j, bb.fields(jb), _UNSELECTED if c in unselected else how[k])
    # Two buckets of b never share a key and a class: the new ones go in at once.
    out.extend(bb, new, new_keys, new_classes)
    checks, marked = _settle(_merge_parts(a.checks, b.checks), indicators, entities, ind, ent,
                             conflict)
    dropped |= marked
    if dropped:
        out = _without(out, dropped)
    return PartialAggregate(
        file=a.file, count=a.count, as_of=a.as_of, snapshots=a.snapshots,
        chunks_merged=a.chunks_merged | b.chunks_merged,
        ranges=tuple(sorted((*a.ranges, *b.ranges), key=lambda c: c.index)),
        indicators=indicators, entities=entities, classes=classes, indicator=ind, entity=ent,
        intervals=intervals, chunks=chunks, figures=figures, conflict=conflict, buckets=out,
        rows=tuple(sorted((*a.rows, *b.rows), key=lambda r: r.chunk)),
        issues=tuple(sorted((*a.issues, *b.issues), key=lambda x: x[0])),
        read=a.read + b.read, blank=a.blank + b.blank,
        unaccounted=tuple(sorted((*a.unaccounted, *b.unaccounted))), given=a.given + b.given,
        spans=tuple(sorted((*a.spans, *b.spans))), open_ends=a.open_ends | b.open_ends,
        whole=a.whole or b.whole, checks=checks)


def _merge_parts(a: tuple[CheckEntry, ...], b: tuple[CheckEntry, ...]) -> tuple[CheckEntry, ...]:
    """The checks' parts of two partials, merged check by check (a partial of a chunk read
    again with the next one has none)."""
    theirs = {code: (inds, part) for code, inds, part in b}
    out = []
    for code, inds, part in a:
        other = theirs.pop(code, None)
        out.append((code, inds, part if other is None else part.merge(other[1])))
    out.extend((code, inds, part) for code, (inds, part) in theirs.items())
    return tuple(sorted(out, key=lambda entry: entry[0]))


def _settle(checks: tuple[CheckEntry, ...], indicators: Sequence[str], entities: Sequence[str],
            ind: Sequence[int], ent: Sequence[int],
            conflict: bytearray) -> tuple[tuple[CheckEntry, ...], set[int]]:
    """The checks' parts without the units whose figures of the indicators the checks read
    are to be rows: those a part wants, and those with a key marked in ``conflict`` (which
    this marks for every such indicator of theirs, returning the keys it marked).

    One set of units for every check run in parts: a unit's figures of all their
    indicators are rows together, so that a check comparing two indicators finds both."""
    if not checks:
        return checks, set()
    watched = {code for _, inds, _ in checks for code in inds}
    is_watched = [code in watched for code in indicators]
    keys = [k for k, i in enumerate(ind) if is_watched[i]]
    units = {entities[ent[k]] for k in keys if conflict[k]}
    for _, _, part in checks:
        units.update(part.units_wanted())
    if not units:
        return checks, set()
    marked = set()
    for k in keys:
        if not conflict[k] and entities[ent[k]] in units:
            conflict[k] = 1
            marked.add(k)
    gone = frozenset(units)
    return tuple((code, inds, part.without(gone)) for code, inds, part in checks), marked


def _recode(mine: list[Any], theirs: Sequence[Any]) -> list[int]:
    """Each of ``theirs``'s values as a code of ``mine`` (added where missing)."""
    codes = {v: i for i, v in enumerate(mine)}
    out = []
    for v in theirs:
        code = codes.get(v)
        if code is None:
            code = codes[v] = len(mine)
            mine.append(v)
        out.append(code)
    return out


def _without(buckets: Buckets, keys: set[int] | bytearray) -> Buckets:
    """The buckets of the keys not in ``keys`` (a set, or a byte a key)."""
    if isinstance(keys, bytearray):
        keep = [j for j, k in enumerate(buckets.key) if not keys[k]]
    else:
        keep = [j for j, k in enumerate(buckets.key) if k not in keys]
    out = Buckets()
    out.extend(buckets, keep, [buckets.key[j] for j in keep], [buckets.cls[j] for j in keep])
    return out


def merge_all(partials: Iterable[PartialAggregate]) -> PartialAggregate:
    """Any number of partial aggregates as one (see :func:`merge`).

    :raises ValueError: none is given, or as :func:`merge`.
    """
    items = iter(partials)
    first = next(items, None)
    if first is None:
        raise ValueError("merge_all needs at least one partial")
    out = first
    for p in items:
        out = merge(out, p)
    return out


# -- what a chunk adds up to ---------------------------------------------------------------


class _Classes:
    """The measuring dates of a registry as of a date, and each figure's class."""

    def __init__(self, registry: Registry, as_of: date) -> None:
        self.as_of = as_of
        targets: dict[str, list[Target]] = {}
        # A score or rank target measures its index's inputs over its own window.
        for t in (*registry.targets.values(), *window_targets(registry.composites)):
            targets.setdefault(t.indicator, []).append(t)
        self.targets = targets
        self._cache: dict[tuple[str, Period], Class] = {}

    def of(self, code: str, p: Period) -> Class:
        """The class of a figure of indicator ``code`` for period ``p``: figures of one class
        are selected (or excluded) together by every target at every date it is measured."""
        key = (code, p)
        found = self._cache.get(key)
        if found is not None:
            return found
        ts = self.targets.get(code, [])
        start, end = p.start, p.end
        # Whether the figure lies in one of the years before each target's window, whose
        # statistic is a point of its history (window.earlier_years): figures of one such
        # year are used together, apart from the others.
        early = [start.year == end.year and end < t.measurement.start
                 and start.year >= t.measurement.start.year - HISTORY_YEARS for t in ts]
        if end > self.as_of:
            found = AFTER
        elif not any((t.measurement.start <= start and end <= t.measurement.end)
                     or ((t.valid_from or t.valid_to)
                     and t.measurement.start.year <= start.year <= t.measurement.end.year)
                     for t in ts):
            # Neither selected nor set aside as excluded by any target at any date of its
            # window: history of a year before a window, or no target's at all.
            if not any(early):
                found = BEFORE
            else:
                bits = list(early)
                for t in ts:
                    if t.valid_from or t.valid_to:
                        bits += [t.valid_from is None or end >= t.valid_from,
                                 t.valid_to is None or start <= t.valid_to]
                found = (-2, sum(1 << k for k, b in enumerate(bits) if b), (start.year,))
        else:
            starts = sorted({t.measurement.start for t in ts})
            ends = sorted({self.as_of, *(t.measurement.end for t in ts)})
            schedules: list[Schedule] = []
            for t in ts:
                if (t.schedule or DEFAULT_SCHEDULE) not in schedules:
                    schedules.append(t.schedule or DEFAULT_SCHEDULE)
            bits = [end <= d for d in ends]
            for t in ts:
                if t.valid_from or t.valid_to:
                    # window.select: where the target applies, and the years it measures.
                    bits += [t.valid_from is None or end >= t.valid_from,
                             t.valid_to is None or start <= t.valid_to,
                             start.year < t.measurement.start.year,
                             start.year > t.measurement.end.year]
            bits += early
            found = (bisect.bisect_right(starts, start), sum(1 << k for k, b in enumerate(bits)
                                                             if b),
                     tuple(s.period_end(end).toordinal() for s in schedules)
                     + ((start.year,) if any(early) else ()))
        self._cache[key] = found
        return found


#: The library's own checks read every indicator but look only at rows kept as they are
#: anyway: a numerator above its denominator (named by validation) and a unit with dates of
#: existence.
_LOOK_AT_KEPT_ROWS = frozenset({"core.numerator_le_denominator", "core.validity"})


def _exact_only(registry: Registry) -> frozenset[str] | None:
    """The indicators whose rows are kept as they are (None: all of them): those a check
    reads (a check may look at any of its figures; one that names none reads them all)."""
    out: set[str] = set()
    for check in registry.checks.values():
        if check.code in _LOOK_AT_KEPT_ROWS or check.in_parts is not None:
            continue
        if not check.indicators:
            return None
        out.update(check.indicators)
    return frozenset(out)


def combine_chunk(chunk: Chunk, *, as_of: date, entities: Iterable[Entity] = (),
                  registry: Registry | None = None) -> PartialAggregate:
    """Read, validate and combine one chunk where this runs (see the module's notes).

    :param entities: the units described in an entities file (a figure of another unit is
        kept as it is: its level may depend on rows of other chunks).
    :param registry: default: the installed plugins (a registry is not sent to another
        process: each worker loads its own).
    """
    reg = registry if registry is not None else load_registry()
    result = read_chunk(chunk, registry=reg).results[0]
    return _aggregate(result, chunk, as_of, tuple(entities), reg)


def _aggregate(result: ChunkResult, chunk: Chunk, as_of: date, entities: tuple[Entity, ...],
               registry: Registry) -> PartialAggregate:
    """The partial of one chunk's figures.

    One pass over the rows, written for speed (columns and flags looked up once, a unit's
    periods checked as they come): a chunk of the national file has a figure or two for
    each of 85,000 indicators and units, and a general loop over each unit's figures took
    14 µs a unit (cProfile), more than reading the chunk.
    """
    snapshots = frozenset(c for c, i in registry.indicators.items() if i.snapshot)
    table = result.figures
    empty = not (result.open_end or result.replan)
    base: dict[str, Any] = dict(
        file=chunk.path, count=chunk.count, as_of=as_of, snapshots=snapshots,
        chunks_merged=frozenset({chunk.index}), ranges=(chunk,),
        indicators=list(table.indicators.values) if empty else [],
        entities=list(table.entities.values) if empty else [])
    if not empty:
        return PartialAggregate(
            **base, classes=[], indicator=array("i"), entity=array("i"), intervals=[],
            chunks=[], figures=[], conflict=bytearray(), buckets=Buckets(), rows=(),
            issues=(), read=0, blank=0, unaccounted=(), given=0, spans=(),
            open_ends=frozenset({chunk.index} if result.open_end else ()),
            whole=result.replan)
    known = {e.code: e for e in entities}
    sink = IssueSink(table, IssueLedger(1))
    units = Units(table, dict(known))
    valid = validate(table, registry.indicators, units, sink)
    exact_rows = _exact_rows(table, registry, known, sink)
    checks = _parts(table, registry, as_of, units, valid, sink, exact_rows)
    indicators = [registry.indicators.get(c) for c in table.indicators.values]
    snapshot = [i is not None and i.snapshot for i in indicators]
    counts = [i is not None and i.kind is Kind.RATE for i in indicators]
    # A flow adds up counts (a rate) or values (a count); the latest of any other stands.
    adds = [i is not None and (i.snapshot or i.kind in (Kind.RATE, Kind.COUNT))
            for i in indicators]
    of = _Classes(registry, as_of)
    periods = table.periods.values
    spans = [(p.start.toordinal(), p.end.toordinal()) for p in periods]
    classes: list[Class] = []
    class_ids: dict[Class, int] = {}
    # Per indicator code and period code: a national file repeats a dozen periods.
    cls_of = [[class_ids.setdefault(of.of(code, p), len(class_ids)) for p in periods]
              for code in table.indicators.values]
    classes = list(class_ids)
    unselected = {class_ids[c] for c in (AFTER, BEFORE) if c in class_ids}
    n_ent = len(table.entities)
    key_ind, key_ent = array("i"), array("i")
    intervals: list[list[int]] = []
    figures: list[int] = []
    bad = bytearray()
    key_index: dict[int, int] = {}
    b = Buckets()
    where: dict[tuple[int, int], int] = {}
    nums, dens, values = table.numerator, table.denominator, table.value
    reported, sources, row_of = table.reported_on, table.source, table.row
    c = chunk.index
    kept: list[int] = []
    columns = zip(table.indicator, table.entity, table.period, exact_rows, strict=True)
    for i, (ind, ent, per, exact) in enumerate(columns):
        if exact:
            kept.append(i)
            continue
        kk = ind * n_ent + ent
        k = key_index.get(kk)
        start, end = spans[per]
        if k is None:
            k = key_index[kk] = len(key_ind)
            key_ind.append(ind)
            key_ent.append(ent)
            intervals.append([start, end])
            figures.append(1)
            bad.append(0 if adds[ind] else 1)
        else:
            figures[k] += 1
            iv = intervals[k]
            if start > iv[-1] + 1:
                iv += (start, end)
            elif start == iv[-1] + 1:
                iv[-1] = end
            elif snapshot[ind]:
                intervals[k] = _coalesce(itertools.chain(_pairs(iv),
                                                         ((start, end),)))
            else:
                bad[k] = 1  # a flow's periods out of order or overlapping: kept as rows
        den = dens[i]
        if counts[ind] and (den == 0 or (den == NONE and not snapshot[ind])):
            bad[k] = 1  # nothing to take a rate of, or a percentage that cannot add up
        cls = cls_of[ind][per]
        # A rate's counts add up; its value would not. Beside counts a value only says
        # whether it agrees with them (to its published precision), which the chunk said.
        fields = (start, end, 1, nums[i], den,
                  None if counts[ind] and (den != NONE or not snapshot[ind]) else values[i],
                  reported[i],
                  sources[i], c, i, row_of[i])
        j = where.get((k, cls))
        if j is None:
            where[(k, cls)] = b.append(k, cls, fields)
        else:
            b.add(j, fields, _UNSELECTED if cls in unselected
                  else _SNAPSHOT if snapshot[ind] else _FLOW)
    # A unit of which some figures of a check's indicators are rows has them all as rows.
    checks, _ = _settle(checks, table.indicators.values, table.entities.values, key_ind, key_ent,
                        bad)
    conflict = bytearray(len(key_ind))
    chunks = [1 << c] * len(key_ind)
    if any(bad):
        # Kept as rows: the unit's figures of this chunk leave the buckets.
        for i, (ind, ent, exact) in enumerate(zip(table.indicator, table.entity, exact_rows,
                                                  strict=True)):
            if not exact and bad[key_index[ind * n_ent + ent]]:
                kept.append(i)
        b = _without(b, bad)
        for k in range(len(key_ind)):
            if bad[k]:
                conflict[k], chunks[k], figures[k], intervals[k] = 1, 0, 0, []
    rows_kept = set()
    for i in kept:
        kk = table.indicator[i] * n_ent + table.entity[i]
        if kk not in key_index:
            key_index[kk] = len(key_ind)
            key_ind.append(table.indicator[i])
            key_ent.append(table.entity[i])
            intervals.append([])
            figures.append(0)
            conflict.append(1)
            chunks.append(0)
        rows_kept.add(i)
    kept = sorted(rows_kept)
    first = result.first_line
    return PartialAggregate(
        **base, classes=classes, indicator=key_ind, entity=key_ent, intervals=intervals,
        chunks=chunks, figures=figures, conflict=conflict, buckets=b,
        rows=(Rows(chunk=c, table=_take(table, kept), places=array("q", kept)),)
        if kept else (),
        issues=((c, result.issues),), read=result.rows, blank=result.blank_rows,
        unaccounted=result.unaccounted, given=len(table),
        spans=((c, first, result.rows + result.blank_rows),), checks=checks)


def _parts(table: FigureTable, registry: Registry, as_of: date, units: Units, valid: Valid,
           sink: IssueSink, exact_rows: bytearray) -> tuple[CheckEntry, ...]:
    """The parts of the checks run in parts on a chunk's figures; the figures of the units
    they want as rows, and of those some figures of whose are rows already, marked in
    ``exact_rows`` for every indicator those checks read."""
    in_parts = sorted((c for c in registry.checks.values() if c.in_parts is not None),
                      key=lambda c: c.code)
    if not in_parts:
        return ()
    series: dict[str, list[Series]] = {}

    def series_of(code: str) -> list[Series]:
        if code not in series:
            series[code] = window_series(table, valid.usable.get(code, ()), valid.unit_of)
        return series[code]

    ctx = CheckContext(table, as_of=as_of, registry=registry, entities=units.entities,
                       blocked=frozenset(sink.blocked), series=series_of, given=valid.given)
    checks = tuple((c.code, c.indicators, run_part(c, ctx)) for c in in_parts)
    watched = {code for c in in_parts for code in c.indicators}
    is_watched = [code in watched for code in table.indicators.values]
    names = table.entities.values
    wanted = {u for _, _, part in checks for u in part.units_wanted()}
    wanted.update(names[e] for ind, e, exact in zip(table.indicator, table.entity, exact_rows,
                                                     strict=True) if exact and is_watched[ind])
    if not wanted:
        return checks
    for i, (ind, e) in enumerate(zip(table.indicator, table.entity, strict=True)):
        if is_watched[ind] and names[e] in wanted:
            exact_rows[i] = 1
    gone = frozenset(wanted)
    return tuple((code, inds, part.without(gone)) for code, inds, part in checks)


def _exact_rows(table: FigureTable, registry: Registry, known: dict[str, Entity],
                sink: IssueSink) -> bytearray:
    """One byte a figure: 1 where its indicator and unit must be kept as rows (validation,
    whose issues ``sink`` heard, names a row of theirs, the unit is not described or has
    dates of existence, or a check that is not run in parts reads the indicator)."""
    exact = _exact_only(registry)
    if exact is None:
        return bytearray(b"\x01" * len(table))
    bad_ind = [c in exact or c not in registry.indicators for c in table.indicators.values]
    bad_ent = [(e := known.get(c)) is None or e.valid_from is not None
               or e.valid_to is not None for c in table.entities.values]
    named: set[tuple[int, int]] = set()
    for seen in sink.named.values():
        for i in seen:
            if i is not None:
                named.add((table.indicator[i], table.entity[i]))
    out = bytearray(len(table))
    for i, (ind, ent) in enumerate(zip(table.indicator, table.entity, strict=True)):
        if bad_ind[ind] or bad_ent[ent] or (ind, ent) in named:
            out[i] = 1
    return out


def _take(table: FigureTable, positions: Sequence[int]) -> FigureTable:
    """The figures of ``table`` at ``positions``, as a table of their own."""
    out = FigureTable()
    for i in positions:
        _append(out, table, i)
    return out


def _append(out: FigureTable, table: FigureTable, i: int) -> None:
    out.indicator.append(out.indicators.code(table.indicators.values[table.indicator[i]]))
    out.entity.append(out.entities.code(table.entities.values[table.entity[i]]))
    out.level.append(out.levels.code(table.levels.values[table.level[i]]))
    out.period.append(out.periods.code(table.periods.values[table.period[i]]))
    out.file.append(out.files.code(table.files.values[table.file[i]]))
    _put(out, "numerator", table.numerator[i])
    _put(out, "denominator", table.denominator[i])
    _put(out, "row", table.row[i])
    out.value.append(table.value[i])
    out.precision.append(table.precision[i])
    out.reported_on.append(table.reported_on[i])
    out.source.append(table.source[i])
    out.note.append(table.note[i])


def _put(out: FigureTable, name: str, value: int) -> None:
    column = getattr(out, name)
    if isinstance(column, array) and not -(1 << 63) <= value < (1 << 63):
        column = list(column)  # a count past 64 bits: the column as Python integers
        setattr(out, name, column)
    column.append(value)


# -- the report, once ---------------------------------------------------------------------


@attrs.frozen
class Source:
    """What a figure of the compact table stands for: ``figures`` rows of the file for one
    indicator and unit whose periods lie inside ``period``, read in ``chunks``; ``row`` is
    the row itself when the figure is one row of the file (a single figure, a snapshot's
    latest) or the first of figures no window selects; ``used``, how many of the rows a
    target that uses the figure uses (a snapshot's latest only)."""

    indicator: str
    entity: str
    period: Period
    figures: int
    chunks: frozenset[int]
    row: int | None
    used: int


@attrs.frozen(kw_only=True)
class Evaluated:
    """The report of merged partials, and what each figure it cites stands for.

    ``report`` is :func:`plan_rules.evaluate`'s on the compact ``table``; a target finding's
    count of figures (``statistics.n_observations``) is that of the file's rows.
    :meth:`source` tells, for a position of the table, which rows of the file it stands for
    (None: a row kept as it is, whose file and row the table gives). ``given`` is the number
    of figures the file holds.
    """

    report: Report
    table: FigureTable
    partial: PartialAggregate
    #: For each position of the table: the partial's bucket it stands for, or -1 (a row).
    bucket: array[int]
    weights: array[int]
    given: int

    def source(self, i: int) -> Source | None:
        """The rows of the file the figure at ``i`` stands for (None: it is one of them)."""
        j = self.bucket[i]
        if j < 0:
            return None
        p, b = self.partial, self.partial.buckets
        k = b.key[j]
        code, entity = p.key(k)
        figures = b.figures[j]
        one = code in p.snapshots or figures == 1 or p.classes[b.cls[j]] in (AFTER, BEFORE)
        return Source(indicator=code, entity=entity, period=self.table.period_of(i),
                      figures=figures,
                      chunks=frozenset(c for c in p.chunks_merged if p.chunks[k] >> c & 1),
                      row=b.row[j] if one else None, used=self.weights[i])

    def rows(self, positions: Iterable[int], *, registry: Registry | None = None) -> set[int]:
        """The rows of the file behind the figures at ``positions`` (a finding's
        ``observations``), the chunks read again where a figure stands for several rows:
        exactly the rows a one-pass evaluation cites."""
        out: set[int] = set()
        wanted: dict[int, dict[Key, list[Period]]] = {}
        for i in positions:
            s = self.source(i)
            if s is None or s.row is not None:
                row = self.table.row_at(i) if s is None else s.row
                assert row is not None
                out.add(row)
                continue
            for c in s.chunks:
                wanted.setdefault(c, {}).setdefault((s.indicator, s.entity), []).append(
                    s.period)
        if not wanted:
            return out
        reg = registry if registry is not None else load_registry()
        for chunk in self.partial.ranges:
            keys = wanted.get(chunk.index)
            if not keys:
                continue
            table = read_chunk(chunk, registry=reg).results[0].figures
            ind_codes, ent_codes = table.indicators.values, table.entities.values
            for i, (ind, ent) in enumerate(zip(table.indicator, table.entity, strict=True)):
                spans = keys.get((ind_codes[ind], ent_codes[ent]))
                if spans and any(p.covers(table.period_of(i)) for p in spans):
                    row = table.row_at(i)
                    assert row is not None
                    out.add(row)
        return out


def finish(partial: PartialAggregate, *, registry: Registry | None = None,
           entities: Iterable[Entity] | Mapping[str, Entity] | None = None,
           strict: bool | None = None, progress_methods: Sequence[str] | None = None,
           mapper: Callable[..., Iterable[Any]] = map, issues: Iterable[DataIssue] = (),
           max_issues: int | None = DEFAULT_MAX_ISSUES) -> Evaluated:
    """Evaluate the merged partial of every chunk of a file, once, here; ``issues`` (e.g.
    an entities file's) come after the reader's, as :func:`plan_rules.evaluate` takes them.

    The rows of units that must be kept as rows after all (periods in two chunks that share
    a day, rows another chunk kept) are read again from the chunks that summarised them, with
    ``mapper``; a file that must be read whole (bytes that are not UTF-8, hostile text) is
    read and evaluated whole here.

    :raises ValueError: a chunk is missing, or a chunk's range ended inside a quoted field
        (:func:`evaluate_in_chunks` reads such a chunk again with the next one).
    """
    from .engine import evaluate

    reg = registry if registry is not None else load_registry()
    known = list(entities.values()) if isinstance(entities, Mapping) else list(entities or ())
    run: dict[str, Any] = dict(registry=reg, as_of=partial.as_of, entities=known,
                               strict=strict, progress_methods=progress_methods,
                               max_issues=max_issues)
    if partial.whole:
        read = read_observations(partial.file, registry=reg)
        table = FigureTable.from_observations(read.observations)
        report = evaluate(table, issues=[*read.issues, *issues], **run)
        return Evaluated(report=report, table=table,
                         partial=partial, bucket=array("q", [-1] * len(table)),
                         weights=array("q", [1] * len(table)), given=len(table))
    missing = sorted(set(range(partial.count)) - partial.chunks_merged)
    if missing:
        raise ValueError(f"{partial.file}: chunks {missing} of {partial.count} are missing")
    if partial.open_ends:
        raise ValueError(f"{partial.file}: chunks {sorted(partial.open_ends)} end inside a "
                         "quoted field: read each again with the next chunk")
    conflict = bytearray(partial.conflict)
    _overlapping(partial, conflict)
    checks, _ = _settle(partial.checks, partial.indicators, partial.entities, partial.indicator,
                        partial.entity, conflict)
    again: dict[int, set[Key]] = {}
    for k, bad in enumerate(conflict):
        if bad:
            for c in partial.chunks_merged:
                if partial.chunks[k] >> c & 1:
                    again.setdefault(c, set()).add(partial.key(k))
    rows = list(partial.rows)
    if again:
        by_index = {c.index: c for c in partial.ranges}
        jobs = [(by_index[c], frozenset(k)) for c, k in sorted(again.items())]
        rows.extend(mapper(bind(_rows_again, registry=registry), jobs))
    table, bucket, weights = _compact(partial, rows, conflict)
    given = [*(i for _, chunk_issues in partial.issues for i in chunk_issues), *issues]
    report = evaluate(table, issues=given, check_parts=_check_parts(partial, checks, conflict),
                      **run)
    findings = tuple(_counted(f, weights) for f in report.findings)
    return Evaluated(report=attrs.evolve(report, findings=findings), table=table,
                     partial=partial, bucket=bucket, weights=weights, given=partial.given)


def _check_parts(partial: PartialAggregate, checks: tuple[CheckEntry, ...],
                 conflict: bytearray) -> CheckParts | None:
    """The checks' merged parts, and for each indicator they read the units whose figures
    of it are rows (the keys marked in ``conflict``: kept, or read again)."""
    if not checks:
        return None
    watched = {code for _, inds, _ in checks for code in inds}
    rows: dict[str, set[str]] = {code: set() for code in watched}
    for k, bad in enumerate(conflict):
        if bad:
            code, unit = partial.key(k)
            if code in rows:
                rows[code].add(unit)
    return CheckParts(parts={code: part for code, _, part in checks},
                      as_rows={code: frozenset(units) for code, units in rows.items()})


def _overlapping(partial: PartialAggregate, conflict: bytearray) -> None:
    """Mark the keys whose buckets that a window can select span days in common (checked,
    not assumed: combine would name an overlap): they are kept as rows too."""
    b = partial.buckets
    unselected = {k for k, c in enumerate(partial.classes) if c in (AFTER, BEFORE)}
    spans: dict[int, list[tuple[int, int]]] = {}
    for k, c, start, end in zip(b.key, b.cls, b.start, b.end, strict=True):
        if c not in unselected:
            spans.setdefault(k, []).append((start, end))
    for k, found in spans.items():
        if len(found) > 1:
            found.sort()
            if any(x[1] >= y[0] for x, y in itertools.pairwise(found)):
                conflict[k] = 1


def _rows_again(job: tuple[Chunk, frozenset[Key]], *, registry: Registry | None) -> Rows:
    """The figures of some indicators and units in a chunk, read again (where this runs)."""
    chunk, keys = job
    reg = registry if registry is not None else load_registry()
    table = read_chunk(chunk, registry=reg).results[0].figures
    ind_codes, ent_codes = table.indicators.values, table.entities.values
    kept = [i for i, (ind, ent) in enumerate(zip(table.indicator, table.entity, strict=True))
            if (ind_codes[ind], ent_codes[ent]) in keys]
    return Rows(chunk=chunk.index, table=_take(table, kept), places=array("q", kept))


def _counted(finding: Finding, weights: Sequence[int]) -> Finding:
    """``finding`` with the number of the file's figures behind the figures it used."""
    if finding.kind != "target" or not finding.observations or finding.statistics is None:
        return finding
    n = sum(weights[i] for i in finding.observations)
    return attrs.evolve(finding, statistics=attrs.evolve(finding.statistics, n_observations=n))


def _compact(partial: PartialAggregate, rows: Sequence[Rows],
             conflict: bytearray) -> tuple[FigureTable, array[int], array[int]]:
    """One figure per bucket and every row kept, in the order of their places in the file
    (so that snapshots tied on everything else fall to the later one, as in one pass); the
    bucket each stands for, and how many of the file's figures a target using it uses."""
    b = partial.buckets
    order: list[tuple[int, int, int, int]] = [
        (c, place, j, -1) for j, (k, c, place) in enumerate(zip(b.key, b.chunk, b.place,
                                                                strict=True))
        if not conflict[k]]
    for n, r in enumerate(rows):
        order.extend((r.chunk, place, -1, n) for place in r.places)
    order.sort()
    out = FigureTable()
    bucket, weights = array("q"), array("q")
    file = out.files.code(partial.file)
    unstated = out.levels.code(None)  # the unit is described: its level is known
    periods: dict[tuple[int, int], int] = {}
    ind_code = [out.indicators.code(c) for c in partial.indicators]
    ent_code = [out.entities.code(c) for c in partial.entities]
    snapshot = [c in partial.snapshots for c in partial.indicators]
    indicator, entity, level, period, files = (out.indicator, out.entity, out.level,
                                               out.period, out.file)
    value, precision, reported, source, note = (out.value, out.precision, out.reported_on,
                                                out.source, out.note)
    nums: list[int] = []
    dens: list[int] = []
    row: list[int] = []
    # Each kept table's codes as the compact table's, once a table: a row is then five
    # look-ups in lists (the national file keeps 190,000 rows of the indicators checks read).
    recoded = [tuple([getattr(out, codes).code(v) for v in getattr(r.table, codes).values]
                     for codes in ("indicators", "entities", "levels", "periods", "files"))
               for r in rows]
    at = [0] * len(rows)  # the next kept row of each table: they come in order of place
    for _, _place, j, n in order:
        if j < 0:
            t, k = rows[n].table, at[n]
            at[n] += 1
            r_ind, r_ent, r_lev, r_per, r_file = recoded[n]
            indicator.append(r_ind[t.indicator[k]])
            entity.append(r_ent[t.entity[k]])
            level.append(r_lev[t.level[k]])
            period.append(r_per[t.period[k]])
            files.append(r_file[t.file[k]])
            nums.append(t.numerator[k])
            dens.append(t.denominator[k])
            row.append(t.row[k])
            value.append(t.value[k])
            precision.append(t.precision[k])
            reported.append(t.reported_on[k])
            source.append(t.source[k])
            note.append(t.note[k])
            bucket.append(-1)
            weights.append(1)
            continue
        key = b.key[j]
        span = (b.start[j], b.end[j])
        p = periods.get(span)
        if p is None:
            p = periods[span] = out.periods.code(Period.between(date.fromordinal(span[0]),
                                                                date.fromordinal(span[1])))
        ind = partial.indicator[key]
        indicator.append(ind_code[ind])
        entity.append(ent_code[partial.entity[key]])
        level.append(unstated)
        period.append(p)
        files.append(file)
        nums.append(b.numerator[j])
        dens.append(b.denominator[j])
        row.append(b.row[j])
        value.append(b.value[j])
        precision.append(None)  # a bucket's value is a percentage alone, or a count's
        reported.append(b.reported_on[j])
        source.append(b.source[j])
        note.append(None)
        bucket.append(j)
        weights.append(1 if snapshot[ind] else b.figures[j])
    out.numerator, out.denominator = _counts(nums), _counts(dens)
    out.row = _counts(row)
    return out, bucket, weights


# -- in one call ----------------------------------------------------------------------------


def evaluate_in_chunks(path: str | os.PathLike[str], n: int, *, as_of: date,
                       entities: Iterable[Entity] = (), registry: Registry | None = None,
                       mapper: Callable[..., Iterable[Any]] = map,
                       progress_methods: Sequence[str] | None = None,
                       strict: bool | None = None, issues: Iterable[DataIssue] = (),
                       max_issues: int | None = DEFAULT_MAX_ISSUES) -> Evaluated:
    """Cut ``path`` into ``n`` chunks; read, validate and combine each with ``mapper`` (e.g.
    ``ProcessPoolExecutor(2).map``; then leave ``registry`` None, each worker loading the
    installed plugins); merge the partials here as they come and evaluate once
    (:func:`finish`).

    ``mapper`` must give the results in the order of the chunks, as ``map``, an executor's
    ``map`` and ``dask.compute`` do: a chunk whose range ended inside a quoted field is read
    again here with the next one (as :meth:`plan_rules.chunks.Partial.to_read_result`
    does), whose own partial is then left out. Partials are merged as they arrive, so this
    process holds one merged partial and the few not yet merged, whatever the number of
    chunks.
    """
    known = tuple(entities)
    plan = plan_chunks(path, n)
    work = bind(combine_chunk, as_of=as_of, entities=known, registry=registry)
    merged: PartialAggregate | None = None
    open_range: Chunk | None = None
    pending: PartialAggregate | None = None
    for chunk, part in zip(plan, mapper(work, plan), strict=True):
        if pending is not None and open_range is not None:
            # The previous range ended inside a quoted field: it and this one, as one.
            joined = attrs.evolve(open_range, end=chunk.end)
            reg = registry if registry is not None else load_registry()
            part = attrs.evolve(_aggregate(read_range(joined, reg), joined, as_of, known, reg),
                                chunks_merged=pending.chunks_merged | part.chunks_merged)
            chunk, pending = joined, None
        if part.open_ends:
            pending, open_range = part, chunk
            continue
        merged = part if merged is None else merge(merged, part)
    if pending is not None:  # pragma: no cover - the last chunk asks to be read whole instead
        merged = pending if merged is None else merge(merged, pending)
    assert merged is not None  # a file is one chunk at least
    return finish(merged, registry=registry, entities=known,
                  strict=strict, progress_methods=progress_methods, mapper=mapper,
                  issues=issues, max_issues=max_issues)
