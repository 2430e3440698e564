"""Every figure is used or named: the figures fit for evaluation, and an issue for each other.

A figure is refused when its indicator is unknown, when it is not what its indicator's kind
takes (a numerator above its denominator, a rate above 100%, a count that is not whole, a
milestone done without evidence), or when its unit cannot be told. Of figures given more than
once for the same indicator, unit and period the latest report is used (when every one gives
its report date) and the others are named duplicates; the same figure given twice is one
figure; different figures that no report date orders are each named
``conflicting_duplicates`` and none is used: the order of the rows never decides.

The usual figure of a national file, a rate given as counts in order for a known unit, is
recognised from its columns alone; only the others are looked at closely. A table that asks
for pyarrow (``table.engine``) is sorted the same way with masks and sorts; the checks of one
figure (:func:`_admitted`), of its unit (:func:`_unresolved`) and the duplicate rule
(:func:`_duplicates`) are the same functions on both paths.
"""

from __future__ import annotations

from array import array
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date
from fractions import Fraction
from itertools import compress, count, filterfalse, repeat
from operator import add, gt, is_not, mul
from typing import Any, Protocol

import attrs

from . import _arrow
from .dataissues import IssueSink
from .figures import NONE, FigureTable
from .model import Entity, Indicator, Kind
from .numbers import agrees_at_precision, format_percent
from .resolve import Units, Unresolved
from .words import show_value, value_beside_counts

__all__ = ["Valid", "validate"]


@attrs.frozen
class Valid:
    """The figures fit for evaluation: their positions by indicator (in input order, as
    64-bit columns), and the unit of each (None for a figure not used)."""

    usable: Mapping[str, array[int]]
    unit_of: list[Entity | None]
    #: Every figure's position by indicator code, usable or not, in input order.
    given: Mapping[str, array[int]]


#: The pyarrow path keys a figure's indicator, unit and period dates as one signed 64-bit
#: integer: a table with more combinations than that takes the pure path.
_KEY_LIMIT = 1 << 63


class Says(Protocol):
    """Where a check of one figure says what is wrong with it: the run's
    :class:`~plan_rules.dataissues.IssueSink`, or a note of what to say to it later."""

    def issue(self, code: str, index: int | None, vi: str, en: str, *,
              field: str | None = None, text: str | None = None, expected: str | None = None,
              blocking: bool = True, severity: str = "error") -> None: ...


def validate(table: FigureTable, indicators: Mapping[str, Indicator], units: Units,
             sink: IssueSink) -> Valid:
    """Sort the figures of ``table`` into those fit for evaluation and those ``sink`` names.

    A table whose ``engine`` is ``"pyarrow"`` is sorted with pyarrow when it can be (see
    :mod:`plan_rules._arrow`), with the same result: the same :class:`Valid`, the same
    issues in the same order.
    """
    by_code = [indicators.get(code) for code in table.indicators.values]
    span_of, n_span = _spans(table)
    n_ent = len(table.entities)
    columns = _arrow.columns_of(table) if len(table) else None
    if columns is not None and len(by_code) * n_ent * n_span < _KEY_LIMIT:
        valid = _validate_columns(columns, by_code, span_of, units, sink)
        columns.release()  # once the arrays it made are gone
        return valid
    return _validate_lists(table, by_code, span_of, n_span, units, sink)


