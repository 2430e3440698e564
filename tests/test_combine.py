"""The combining stage on its own: one unit's figure for a window from the figures of its
periods (src/plan_rules/combine.py)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from fractions import Fraction

import attrs
from hypothesis import given, settings
from hypothesis import strategies as st

import plan_rules as pr
from plan_rules.combine import Combined, combine
from plan_rules.dataissues import IssueSink
from plan_rules.figures import FigureTable
from plan_rules.report import IssueLedger
from plan_rules.window import Prefix, series
from sample_plugin import indicator

FLOW = indicator("F")
STOCK = indicator("S", temporal="stock")
COUNT_FLOW = indicator("CF", kind="count")
COUNT_STOCK = indicator("CS", kind="count", temporal="stock")
MILESTONE = indicator("M", kind="milestone", temporal="stock")
X1 = pr.Entity(code="X1", level="commune")
Q1 = pr.Period.quarter(2025, 1)


def month(m: int) -> pr.Period:
    return pr.Period.month(2025, m)


def counts(period: pr.Period, num: int, den: int, *, ind: str = "F",
           reported_on: date | None = None) -> pr.Observation:
    return pr.Observation(indicator=ind, entity="X1", period=period, numerator=num,
                          denominator=den, reported_on=reported_on)


def value(period: pr.Period, v: Fraction | int, *, ind: str = "F",
          reported_on: date | None = None) -> pr.Observation:
    return pr.Observation(indicator=ind, entity="X1", period=period, value=v,
                          reported_on=reported_on, source="evidence")


def run(ind: pr.Indicator, observations: Sequence[pr.Observation],
        positions: Sequence[int] | None = None) -> tuple[Combined, list[tuple[str, int | None]]]:
    table = FigureTable.from_observations(observations)
    sink = IssueSink(table, IssueLedger(None))
    if positions is None:
        # In order of period end, as the window stage hands them over.
        positions = sorted(range(len(table)), key=lambda i: table.period_of(i).end)
    c = combine(table, ind, X1, positions, sink)
    return c, [(i.code, i.observation) for i in sink.ledger.listed]


def prefix_of(ind: pr.Indicator, observations: Sequence[pr.Observation],
              n: int | None = None) -> tuple[FigureTable, Prefix]:
    table = FigureTable.from_observations(observations)
    (s,) = series(table, range(len(table)), [X1] * len(table))
    return table, Prefix(s, len(table) if n is None else n)


# -- flows -----------------------------------------------------------------------------------

def test_a_flow_adds_the_counts_of_disjoint_periods() -> None:
    c, issues = run(FLOW, [counts(month(1), 1, 4), counts(month(2), 2, 5),
                           counts(month(3), 0, 1)])
    assert (c.numerator, c.denominator, c.value) == (3, 10, None)
    assert list(c.used) == [0, 1, 2]
    assert c.figure == Fraction(3, 10)
    assert issues == []


def test_a_flow_prefix_adds_the_same_counts() -> None:
    table, p = prefix_of(FLOW, [counts(month(2), 2, 5), counts(month(1), 1, 4),
                                counts(month(3), 7, 7)], n=2)
    c = combine(table, FLOW, X1, p, None)
    # Used in period order: January (position 1), then February (position 0).
    assert (c.numerator, c.denominator, list(c.used)) == (3, 9, [1, 0])


def test_a_period_covered_by_a_longer_one_is_named_and_not_added() -> None:
    c, issues = run(FLOW, [counts(Q1, 10, 20), counts(month(2), 1, 1)])
    assert (c.numerator, c.denominator, list(c.used)) == (10, 20, [0])
    assert issues == [("covered_period", 1)]


def test_a_period_overlapping_a_longer_one_is_named_and_not_added() -> None:
    feb_to_apr = pr.Period.between(date(2025, 2, 1), date(2025, 4, 30))
    assert feb_to_apr.days < Q1.days
    c, issues = run(FLOW, [counts(feb_to_apr, 1, 1), counts(Q1, 10, 20)])
    assert (c.numerator, c.denominator, list(c.used)) == (10, 20, [1])
    assert issues == [("overlapping_periods", 0)]


def test_an_overlap_is_not_said_when_no_sink_listens() -> None:
    table = FigureTable.from_observations([counts(Q1, 10, 20), counts(month(2), 1, 1)])
    c = combine(table, FLOW, X1, [1, 0], None)
    assert (c.numerator, list(c.used)) == (10, [0])


def test_a_count_flow_adds_its_values() -> None:
    c, _ = run(COUNT_FLOW, [value(month(1), 3, ind="CF"), value(month(2), 4, ind="CF")])
    assert (c.value, c.numerator, list(c.used)) == (Fraction(7), None, [0, 1])


def test_a_flow_of_several_percentages_needs_counts_and_names_every_row() -> None:
    c, issues = run(FLOW, [value(month(2), Fraction(62, 100)),
                           value(month(1), Fraction(60, 100))])
    assert (c.counts_needed, c.figure, list(c.used)) == (True, None, [1, 0])
    assert issues == [("counts_needed", 1), ("counts_needed", 0)]


def test_counts_needed_names_the_other_periods_in_both_languages() -> None:
    table = FigureTable.from_observations([
        attrs.evolve(value(month(1), Fraction(60, 100)), file="f.csv", row=2),
        attrs.evolve(value(month(2), Fraction(62, 100)), file="f.csv", row=3)])
    sink = IssueSink(table, IssueLedger(None))
    combine(table, FLOW, X1, [0, 1], sink)
    for issue in sink.ledger.listed:
        for text in (issue.message.vi, issue.message.en):
            assert "f.csv:2" in text and "f.csv:3" in text


def test_a_flow_mixing_counts_and_percentages_needs_the_missing_counts() -> None:
    c, issues = run(FLOW, [counts(month(1), 1, 4), value(month(2), Fraction(3, 4))])
    assert (c.counts_needed, c.figure, list(c.used)) == (True, None, [0, 1])
    assert issues == [("counts_needed", 1)]


def test_a_single_percentage_of_a_flow_stands_for_the_window() -> None:
    c, issues = run(FLOW, [value(pr.Period.year(2025), Fraction(3, 4))])
    assert (c.counts_needed, c.figure, list(c.used)) == (False, Fraction(3, 4), [0])
    assert issues == []


# -- snapshots -------------------------------------------------------------------------------

def test_a_stock_takes_the_latest_period_end() -> None:
    c, _ = run(STOCK, [counts(month(3), 3, 4, ind="S"), counts(month(1), 1, 4, ind="S"),
                       counts(month(2), 2, 4, ind="S")])
    assert (c.numerator, c.denominator, list(c.used)) == (3, 4, [0])
    assert sorted(c.history) == [1, 2]


def test_a_stock_tie_on_the_end_goes_to_the_longer_period() -> None:
    c, _ = run(STOCK, [counts(Q1, 1, 4, ind="S"), counts(month(3), 3, 4, ind="S")],
               positions=[1, 0])
    assert list(c.used) == [0]
    c, _ = run(STOCK, [counts(month(3), 3, 4, ind="S"), counts(Q1, 1, 4, ind="S")],
               positions=[0, 1])
    assert list(c.used) == [1]


def test_a_stock_tie_on_the_period_goes_to_the_later_report() -> None:
    c, _ = run(STOCK, [counts(month(3), 1, 4, ind="S", reported_on=date(2025, 4, 9)),
                       counts(month(3), 3, 4, ind="S", reported_on=date(2025, 4, 2))])
    assert list(c.used) == [0]
    assert list(c.history) == [1]


def test_a_stock_tie_on_everything_goes_to_the_later_row() -> None:
    c, _ = run(STOCK, [counts(month(3), 1, 4, ind="S"), counts(month(3), 3, 4, ind="S")])
    assert (list(c.used), c.numerator) == ([1], 3)


def test_a_stock_prefix_takes_its_last_figure() -> None:
    table, p = prefix_of(STOCK, [counts(month(m), m, 4, ind="S") for m in (1, 2, 3, 4)], n=3)
    c = combine(table, STOCK, X1, p, None)
    assert (list(c.used), c.numerator, list(c.history)) == ([2], 3, [0, 1])


def test_a_count_stock_is_the_latest_value() -> None:
    c, _ = run(COUNT_STOCK, [value(month(1), 9, ind="CS"), value(month(2), 4, ind="CS")])
    assert (c.value, list(c.used)) == (Fraction(4), [1])


def test_a_milestone_is_the_latest_snapshot() -> None:
    c, _ = run(MILESTONE, [value(month(1), 0, ind="M"), value(month(2), 1, ind="M")])
    assert (c.value, list(c.used), list(c.history)) == (Fraction(1), [1], [0])


def test_a_zero_denominator_has_no_figure() -> None:
    c, _ = run(STOCK, [counts(month(1), 0, 0, ind="S")])
    assert (c.numerator, c.denominator, c.figure) == (0, 0, None)


# -- a prefix and its list -------------------------------------------------------------------

_PERIODS = [month(1), month(2), month(3), month(4), Q1,
            pr.Period.between(date(2025, 2, 1), date(2025, 4, 30))]
_REPORTS = [None, date(2025, 5, 1), date(2025, 6, 1)]


@st.composite
def _unit_figures(draw: st.DrawFn) -> tuple[pr.Indicator, list[pr.Observation], int]:
    ind = draw(st.sampled_from([FLOW, STOCK, COUNT_FLOW, COUNT_STOCK, MILESTONE]))
    n = draw(st.integers(1, 6))
    figures = []
    for _ in range(n):
        period = draw(st.sampled_from(_PERIODS))
        reported_on = draw(st.sampled_from(_REPORTS))
        if ind.kind is pr.Kind.RATE and draw(st.booleans()):
            den = draw(st.integers(0, 9))
            figures.append(counts(period, draw(st.integers(0, den)), den, ind=ind.code,
                                  reported_on=reported_on))
        else:
            top = 1 if ind.kind is not pr.Kind.COUNT else 20
            v = draw(st.integers(0, top)) if ind.kind is not pr.Kind.RATE else draw(
                st.fractions(0, 1, max_denominator=8))
            figures.append(value(period, v, ind=ind.code, reported_on=reported_on))
    return ind, figures, draw(st.integers(1, n))


@settings(max_examples=50, deadline=None)
@given(_unit_figures())
def test_a_prefix_combines_as_the_list_of_its_positions(
        case: tuple[pr.Indicator, list[pr.Observation], int]) -> None:
    ind, figures, n = case
    table, p = prefix_of(ind, figures, n)
    by_prefix = IssueSink(table, IssueLedger(None))
    by_list = IssueSink(table, IssueLedger(None))
    assert combine(table, ind, X1, p, by_prefix) == combine(table, ind, X1, list(p), by_list)
    assert by_prefix.named == by_list.named
