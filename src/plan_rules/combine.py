"""One unit's figure for a window from the figures of its periods.

A flow adds up over periods that do not overlap (where two overlap, the longer stands and the
other is named); a stock, or a milestone, is the latest snapshot (the latest period end, then
the longest period, then the latest report, then the last row). A rate given only as a
percentage cannot be added: one period's percentage stands for the window, but several
periods of a flow need their counts (``counts_needed``, naming the rows), never the latest.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from fractions import Fraction

import attrs

from .dataissues import IssueSink
from .figures import NONE, FigureTable
from .model import Entity, Indicator, Kind
from .window import Prefix, Series, disjoint

__all__ = ["Combined", "combine", "combine_units", "prefix_counts"]


@attrs.define
class Combined:
    """One unit's figure for a target after its periods are combined: counts, or an exact
    value, with the positions used (in period order) and those considered and set aside
    (older snapshots)."""

    entity: Entity
    # A series prefix, a tuple or a list: equal when they hold the same positions.
    used: Sequence[int] = attrs.field(eq=tuple)
    history: Sequence[int] = attrs.field(default=(), eq=tuple)
    numerator: int | None = None
    denominator: int | None = None
    value: Fraction | None = None
    #: A flow over several periods, some given only as percentages: no figure can be
    #: formed without their counts, and the unit's figure is invalid.
    counts_needed: bool = False

    @property
    def figure(self) -> Fraction | None:
        if self.numerator is not None and self.denominator is not None:
            return Fraction(self.numerator, self.denominator) if self.denominator else None
        return self.value


def combine_units(table: FigureTable, indicator: Indicator,
                  chosen: Mapping[str, Sequence[int]], unit_of: Sequence[Entity | None],
                  sink: IssueSink | None) -> dict[str, Combined]:
    """Each unit's figure from its figures chosen (positions by unit code, each unit's in
    order of period end), the units in code order.

    ``unit_of`` gives the unit of a position that is not a series prefix.
    """
    out: dict[str, Combined] = {}
    snapshot = indicator.snapshot
    for code in sorted(chosen):
        positions = chosen[code]
        if isinstance(positions, Prefix):
            usual = _usual(table, snapshot, positions)
            out[code] = usual if usual is not None else combine(
                table, indicator, positions.series.entity, positions, sink)
        else:
            entity = unit_of[positions[0]]
            assert entity is not None
            out[code] = combine(table, indicator, entity, positions, sink)
    return out


def combine(table: FigureTable, indicator: Indicator, entity: Entity,
            positions: Sequence[int], sink: IssueSink | None) -> Combined:
    """``entity``'s figure from its figures at ``positions`` (in order of period end).

    ``sink`` hears of overlapping periods; None when the figure is one of a target's earlier
    points, whose data was already spoken of as of the run's date.
    """
    if isinstance(positions, Prefix):
        usual = _usual(table, indicator.snapshot, positions)
        if usual is not None:
            return usual
    if indicator.snapshot:
        return _latest(table, entity, list(positions))
    kept = _without_overlaps(table, positions, sink)
    nums, dens = table.numerator, table.denominator
    if all(nums[i] != NONE for i in kept):
        return Combined(entity=entity, used=kept, numerator=sum(nums[i] for i in kept),
                        denominator=sum(dens[i] for i in kept))
    if indicator.kind is Kind.COUNT:
        values = table.value
        return Combined(entity=entity, used=kept,
                        value=sum((values[i] or Fraction(0) for i in kept), Fraction(0)))
    if len(kept) == 1:
        # One period's percentage stands for the window.
        return _snapshot(table, entity, kept[0], [])
    # Percentages of several periods cannot be added, and the latest is not the window's.
    _say_counts_needed(table, [i for i in kept if nums[i] == NONE], sink)
    return Combined(entity=entity, used=kept, counts_needed=True)


def _say_counts_needed(table: FigureTable, percentages: list[int],
                       sink: IssueSink | None) -> None:
    """Name each row of a flow that gives only a percentage beside the unit's other periods."""
    if sink is None:
        return
    rows = ", ".join(f"{table.period_of(i)} ({table.where(i)})" for i in percentages)
    for i in percentages:
        sink.issue("counts_needed", i,
                   f"chỉ tiêu cộng dồn qua nhiều kỳ cần tử số và mẫu số; các kỳ chỉ có tỷ lệ "
                   f"phần trăm: {rows}",
                   f"a flow over several periods adds up counts, not percentages; these "
                   f"periods give only a percentage: {rows}",
                   field="numerator", blocking=False, expected="numerator and denominator")


