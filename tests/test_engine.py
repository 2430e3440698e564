"""The engine's contract: exact verdicts, aggregation as declared, validity, conservation."""

from __future__ import annotations

import random
from datetime import date
from fractions import Fraction

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

import plan_rules as pr
import sample_plugin
from plan_rules.testing import Contributions

AS_OF = date(2025, 12, 31)


def obs(indicator: str = "T1.A.1", entity: str = "xa-a", level: str = "commune",
        period: str = "Q1/2025", numerator: int | None = None, denominator: int | None = None,
        value: Fraction | int | None = None, source: str | None = None,
        row: int | None = None) -> pr.Observation:
    return pr.Observation(indicator=indicator, entity=entity, level=level,
                          period=pr.Period.parse(period), numerator=numerator,
                          denominator=denominator, value=value, source=source,
                          file="test.csv", row=row)


def verdict(report: pr.Report, code: str) -> pr.Verdict:
    return report.finding(code).verdict


def test_value_exactly_on_threshold_meets_ge(registry: pr.Registry) -> None:
    report = pr.evaluate([obs(numerator=65, denominator=100)], registry=registry, as_of=AS_OF)
    assert verdict(report, "T1.A.1.pooled") is pr.Verdict.MET


def test_value_exactly_on_threshold_fails_gt(registry: pr.Registry) -> None:
    report = pr.evaluate([obs(numerator=50, denominator=100)], registry=registry, as_of=AS_OF)
    assert verdict(report, "T1.A.1.strict") is pr.Verdict.NOT_MET
    assert report.finding("T1.A.1.strict").gap_units == 1


def test_one_unit_below_threshold_is_not_met_with_exact_gap(registry: pr.Registry) -> None:
    report = pr.evaluate([obs(numerator=129, denominator=200)], registry=registry, as_of=AS_OF)
    finding = report.finding("T1.A.1.pooled")
    assert finding.verdict is pr.Verdict.NOT_MET
    assert finding.observed == Fraction(129, 200)
    assert finding.gap == Fraction(1, 200)
    assert finding.gap_units == 1
    assert "1 more dossier would meet it" in finding.message.en
    assert "Cần thêm 1 hồ sơ" in finding.message.vi


@pytest.mark.parametrize("comparator", ["<=", "<"])
def test_an_at_most_target_says_how_many_fewer_would_meet_it(comparator: str) -> None:
    # At most 5% late: 20 late of 100 is 15 (or, for "<", 16) too many.
    late = sample_plugin.target("T1.A.1.late", "T1.A.1", Fraction(5, 100),
                                comparator=comparator)
    registry = pr.load_registry(plugins=[sample_plugin, Contributions(
        name="late", targets=[late])], entry_points=False)
    report = pr.evaluate([obs(numerator=20, denominator=100)], registry=registry, as_of=AS_OF)
    finding = report.finding("T1.A.1.late")
    units = 15 if comparator == "<=" else 16
    assert finding.verdict is pr.Verdict.NOT_MET and finding.gap_units == units
    assert f"{units} fewer dossiers would meet it" in finding.message.en
    assert f"Cần bớt {units} hồ sơ để đạt" in finding.message.vi


@given(st.integers(0, 400), st.integers(0, 400), st.integers(1, 400))
def test_verdict_is_monotone_in_observed_value(registry: pr.Registry, a: int, b: int,
                                                den: int) -> None:
    reg = registry
    low, high = sorted((min(a, den), min(b, den)))
    rank = {pr.Verdict.NOT_MET: 0, pr.Verdict.MET: 1}
    for code in ("T1.A.1.pooled", "T1.A.1.strict"):
        v_low = verdict(pr.evaluate([obs(numerator=low, denominator=den)], registry=reg,
                                    as_of=AS_OF), code)
        v_high = verdict(pr.evaluate([obs(numerator=high, denominator=den)], registry=reg,
                                     as_of=AS_OF), code)
        assert rank[v_low] <= rank[v_high]


def test_mean_and_pooled_differ_and_each_target_uses_its_own(registry: pr.Registry) -> None:
    report = pr.evaluate([
        obs(entity="xa-a", numerator=1, denominator=1),
        obs(entity="xa-b", numerator=60, denominator=100),
    ], registry=registry, as_of=AS_OF)
    mean = report.finding("T1.A.1.mean")
    pooled = report.finding("T1.A.1.pooled")
    assert mean.observed == Fraction(4, 5)
    assert pooled.observed == Fraction(61, 101)
    assert mean.statistics is not None and mean.statistics.pooled == Fraction(61, 101)
    assert pooled.statistics is not None and pooled.statistics.mean == Fraction(4, 5)
    assert mean.verdict is pr.Verdict.MET  # 80% >= 80%
    assert pooled.verdict is pr.Verdict.NOT_MET  # 60.4% < 65%


