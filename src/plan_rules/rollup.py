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
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from fractions import Fraction

from .combine import Combined
from .figures import FigureTable
from .model import Entity, Indicator, Kind
from .territory import Tree

__all__ = ["all_done", "flattened", "groups", "roll_up"]


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
