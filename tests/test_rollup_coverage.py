"""Coverage of a rolled-up figure: a province-wide figure rolled up from the province's own
units says which of them it came from and which sent nothing (the units under the province at
the levels its figures are given at, valid during the window), and the target's rule for
missing units applies to them as to a pooled figure's units: ``skip_missing`` by default,
``require_all`` for a rate that must reach 100%."""

from __future__ import annotations

from datetime import date
from fractions import Fraction

import pytest

import plan_rules as pr
import sample_plugin
from plan_rules import builtin
from plan_rules.testing import Contributions

AS_OF = date(2025, 12, 31)
V = pr.Verdict


@pytest.fixture(scope="module")
def reg() -> pr.Registry:
    targets = [sample_plugin.target(code, ind, threshold, aggregation="reported",
                                    level="province")
               for code, ind, threshold in (("R.half", "T1.A.1", Fraction(1, 2)),
                                            ("R.all", "T1.A.1", 1),
                                            ("R.stock", "T1.A.2", Fraction(1, 2)))]
    return pr.load_registry(plugins=[sample_plugin, builtin, Contributions(
        name="rolled", targets=targets)], entry_points=False)


def unit(code: str, parent: str | None, level: str = "commune", **kw: object) -> pr.Entity:
    return pr.Entity(code=code, level=level, parent=parent, name=f"Đơn vị {code}",
                     **kw)  # type: ignore[arg-type]


def obs(entity: str, num: int, den: int, period: str = "Q3/2025",
        indicator: str = "T1.A.1") -> pr.Observation:
    return pr.Observation(indicator=indicator, entity=entity, period=pr.Period.parse(period),
                          numerator=num, denominator=den)


PROVINCE = unit("p1", None, "province")
COMMUNES = [unit(f"x{i}", "p1") for i in range(1, 4)]


def finding(reg: pr.Registry, code: str, figures: list[pr.Observation],
            entities: list[pr.Entity] | None = None) -> pr.Finding:
    report = pr.evaluate(figures, registry=reg, as_of=AS_OF,
                         entities=[PROVINCE, *COMMUNES] if entities is None else entities)
    return report.finding(code)


def test_a_silent_unit_under_a_rolled_up_province_is_named_in_its_coverage(
        reg: pr.Registry) -> None:
    f = finding(reg, "R.half", [obs("x1", 6, 10), obs("x2", 7, 10)])
    assert f.coverage is not None
    assert (f.coverage.expected, f.coverage.reported) == (3, 2)
    assert [(m.code, m.name) for m in f.coverage.missing] == [("x3", "Đơn vị x3")]
    assert "2 of 3 units reported, 1 sent nothing (x3)" in f.message.en


def test_a_rolled_up_rate_below_100_percent_is_judged_on_the_units_that_reported(
        reg: pr.Registry) -> None:
    f = finding(reg, "R.half", [obs("x1", 6, 10), obs("x2", 7, 10)])
    assert (f.verdict, f.observed) == (V.MET, Fraction(13, 20))


def test_a_rolled_up_rate_that_must_reach_100_percent_is_incomplete_with_a_silent_unit(
        reg: pr.Registry) -> None:
    f = finding(reg, "R.all", [obs("x1", 10, 10), obs("x2", 10, 10)])
    assert (f.verdict, f.observed) == (V.INCOMPLETE, 1)


def test_a_unit_whose_district_reported_for_it_is_not_missing(reg: pr.Registry) -> None:
    district = unit("d1", "p1", "district", valid_to=date(2025, 6, 30))
    old = unit("x9", "d1", valid_to=date(2025, 6, 30))
    f = finding(reg, "R.half", [obs("d1", 5, 10, "Q1/2025"), *(
        obs(c.code, 6, 10) for c in COMMUNES)], [PROVINCE, district, old, *COMMUNES])
    assert f.coverage is not None and f.coverage.complete


def test_only_the_levels_the_figures_are_given_at_are_expected(reg: pr.Registry) -> None:
    department = unit("s1", "p1", "department")
    f = finding(reg, "R.half", [obs(c.code, 6, 10) for c in COMMUNES],
                [PROVINCE, department, *COMMUNES])
    assert f.coverage is not None
    assert (f.coverage.expected, f.coverage.reported) == (3, 3)


def test_a_stocks_unit_gone_before_the_window_ends_is_not_expected(reg: pr.Registry) -> None:
    gone = unit("x0", "p1", valid_to=date(2025, 6, 30))
    f = finding(reg, "R.stock", [obs(c.code, 6, 10, indicator="T1.A.2") for c in COMMUNES],
                [PROVINCE, gone, *COMMUNES])
    assert f.coverage is not None and f.coverage.expected == 3


def test_a_province_with_no_figure_of_its_own_or_its_units_is_named_missing(
        reg: pr.Registry) -> None:
    other = unit("p2", None, "province")
    f = finding(reg, "R.half", [obs(c.code, 6, 10) for c in COMMUNES],
                [PROVINCE, other, unit("y1", "p2"), *COMMUNES])
    assert f.coverage is not None
    assert [m.code for m in f.coverage.missing] == ["p2"]
    assert (f.coverage.expected, f.coverage.reported) == (4, 3)


def test_an_earlier_point_with_a_silent_unit_is_incomplete_and_not_in_the_history(
        reg: pr.Registry) -> None:
    # As of 31/3 the figure is incomplete (x3 sent nothing); the history as of 31/12 must
    # not take a point from that cut-off that the target as of 31/3 would not give.
    figures = [obs("x1", 10, 10, "Q1/2025"), obs("x2", 10, 10, "Q1/2025")]
    as_of_march = pr.evaluate(figures, registry=reg, as_of=date(2025, 3, 31),
                              entities=[PROVINCE, *COMMUNES]).finding("R.all")
    assert as_of_march.verdict is V.INCOMPLETE
    f = finding(reg, "R.all", figures)
    assert f.verdict is V.INCOMPLETE
    assert f.history == ()
    # The same figures under a rule that skips missing units are judged at each point.
    half = finding(reg, "R.half", figures)
    assert [(p.on, p.value) for p in half.history] == [(date(2025, 3, 31), 1)]