def test_each_fails_when_one_entity_fails_and_counts_k_of_n(registry: pr.Registry) -> None:
    report = pr.evaluate([
        obs(entity="xa-a", numerator=9, denominator=10),
        obs(entity="xa-b", numerator=5, denominator=10),
        obs(entity="xa-c", numerator=6, denominator=10),
    ], registry=registry, as_of=AS_OF)
    finding = report.finding("T1.A.1.each")
    assert finding.verdict is pr.Verdict.NOT_MET
    assert finding.statistics is not None
    assert (finding.statistics.met, finding.statistics.n_entities) == (2, 3)
    assert finding.gap_units == 1  # one more dossier at xa-b
    assert "2 of 3 units meet." in finding.message.en


def test_flow_figures_add_up_over_periods(registry: pr.Registry) -> None:
    report = pr.evaluate([
        obs(period="Q1/2025", numerator=30, denominator=100),
        obs(period="Q2/2025", numerator=100, denominator=100),
    ], registry=registry, as_of=AS_OF)
    assert report.finding("T1.A.1.pooled").observed == Fraction(130, 200)


def test_stock_figures_take_the_latest_snapshot(registry: pr.Registry) -> None:
    report = pr.evaluate([
        obs(indicator="T1.A.2", entity="tinh", level="province", period="Q2/2025",
            numerator=10, denominator=10),
        obs(indicator="T1.A.2", entity="tinh", level="province", period="Q1/2025",
            numerator=1, denominator=10),
    ], registry=registry, as_of=AS_OF)
    finding = report.finding("T1.A.2.province")
    assert finding.verdict is pr.Verdict.MET
    assert finding.observations == (0,)


def test_a_period_inside_a_reported_longer_period_is_not_added_twice(
        registry: pr.Registry) -> None:
    report = pr.evaluate([
        obs(period="H1/2025", numerator=70, denominator=100),
        obs(period="Q1/2025", numerator=10, denominator=50),
    ], registry=registry, as_of=AS_OF)
    assert report.finding("T1.A.1.pooled").observed == Fraction(7, 10)
    assert [i.code for i in report.issues] == ["covered_period"]
    assert report.issues[0].observation == 1


def test_district_figure_after_the_district_level_ended_is_not_applicable(
        registry: pr.Registry) -> None:
    district = pr.Entity(code="huyen-a", level="district", valid_to=date(2025, 6, 30))
    report = pr.evaluate([obs(entity="huyen-a", level="district", period="Q3/2025",
                              numerator=1, denominator=10)],
                         registry=registry, as_of=AS_OF, entities=[district])
    assert verdict(report, "T1.A.1.district") is pr.Verdict.NOT_APPLICABLE
    assert verdict(report, "core.validity") is pr.Verdict.NOT_MET
    assert report.conservation().holds


def test_district_figure_for_q3_is_not_applicable_even_without_entity_dates(
        registry: pr.Registry) -> None:
    report = pr.evaluate([obs(entity="huyen-a", level="district", period="Q3/2025",
                              numerator=1, denominator=10)], registry=registry, as_of=AS_OF)
    assert verdict(report, "T1.A.1.district") is pr.Verdict.NOT_APPLICABLE


def test_district_target_is_still_judged_on_figures_before_july(registry: pr.Registry) -> None:
    report = pr.evaluate([obs(entity="huyen-a", level="district", period="Q2/2025",
                              numerator=7, denominator=10)], registry=registry, as_of=AS_OF)
    finding = report.finding("T1.A.1.district")
    assert finding.verdict is pr.Verdict.NOT_MET
    assert finding.window is not None and finding.window.end == date(2025, 6, 30)


def test_target_with_no_figures_is_no_data(registry: pr.Registry) -> None:
    report = pr.evaluate([], registry=registry, as_of=AS_OF)
    assert verdict(report, "T1.A.1.pooled") is pr.Verdict.NO_DATA