def prefix_counts(table: FigureTable, snapshot: bool, prefix: Prefix) -> tuple[int, int] | None:
    """A unit's counts over a series prefix in constant time, as :func:`combine` makes them
    in the usual cases: the latest figure of a snapshot (``snapshot``: of a stock or a
    milestone) that ends alone and gives counts; the sums of a flow of periods that follow
    one another, all with counts. None otherwise."""
    series, n = prefix.series, prefix.n
    if snapshot:
        if not _ends_alone(series, n):
            return None
        latest = series.positions[n - 1]
        num = table.numerator[latest]
        return None if num == NONE else (num, table.denominator[latest])
    return series.counts(table, n)


def _ends_alone(series: Series, n: int) -> bool:
    """Whether the last of the first ``n`` figures of ``series`` is the only one to end last."""
    return n == 1 or series.ends[n - 2] != series.ends[n - 1]


def _usual(table: FigureTable, snapshot: bool, prefix: Prefix) -> Combined | None:
    """The figure of a series prefix in constant time, in the usual cases: a snapshot (of
    ``snapshot``'s indicator) whose latest figure ends alone, a flow of periods that follow
    one another, all with counts. None otherwise."""
    series, n = prefix.series, prefix.n
    if snapshot:
        if _ends_alone(series, n):
            return _snapshot(table, series.entity, series.positions[n - 1],
                             Prefix(series, n - 1))
        return None
    counts = series.counts(table, n)
    if counts is None:
        return None
    # A series is in order of period end, and periods that follow one another are in period
    # order too.
    return Combined(entity=series.entity, used=prefix, numerator=counts[0],
                    denominator=counts[1])


def _end(table: FigureTable, i: int) -> date:
    return table.period_of(i).end


def _latest(table: FigureTable, entity: Entity, idxs: list[int]) -> Combined:
    """The latest snapshot of ``idxs``, which are in order of period end."""
    if len(idxs) == 1:
        latest = idxs[0]
    else:
        # The figures ending last are at the end: usually exactly one.
        end = _end(table, idxs[-1])
        k = len(idxs) - 1
        while k and _end(table, idxs[k - 1]) == end:
            k -= 1
        latest = idxs[-1] if k == len(idxs) - 1 else max(idxs[k:],
                                                          key=lambda i: _latest_key(table, i))
    return _snapshot(table, entity, latest, [i for i in idxs if i != latest])


def _snapshot(table: FigureTable, entity: Entity, latest: int,
              older: Sequence[int]) -> Combined:
    """The figure at ``latest`` standing for the window, the ``older`` ones set aside."""
    num, den = table.numerator[latest], table.denominator[latest]
    return Combined(entity=entity, used=(latest,), numerator=None if num == NONE else num,
                    denominator=None if den == NONE else den, value=table.value[latest],
                    history=older)


def _latest_key(table: FigureTable, i: int) -> tuple[date, int, date, int]:
    p = table.period_of(i)
    return (p.end, p.days, table.reported_on[i] or date.min, i)


def _without_overlaps(table: FigureTable, idxs: Sequence[int],
                      sink: IssueSink | None) -> list[int]:
    """Flow figures add up only over periods that do not overlap; the longest win."""
    period_of = table.period_of
    # The usual case first: periods that follow one another (months of a year) share no day,
    # so every figure is kept and nothing is said; only a clash needs the search below.
    if disjoint(map(period_of, idxs)):
        return _in_period_order(table, idxs)
    kept: list[int] = []
    for i in sorted(idxs, key=lambda j: (-period_of(j).days, period_of(j).start, j)):
        p = period_of(i)
        cover = next((k for k in kept if period_of(k).covers(p)), None)
        if cover is not None:
            if sink is not None:
                sink.issue("covered_period", i,
                           f"kỳ {p} nằm trong kỳ {period_of(cover)} đã báo cáo "
                           f"({table.where(cover)}); không cộng hai lần",
                           f"period {p} lies inside period {period_of(cover)} reported at "
                           f"{table.where(cover)}; it is not added twice",
                           field="period", text=str(p), blocking=False, severity="warning")
            continue
        clash = next((k for k in kept if period_of(k).overlaps(p)), None)
        if clash is not None:
            if sink is not None:
                sink.issue("overlapping_periods", i,
                           f"kỳ {p} chồng lấn kỳ {period_of(clash)} ({table.where(clash)})",
                           f"period {p} overlaps period {period_of(clash)} reported at "
                           f"{table.where(clash)}", field="period", text=str(p),
                           expected="periods that do not overlap", blocking=False)
            continue
        kept.append(i)
    return _in_period_order(table, kept)


def _in_period_order(table: FigureTable, idxs: Sequence[int]) -> list[int]:
    """Positions in order of their periods (start, end), then of position."""
    return sorted(idxs, key=lambda i: (table.period_of(i).key, i))
