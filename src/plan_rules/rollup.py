"""A unit's figure rolled up from its descendants, where it gave none of its own.

Each unit that gave a figure is combined first by the indicator's own rule over periods (a
flow adds up, a stock or milestone is the latest snapshot); the descendants' figures are
then rolled into the ancestor's by the indicator's kind:

- a rate: the ratio of the summed counts (every descendant must give counts: percentages
  cannot be pooled, and the descendants then stand as they are, for the target to say so);
- a count: the sum (a stock: each unit's latest, then summed);
- a milestone: done only when every descendant that reported is done (all-done).

Which descendant a figure belongs to follows the entity tree as of the figure's dates
(:meth:`~plan_rules.territory.Tree.ancestor_among`), so a unit that changed parent on 1 July
2025 counts under its first parent before that day and under its new one after it. A figure
whose unit lies under none of the units rolled up is not used by them.

A rolled-up figure has a coverage of its own (:func:`below`): the units under its scope unit
at the levels its figures are given at, valid during the window (for a stock, still there at
its end), which of them the figure came from and which sent nothing. A unit counts as covered
when it, a unit above it (a district reporting for its communes before 1 July 2025) or a unit
below it gave a figure that went into the roll-up.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from fractions import Fraction
from typing import cast

import attrs

from .combine import Combined
from .figures import FigureTable
from .model import Entity, Indicator, Kind
from .periods import Period
from .territory import Tree

__all__ = ["Below", "all_done", "below", "flattened", "groups", "roll_up"]


def groups(table: FigureTable, tree: Tree, heads: frozenset[str],
           others: Mapping[str, Sequence[int]]) -> dict[str, dict[str, Sequence[int]]]:
    """The figures of ``others`` (positions by unit, in period order) under each of
    ``heads``: by head, then by unit. A unit whose place never changes keeps its positions
    as they are (a series prefix stays one)."""
    out: dict[str, dict[str, Sequence[int]]] = {}
    periods, period = table.periods.values, table.period
    # A national file asks this of four thousand units at every point of every province-wide
    # target's history: the head of a unit whose place never changes is looked up once.
    settled = tree.settled_heads(heads)
    for unit in sorted(others):
        positions = others[unit]
        if not positions:
            continue
        if unit in settled:
            head = settled[unit]
            if head is not None:
                out.setdefault(head, {})[unit] = positions
            continue
        if tree.stable(unit):
            head = settled[unit] = tree.ancestor_among(unit, heads,
                                                       periods[period[positions[0]]])
            if head is not None:
                out.setdefault(head, {})[unit] = positions
            continue
        split: dict[str, list[int]] = {}
        for i in positions:
            head = tree.ancestor_among(unit, heads, periods[period[i]])
            if head is not None:
                split.setdefault(head, []).append(i)
        for head, kept in split.items():
            out.setdefault(head, {})[unit] = kept
    return out


def all_done(values: Iterable[Fraction | None]) -> Fraction | None:
    """A milestone over several units: done (1) when every one that reported is done, else
    not done (0); None when none reported."""
    given = [v for v in values if v is not None]
    if not given:
        return None
    return Fraction(1) if all(v == 1 for v in given) else Fraction(0)


def roll_up(table: FigureTable, indicator: Indicator, entity: Entity,
            parts: Mapping[str, Combined]) -> Combined | None:
    """``entity``'s figure from its descendants' combined figures (``parts``, by unit); None
    for a rate some descendant gave only as a percentage, which cannot be pooled."""
    spans = [(p.end, p.start) for p in table.periods.values]
    order = sorted(range(len(spans)), key=spans.__getitem__)
    rank = [0] * len(spans)
    for k, code in enumerate(order):
        rank[code] = k
    # In period order (then by position), decorated with builtins only: a province of a
    # national file rolls up thousands of figures per target.
    positions = [i for c in parts.values() for i in c.used]
    keys = map(rank.__getitem__, map(table.period.__getitem__, positions))
    used = [i for _, i in sorted(zip(keys, positions, strict=True))]
    history = sorted(i for c in parts.values() for i in c.history)
    if any(c.counts_needed for c in parts.values()):
        return Combined(entity=entity, used=used, history=history, counts_needed=True)
    if indicator.kind is Kind.MILESTONE:
        return Combined(entity=entity, used=used, history=history,
                        value=all_done(c.figure for c in parts.values()))
    if indicator.kind is Kind.RATE:
        if any(c.numerator is None or c.denominator is None for c in parts.values()):
            return None
        return Combined(entity=entity, used=used, history=history,
                        numerator=sum(c.numerator or 0 for c in parts.values()),
                        denominator=sum(c.denominator or 0 for c in parts.values()))
    values = [c.figure for c in parts.values() if c.figure is not None]
    return Combined(entity=entity, used=used, history=history,
                    value=sum(values, Fraction(0)) if values else None)


def flattened(grouped: Mapping[str, Mapping[str, Sequence[int]]],
              ) -> dict[str, Sequence[int]]:
    """The figures of every head's units as one mapping by unit (a unit split between two
    heads has its positions joined, in period order as they came)."""
    out: dict[str, Sequence[int]] = {}
    for head in sorted(grouped):
        for unit, positions in grouped[head].items():
            if unit in out:
                out[unit] = sorted([*out[unit], *positions])
            else:
                out[unit] = positions
    return out


@attrs.frozen
class Below:
    """The coverage of one rolled-up figure: the units expected under its scope unit
    (``expected``, in code order) and those of them that sent nothing (``silent``)."""

    expected: tuple[Entity, ...]
    silent: tuple[Entity, ...]


def _last(e: Entity) -> date:
    return e.valid_to or date.max


def _chain(tree: Tree, code: str, window: Period) -> tuple[str, ...]:
    """The units above ``code`` as a figure of it for ``window`` is placed."""
    if tree.stable(code):
        return tree.chain(code, date.min)  # one row, no dates: the same every day
    day = tree.place_day(code, window)
    return () if day is None else tree.chain(code, day)


def _level(tree: Tree, code: str, window: Period) -> str | None:
    """The level of ``code``'s row where a figure of it for ``window`` is placed."""
    rows = tree.rows_of(code)
    if len(rows) == 1 and tree.stable(code):
        return rows[0].level
    day = tree.place_day(code, window)
    row = tree.row_on(code, day) if day is not None else None
    return None if row is None else row.level