def test_numerator_above_denominator_makes_the_target_invalid(registry: pr.Registry) -> None:
    report = pr.evaluate([obs(numerator=12, denominator=10, row=7)], registry=registry,
                         as_of=AS_OF)
    assert verdict(report, "T1.A.1.pooled") is pr.Verdict.INVALID
    issue = next(i for i in report.issues if i.code == "numerator_exceeds_denominator")
    assert (issue.file, issue.row, issue.field) == ("test.csv", 7, "numerator")
    assert verdict(report, "core.numerator_le_denominator") is pr.Verdict.NOT_MET


def test_milestone_done_needs_evidence(registry: pr.Registry) -> None:
    base = dict(indicator="T1.A.4", entity="tinh", level="province", value=1)
    without = pr.evaluate([obs(**base)], registry=registry, as_of=AS_OF)  # type: ignore[arg-type]
    assert verdict(without, "T1.A.4.province") is pr.Verdict.INVALID
    with_evidence = pr.evaluate([obs(**base, source="QĐ 12/QĐ-UBND")],  # type: ignore[arg-type]
                                registry=registry, as_of=AS_OF)
    assert verdict(with_evidence, "T1.A.4.province") is pr.Verdict.MET


def test_count_target_reports_units_missing(registry: pr.Registry) -> None:
    report = pr.evaluate([obs(indicator="T1.A.3", entity="tinh", level="province", value=120)],
                         registry=registry, as_of=AS_OF)
    finding = report.finding("T1.A.3.province")
    assert finding.verdict is pr.Verdict.NOT_MET
    assert finding.gap_units == 10


def test_reported_province_figure_is_derived_by_pooling_when_absent(
        registry: pr.Registry) -> None:
    report = pr.evaluate([
        obs(indicator="T1.A.2", entity="xa-a", numerator=5, denominator=5),
        obs(indicator="T1.A.2", entity="xa-b", numerator=4, denominator=5),
    ], registry=registry, as_of=AS_OF)
    finding = report.finding("T1.A.2.province")
    assert finding.observed == Fraction(9, 10)
    assert finding.details["derived"] is True


def test_figures_after_the_as_of_date_are_not_used(registry: pr.Registry) -> None:
    report = pr.evaluate([obs(period="Q4/2025", numerator=1, denominator=1)],
                         registry=registry, as_of=date(2025, 9, 30))
    assert verdict(report, "T1.A.1.pooled") is pr.Verdict.NO_DATA
    assert [i.code for i in report.issues] == ["unused"]


def test_duplicate_rows_keep_the_later_report(registry: pr.Registry) -> None:
    report = pr.evaluate([attrs.evolve(obs(numerator=1, denominator=10),
                                       reported_on=date(2025, 4, 2)),
                          attrs.evolve(obs(numerator=9, denominator=10),
                                       reported_on=date(2025, 4, 20))],
                         registry=registry, as_of=AS_OF)
    assert report.finding("T1.A.1.pooled").observed == Fraction(9, 10)
    assert [(i.code, i.observation) for i in report.issues] == [("duplicate", 0)]


@pytest.mark.parametrize("order", [(0, 1), (1, 0)])
def test_conflicting_duplicates_without_report_dates_make_the_target_invalid(
        registry: pr.Registry, order: tuple[int, int]) -> None:
    rows = [obs(indicator="T1.A.2", entity="tinh", level="province", period="Q4/2025",
                numerator=n, denominator=100, row=2 + k) for k, n in enumerate((60, 40))]
    report = pr.evaluate([rows[k] for k in order], registry=registry, as_of=AS_OF)
    assert verdict(report, "T1.A.2.province") is pr.Verdict.INVALID
    assert sorted((i.code, i.row) for i in report.issues) == [
        ("conflicting_duplicates", 2), ("conflicting_duplicates", 3)]


def test_unknown_indicator_is_a_data_issue(registry: pr.Registry) -> None:
    report = pr.evaluate([obs(indicator="NOPE.1", numerator=1, denominator=2, row=3)],
                         registry=registry, as_of=AS_OF)
    issue = report.issues[0]
    assert (issue.code, issue.row, issue.field, issue.text) == (
        "unknown_indicator", 3, "indicator", "NOPE.1")


def _mixed_observations() -> list[pr.Observation]:
    rng = random.Random(7)
    out = []
    for n, entity in enumerate(["xa-a", "xa-b", "xa-c", "xa-d"]):
        for q in (1, 2, 3):
            den = rng.randint(1, 50)
            out.append(obs(entity=entity, period=f"Q{q}/2025", numerator=rng.randint(0, den),
                           denominator=den, row=n * 3 + q))
    out.append(obs(entity="xa-a", period="Q1/2025", numerator=30, denominator=10, row=99))
    out.append(obs(entity="huyen-a", level="district", period="Q3/2025", numerator=1,
                   denominator=2, row=100))
    out.append(obs(indicator="T1.A.3", entity="tinh", level="province", value=131, row=101))
    return out


