"""The comparing stage on its own: each unit's figure against the threshold, exactly, the gap
in the indicator's units, and the finding's words (src/plan_rules/compare.py)."""

from __future__ import annotations

from fractions import Fraction

import pytest

import plan_rules as pr
from plan_rules.combine import Combined
from plan_rules.compare import UnitResults, gap, meets, message, target_gap
from plan_rules.figures import FigureTable
from sample_plugin import indicator, target

RATE = indicator("R")
COUNT = indicator("C", kind="count", temporal="stock")
MILESTONE = indicator("M", kind="milestone", temporal="stock")
X1 = pr.Entity(code="X1", level="commune")
X2 = pr.Entity(code="X2", level="commune")
X3 = pr.Entity(code="X3", level="commune")
SIXTY_FIVE = Fraction(65, 100)


def at(comparator: str, threshold: Fraction | int = SIXTY_FIVE, ind: str = "R",
       aggregation: str = "pooled") -> pr.Target:
    return target(f"{ind}.t", ind, threshold, comparator=comparator, aggregation=aggregation)


def counted(num: int, den: int, entity: pr.Entity = X1) -> Combined:
    return Combined(entity=entity, used=[0], numerator=num, denominator=den)


def valued(v: Fraction | int, entity: pr.Entity = X1) -> Combined:
    return Combined(entity=entity, used=[0], value=Fraction(v))


# -- meets -----------------------------------------------------------------------------------

@pytest.mark.parametrize(("comparator", "expected"), [
    (">=", True), (">", False), ("<=", True), ("<", False), ("==", True)])
def test_counts_on_the_threshold(comparator: str, expected: bool) -> None:
    assert meets(counted(13, 20), at(comparator)) is expected


@pytest.mark.parametrize(("comparator", "expected"), [
    (">=", True), (">", False), ("<=", True), ("<", False), ("==", True)])
def test_a_value_on_the_threshold(comparator: str, expected: bool) -> None:
    assert meets(valued(SIXTY_FIVE), at(comparator)) is expected


def test_counts_just_below_the_threshold_fail_at_least() -> None:
    # 1299999/2000000 is 64.99995%: a float rounding would call it 65%.
    assert meets(counted(1_299_999, 2_000_000), at(">=")) is False
    assert meets(counted(1_300_000, 2_000_000), at(">=")) is True


def test_a_zero_denominator_has_no_verdict() -> None:
    assert meets(counted(0, 0), at(">=")) is None


def test_a_unit_with_no_figure_has_no_verdict() -> None:
    assert meets(Combined(entity=X1, used=[]), at(">=")) is None


# -- gap -------------------------------------------------------------------------------------

@pytest.mark.parametrize(("comparator", "num", "units"), [
    (">=", 12, 1),   # 13 of 20 meet 65%
    (">", 12, 2),    # more than 13: 14
    ("<=", 14, 1),   # at most 13
    ("<", 14, 2),    # fewer than 13: 12
    ("==", 12, 1),
])
def test_the_gap_of_a_rate_in_units_of_its_numerator(comparator: str, num: int,
                                                     units: int) -> None:
    figure = Fraction(num, 20)
    assert gap(RATE, at(comparator), figure, num, 20) == (abs(SIXTY_FIVE - figure), units)


@pytest.mark.parametrize(("comparator", "v", "units"), [
    (">=", 10, 3), (">", 10, 4), ("<=", 15, 2), ("<", 15, 3), ("==", 10, 3)])
def test_the_gap_of_a_count_in_its_units(comparator: str, v: int, units: int) -> None:
    got = gap(COUNT, at(comparator, 13, "C"), Fraction(v), None, None)
    assert got == (Fraction(abs(13 - v)), units)


def test_a_met_figure_has_no_gap() -> None:
    assert gap(RATE, at(">="), Fraction(7, 10), 7, 10) == (Fraction(0), 0)


def test_a_rate_without_counts_has_a_distance_but_no_units() -> None:
    assert gap(RATE, at(">="), Fraction(1, 2), None, None) == (Fraction(15, 100), None)


def test_a_milestone_has_no_gap() -> None:
    assert gap(MILESTONE, at(">=", 1, "M"), Fraction(0), None, None) == (None, None)


def test_no_figure_has_no_gap() -> None:
    assert gap(RATE, at(">="), None, None, None) == (None, None)


# -- unit results ----------------------------------------------------------------------------

def _table() -> FigureTable:
    return FigureTable.from_observations([
        pr.Observation(indicator="R", entity="X1", period=pr.Period.month(2025, 1),
                       numerator=1, denominator=2),
        pr.Observation(indicator="R", entity="X1", period=pr.Period.month(2025, 2),
                       numerator=1, denominator=2),
    ])