def _expected(tree: Tree, heads: frozenset[str], wanted: frozenset[str], window: Period,
              snapshot: bool) -> dict[str, list[Entity]]:
    """The units at a level of ``wanted`` valid during ``window`` (for a ``snapshot``, still
    there on its last day), by the nearest of ``heads`` above them; worked out once per
    tree for the province-wide targets that share them."""
    key = (heads, wanted, window, snapshot)
    memo = tree.memo("rollup.expected")
    found = memo.get(key)
    if found is not None:
        return cast("dict[str, list[Entity]]", found)
    expected: dict[str, list[Entity]] = {}
    # Only units that are ever under a head can be expected under it: a province's own
    # plan looks at its own units, not at every unit of a national tree.
    codes = tree.codes() if len(heads) > 8 else sorted(
        frozenset().union(*(tree.ever_within(h) for h in heads)))
    # The head of a unit whose place never changes, as :func:`groups` keeps it: it has
    # usually found them already (rollup.below, 272 questions: 0.16 s -> 0.12 s of CPU).
    settled = tree.settled_heads(heads)
    for code in codes:
        all_rows = tree.rows_of(code)
        rows = [e for e in all_rows if e.level in wanted and e.valid_during(window)]
        if not rows:
            continue
        if snapshot and _last(all_rows[-1]) < window.end:
            continue  # gone before the latest snapshot: not part of it
        row = rows[-1]
        if tree.stable(code):
            if code not in settled:
                settled[code] = tree.ancestor_among(code, heads, window)
            head = settled[code]
        else:
            piece = Period.between(max(window.start, row.valid_from or window.start),
                                   min(window.end, _last(row)))
            head = tree.ancestor_among(code, heads, piece)
        if head is not None:
            expected.setdefault(head, []).append(row)
    memo[key] = expected
    return expected


def below(tree: Tree, heads: frozenset[str], reporters: Mapping[str, Sequence[str]],
          window: Period, snapshot: bool) -> dict[str, Below]:
    """For each head in ``reporters`` (the scope units rolled up, each with the units its
    figure came from), the units expected under it and those that sent nothing.

    Expected: the units under the head, at a level some of its reporters' rows give, valid
    on some day of ``window`` (for a ``snapshot``, a stock's latest, still valid on its last
    day), each placed by its row on the last day of the window it was valid at such a level.
    A unit is covered when it reported, when a unit above it below the head reported for it,
    or when a unit below it did.

    Worked out once per tree for each question (heads, reporters, window, snapshot): the
    34 provinces' rolled-up rates ask it 2,040 times at their dates and earlier cut-offs,
    272 times distinctly, since a province's indicators are given by the same units. On the
    per-province workload this took 0.19 s of CPU instead of 0.53 s (fresh processes in
    turn, medians of 5, load about 1.7).
    """
    key = (heads, tuple((h, tuple(u)) for h, u in reporters.items()), window, snapshot)
    memo = tree.memo("rollup.below")
    found = memo.get(key)
    if found is not None:
        return cast("dict[str, Below]", found)
    levels = {head: {lv for code in units if (lv := _level(tree, code, window)) is not None}
              for head, units in reporters.items()}
    wanted = frozenset().union(*levels.values())
    expected = _expected(tree, heads, wanted, window, snapshot)
    out = {}
    for head, units in reporters.items():
        given = set(units)
        above: set[str] = set()
        for code in given:
            above.update(_chain(tree, code, window))
        silent = []
        mine = [e for e in expected.get(head, ()) if e.level in levels[head]]
        for e in mine:
            if e.code in given or e.code in above:
                continue
            if given.intersection(_chain(tree, e.code, window)):
                continue
            silent.append(e)
        out[head] = Below(expected=tuple(mine), silent=tuple(silent))
    memo[key] = out
    return out