def _canonical(report: pr.Report) -> list[tuple[object, ...]]:
    """The report with positions replaced by rows, so that input order does not show."""
    rows = [report.source(i)[1] for i in range(report.n_observations)]
    return sorted(
        (f.code, f.verdict, f.observed, f.gap_units, f.message,
         tuple(sorted(rows[i] or 0 for i in f.observations)))
        for f in report.findings
    ) + sorted((i.code, i.row, i.field) for i in report.issues)  # type: ignore[list-item]


@given(st.randoms(use_true_random=False))
def test_shuffling_the_observations_does_not_change_the_report(registry: pr.Registry,
                                                                 rnd: random.Random) -> None:
    reg = registry
    given_obs = _mixed_observations()
    shuffled = list(given_obs)
    rnd.shuffle(shuffled)
    a = pr.evaluate(given_obs, registry=reg, as_of=AS_OF)
    b = pr.evaluate(shuffled, registry=reg, as_of=AS_OF)
    assert _canonical(a) == _canonical(b)


def test_every_observation_is_used_or_reported(registry: pr.Registry) -> None:
    given_obs = [*_mixed_observations(), obs(period="Q1/2024", numerator=1, denominator=1)]
    report = pr.evaluate(given_obs, registry=registry, as_of=date(2025, 9, 30))
    c = report.conservation()
    assert c.given == len(given_obs)
    assert c.lost == ()
    assert c.used + c.reported == c.given


@pytest.mark.parametrize("kwargs", [
    dict(numerator=1),
    dict(),
    dict(numerator=1, denominator=2, value=0.5),
])
def test_observation_refuses_incomplete_or_inexact_figures(kwargs: dict[str, object]) -> None:
    with pytest.raises((ValueError, TypeError)):
        pr.Observation(indicator="T1.A.1", entity="x", period=pr.Period.parse("2025"),
                       **kwargs)  # type: ignore[arg-type]


def test_a_unit_that_ceased_before_the_snapshot_is_not_missing_from_a_stock(
        registry: pr.Registry) -> None:
    old = pr.Entity(code="xa-cu", level="commune", valid_to=date(2025, 6, 30))
    new = pr.Entity(code="xa-moi", level="commune", valid_from=date(2025, 7, 1))
    stock_each = sample_plugin.target("T1.A.2.each", "T1.A.2", 1, aggregation="each")
    reg = pr.load_registry(plugins=[sample_plugin, _Extra([stock_each])], entry_points=False)
    report = pr.evaluate([obs(indicator="T1.A.2", entity="xa-moi", period="Q4/2025",
                              numerator=3, denominator=3)],
                         registry=reg, as_of=AS_OF, entities=[old, new])
    finding = report.finding("T1.A.2.each")
    assert finding.verdict is pr.Verdict.MET
    assert [r.entity for r in finding.entities] == ["xa-moi"]


def test_each_summary_counts_only_applicable_units(registry: pr.Registry) -> None:
    old = pr.Entity(code="xa-cu", level="commune", valid_to=date(2025, 6, 30))
    report = pr.evaluate([obs(entity="xa-cu", period="Q3/2025", numerator=1, denominator=1),
                          obs(entity="xa-moi", period="Q3/2025", numerator=1, denominator=1)],
                         registry=registry, as_of=AS_OF, entities=[old])
    finding = report.finding("T1.A.1.each")
    assert finding.verdict is pr.Verdict.MET
    assert "1 of 1 unit meets." in finding.message.en


class _Extra:
    """A plugin contributing extra targets to the sample plan."""

    __name__ = "extra_targets"

    def __init__(self, targets: list[pr.Target]) -> None:
        self._targets = targets

    @pr.hookimpl
    def plan_rules_targets(self) -> list[pr.Target]:
        return self._targets


def test_a_blocked_province_figure_is_not_replaced_by_pooling_its_units(
        registry: pr.Registry) -> None:
    report = pr.evaluate([
        obs(indicator="T1.A.2", entity="tinh", level="province", numerator=120,
            denominator=100),
        obs(indicator="T1.A.2", entity="xa-a", numerator=70, denominator=100),
    ], registry=registry, as_of=AS_OF)
    assert report.finding("T1.A.2.province").verdict is pr.Verdict.INVALID


