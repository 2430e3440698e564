"""The aggregating stage on its own: the units over a target's scope as one statistic, and the
target's verdict (src/plan_rules/aggregate.py)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from fractions import Fraction

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import plan_rules as pr
from plan_rules.aggregate import (
    Figures,
    TargetData,
    earlier,
    headline,
    measure,
    missing_units,
    statistics,
)
from plan_rules.combine import Combined
from plan_rules.dataissues import IssueSink
from plan_rules.figures import FigureTable
from plan_rules.report import IssueLedger
from plan_rules.window import series
from sample_plugin import indicator, target

RATE = indicator("R")
COUNT = indicator("C", kind="count", temporal="stock")
STOCK = indicator("S", temporal="stock")
X1 = pr.Entity(code="X1", level="commune")
X2 = pr.Entity(code="X2", level="commune")
X3 = pr.Entity(code="X3", level="commune")
PROVINCE = pr.Entity(code="P", level="province")
YEAR = pr.Period.year(2025)
V = pr.Verdict


def at(aggregation: str, threshold: Fraction | int = Fraction(7, 10), comparator: str = ">=",
       ind: str = "R", level: str = "commune") -> pr.Target:
    return target(f"{ind}.{aggregation}", ind, threshold, comparator=comparator,
                  aggregation=aggregation, level=level)


def counted(entity: pr.Entity, num: int, den: int, used: int = 0) -> Combined:
    return Combined(entity=entity, used=[used], numerator=num, denominator=den)


def valued(entity: pr.Entity, v: Fraction | int, used: int = 0) -> Combined:
    return Combined(entity=entity, used=[used], value=Fraction(v))


def figures(tgt: pr.Target, *units: Combined, ind: pr.Indicator = RATE) -> Figures:
    return Figures(ind, tgt, {c.entity.code: c for c in units})


def judged(f: Figures, missing: Sequence[pr.Verdict] = (), *, derived: bool = False,
           excluded: bool = False, blocks: bool = False) -> tuple[pr.Verdict, Fraction | None]:
    return headline(f, missing, derived, excluded, blocks, None)


# -- the statistics --------------------------------------------------------------------------

def test_pooled_is_the_ratio_of_sums_and_mean_the_unweighted_mean() -> None:
    f = figures(at("pooled"), counted(X1, 1, 2), counted(X2, 30, 40))
    assert f.counts == (31, 42)
    assert f.pooled == Fraction(31, 42)
    assert f.mean == Fraction(5, 8)
    assert f.extremes == (Fraction(1, 2), Fraction(3, 4))


def test_a_rate_with_a_unit_lacking_counts_has_no_pooled_ratio() -> None:
    f = figures(at("pooled"), counted(X1, 1, 2), valued(X2, Fraction(3, 4)))
    assert f.counts is None
    assert f.pooled is None
    assert f.mean == Fraction(5, 8)


def test_a_counts_pooled_figure_is_their_sum() -> None:
    f = figures(at("pooled", 10, ind="C"), valued(X1, 4), valued(X2, 5), ind=COUNT)
    assert f.pooled == 9


# -- headline --------------------------------------------------------------------------------

def test_a_pooled_target_is_judged_on_the_ratio_of_sums() -> None:
    f = figures(at("pooled"), counted(X1, 1, 2), counted(X2, 30, 40))
    assert judged(f) == (V.MET, Fraction(31, 42))


def test_a_mean_target_is_judged_on_the_unweighted_mean() -> None:
    f = figures(at("mean"), counted(X1, 1, 2), counted(X2, 30, 40))
    assert judged(f) == (V.NOT_MET, Fraction(5, 8))


def test_an_each_target_is_judged_on_its_weakest_unit() -> None:
    f = figures(at("each"), counted(X1, 8, 10), counted(X2, 6, 10))
    assert judged(f) == (V.NOT_MET, Fraction(6, 10))


def test_an_at_most_each_target_is_judged_on_its_highest_unit() -> None:
    f = figures(at("each", comparator="<="), counted(X1, 8, 10), counted(X2, 6, 10))
    assert judged(f) == (V.NOT_MET, Fraction(8, 10))


def test_an_each_target_with_every_unit_meeting_it_is_met() -> None:
    f = figures(at("each"), counted(X1, 8, 10), counted(X2, 7, 10))
    assert judged(f) == (V.MET, Fraction(7, 10))


def test_of_each_target_verdicts_a_failing_unit_wins_over_all_others() -> None:
    f = figures(at("each"), counted(X1, 1, 10), counted(X2, 0, 0))
    assert judged(f, [V.INVALID, V.NOT_APPLICABLE])[0] is V.NOT_MET


def test_of_each_target_verdicts_invalid_wins_over_no_data_and_met() -> None:
    f = figures(at("each"), counted(X1, 9, 10), counted(X2, 0, 0))
    assert judged(f, [V.INVALID])[0] is V.INVALID


def test_an_each_target_with_a_silent_unit_is_incomplete_by_default() -> None:
    f = figures(at("each"), counted(X1, 9, 10))
    assert judged(f, [V.NO_DATA, V.NOT_APPLICABLE]) == (V.INCOMPLETE, Fraction(9, 10))


def test_of_each_target_verdicts_a_failing_unit_wins_over_a_silent_one() -> None:
    f = figures(at("each"), counted(X1, 1, 10))
    assert judged(f, [V.NO_DATA])[0] is V.NOT_MET


def test_of_each_target_verdicts_a_blocked_unit_wins_over_a_silent_one() -> None:
    f = figures(at("each"), counted(X1, 9, 10))
    assert judged(f, [V.NO_DATA, V.INVALID])[0] is V.INVALID


def test_an_each_target_whose_units_all_sent_nothing_has_no_data() -> None:
    assert judged(figures(at("each")), [V.NO_DATA, V.NO_DATA]) == (V.NO_DATA, None)


def test_an_each_target_that_skips_missing_units_judges_those_that_reported() -> None:
    f = figures(attrs.evolve(at("each"), missing="skip_missing"), counted(X1, 9, 10))
    assert judged(f, [V.NO_DATA]) == (V.MET, Fraction(9, 10))


def test_a_pooled_target_of_100_percent_with_a_silent_unit_is_incomplete() -> None:
    f = figures(at("pooled", 1), counted(X1, 10, 10))
    assert judged(f, [V.NO_DATA]) == (V.INCOMPLETE, Fraction(1))


def test_a_pooled_target_below_100_percent_judges_the_units_that_reported() -> None:
    f = figures(at("pooled"), counted(X1, 9, 10))
    assert judged(f, [V.NO_DATA]) == (V.MET, Fraction(9, 10))


def test_a_mean_target_judges_the_units_that_reported_by_default() -> None:
    f = figures(at("mean"), counted(X1, 9, 10))
    assert judged(f, [V.NO_DATA]) == (V.MET, Fraction(9, 10))


def test_a_required_unit_whose_figures_are_blocked_makes_a_pooled_target_invalid() -> None:
    f = figures(at("pooled", 1), counted(X1, 10, 10))
    assert judged(f, [V.INVALID]) == (V.INVALID, None)


@pytest.mark.parametrize(("reported", "silent", "verdict"), [
    (2, 1, V.INCOMPLETE),   # 2/3 below 3/4
    (3, 1, V.MET),          # 3/4 exactly on the bound: judged
    (4, 1, V.MET),          # 4/5 above it
])
def test_a_min_coverage_target_is_incomplete_only_below_its_share(
        reported: int, silent: int, verdict: pr.Verdict) -> None:
    units = [counted(pr.Entity(code=f"X{i}", level="commune"), 9, 10, i)
             for i in range(reported)]
    f = figures(attrs.evolve(at("pooled"), missing="min_coverage=3/4"), *units)
    assert judged(f, [V.NO_DATA] * silent)[0] is verdict


def test_of_each_target_verdicts_met_wins_over_not_applicable() -> None:
    f = figures(at("each"), counted(X1, 9, 10))
    assert judged(f, [V.NOT_APPLICABLE])[0] is V.MET


def test_an_each_target_without_units_is_not_applicable_when_figures_were_set_aside() -> None:
    assert judged(figures(at("each")), excluded=True) == (V.NOT_APPLICABLE, None)
    assert judged(figures(at("each")), blocks=True) == (V.INVALID, None)
    assert judged(figures(at("each"))) == (V.NO_DATA, None)


def test_a_reported_target_is_its_single_units_own_figure() -> None:
    f = figures(at("reported", level="province"), counted(PROVINCE, 3, 4))
    assert judged(f) == (V.MET, Fraction(3, 4))


def test_a_reported_target_derived_from_its_units_is_their_pooled_ratio() -> None:
    f = figures(at("reported", level="province"), counted(X1, 1, 2), counted(X2, 30, 40))
    assert judged(f, derived=True) == (V.MET, Fraction(31, 42))


def test_a_pooled_target_with_a_percentage_only_unit_is_invalid_and_says_so() -> None:
    table = FigureTable.from_observations([
        pr.Observation(indicator="R", entity="X1", period=YEAR, numerator=1, denominator=2),
        pr.Observation(indicator="R", entity="X2", period=YEAR, value=Fraction(3, 4)),
    ])
    sink = IssueSink(table, IssueLedger(None))
    f = figures(at("pooled"), counted(X1, 1, 2, used=0), valued(X2, Fraction(3, 4), used=1))
    assert headline(f, [], False, False, False, sink) == (V.INVALID, None)
    assert [(i.code, i.observation) for i in sink.ledger.listed] == [("counts_needed", 1)]


def test_a_pooled_target_whose_denominators_are_all_zero_has_no_data() -> None:
    table = FigureTable.from_observations([
        pr.Observation(indicator="R", entity="X1", period=YEAR, numerator=0, denominator=0)])
    sink = IssueSink(table, IssueLedger(None))
    f = figures(at("pooled"), counted(X1, 0, 0))
    assert headline(f, [], False, False, False, sink) == (V.NO_DATA, None)
    assert [(i.code, i.severity) for i in sink.ledger.listed] == [("zero_denominator",
                                                                   "warning")]


def test_a_pooled_target_without_figures_is_invalid_when_a_unit_is_blocked() -> None:
    assert judged(figures(at("pooled")), [V.INVALID]) == (V.INVALID, None)
    assert judged(figures(at("pooled")), [V.NO_DATA]) == (V.NO_DATA, None)
    assert judged(figures(at("pooled")), excluded=True) == (V.NOT_APPLICABLE, None)


@pytest.mark.parametrize("aggregation", ["pooled", "mean"])
def test_figures_set_aside_do_not_hide_a_silent_unit(aggregation: str) -> None:
    # A district's figure that no longer applies, beside a new commune that sent nothing.
    missing = [V.NOT_APPLICABLE, V.NO_DATA]
    assert judged(figures(at(aggregation)), missing, excluded=True) == (V.NO_DATA, None)
    assert judged(figures(at(aggregation)), [V.NOT_APPLICABLE, V.INVALID],
                  excluded=True) == (V.INVALID, None)


# -- missing units ---------------------------------------------------------------------------

def test_units_in_scope_without_figures_are_no_data_invalid_or_not_applicable() -> None:
    f = figures(at("each"), counted(X1, 1, 2))
    gone = pr.Entity(code="X0", level="commune", valid_to=date(2024, 12, 31))
    missing = missing_units(RATE, at("each"), YEAR, [gone, X1, X2, X3], f, [7], {7: "X3"},
                            {("R", "X2"): "commune"})
    assert [(r.entity, r.verdict, r.observations) for r in missing] == [
        ("X2", V.INVALID, ()), ("X3", V.NOT_APPLICABLE, (7,))]


def test_a_unit_blocked_for_another_indicator_has_no_data() -> None:
    missing = missing_units(RATE, at("each"), YEAR, [X2], figures(at("each")), [], {},
                            {("OTHER", "X2"): "commune"})
    assert [(r.entity, r.verdict) for r in missing] == [("X2", V.NO_DATA)]


def test_a_stock_unit_that_ceased_before_the_window_end_is_not_missing() -> None:
    gone = pr.Entity(code="X0", level="commune", valid_to=date(2025, 6, 30))
    tgt = at("each", ind="S")
    assert missing_units(STOCK, tgt, YEAR, [gone], figures(tgt, ind=STOCK), [], {}, {}) == []
    assert [r.entity for r in missing_units(RATE, at("each"), YEAR, [gone],
                                            figures(at("each")), [], {}, {})] == ["X0"]


def test_a_reported_target_with_a_figure_has_no_missing_units() -> None:
    tgt = at("reported", level="province")
    assert missing_units(RATE, tgt, YEAR, [PROVINCE, X1], figures(tgt, counted(X2, 1, 2)),
                         [], {}, {}) == []


# -- statistics ------------------------------------------------------------------------------

def test_the_statistics_count_each_verdict_and_keep_every_figure() -> None:
    # X1 meets 70%, X2 does not; X3 and X4 gave nothing usable.
    f = figures(at("each"), counted(X1, 8, 10), counted(X2, 6, 10))
    missing = [pr.EntityResult(entity="X3", level="commune", verdict=V.INVALID),
               pr.EntityResult(entity="X4", level="commune", verdict=V.NO_DATA)]
    s = statistics(f, missing, Fraction(6, 10), False)
    assert (s.n_entities, s.met, s.not_met, s.invalid, s.no_data, s.not_applicable) == (
        4, 1, 1, 1, 1, 0)
    assert (s.numerator, s.denominator, s.pooled, s.mean) == (14, 20, Fraction(7, 10),
                                                              Fraction(7, 10))
    assert (s.minimum, s.maximum, s.n_observations, s.reported) == (
        Fraction(6, 10), Fraction(8, 10), 2, None)


def test_a_reported_statistic_is_only_the_scope_units_own_figure() -> None:
    tgt = at("reported", level="province")
    own = statistics(figures(tgt, counted(PROVINCE, 3, 4)), [], Fraction(3, 4), False)
    derived = statistics(figures(tgt, counted(X1, 3, 4)), [], Fraction(3, 4), True)
    assert (own.reported, derived.reported) == (Fraction(3, 4), None)


# -- measure ---------------------------------------------------------------------------------

def _data(tgt: pr.Target, observations: Sequence[pr.Observation],
          entities: Sequence[pr.Entity], *, blocked: Sequence[int] = ()) -> TargetData:
    """``blocked``: the positions of figures a data issue blocks (of units in scope)."""
    table = FigureTable.from_observations(observations)
    by_code = {e.code: e for e in entities}
    unit_of = [by_code[o.entity] for o in observations]
    usable = [i for i in range(len(table)) if i not in blocked]
    by_unit: dict[str, list[int]] = {}
    for i in blocked:
        by_unit.setdefault(observations[i].entity, []).append(i)
    return TargetData(table=table, target=tgt, indicator=RATE,
                      series=series(table, usable, unit_of), unit_of=unit_of,
                      in_scope=sorted((e for e in entities if e.in_scope(tgt.scope)),
                                      key=lambda e: e.code),
                      blocked=by_unit, blocked_in_scope=frozenset(blocked))


def _rate(entity: str, num: int, den: int, period: pr.Period | None = None) -> pr.Observation:
    return pr.Observation(indicator="R", entity=entity,
                          period=period or pr.Period.month(2025, 1), numerator=num,
                          denominator=den)


WHEN = date(2025, 12, 31)
REPORTED = at("reported", level="province")


def test_a_reported_target_is_pooled_from_its_units_when_it_gave_none() -> None:
    data = _data(REPORTED, [_rate("X1", 1, 2), _rate("X2", 30, 40)], [PROVINCE, X1, X2])
    m = measure(data, YEAR, WHEN, None)
    assert (m.derived, m.verdict, m.observed) == (True, V.MET, Fraction(31, 42))
    assert m.used == (0, 1)


def test_a_reported_target_uses_its_own_figure_when_it_gave_one() -> None:
    data = _data(REPORTED, [_rate("X1", 1, 2), _rate("P", 1, 4), _rate("X2", 30, 40)],
                 [PROVINCE, X1, X2])
    m = measure(data, YEAR, WHEN, None)
    assert (m.derived, m.verdict, m.observed, m.used) == (False, V.NOT_MET, Fraction(1, 4),
                                                          (1,))


def test_a_reported_target_whose_own_figure_is_blocked_is_not_pooled() -> None:
    data = _data(REPORTED, [_rate("X1", 1, 2), _rate("P", 3, 2)], [PROVINCE, X1], blocked=[1])
    m = measure(data, YEAR, WHEN, None)
    assert (m.derived, m.verdict, m.observed) == (False, V.INVALID, None)


def test_a_blocked_figure_after_the_window_does_not_block_the_target() -> None:
    # Q4's blocked figure as of 31 March: the target measures January to March only.
    data = _data(at("pooled"), [_rate("X1", 3, 2, pr.Period.quarter(2025, 4))], [X1],
                 blocked=[0])
    m = measure(data, pr.Period.parse("Q1/2025"), date(2025, 3, 31), None)
    assert (m.verdict, [r.verdict for r in m.missing]) == (V.NO_DATA, [V.NO_DATA])


def test_a_blocked_figure_before_the_window_does_not_block_the_target() -> None:
    data = _data(at("pooled"), [_rate("X1", 3, 2, pr.Period.quarter(2024, 4))], [X1],
                 blocked=[0])
    m = measure(data, YEAR, WHEN, None)
    assert (m.verdict, [r.verdict for r in m.missing]) == (V.NO_DATA, [V.NO_DATA])


def test_a_blocked_figure_inside_the_window_blocks_its_unit_and_the_target() -> None:
    data = _data(at("pooled"), [_rate("X1", 3, 2)], [X1], blocked=[0])
    m = measure(data, YEAR, WHEN, None)
    assert (m.verdict, [r.verdict for r in m.missing]) == (V.INVALID, [V.INVALID])


def test_measuring_a_pooled_target_lists_its_silent_units() -> None:
    data = _data(at("pooled"), [_rate("X1", 8, 10)], [X1, X2])
    m = measure(data, YEAR, WHEN, None)
    assert (m.verdict, m.observed) == (V.MET, Fraction(8, 10))
    assert [(r.entity, r.verdict) for r in m.missing] == [("X2", V.NO_DATA)]


# -- an earlier point ------------------------------------------------------------------------

_UNITS = (PROVINCE, X1, X2, X3)
_SPANS = (*(pr.Period.month(2025, m) for m in (1, 2, 3, 4)), pr.Period.quarter(2025, 1))


@st.composite
def _earlier_cases(draw: st.DrawFn) -> tuple[TargetData, date]:
    ind = draw(st.sampled_from([RATE, STOCK]))
    tgt = draw(st.sampled_from([at("reported", level="province", ind=ind.code),
                                at("pooled", ind=ind.code)]))
    observations = []
    for _ in range(draw(st.integers(1, 8))):
        unit = draw(st.sampled_from(_UNITS))
        period = draw(st.sampled_from(_SPANS))
        if draw(st.integers(0, 5)) == 0:
            observations.append(pr.Observation(indicator=ind.code, entity=unit.code,
                                               period=period, value=Fraction(1, 2)))
        else:
            den = draw(st.integers(0, 5))
            observations.append(pr.Observation(indicator=ind.code, entity=unit.code,
                                               period=period, numerator=draw(
                                                   st.integers(0, den)), denominator=den))
    table = FigureTable.from_observations(observations)
    by_code = {e.code: e for e in _UNITS}
    unit_of = [by_code[o.entity] for o in observations]
    blocked = draw(st.sets(st.integers(0, len(observations) - 1), max_size=1))
    by_unit: dict[str, list[int]] = {}
    for i in blocked:
        by_unit.setdefault(observations[i].entity, []).append(i)
    usable = [i for i in range(len(table)) if i not in blocked]
    data = TargetData(table=table, target=tgt, indicator=ind,
                      series=series(table, usable, unit_of), unit_of=unit_of,
                      in_scope=sorted((e for e in _UNITS if e.in_scope(tgt.scope)),
                                      key=lambda e: e.code),
                      blocked=by_unit, blocked_in_scope=frozenset(
                          i for i in blocked if unit_of[i].in_scope(tgt.scope)))
    return data, draw(st.sampled_from([date(2025, 1, 31), date(2025, 3, 31), WHEN]))


@settings(max_examples=150, deadline=None)
@given(_earlier_cases())
def test_an_earlier_point_is_what_measuring_it_gives(case: tuple[TargetData, date]) -> None:
    data, when = case
    window = pr.Period.between(date(2025, 1, 1), when)
    past = measure(data, window, when, None)
    assert earlier(data, window, when) == (past.verdict, past.observed,
                                           past.last_end(data.table))


_COUNTS = st.lists(st.tuples(st.integers(0, 20), st.integers(1, 20)).map(
    lambda nd: (min(nd), max(nd))), min_size=1, max_size=6)


@settings(max_examples=40, deadline=None)
@given(counts=_COUNTS, silent=st.integers(1, 5), aggregation=st.sampled_from(
    ["pooled", "mean", "each"]))
def test_silent_units_never_change_the_verdict_of_a_target_that_skips_them(
        counts: list[tuple[int, int]], silent: int, aggregation: str) -> None:
    tgt = attrs.evolve(at(aggregation), missing="skip_missing")
    units = [counted(pr.Entity(code=f"X{i}", level="commune"), n, d, i)
             for i, (n, d) in enumerate(counts)]
    assert judged(figures(tgt, *units), [V.NO_DATA] * silent) == judged(figures(tgt, *units))


@settings(max_examples=40, deadline=None)
@given(counts=_COUNTS, silent=st.integers(1, 5))
def test_a_silent_unit_makes_a_pooled_target_that_requires_all_incomplete(
        counts: list[tuple[int, int]], silent: int) -> None:
    tgt = attrs.evolve(at("pooled"), missing="require_all")
    units = [counted(pr.Entity(code=f"X{i}", level="commune"), n, d, i)
             for i, (n, d) in enumerate(counts)]
    whole, observed = judged(figures(tgt, *units))
    assert judged(figures(tgt, *units), [V.NO_DATA] * silent) == (V.INCOMPLETE, observed)
    assert whole in (V.MET, V.NOT_MET)
