"""The window stage on its own: the window a date opens for a target, each unit's series, and
which figures of it a target takes (src/plan_rules/window.py)."""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import date
from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import plan_rules as pr
from plan_rules.figures import FigureTable
from plan_rules.window import Prefix, Selection, Series, opening, select, series
from sample_plugin import indicator, target

FLOW = indicator("F")
STOCK = indicator("S", temporal="stock")
X1 = pr.Entity(code="X1", level="commune")
X2 = pr.Entity(code="X2", level="commune")
DISTRICT = pr.Entity(code="D1", level="district")
POOLED = target("F.pooled", "F", 1)
END_2025 = date(2025, 12, 31)


def month(m: int, year: int = 2025) -> pr.Period:
    return pr.Period.month(year, m)


def table_of(figures: Sequence[tuple[pr.Entity, pr.Period]],
             ind: str = "F") -> tuple[FigureTable, list[pr.Entity | None]]:
    table = FigureTable.from_observations(
        pr.Observation(indicator=ind, entity=e.code, period=p, numerator=1, denominator=2)
        for e, p in figures)
    return table, [e for e, _ in figures]


def chosen(figures: Sequence[tuple[pr.Entity, pr.Period]], tgt: pr.Target = POOLED,
           ind: pr.Indicator = FLOW, when: date = END_2025) -> Selection:
    table, unit_of = table_of(figures, ind.code)
    window = opening(tgt, when)
    assert isinstance(window, pr.Period)
    return select(table, tgt, ind, series(table, range(len(table)), unit_of), window, when)


def lists(selection: Selection) -> tuple[dict[str, list[int]], dict[str, list[int]], list[int]]:
    return ({c: list(p) for c, p in selection.own.items()},
            {c: list(p) for c, p in selection.others.items()}, sorted(selection.excluded))


# -- opening ---------------------------------------------------------------------------------

def test_the_window_runs_from_the_measurement_start_to_the_date() -> None:
    assert opening(POOLED, date(2025, 5, 20)) == pr.Period.between(date(2025, 1, 1),
                                                                    date(2025, 5, 20))


def test_the_window_ends_at_the_deadline_after_it() -> None:
    assert opening(POOLED, date(2026, 3, 1)) == pr.Period.year(2025)


def _pooled(code: str, **dates: date) -> pr.Target:
    """A pooled commune target of F at 100%, due at the end of 2025, with ``dates``."""
    return pr.Target(code=code, indicator="F", comparator=">=", threshold=1,
                     scope=pr.Scope(level="commune"), aggregation="pooled",
                     deadline=END_2025, **dates)  # type: ignore[arg-type]


def _no_window(tgt: pr.Target, when: date) -> tuple[pr.Text, bool]:
    """Why ``tgt`` has no window as of ``when``, and whether it therefore does not apply."""
    opened = opening(tgt, when)
    assert isinstance(opened, tuple)
    return opened


def test_before_valid_from_there_is_no_window_and_the_target_does_not_apply() -> None:
    tgt = _pooled("F.late", valid_from=date(2025, 7, 1))
    reason, not_applicable = _no_window(tgt, date(2025, 6, 30))
    assert not_applicable is True
    assert "01/07/2025" in reason.en
    assert opening(tgt, date(2025, 7, 1)) == pr.Period.day(date(2025, 7, 1))


def test_before_the_measurement_start_there_is_no_window_and_no_data_yet() -> None:
    tgt = _pooled("F.win", window_start=date(2025, 4, 1))
    reason, not_applicable = _no_window(tgt, date(2025, 3, 31))
    assert not_applicable is False
    assert "01/04/2025" in reason.en


def _never_applies(tgt: pr.Target, when: date) -> pr.Text:
    """Why ``tgt`` has no window as of ``when``, which must make it not applicable."""
    reason, not_applicable = _no_window(tgt, when)
    assert not_applicable is True
    return reason


@pytest.mark.parametrize("when", [date(2025, 12, 31), date(2026, 3, 1)])
def test_a_target_valid_only_after_its_deadline_never_applies(when: date) -> None:
    reason = _never_applies(_pooled("F.after", valid_from=date(2026, 1, 1)), when)
    assert "01/01/2026" in reason.en and "31/12/2025" in reason.vi