def test_a_ceased_unit_is_not_pooled_into_a_province_stock(registry: pr.Registry) -> None:
    district = pr.Entity(code="huyen-a", level="district", valid_to=date(2025, 6, 30))
    report = pr.evaluate([
        obs(indicator="T1.A.2", entity="huyen-a", level="district", period="Q2/2025",
            numerator=0, denominator=100),
        obs(indicator="T1.A.2", entity="xa-a", period="Q4/2025", numerator=100,
            denominator=100),
    ], registry=registry, as_of=AS_OF, entities=[district])
    finding = report.finding("T1.A.2.province")
    assert finding.observed == 1
    assert finding.verdict is pr.Verdict.MET
    assert report.conservation().holds


def test_pooling_percentages_is_invalid_and_says_why(registry: pr.Registry) -> None:
    report = pr.evaluate([obs(entity="xa-a", value=Fraction(9, 10)),
                          obs(entity="xa-b", numerator=9, denominator=10)],
                         registry=registry, as_of=AS_OF)
    assert report.finding("T1.A.1.pooled").verdict is pr.Verdict.INVALID
    assert [(i.code, i.observation) for i in report.issues] == [("counts_needed", 0)]


def test_nothing_to_count_is_no_data_and_says_why(registry: pr.Registry) -> None:
    report = pr.evaluate([obs(entity="xa-a", numerator=0, denominator=0)],
                         registry=registry, as_of=AS_OF)
    assert report.finding("T1.A.1.pooled").verdict is pr.Verdict.NO_DATA
    assert [i.code for i in report.issues] == ["zero_denominator"]


def test_a_unit_given_two_levels_is_reported_whatever_the_row_order(
        registry: pr.Registry) -> None:
    rows = [obs(indicator="T1.A.2", entity="hy", level="province", numerator=1,
                denominator=1, row=1),
            obs(indicator="T1.A.2", entity="hy", level="commune", period="Q2/2025",
                numerator=1, denominator=2, row=2)]
    for ordered in (rows, rows[::-1]):
        report = pr.evaluate(ordered, registry=registry, as_of=AS_OF)
        assert sorted((i.code, i.row) for i in report.issues) == [
            ("level_conflict", 1), ("level_conflict", 2)]
        assert report.finding("T1.A.2.province").verdict is pr.Verdict.INVALID


# -- choosing plans ------------------------------------------------------------------------

def _two_plans() -> pr.Registry:
    from plan_rules import builtin

    other = sample_plugin.OnePlan("P2", "A", pr.Text(vi="Khu vực khác", en="Another area"))
    return pr.load_registry(plugins=[sample_plugin, other, builtin], entry_points=False)


def _figures() -> list[pr.Observation]:
    return [pr.Observation(indicator=code, entity="c1", level="commune",
                           period=pr.Period.parse("Q1/2025"), numerator=3, denominator=4)
            for code in ("T1.A.1", "P2.A.1")]


def test_evaluating_chosen_plans_gives_only_their_targets() -> None:
    report = pr.evaluate(_figures(), registry=_two_plans(), plans=["P2"],
                         as_of=date(2025, 12, 31))
    assert {f.plan for f in report.target_findings()} == {"P2"}
    assert report.finding("P2.A.1.pooled").verdict is pr.Verdict.MET


def test_a_figure_of_a_plan_not_chosen_is_read_and_named_unused() -> None:
    report = pr.evaluate(_figures(), registry=_two_plans(), plans=["P2"],
                         as_of=date(2025, 12, 31))
    assert [(i.code, i.observation) for i in report.issues] == [("unused", 0)]


def test_choosing_an_unknown_plan_names_the_plans_loaded() -> None:
    with pytest.raises(pr.UnknownReferenceError, match=r"'NOPE'.*loaded plans: P2, T1"):
        pr.evaluate(_figures(), registry=_two_plans(), plans=["NOPE"])