def unit_results(table: FigureTable, indicator: pr.Indicator, target: pr.Target,
                 combined: dict[str, Combined]) -> UnitResults:
    """The units' results as the engine builds them: each unit's verdict from ``meets``."""
    verdicts = [pr.Verdict.NO_DATA if m is None else pr.Verdict.MET if m else pr.Verdict.NOT_MET
                for m in (meets(c, target) for c in combined.values())]
    return UnitResults(table, indicator, target, combined, verdicts, ())


def test_each_unit_has_its_verdict_figure_gap_and_figures() -> None:
    combined = {
        "X1": Combined(entity=X1, used=[0, 1], numerator=12, denominator=20),
        "X2": Combined(entity=X2, used=[1], numerator=13, denominator=20),
        "X3": Combined(entity=X3, used=[0], numerator=0, denominator=0),
    }
    r1, r2, r3 = unit_results(_table(), RATE, at(">="), combined)
    assert (r1.entity, r1.verdict, r1.observed, r1.gap, r1.gap_units) == (
        "X1", pr.Verdict.NOT_MET, Fraction(12, 20), Fraction(1, 20), 1)
    assert (r1.periods, r1.observations) == (("01/2025", "02/2025"), (0, 1))
    assert (r2.verdict, r2.gap, r2.gap_units) == (pr.Verdict.MET, Fraction(0), 0)
    assert (r3.verdict, r3.observed, r3.gap) == (pr.Verdict.NO_DATA, None, None)


def test_a_milestones_unit_results_have_no_gap() -> None:
    (r,) = unit_results(_table(), MILESTONE, at(">=", 1, "M"), {"X1": valued(0)})
    assert (r.verdict, r.gap, r.gap_units) == (pr.Verdict.NOT_MET, None, None)


# -- the target's gap ------------------------------------------------------------------------

def _results(tgt: pr.Target) -> list[int | None]:
    """The gaps in units of the units that fall short."""
    return unit_results(_table(), RATE, tgt, {"X1": counted(12, 20, X1),
                                              "X2": counted(10, 20, X2),
                                              "X3": counted(20, 20, X3)}).short_units()


def test_an_each_target_gap_sums_its_failing_units_gaps() -> None:
    tgt = at(">=", aggregation="each")
    got = target_gap(RATE, tgt, pr.Verdict.NOT_MET, Fraction(10, 20), pr.Statistics(),
                     _results(tgt))
    assert got == (Fraction(15, 100), 1 + 3)


def test_a_mean_target_gap_has_no_units() -> None:
    tgt = at(">=", aggregation="mean")
    got = target_gap(RATE, tgt, pr.Verdict.NOT_MET, Fraction(1, 2), pr.Statistics(),
                     _results(tgt))
    assert got == (Fraction(15, 100), None)


def test_a_pooled_target_gap_is_in_units_of_its_summed_counts() -> None:
    tgt = at(">=", Fraction(3, 4))
    stats = pr.Statistics(numerator=42, denominator=60)
    got = target_gap(RATE, tgt, pr.Verdict.NOT_MET, Fraction(42, 60), stats, _results(tgt))
    assert got == (Fraction(3, 4) - Fraction(42, 60), 45 - 42)


def test_a_met_target_has_no_gap_and_one_without_figure_none() -> None:
    tgt = at(">=")
    met = target_gap(RATE, tgt, pr.Verdict.MET, Fraction(1), pr.Statistics(), [])
    assert met == (Fraction(0), 0)
    assert target_gap(RATE, tgt, pr.Verdict.NO_DATA, None, pr.Statistics(), []) == (None,
                                                                                    None)


# -- message ---------------------------------------------------------------------------------

def test_a_missed_at_least_target_says_how_many_more_units_meet_it() -> None:
    text = message(RATE, at(">="), pr.Verdict.NOT_MET, Fraction(12, 20),
                   pr.Statistics(numerator=12, denominator=20), 1, None, False)
    assert "12/20" in text.en
    assert "1 more dossier would meet it." in text.en
    assert "Cần thêm 1 hồ sơ để đạt." in text.vi


def test_the_message_says_several_units_in_the_plural() -> None:
    text = message(RATE, at(">="), pr.Verdict.NOT_MET, Fraction(11, 20),
                   pr.Statistics(numerator=11, denominator=20), 2, None, False)
    assert "2 more dossiers would meet it." in text.en


def test_a_missed_at_most_target_says_how_many_fewer_units_meet_it() -> None:
    text = message(RATE, at("<="), pr.Verdict.NOT_MET, Fraction(14, 20),
                   pr.Statistics(numerator=14, denominator=20), 1, None, False)
    assert "1 fewer dossier would meet it." in text.en


def test_the_message_says_why_there_is_no_window() -> None:
    reason = pr.Text(vi="chỉ áp dụng từ 01/07/2025", en="applies from 01/07/2025")
    text = message(RATE, at(">="), pr.Verdict.NOT_APPLICABLE, None, pr.Statistics(), None,
                   reason, False)
    assert text.en.endswith("applies from 01/07/2025.")
    assert "—" in text.en