@pytest.mark.parametrize("when", [date(2025, 1, 1), date(2025, 12, 31)])
def test_a_target_whose_validity_ends_before_its_window_never_applies(when: date) -> None:
    reason = _never_applies(_pooled("F.before", valid_to=date(2024, 12, 31)), when)
    assert "31/12/2024" in reason.en and "01/01/2025" in reason.vi


# -- series ----------------------------------------------------------------------------------

def test_a_series_with_equal_ends_is_in_the_same_order_whatever_the_input_order() -> None:
    figures = [(X1, month(3)), (X1, pr.Period.quarter(2025, 1))]
    orders = []
    for rows in (figures, figures[::-1]):
        table, unit_of = table_of(rows)
        (s,) = series(table, range(2), unit_of)
        orders.append([table.period_of(i) for i in s.positions])
    assert orders[0] == orders[1] == [pr.Period.quarter(2025, 1), month(3)]


def test_a_series_is_in_order_of_period_end_with_its_earliest_start() -> None:
    table, unit_of = table_of([(X1, month(3)), (X1, pr.Period.quarter(2025, 1)),
                               (X1, month(1)), (X1, month(2))])
    (s,) = series(table, range(4), unit_of)
    assert s.entity == X1
    # Equal ends (March, Q1): the longer period, starting first, comes first.
    assert s.positions == (2, 3, 1, 0)
    assert s.ends == (date(2025, 1, 31), date(2025, 2, 28), date(2025, 3, 31),
                      date(2025, 3, 31))
    assert s.first_start == date(2025, 1, 1)


def test_series_are_per_unit_in_order_of_first_figure_over_the_positions_given() -> None:
    table, unit_of = table_of([(X2, month(1)), (X1, month(1)), (X2, month(2)), (X1, month(2))])
    made = series(table, [1, 2, 3], unit_of)
    assert [(s.entity.code, s.positions) for s in made] == [("X1", (1, 3)), ("X2", (2,))]


def _counts_then_a_percentage_then_counts() -> tuple[FigureTable, Series]:
    """Three months of one unit: counts, a percentage only, counts."""
    table = FigureTable.from_observations([
        pr.Observation(indicator="F", entity="X1", period=month(1), numerator=1, denominator=4),
        pr.Observation(indicator="F", entity="X1", period=month(2), value=1),
        pr.Observation(indicator="F", entity="X1", period=month(3), numerator=2, denominator=5),
    ])
    (s,) = series(table, range(3), [X1, X1, X1])
    return table, s


def test_a_series_sums_the_counts_of_each_prefix() -> None:
    table, s = _counts_then_a_percentage_then_counts()
    assert s.sums(table, 0) == (0, 0, 0)
    assert s.sums(table, 1) == (0, 1, 4)
    assert s.sums(table, 3) == (1, 3, 9)


def test_a_series_counts_a_prefix_only_when_each_of_its_figures_gives_counts() -> None:
    table, s = _counts_then_a_percentage_then_counts()
    assert s.counts(table, 1) == (1, 4)
    assert s.counts(table, 2) is None
    assert s.counts(table, 3) is None


def test_a_series_whose_periods_overlap_has_no_prefix_counts() -> None:
    table = FigureTable.from_observations([
        pr.Observation(indicator="F", entity="X1", period=month(1), numerator=1, denominator=4),
        pr.Observation(indicator="F", entity="X1", period=pr.Period.quarter(2025, 1),
                       numerator=2, denominator=5),
    ])
    (s,) = series(table, range(2), [X1, X1])
    assert s.counts(table, 1) is None


def test_a_series_is_disjoint_only_when_no_two_periods_share_a_day() -> None:
    table, unit_of = table_of([(X1, month(1)), (X1, month(2)), (X2, month(1)),
                               (X2, pr.Period.quarter(2025, 1))])
    first, second = series(table, range(4), unit_of)
    assert first.disjoint(table)
    assert not second.disjoint(table)


_PERIODS = st.sampled_from([
    *(month(m) for m in range(1, 13)), *(pr.Period.quarter(2025, q) for q in range(1, 5)),
    pr.Period.between(date(2025, 1, 15), date(2025, 2, 14)), pr.Period.year(2025)])