@pytest.mark.parametrize("code", ["T1.A.1.pooled", "T1.A.1.mean", "T1.A.1.each"])
def test_a_flow_given_as_percentages_of_several_periods_is_invalid(
        registry: pr.Registry, code: str) -> None:
    # 60% in Q1 and 62% in Q2 say nothing of the half-year's rate without the counts.
    report = pr.evaluate([obs(period="Q1/2025", value=Fraction(60, 100), row=2),
                          obs(period="Q2/2025", value=Fraction(62, 100), row=3),
                          obs(entity="xa-b", period="Q1/2025", numerator=9, denominator=10)],
                         registry=registry, as_of=AS_OF)
    assert verdict(report, code) is pr.Verdict.INVALID
    assert [(i.code, i.row) for i in report.issues if i.code == "counts_needed"] == [
        ("counts_needed", 2), ("counts_needed", 3)]


def test_a_single_percentage_of_a_flow_is_the_units_figure(registry: pr.Registry) -> None:
    report = pr.evaluate([obs(period="2025", value=Fraction(60, 100))],
                         registry=registry, as_of=AS_OF)
    finding = report.finding("T1.A.1.mean")
    assert (finding.verdict, finding.observed) == (pr.Verdict.NOT_MET, Fraction(60, 100))


@pytest.mark.parametrize(("period", "as_of"), [("Q4/2025", date(2025, 3, 31)),
                                               ("Q4/2024", AS_OF)])
def test_a_blocked_figure_outside_the_window_leaves_the_target_without_data(
        registry: pr.Registry, period: str, as_of: date) -> None:
    report = pr.evaluate([obs(period=period, numerator=6, denominator=5)],
                         registry=registry, as_of=as_of)
    assert verdict(report, "T1.A.1.pooled") is pr.Verdict.NO_DATA
    assert verdict(report, "T1.A.1.each") is pr.Verdict.NO_DATA


def test_a_blocked_figure_inside_the_window_makes_the_target_invalid(
        registry: pr.Registry) -> None:
    report = pr.evaluate([obs(period="Q1/2025", numerator=6, denominator=5)],
                         registry=registry, as_of=AS_OF)
    assert verdict(report, "T1.A.1.pooled") is pr.Verdict.INVALID


_NEVER_VALID = [
    attrs.evolve(sample_plugin.TARGETS[0], code="T1.A.1.after", valid_from=date(2026, 1, 1)),
    attrs.evolve(sample_plugin.TARGETS[0], code="T1.A.1.before", valid_to=date(2024, 12, 31)),
]


@pytest.mark.parametrize("code", ["T1.A.1.after", "T1.A.1.before"])
@pytest.mark.parametrize("as_of", [AS_OF, date(2026, 3, 1)])
@pytest.mark.parametrize("figures", [[], [obs(period="01/01/2025", numerator=1, denominator=2)],
                                     [obs(period="2025", numerator=1, denominator=2)]])
def test_a_target_never_valid_inside_its_window_does_not_apply_whatever_the_figures(
        code: str, as_of: date, figures: list[pr.Observation]) -> None:
    registry = pr.load_registry(plugins=[sample_plugin, Contributions(
        name="never-valid", targets=_NEVER_VALID)], entry_points=False)
    report = pr.evaluate(figures, registry=registry, as_of=as_of)
    assert verdict(report, code) is pr.Verdict.NOT_APPLICABLE


def test_the_reports_issues_are_in_file_and_row_order_whatever_the_input_order(
        registry: pr.Registry) -> None:
    # Row 2 is named last of all (unused, after every target), row 3 first (refused).
    rows = [obs(period="Q4/2025", numerator=6, denominator=5, row=4),
            obs(period="Q1/2025", numerator=7, denominator=5, row=3),
            obs(period="Q4/2026", numerator=1, denominator=5, row=2)]
    for order in (rows, rows[::-1]):
        report = pr.evaluate(order, registry=registry, as_of=AS_OF)
        assert [(i.row, i.code) for i in report.issues] == [
            (2, "unused"), (3, "numerator_exceeds_denominator"),
            (4, "numerator_exceeds_denominator")]


def test_a_units_figures_set_aside_are_cited_in_period_order_whatever_the_input_order(
        registry: pr.Registry) -> None:
    # The district ended on 30 June: its Q3 figures do not apply, and are cited as such.
    district = pr.Entity(code="d", level="district", valid_to=date(2025, 6, 30))
    rows = [obs(entity="d", level="district", period=p, numerator=1, denominator=2)
            for p in ("09/2025", "Q3/2025")]
    for order in (rows, rows[::-1]):
        report = pr.evaluate(order, registry=registry, as_of=AS_OF, entities=[district])
        (unit,) = report.finding("T1.A.1.district").entities
        assert [order[i].period.label for i in unit.observations] == ["Q3/2025", "09/2025"]
