"""A consistency check: the number of published open datasets never goes down."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from fractions import Fraction

from plan_rules import Check, CheckContext, Finding, Observation, Period, Text, Verdict

__all__ = ["CHECKS", "open_datasets_never_decrease"]


def open_datasets_never_decrease(ctx: CheckContext) -> Iterator[Finding]:
    """Each unit's count of published open datasets never goes down from one period to the
    next (EX26.DATA.1).

    Why: a dataset once published stays published; a lower count later means a figure was
    mistyped or counted differently, and the latest (lower or higher) figure decides the
    target.
    Example: ``EX26.DATA.1, tinh-vi-du, province, Q1/2026, value 42`` followed by
    ``Q2/2026, value 38`` is reported.
    """
    # entity -> period -> figures; a unit may have reported one period twice.
    series: dict[str, dict[Period, list[Observation]]] = {}
    for o in ctx.observations("EX26.DATA.1"):
        if o.value is not None:
            series.setdefault(o.entity, {}).setdefault(o.period, []).append(o)
    # Walk units and periods in sorted order and compare whole periods (the highest figure
    # before, the lowest after), so that the finding does not depend on the order of rows.
    drops: list[tuple[str, Period, Fraction, Period, Fraction, list[Observation]]] = []
    for entity in sorted(series):
        by_period = series[entity]
        ordered = sorted(by_period)
        for before, after in itertools.pairwise(ordered):
            high = max(o.value or 0 for o in by_period[before])
            low = min(o.value or 0 for o in by_period[after])
            if after.start > before.end and low < high:
                drops.append((entity, before, Fraction(high), after, Fraction(low),
                              by_period[before] + by_period[after]))
    if not any(len(periods) > 1 for periods in series.values()):
        yield Finding(code="EX26.DATA.C1", verdict=Verdict.NO_DATA, indicator="EX26.DATA.1",
                      message=Text(vi="Chưa có hai kỳ số liệu để so sánh.",
                                   en="No two periods of figures to compare."))
        return
    if not drops:
        yield Finding(code="EX26.DATA.C1", verdict=Verdict.MET, indicator="EX26.DATA.1",
                      message=Text(vi="Số bộ dữ liệu mở không giảm.",
                                   en="Open datasets never decrease."))
        return
    listed = "; ".join(f"{entity}: {before} {high} → {after} {low}"
                       for entity, before, high, after, low, _ in drops[:5])
    yield Finding(
        code="EX26.DATA.C1", verdict=Verdict.NOT_MET, indicator="EX26.DATA.1",
        observations=tuple(sorted({ctx.index(o) for *_, rows in drops for o in rows})),
        message=Text(vi=f"Số bộ dữ liệu mở giảm ở {len(drops)} lần: {listed}.",
                     en=f"Open datasets went down {len(drops)} time(s): {listed}."),
    )


CHECKS: tuple[Check, ...] = (
    Check(code="EX26.DATA.C1",
          name=Text(vi="Số bộ dữ liệu mở không giảm", en="Open datasets never decrease"),
          indicators=("EX26.DATA.1",), run=open_datasets_never_decrease),
)