@settings(max_examples=100, deadline=None)
@given(st.lists(_PERIODS, min_size=1, max_size=6))
def test_a_series_is_disjoint_exactly_when_its_periods_are(periods: list[pr.Period]) -> None:
    table, unit_of = table_of([(X1, p) for p in periods])
    (s,) = series(table, range(len(periods)), unit_of)
    spans = sorted((p.start, p.end) for p in periods)
    assert s.disjoint(table) == all(a[1] < b[0] for a, b in pairwise(spans))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.sampled_from([X1, X2, DISTRICT]), _PERIODS), max_size=12),
       st.randoms(use_true_random=False))
def test_series_are_each_units_figures_by_end_then_start_whatever_the_order_given(
        figures: list[tuple[pr.Entity, pr.Period]], rnd: random.Random) -> None:
    # Figures as given (shuffled, some left out), units in months, quarters, a year and a
    # period across two months: a unit's figures in period order, or not, or with equal
    # ends (March and the first quarter).
    table, unit_of = table_of(figures)
    positions = rnd.sample(range(len(figures)), rnd.randint(0, len(figures)))
    expected: dict[str, list[int]] = {}
    for i in positions:
        expected.setdefault(unit_of[i].code, []).append(i)  # type: ignore[union-attr]
    made = series(table, positions, unit_of)
    assert [s.entity.code for s in made] == list(expected)
    for s, own in zip(made, expected.values(), strict=True):
        own.sort(key=lambda i: (table.period_of(i).end, table.period_of(i).start))
        assert s.positions == tuple(own)
        assert s.ends == tuple(table.period_of(i).end for i in own)
        assert s.first_start == min(table.period_of(i).start for i in own)


# -- prefix ----------------------------------------------------------------------------------

def test_a_prefix_is_the_first_n_positions_of_its_series() -> None:
    s = Series(X1, [4, 2, 7], [date(2025, 1, 31)] * 3, date(2025, 1, 1))
    p = Prefix(s, 2)
    assert len(p) == 2
    assert list(p) == [4, 2]
    assert (p[0], p[-1], list(p[1:])) == (4, 2, [2])


def test_a_prefix_refuses_an_index_past_its_end() -> None:
    p = Prefix(Series(X1, [4, 2, 7], [date(2025, 1, 31)] * 3, date(2025, 1, 1)), 2)
    with pytest.raises(IndexError):
        p[2]


# -- select ----------------------------------------------------------------------------------

def test_the_figures_a_date_sees_are_a_prefix_found_by_bisection() -> None:
    months = [(X1, month(m)) for m in (1, 2, 3, 4, 5, 6)]
    table, unit_of = table_of(months)
    made = series(table, range(6), unit_of)
    for when, n in ((date(2025, 3, 31), 3), (date(2025, 3, 30), 2), (date(2025, 6, 30), 6)):
        window = opening(POOLED, when)
        assert isinstance(window, pr.Period)
        got = select(table, POOLED, FLOW, made, window, when).own["X1"]
        assert isinstance(got, Prefix)
        assert got.series is made[0]
        assert list(got) == list(range(n))


def test_a_unit_with_no_figure_ended_by_the_date_is_not_selected() -> None:
    sel = chosen([(X1, month(6))], when=date(2025, 5, 31))
    assert lists(sel) == ({}, {}, [])


def test_a_figure_of_a_period_before_the_window_is_not_used_nor_excluded() -> None:
    sel = chosen([(X1, month(12, 2024)), (X1, month(1))])
    assert lists(sel) == ({"X1": [1]}, {}, [])


def test_a_figure_not_wholly_in_the_window_is_not_used() -> None:
    straddling = pr.Period.between(date(2024, 12, 1), date(2025, 1, 31))
    sel = chosen([(X1, straddling), (X1, month(2))])
    assert lists(sel) == ({"X1": [1]}, {}, [])


def test_a_figure_of_a_period_the_target_did_not_apply_to_is_excluded() -> None:
    tgt = target("F.half", "F", 1, valid_to=date(2025, 6, 30))
    sel = chosen([(X1, month(6)), (X1, month(7))], tgt=tgt)
    assert lists(sel) == ({"X1": [0]}, {}, [1])


