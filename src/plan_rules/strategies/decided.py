"""Scenarios whose target verdicts are decided: every unit a target needs reports, in its window.

:func:`~plan_rules.strategies.scenarios` draws figures anywhere in a plan's years, for
entities at the levels the targets name: most targets then see no figure of theirs in their
window (``no_data``). :func:`decided_scenarios` builds the figures from the targets instead,
so that a property about verdicts, gaps or messages is tried on targets that are met or not.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date, timedelta
from fractions import Fraction
from typing import Any

from hypothesis import strategies as st

from ..model import Aggregation, Entity, Indicator, Kind, Observation, Target
from ..periods import Period
from ..registry import Registry
from .core import _EVIDENCE, LEVELS, Scenario, _calendar_periods, periods_within

__all__ = ["decided_scenarios"]

#: A scope as a key: level, group and entity.
_Key = tuple[str | None, str | None, str | None]


def _key(target: Target) -> _Key:
    return (target.scope.level, target.scope.group, target.scope.entity)


def _as_of(targets: Sequence[Target]) -> date:
    """The first date on which every target's whole measurement window has passed."""
    return max(t.measurement.end for t in targets)


@st.composite
def _units(draw: st.DrawFn, targets: Sequence[Target],
           max_units: int) -> dict[_Key, list[Entity]]:
    """Units for each scope of ``targets``: one for a scope that a ``reported`` target names
    (its figure is the scope unit's own), one to ``max_units`` otherwise; a scope that names
    only a group is given units at a level no ``reported`` scope names, where there is one,
    so that they do not join that scope."""
    reported = {_key(t) for t in targets if t.aggregation is Aggregation.REPORTED}
    named = sorted({t.scope.level for t in targets if t.scope.level})
    taken = {k[0] for k in reported}
    free = [lv for lv in (*named, *LEVELS) if lv not in taken] or [*named, *LEVELS]
    units: dict[_Key, list[Entity]] = {}
    for n, key in enumerate(sorted({_key(t) for t in targets}, key=repr)):
        level, group, entity = key
        groups = frozenset({group}) if group else frozenset()
        if entity is not None:
            units[key] = [Entity(code=entity, level=level or LEVELS[0], groups=groups)]
            continue
        count = 1 if key in reported else draw(st.integers(1, max_units))
        at = level if level is not None else draw(st.sampled_from(free))
        units[key] = [Entity(code=f"u{n}-{k + 1}", level=at, groups=groups)
                      for k in range(count)]
    return units


def _common(windows: Sequence[Period]) -> Period | None:
    """The days every window shares, or None."""
    start, end = max(w.start for w in windows), min(w.end for w in windows)
    return Period.between(start, end) if start <= end else None