def _validate_lists(table: FigureTable, by_code: list[Indicator | None], span_of: list[int],
                    n_span: int, units: Units, sink: IssueSink) -> Valid:
    """:func:`validate` in pure Python, a column at a time: the positions of the usual
    figure's exceptions, the unit of each (unit, level) pair, the duplicate keys, each
    worked out by one pass of the interpreter's own loops (``map``, ``compress``, ``set``)
    over a column; only the few other figures, each unit that cannot be told and each
    duplicate are looked at one by one, by the same functions as the pyarrow path and in
    input order.

    On the per-province benchmark's figures (1.3 M, 2,448 with a value, no issue) this took
    0.89 s where a loop over the rows took 1.21 s (one process, the two in turn, medians of
    4; load average 1.2-1.3 on the 2 shared cores).
    """
    names, levels = table.entities.values, table.levels.values
    n, n_ent, n_lev = len(table), len(names), max(len(levels), 1)
    given = _positions_by(table.indicator, len(by_code))
    kept: dict[int, _Kept] = {}
    refused: set[int] = set()
    for i in _unusual(table, by_code, given):
        note = _Kept()
        if not _admitted(table, i, by_code[table.indicator[i]], note):
            refused.add(i)
        if note.said:
            kept[i] = note
    # Each (unit, level) pair resolved once, in the order of its first admitted figure, as a
    # loop over the rows meets them (a unit met only in the data joins the units then).
    pair = list(map(add, map(mul, table.entity, repeat(n_lev)), table.level))
    admitted = pair if not refused else [p for i, p in enumerate(pair) if i not in refused]
    found = {p: units.resolve(names[p // n_lev], levels[p % n_lev])
             for p in dict.fromkeys(admitted)}
    unit_by_pair = {p: f for p, f in found.items() if isinstance(f, Entity)}
    unit_of: list[Entity | None] = list(map(unit_by_pair.get, pair))
    for i in refused:
        unit_of[i] = None
    unresolved: dict[int, Unresolved] = {}
    if len(unit_by_pair) < len(found):
        unknown = found.keys() - unit_by_pair.keys()
        for i in compress(count(), map(unknown.__contains__, pair)):
            if i not in refused:
                why = found[pair[i]]
                assert isinstance(why, Unresolved)
                unresolved[i] = why
    # Duplicates: the same indicator, unit and period dates among the figures taken. A
    # figure not taken gets a key of its own (below zero, where no real key lies).
    spans = table.period if span_of == list(range(len(span_of))) \
        else map(span_of.__getitem__, table.period)
    key = list(map(add, map(mul, map(add, map(mul, table.indicator, repeat(n_ent)),
                                          table.entity), repeat(n_span)), spans))
    for j, i in enumerate(refused | unresolved.keys()):
        key[i] = -1 - j
    doubled: list[int] = []
    if len(set(key)) < n:
        times = Counter(key)
        doubled = list(compress(count(), map(gt, map(times.__getitem__, key), repeat(1))))
    latest, duplicates = _in_order(sink, kept, unresolved, doubled, key.__getitem__)
    _decide(table, by_code, latest, duplicates, sink)
    # The usable figures: those taken, less the duplicates not kept and what is blocked.
    out = refused | unresolved.keys() | set(doubled).difference(latest.values()) | sink.blocked
    codes = table.indicators.values
    parts = []
    for code, positions in zip(codes, given, strict=True):
        part = array("q", filterfalse(out.__contains__, positions)) if out \
            else array("q", positions)
        if part:
            parts.append((part[0], code, part))
    # By indicator in the order of its first usable figure.
    usable = {code: part for _, code, part in sorted(parts)}
    return Valid(usable=usable, unit_of=unit_of, given=dict(zip(codes, given, strict=True)))


def _positions_by(codes: Sequence[int], n: int) -> list[array[int]]:
    """The positions of each code ``0 .. n - 1`` in ``codes``, in order."""
    out = [array("q") for _ in range(n)]
    append = [part.append for part in out]
    for i, code in enumerate(codes):
        append[code](i)
    return out


def _unusual(table: FigureTable, by_code: list[Indicator | None],
             given: list[array[int]]) -> list[int]:
    """The positions, in input order, of every figure but the usual one of a national file
    (a rate given as counts in order, without a value): the figures of an indicator that is
    unknown or not a rate, and those with a value, a count missing or counts out of order.

    A numerator below zero is taken as missing (:data:`NONE`; a denominator missing is
    below a numerator that is not): a few figures more may be checked one by one, which
    says the same of them, and two passes over the columns do where three did."""
    num, den, value = table.numerator, table.denominator, table.value
    out: set[int] = set(compress(count(), map(gt, num, den)))
    out.update(compress(count(), map(gt, repeat(0), num)))
    if value.count(None) != len(value):
        out.update(compress(count(), map(is_not, value, repeat(None))))
    for ind, positions in zip(by_code, given, strict=True):
        if ind is None or ind.kind is not Kind.RATE:
            out.update(positions)
    return sorted(out)


def _in_order(sink: IssueSink, kept: Mapping[int, _Kept], unresolved: Mapping[int, Unresolved],
              doubled: Iterable[int], key_of: Callable[[int], int],
              ) -> tuple[dict[int, int], dict[int, list[int]]]:
    """Say what was found of the figures with something to say, in input order, as a loop
    over the rows would: what the checks of a figure said (``kept``), that its unit cannot be
    told (``unresolved``); and gather the figures of each key given more than once
    (``doubled``) into groups for :func:`_decide`. Returns the first figure of each
    duplicated key and the groups, in the order they were found."""
    latest: dict[int, int] = {}
    duplicates: dict[int, list[int]] = {}
    twice = set(doubled)
    for i in sorted(kept.keys() | unresolved.keys() | twice):
        said = kept.get(i)
        if said is not None:
            said.say(sink)
        why = unresolved.get(i)
        if why is not None:
            _unresolved(sink, i, why)
        elif i in twice:
            k = key_of(i)
            # The first figure of a key stands until its group is decided; the others join it.
            first = latest.setdefault(k, i)
            if first != i:
                duplicates.setdefault(k, [first]).append(i)
    return latest, duplicates


class _Kept:
    """What the checks said of one figure, kept to be said to the sink in its turn: the
    columnar path checks the unusual figures first and says what it found in input order."""

    __slots__ = ("said",)

    def __init__(self) -> None:
        self.said: list[tuple[tuple[Any, ...], dict[str, Any]]] = []

    def issue(self, *args: Any, **kwargs: Any) -> None:
        self.said.append((args, kwargs))

    def say(self, sink: IssueSink) -> None:
        for args, kwargs in self.said:
            sink.issue(*args, **kwargs)


def _validate_columns(cols: _arrow.Columns, by_code: list[Indicator | None],
                      span_of: list[int], units: Units, sink: IssueSink) -> Valid:
    """:func:`validate` on pyarrow: the usual figure (a known rate indicator, counts in
    order, no value) is recognised by masks, each (unit, level) pair resolved once, and
    duplicates found by one sort; every other figure, each unit that cannot be told and
    each duplicate goes through the pure path's own functions, in input order.

    On the national benchmark file (1.3 M figures, 2,448 with a value, no issue) this took
    0.45 s where the pure loop took 1.25 s (a fresh process per run, the engines in turn,
    medians of 3; load average 1.9–2.2 on the 2 shared cores).
    """
    table, pa, pc, n = cols.table, cols.pa, cols.pc, cols.n
    names, levels = table.entities.values, table.levels.values
    int64 = pa.int64()
    # The usual figure: the pure loop's own test, as masks.
    usual = pc.and_(pc.take(pa.array([ind is not None and ind.kind is Kind.RATE
                                      for ind in by_code], pa.bool_()), cols.indicator),
                    pc.and_(pc.and_(pc.not_equal(cols.numerator, NONE),
                                    pc.not_equal(cols.denominator, NONE)),
                            pc.less_equal(cols.numerator, cols.denominator)))
    if table.value.count(None) != n:
        # The positions of the few values, found at C speed (a Fraction of 0 is false).
        given_value = compress(count(), map(is_not, table.value, repeat(None)))
        usual = pc.and_(usual, pc.invert(cols.marks(list(given_value))))
    # Every other figure is checked by the pure path's function; what it says waits its turn.
    unusual = pc.invert(usual)
    rare = cols.ints(pc.indices_nonzero(unusual)).tolist()
    kept: dict[int, _Kept] = {}
    admitted: list[bool] = []
    for i in rare:
        note = _Kept()
        admitted.append(_admitted(table, i, by_code[table.indicator[i]], note))
        if note.said:
            kept[i] = note
    valid = pc.replace_with_mask(usual, unusual, pa.array(admitted, pa.bool_())) \
        if rare else usual
    # Each (unit, level) pair resolved once, in the order of its first valid figure, as the
    # pure loop meets them (a unit met only in the data joins the units then).
    n_lev = max(len(levels), 1)
    pair = cols.pair_codes()
    at = pc.indices_nonzero(valid)
    firsts = pa.table({"pair": pc.filter(pair, valid), "at": at}).group_by(
        "pair", use_threads=False).aggregate([("at", "min")]).sort_by("at_min")
    pairs = firsts.column("pair").to_pylist()
    found = [units.resolve(names[p // n_lev], levels[p % n_lev]) for p in pairs]
    known = [isinstance(f, Entity) for f in found]
    pair_at = pc.index_in(pair, value_set=pa.array(pairs, int64))
    resolved = pc.fill_null(pc.and_(valid, pc.take(pa.array(known, pa.bool_()), pair_at)),
                            False)
    unresolved = cols.ints(pc.indices_nonzero(pc.and_(valid, pc.invert(resolved)))).tolist()
    # Duplicates: the same indicator, unit and period dates; one sort of the taken figures
    # puts each group's figures side by side.
    n_ent, n_span = len(names), max(span_of, default=0) + 1
    key = pc.add(pc.multiply(pc.add(pc.multiply(pc.cast(cols.indicator, int64), n_ent),
                                    cols.entity), n_span),
                 pc.take(pa.array(span_of, int64), cols.period))
    taken_at = pc.indices_nonzero(resolved)
    keys = pc.filter(key, resolved)
    twice: list[int] = []
    if len(keys) > 1:
        order = pc.sort_indices(keys)
        ordered = pc.take(keys, order)
        same = pc.equal(ordered.slice(1), ordered.slice(0, len(ordered) - 1))
        if pc.any(same).as_py():
            false = pa.array([False])
            member = pc.or_(pa.concat_arrays([false, same]), pa.concat_arrays([same, false]))
            twice = sorted(cols.ints(pc.take(taken_at, pc.filter(order, member))).tolist())
    # The figures with something to say, in input order, through the pure path's rules.
    found_of = dict(zip(pairs, found, strict=True))
    no_unit: dict[int, Unresolved] = {}
    for i in unresolved:
        why = found_of[table.entity[i] * n_lev + table.level[i]]
        assert isinstance(why, Unresolved)
        no_unit[i] = why
    doubled = set(twice)

    def key_of(i: int) -> int:
        return (table.indicator[i] * n_ent + table.entity[i]) * n_span \
            + span_of[table.period[i]]

    latest, duplicates = _in_order(sink, kept, no_unit, doubled, key_of)
    _decide(table, by_code, latest, duplicates, sink)
    # The unit of each figure taken.
    units_by_pair: list[Entity | None] = [f if isinstance(f, Entity) else None
                                          for f in found] + [None]
    codes = pc.fill_null(pc.if_else(resolved, pair_at, len(pairs)), len(pairs))
    unit_of = list(map(units_by_pair.__getitem__, cols.ints(codes, "i")))
    # The usable figures: those taken, less the duplicates not kept and what is blocked.
    dropped = doubled.difference(latest.values())
    if dropped or sink.blocked:
        use = pc.and_(resolved, pc.invert(cols.marks([*dropped, *sink.blocked])))
    else:
        use = resolved
    # One stable sort by indicator gives every figure's position by indicator, in input
    # order, and the usable ones among them.
    by_indicator = pc.sort_indices(cols.indicator)
    positions = cols.ints(by_indicator)
    usable_mask = pc.take(use, by_indicator)
    usable_positions = cols.ints(pc.filter(by_indicator, usable_mask))
    codes_sorted = pc.take(cols.indicator, by_indicator)
    count_all = _counts(pc, codes_sorted, len(by_code))
    count_usable = _counts(pc, pc.filter(codes_sorted, usable_mask), len(by_code))
    given: dict[str, array[int]] = {}
    firsts_usable: list[tuple[int, str, array[int]]] = []
    start = start_u = 0
    for c, code in enumerate(table.indicators.values):
        given[code] = positions[start:start + count_all[c]]
        start += count_all[c]
        if count_usable[c]:
            part = usable_positions[start_u:start_u + count_usable[c]]
            firsts_usable.append((part[0], code, part))
            start_u += count_usable[c]
    # By indicator in the order of its first usable figure, as the pure path fills them.
    usable = {code: part for _, code, part in sorted(firsts_usable)}
    return Valid(usable=usable, unit_of=unit_of, given=given)


def _counts(pc: Any, codes: Any, n: int) -> list[int]:
    """How many of ``codes`` (an Arrow integer array) are each of ``0 .. n - 1``."""
    out = [0] * n
    for item in pc.value_counts(codes).to_pylist():
        out[item["values"]] = item["counts"]
    return out


def _spans(table: FigureTable) -> tuple[list[int], int]:
    """The start and end of each distinct period, numbered: a duplicate is the same dates,
    whatever the label they were written with. The number of each period's, and how many."""
    spans: dict[tuple[date, date], int] = {}
    span_of = [spans.setdefault((p.start, p.end), len(spans)) for p in table.periods.values]
    return span_of, max(len(spans), 1)


def _admitted(table: FigureTable, i: int, ind: Indicator | None, sink: Says) -> bool:
    """Whether the figure at ``i`` is one its indicator ``ind`` (None: unknown) takes; if
    not, ``sink`` names it. Both paths ask this of every figure but the usual one."""
    if ind is None:
        code = table.indicators.values[table.indicator[i]]
        sink.issue("unknown_indicator", i,
                   f"chỉ tiêu '{code}' không có trong các plugin đã nạp",
                   f"indicator '{code}' is not contributed by any loaded plugin",
                   field="indicator", text=code,
                   expected="an indicator code from `plan-rules indicators`")
        return False
    return _valid_for_kind(table, i, ind, sink)


def _unresolved(sink: Says, i: int, found: Unresolved) -> None:
    """Name the figure at ``i``, whose unit cannot be told."""
    sink.issue(found.code, i, found.vi, found.en, field=found.field, text=found.text,
               expected=found.expected)


def _duplicates(table: FigureTable, group: list[int], kind: Kind, sink: Says) -> int:
    """Which of ``group``, figures of one indicator, unit and period, is the one: the latest
    report when every row gives its date; of the rest (all, when a date is missing) one
    figure when they agree, and none when they do not (each named with the others: which
    came first in the file must not decide). Returns the position kept (blocked, when none
    is used)."""
    dates = [d for d in (table.reported_on[i] for i in group) if d is not None]
    last = max(dates) if len(dates) == len(group) else None
    latest = [i for i in group if last is None or table.reported_on[i] == last]
    # Among the same figures, which row is kept is decided by what the rows say (the latest
    # report date first), and by position only between rows that say the same.
    keep = max(latest, key=lambda i: _said(table, i))
    o_ind = table.indicators.values[table.indicator[keep]]
    o_ent = table.entities.values[table.entity[keep]]
    period = table.period_of(keep)
    conflict = len({_figure(table, i) for i in latest}) > 1
    latest_set = set(latest)  # a million copies of one row are one group
    if conflict:
        # Each figure once, in order of figure, with its rows by file and row: whichever
        # came first in the input, the words are the same.
        rows: dict[tuple[int, int, Fraction], list[int]] = {}
        for i in sorted(latest, key=lambda i: _where_key(table, i)):
            num, den, value = _figure(table, i)
            rows.setdefault((num, den, Fraction(-1) if value is None else value), []).append(i)
        given = {lang: ", ".join(
            f"{_shown(table, idxs[0], kind, lang)} ({', '.join(map(table.where, idxs))})"
            for _, idxs in sorted(rows.items())) for lang in ("vi", "en")}
        for i in latest:
            sink.issue("conflicting_duplicates", i,
                       f"số liệu {o_ind}/{o_ent}/{period} được báo cáo khác nhau: "
                       f"{given['vi']}; không có ngày báo cáo sau hơn nên không dùng dòng nào",
                       f"figures for {o_ind}/{o_ent}/{period} disagree: {given['en']}; "
                       "no later report date tells which stands, so none is used",
                       field="period", text=str(period),
                       expected="one figure per indicator, entity and period, or report "
                                "dates that tell which is later")
    for i in group:
        if i == keep or (conflict and i in latest_set):
            continue
        later = i not in latest_set
        sink.issue("duplicate", i,
                   f"trùng số liệu {o_ind}/{o_ent}/{period}; dùng "
                   f"{'dòng báo cáo sau' if later else 'dòng cùng số liệu'} "
                   f"({table.where(keep)})",
                   f"duplicate figure for {o_ind}/{o_ent}/{period}; "
                   f"{'the later report' if later else 'the same figure'} "
                   f"({table.where(keep)}) is used",
                   field="period", text=str(period),
                   expected="one figure per indicator, entity and period")
    return keep


def _decide(table: FigureTable, by_code: list[Indicator | None], latest: dict[int, int],
            duplicates: Mapping[int, list[int]], sink: Says) -> None:
    """Decide each group of figures given more than once (``duplicates``, by key, in the
    order the groups were found): ``latest`` then holds the figure kept for each key."""
    for key, group in duplicates.items():
        ind = by_code[table.indicator[group[0]]]
        assert ind is not None  # a figure of an unknown indicator is never a duplicate
        latest[key] = _duplicates(table, group, ind.kind, sink)


def _said(table: FigureTable, i: int) -> tuple[date, str, str, str, str, str, int]:
    level = table.levels.values[table.level[i]]
    return (table.reported_on[i] or date.min, table.files.values[table.file[i]] or "",
            table.period_of(i).label, level or "", table.source[i] or "", table.note[i] or "",
            i)


def _where_key(table: FigureTable, i: int) -> tuple[str, int, int]:
    file, row = table.source_of(i)
    return file or "", -1 if row is None else row, i


def _figure(table: FigureTable, i: int) -> tuple[int, int, Fraction | None]:
    return table.numerator[i], table.denominator[i], table.value[i]


def _shown(table: FigureTable, i: int, kind: Kind, lang: str) -> str:
    num, den = table.numerator[i], table.denominator[i]
    return f"{num}/{den}" if num != NONE else show_value(table.value[i], kind, lang)


def _valid_for_kind(table: FigureTable, i: int, ind: Indicator, sink: Says) -> bool:
    num, den, value = table.numerator[i], table.denominator[i], table.value[i]
    if ind.kind is Kind.RATE:
        if num != NONE and den != NONE:
            if num > den:
                sink.issue("numerator_exceeds_denominator", i,
                           f"tử số {num} lớn hơn mẫu số {den}",
                           f"numerator {num} is greater than denominator {den}",
                           field="numerator", text=str(num),
                           expected=f"a whole number from 0 to {den}")
                return False
            if value is not None and den and not agrees_at_precision(
                    value, table.precision[i], Fraction(num, den)):
                both = value_beside_counts(value, table.precision[i], num, den)
                sink.issue("value_disagrees_with_counts", i,
                           f"giá trị {both.vi} không khớp với tử số/mẫu số; dùng tử số/mẫu số",
                           f"the value {both.en} disagrees with numerator/denominator; the "
                           "counts are used",
                           field="value", blocking=False, severity="warning")
        elif value is not None and value > 1:
            sink.issue("rate_above_one", i,
                       f"tỷ lệ {format_percent(value, lang='vi')} vượt 100%",
                       f"rate {format_percent(value)} is above 100%", field="value",
                       expected="a percentage from 0% to 100%")
            return False
        return True
    if num != NONE:
        sink.issue("unexpected_counts", i,
                   f"chỉ tiêu {ind.code} là {ind.kind.value}: chỉ nhập cột giá trị",
                   f"indicator {ind.code} is a {ind.kind.value}: give a value, not "
                   "numerator/denominator", field="numerator", expected="blank")
        return False
    assert value is not None
    if ind.kind is Kind.COUNT and value.denominator != 1:
        sink.issue("count_not_whole", i, f"số lượng phải là số nguyên, nhận {value}",
                   f"a count must be a whole number, got {value}", field="value",
                   text=str(value), expected="a whole number")
        return False
    if ind.kind is Kind.MILESTONE:
        if value not in (0, 1):
            sink.issue("milestone_value", i,
                       "mốc công việc nhận 'hoàn thành' (1) hoặc 'chưa' (0)",
                       "a milestone is 'done' (1) or 'not done' (0)", field="value",
                       text=str(value), expected="done / not done")
            return False
        source = table.source[i]
        if value == 1 and not (source and source.strip()):
            sink.issue("milestone_without_evidence", i,
                       "mốc công việc báo 'hoàn thành' nhưng không có căn cứ (số văn bản, "
                       "ngày hoặc đường dẫn) ở cột nguồn",
                       "a milestone reported done has no evidence (document number, date or "
                       "link) in the source column", field="source",
                       expected="evidence: a document number, a date or a link")
            return False
    return True