def test_a_figure_of_a_period_the_unit_did_not_exist_in_is_excluded() -> None:
    gone = pr.Entity(code="X3", level="commune", valid_to=date(2025, 6, 30))
    sel = chosen([(gone, month(6)), (gone, month(7))])
    assert lists(sel) == ({"X3": [0]}, {}, [1])


def test_a_figure_from_before_a_unit_existed_is_excluded() -> None:
    new = pr.Entity(code="X4", level="commune", valid_from=date(2025, 7, 1))
    sel = chosen([(new, month(6)), (new, month(7))])
    assert lists(sel) == ({"X4": [1]}, {}, [0])


def test_a_stock_of_a_unit_that_ceased_before_the_window_end_is_excluded() -> None:
    gone = pr.Entity(code="X3", level="commune", valid_to=date(2025, 6, 30))
    stock = target("S.pooled", "S", 1)
    sel = chosen([(gone, month(5)), (gone, month(6)), (X1, month(6))], tgt=stock, ind=STOCK)
    assert lists(sel) == ({"X1": [2]}, {}, [0, 1])


def test_a_stock_of_a_unit_that_ceased_after_the_window_end_is_used() -> None:
    gone = pr.Entity(code="X3", level="commune", valid_to=date(2025, 6, 30))
    stock = target("S.pooled", "S", 1)
    sel = chosen([(gone, month(5))], tgt=stock, ind=STOCK, when=date(2025, 5, 31))
    assert lists(sel) == ({"X3": [0]}, {}, [])


def test_a_flow_of_a_unit_that_ceased_keeps_its_figures_while_it_existed() -> None:
    gone = pr.Entity(code="X3", level="commune", valid_to=date(2025, 6, 30))
    sel = chosen([(gone, month(5)), (gone, month(6))])
    assert lists(sel) == ({"X3": [0, 1]}, {}, [])


def test_a_unit_outside_the_scope_is_left_out_of_a_pooled_target() -> None:
    sel = chosen([(DISTRICT, month(1)), (X1, month(1))])
    assert lists(sel) == ({"X1": [1]}, {}, [])


def test_a_reported_target_keeps_the_units_outside_its_scope_apart() -> None:
    province = pr.Entity(code="P", level="province")
    tgt = target("F.reported", "F", 1, aggregation="reported", level="province")
    sel = chosen([(X1, month(1)), (province, month(1)), (X2, month(2))], tgt=tgt)
    assert lists(sel) == ({"P": [1]}, {"X1": [0], "X2": [2]}, [])


def test_an_excluded_figure_outside_the_measurement_years_is_not_named() -> None:
    tgt = pr.Target(code="F.late", indicator="F", comparator=">=", threshold=1,
                    scope=pr.Scope(level="commune"), aggregation="pooled",
                    deadline=END_2025, valid_from=date(2025, 3, 1))
    sel = chosen([(X1, month(12, 2024)), (X1, month(1)), (X1, month(3))], tgt=tgt)
    # January 2025 is within the measurement's years but before the target applied.
    assert lists(sel) == ({"X1": [2]}, {}, [1])


_PERIODS = [*(month(m) for m in range(1, 13)), month(12, 2024), pr.Period.quarter(2025, 2),
            pr.Period.between(date(2024, 12, 1), date(2025, 1, 31)), pr.Period.year(2025)]


@settings(max_examples=50, deadline=None)
@given(st.lists(st.sampled_from(_PERIODS), min_size=1, max_size=8),
       st.dates(date(2025, 1, 1), date(2026, 2, 1)))
def test_a_unit_that_always_applied_has_exactly_the_figures_wholly_in_the_window(
        periods: list[pr.Period], when: date) -> None:
    sel = chosen([(X1, p) for p in periods], when=when)
    window = opening(POOLED, when)
    assert isinstance(window, pr.Period)
    wanted = sorted((i for i, p in enumerate(periods) if window.covers(p)),
                    key=lambda i: (periods[i].end, periods[i].start, i))
    assert [list(p) for p in sel.own.values()] == ([wanted] if wanted else [])
    assert sel.excluded == []