@st.composite
def _disjoint_periods(draw: st.DrawFn, window: Period, max_periods: int) -> list[Period]:
    """One to ``max_periods`` periods inside ``window`` that share no day: calendar periods
    of one kind (some of its months, quarters, halves or years) where the window holds
    them, else one period of it; shrinks toward the first, coarsest one."""
    calendar = _calendar_periods(window)
    kinds: dict[int, list[Period]] = {}
    for p in calendar:
        kinds.setdefault(p.days // 28, []).append(p)  # years, halves, quarters, months
    if not kinds or max_periods == 1:
        return [draw(periods_within(window))]
    same = draw(st.sampled_from([kinds[k] for k in sorted(kinds, reverse=True)]))
    chosen = draw(st.lists(st.sampled_from(same), min_size=1,
                           max_size=min(max_periods, len(same)), unique=True))
    return sorted(chosen, key=lambda p: p.key)


def _whole_between(draw: st.DrawFn, low: int, high: int) -> int | None:
    return draw(st.integers(low, high)) if low <= high else None


def _meeting_rate(draw: st.DrawFn, aim: Target, denominator: int) -> int | None:
    """A numerator over ``denominator`` that meets ``aim`` (None when there is none)."""
    exact, c = aim.threshold * denominator, aim.comparator.value
    low, high = math.ceil(exact), math.floor(exact)
    bounds = {">=": (low, denominator), ">": (high + 1, denominator), "<=": (0, high),
              "<": (0, low - 1), "==": (low, high)}.get(c)
    return _whole_between(draw, *bounds) if bounds is not None else None


def _meeting_count(draw: st.DrawFn, aim: Target, parts: int) -> int | None:
    """A whole figure that meets ``aim`` when each of ``parts`` figures that add up is one
    (None when there is none, or no such figure alone can tell)."""
    t, c = aim.threshold, aim.comparator.value
    share_low, share_high = math.ceil(t / parts), math.floor(t / parts)
    bounds = {">=": (share_low, share_low + 10), ">": (share_high + 1, share_high + 11),
              "<=": (0, share_high), "<": (0, share_low - 1)}.get(c)
    if c == "==" and parts == 1:
        bounds = (int(t), int(t))
    return _whole_between(draw, *bounds) if bounds is not None else None


def _figure(draw: st.DrawFn, indicator: Indicator, aim: Target | None, around: Fraction,
            parts: int) -> dict[str, Any]:
    """A figure that ``indicator``'s targets can judge: a rate with counts (a denominator
    above 0; sometimes the percentage too), a whole count, a milestone with evidence when
    done. With ``aim``, a figure that meets that target when each of ``parts`` figures
    that add up is one (where one can); otherwise any, a count around ``around``."""
    if indicator.kind is Kind.RATE:
        denominator = draw(st.integers(1, 10_000))
        numerator = _meeting_rate(draw, aim, denominator) if aim is not None else None
        if numerator is None:
            numerator = draw(st.integers(0, denominator))
        if draw(st.booleans()):
            return {"numerator": numerator, "denominator": denominator,
                    "value": Fraction(numerator, denominator)}
        return {"numerator": numerator, "denominator": denominator}
    if indicator.kind is Kind.COUNT:
        value = _meeting_count(draw, aim, parts) if aim is not None else None
        if value is None:
            value = draw(st.integers(0, math.ceil(2 * around / parts) + 1))
        return {"value": Fraction(value)}
    done = aim.comparator.holds(Fraction(1), aim.threshold) if aim is not None \
        else draw(st.booleans())
    if done:
        return {"value": Fraction(1), "source": draw(_EVIDENCE)}
    return {"value": Fraction(0)}


@st.composite
def decided_scenarios(
    draw: st.DrawFn,
    registry: Registry,
    *,
    max_units: int = 3,
    max_periods: int = 3,
) -> Scenario:
    """Evaluations of ``registry`` in which nearly every target is ``met`` or ``not_met``.

    For each target: units in its scope (one for a ``reported`` target, up to ``max_units``
    otherwise, existing throughout), each reporting one to ``max_periods`` figures that
    share no day, inside the target's measurement window (inside every window, where
    several targets of one indicator take the same unit; one in each, where those windows
    share no day), in the form its aggregation
    needs (counts for a rate, evidence for a milestone done); the as-of date is the first
    on which every window has passed, or up to a year later. The figures come in any order.

    Half the time a unit's figures meet one of its targets (where a figure can: each of
    the figures that add up meets it), so that a target every unit must meet is met too.

    What stays undecided: a ``pooled`` milestone target (milestones have no ratio of sums),
    and a ``reported`` milestone target whose scope also takes another target's units.
    Measured over 200 draws each: of the target verdicts of generated registries
    (``registries(min_targets=1)``) 92% are met or not met (650 of 707; with
    :func:`scenarios` 2%: 11 of 685, the rest ``no_data`` and ``not_applicable``), and of
    those of the shipped plans (``load_registry()``) 100% (10,000 of 10,000; with
    :func:`scenarios` under 0.5%: 29 and 37 of 10,000 in two runs).

    :param max_units: at most this many units per scope.
    :param max_periods: at most this many figures per unit and indicator.
    """
    targets = sorted((t for t in registry.targets.values()
                      if t.indicator in registry.indicators), key=lambda t: t.code)
    if not targets:
        return Scenario(observations=(), entities=(), as_of=_as_of_plans(registry))
    units = draw(_units(targets, max_units))
    everyone = sorted({e.code: e for found in units.values() for e in found}.values(),
                      key=lambda e: e.code)
    windows: dict[tuple[str, str], list[Period]] = {}
    aims: dict[tuple[str, str], list[Target]] = {}
    for t in targets:
        takes = units[_key(t)] if t.aggregation is Aggregation.REPORTED \
            else [e for e in everyone if e.in_scope(t.scope)]
        for e in takes:
            windows.setdefault((t.indicator, e.code), []).append(t.measurement)
            aims.setdefault((t.indicator, e.code), []).append(t)
    by_code = {e.code: e for e in everyone}
    rows: list[Observation] = []
    for (code, unit), needed in sorted(windows.items()):
        indicator, entity = registry.indicators[code], by_code[unit]
        common = _common(needed)
        if common is not None:
            chosen = draw(_disjoint_periods(common, max_periods))
        else:
            # No day common to every window: a day of each, never the same day twice.
            chosen = []
            for w in sorted(needed, key=lambda p: p.key):
                free = [d for d in (w.start + timedelta(n) for n in range(w.days))
                        if Period.day(d) not in chosen]
                if free:
                    chosen.append(Period.day(draw(st.sampled_from(free))))
        # Half the time the figures meet one of the unit's targets, so that targets whose
        # every unit must meet them are met too; else any figure.
        aim = draw(st.none() | st.sampled_from(aims[code, unit]))
        around = (aim or aims[code, unit][0]).threshold
        parts = 1 if indicator.snapshot else len(chosen)
        for p in chosen:
            rows.append(Observation(indicator=code, entity=unit, level=entity.level, period=p,
                                    **_figure(draw, indicator, aim, around, parts)))
    as_of = _as_of(targets) + timedelta(days=draw(st.sampled_from((0, 1, 31, 366))))
    return Scenario(observations=tuple(draw(st.permutations(rows))), entities=tuple(everyone),
                    as_of=as_of)


def _as_of_plans(registry: Registry) -> date:
    deadlines = [p.deadline for p in registry.plans.values()]
    return max(deadlines) if deadlines else date(2025, 12, 31)
