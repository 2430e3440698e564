"""Progress toward the deadline: the built-in methods, their edge cases, the engine's history
and the report's form of it. Property tests state their invariant in their name."""

from __future__ import annotations

import json
import random
from datetime import date, timedelta
from decimal import Decimal, localcontext
from fractions import Fraction
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import plan_rules as pr
import plan_rules.strategies as prs
from plan_rules import builtin
from plan_rules.periods import fractional_years
from plan_rules.progress import (
    GROWTH_RATIO,
    LINEAR,
    STATUS_ORDER,
    compare_power,
    growth_ratio,
    linear,
)
from plan_rules.progress_view import (
    explain_progress,
    progress_line,
    progress_svg,
    target_progress_lines,
)
from plan_rules.schedule import DEFAULT_SCHEDULE

SCHEMA = Path(__file__).parents[1] / "docs" / "report-schema.json"
D = date
P = pr.Progress


# -- a small plan: a province's share of procedures fully online -----------------------------

PLAN = pr.Plan(code="W", number="1/KH-W", issuer=pr.Text.same("UBND"), issued=D(2022, 12, 31),
               deadline=D(2025, 12, 31), title=pr.Text.same("Worked plan"),
               areas=[pr.Area(code="PS", name=pr.Text(vi="Dịch vụ công", en="Public services"))])


def _indicator(code: str, kind: str = "rate", temporal: str = "stock") -> pr.Indicator:
    counts = pr.Text(vi="thủ tục", en="procedures") if kind == "rate" else None
    return pr.Indicator(
        code=code, plan="W", area="PS", kind=kind, temporal=temporal,
        name=pr.Text(vi="Thủ tục trực tuyến toàn trình", en="Procedures fully online"),
        description=pr.Text(vi="Mô tả", en="Description"),
        unit=pr.Text(vi="thủ tục", en="procedures"),
        clause=pr.Clause(bullet="B4", text_vi="90% thủ tục"), numerator=counts,
        denominator=counts)


RATE = _indicator("W.PS.1")
FLOW = _indicator("W.PS.2", temporal="flow")
COUNT = _indicator("W.PS.3", kind="count")
MILESTONE = _indicator("W.PS.4", kind="milestone")


def _target(code: str = "W.PS.1.province", indicator: str = "W.PS.1", threshold: Any = "90%",
            **kw: Any) -> pr.Target:
    fields: dict[str, Any] = dict(
        code=code, indicator=indicator, comparator=">=", threshold=threshold,
        scope=pr.Scope(level="province"), aggregation="reported", deadline=D(2025, 12, 31),
        window_start=D(2023, 1, 1))
    fields.update(kw)
    return pr.Target(**fields)


def _registry(*targets: pr.Target, methods: list[pr.ProgressMethod] | None = None,
              strict: bool = False) -> pr.Registry:
    plugin = SimpleNamespace(
        name="worked",
        plan_rules_plans=pr.hookimpl(lambda: [PLAN]),
        plan_rules_indicators=pr.hookimpl(lambda: [RATE, FLOW, COUNT, MILESTONE]),
        plan_rules_targets=pr.hookimpl(lambda: list(targets or [_target()])),
    )
    plugins: list[object] = [plugin, builtin]
    if methods is not None:
        plugins.append(SimpleNamespace(
            name="extra", plan_rules_progress_methods=pr.hookimpl(lambda: methods)))
    return pr.load_registry(plugins=plugins, entry_points=False, strict=strict)


def _obs(period: str, value: str | None = None, *, indicator: str = "W.PS.1",
         counts: tuple[int, int] | None = None, entity: str = "hung-yen") -> pr.Observation:
    if counts is not None:
        return pr.Observation(indicator=indicator, entity=entity, level="province",
                              period=pr.Period.parse(period), numerator=counts[0],
                              denominator=counts[1])
    return pr.Observation(indicator=indicator, entity=entity, level="province",
                          period=pr.Period.parse(period), value=value)


WORKED = [_obs("2023", "50%"), _obs("2024", "55%")]


MID_2025 = D(2025, 6, 30)


def _evaluate(obs: list[pr.Observation], *targets: pr.Target, as_of: date = MID_2025,
              **kw: Any) -> pr.Report:
    return pr.evaluate(obs, registry=_registry(*targets), as_of=as_of, **kw)


def _assessment(finding: pr.Finding, method: str) -> pr.ProgressAssessment:
    return next(a for a in finding.assessments if a.method == method)


# -- the worked case -------------------------------------------------------------------------

@pytest.fixture(scope="module")
def worked() -> pr.Finding:
    return _evaluate(WORKED, _target()).finding("W.PS.1.province")


def test_worked_case_needs_acceleration_by_both_methods(worked: pr.Finding) -> None:
    assert worked.verdict is pr.Verdict.NOT_MET
    assert worked.progress is P.NEEDS_ACCELERATION
    assert [a.status for a in worked.assessments] == [P.NEEDS_ACCELERATION] * 2


def test_worked_case_history_is_each_year_end(worked: pr.Finding) -> None:
    assert worked.history == (pr.Point(on=D(2023, 12, 31), value=Fraction(1, 2)),
                              pr.Point(on=D(2024, 12, 31), value=Fraction(11, 20)))


def test_worked_case_linear_projection_is_years_away(worked: pr.Finding) -> None:
    a = _assessment(worked, LINEAR)
    # 5 points a year from 55% to 90% takes exactly 7 calendar years.
    assert a.observed_pace == Fraction(1, 20)
    assert a.expected == Fraction(7, 10)
    assert a.projected == Fraction(3, 5)
    assert a.required_pace == Fraction(7, 20)
    assert a.projected_date == D(2031, 12, 31)
    assert a.grade == "behind_trajectory" and a.exact


def test_worked_case_growth_ratio_is_limited_progress(worked: pr.Finding) -> None:
    a = _assessment(worked, GROWTH_RATIO)
    assert a.grade == "limited_progress"
    assert a.observed_pace == Fraction(1, 10)
    assert a.pace_ratio is not None and Fraction(29, 100) < a.pace_ratio < Fraction(3, 10)
    # 55% × 1.1^t = 90% at t ≈ 5.17 years after 31/12/2024.
    assert a.projected_date is not None and a.projected_date.year == 2030
    assert not a.exact


def test_worked_case_says_so_in_both_languages(worked: pr.Finding) -> None:
    a = _assessment(worked, LINEAR)
    assert "needs acceleration" in a.message.en and "December 2031" in a.message.en
    assert "cần tăng tốc" in a.message.vi and "tháng 12/2031" in a.message.vi
    assert "60%" in a.message.en and "60%" in a.message.vi


def test_every_assessment_records_its_method_version_and_parameters(worked: pr.Finding,
                                                                      ) -> None:
    linear_a, growth_a = worked.assessments
    assert (linear_a.method, linear_a.method_version, linear_a.plugin) == \
        (LINEAR, "1.0", "plan_rules.builtin")
    assert linear_a.parameter_map == {"horizon_years": "100"}
    assert growth_a.parameter_map == {"high": "19/20", "medium": "3/5", "low": "0",
                                      "zero": "1/1000", "horizon_years": "100"}


# -- edge cases --------------------------------------------------------------------------------

def _input(baseline: tuple[date, Any] | None, latest: tuple[date, Any] | None,
           threshold: Any = "90%", comparator: str = ">=", indicator: pr.Indicator = RATE,
           as_of: date | None = None, **kw: Any) -> pr.ProgressInput:
    target = _target(indicator=indicator.code, threshold=threshold, comparator=comparator)
    base = None if baseline is None else pr.Point(on=baseline[0], value=baseline[1])
    last = None if latest is None else pr.Point(on=latest[0], value=latest[1])
    history = tuple(p for p in (base, last) if p is not None)
    return pr.ProgressInput(target=target, indicator=indicator,
                            as_of=as_of or (last.on if last else D(2025, 6, 30)),
                            history=history, latest=last, baseline=base, **kw)


BOTH = pytest.mark.parametrize("method", [linear, growth_ratio], ids=[LINEAR, GROWTH_RATIO])


def test_zero_baseline_grows_from_the_documented_stand_in() -> None:
    a = growth_ratio(_input((D(2025, 3, 31), "0%"), (D(2025, 6, 30), "20%")))
    # 0 is replaced by 1/1000: from 0.1% to 20% in a quarter is far above the pace required.
    assert (a.status, a.grade) == (P.ON_TRACK, "substantial_progress")
    assert a.projected_date is not None


def test_zero_baseline_that_stays_zero_is_limited_progress() -> None:
    a = growth_ratio(_input((D(2025, 3, 31), "0%"), (D(2025, 6, 30), "0%")))
    assert (a.status, a.grade, a.projected_date) == (P.NEEDS_ACCELERATION, "limited_progress",
                                                     None)
    assert "would not be met" in a.message.en and "Không đạt được" in a.message.vi


@BOTH
def test_baseline_already_past_the_target_then_falling_below_is_regressing(method: Any) -> None:
    a = method(_input((D(2025, 3, 31), "95%"), (D(2025, 6, 30), "85%")))
    assert a.status is P.REGRESSING
    assert a.projected_date is None


@BOTH
def test_baseline_on_a_strict_threshold_and_unchanged_needs_acceleration(method: Any) -> None:
    a = method(_input((D(2025, 3, 31), "50%"), (D(2025, 6, 30), "50%"), threshold="50%",
                      comparator=">"))
    assert a.status is P.NEEDS_ACCELERATION


@BOTH
def test_a_rate_is_projected_no_higher_than_100_percent(method: Any) -> None:
    a = method(_input((D(2025, 1, 31), "40%"), (D(2025, 2, 28), "80%"), threshold="100%"))
    assert a.status is P.ON_TRACK
    assert a.projected == 1
    assert a.projected_date is not None and a.projected_date < D(2025, 12, 31)


@BOTH
def test_a_rate_never_exceeds_100_percent_so_more_than_100_is_never_reached(method: Any,
                                                                          ) -> None:
    a = method(_input((D(2025, 1, 31), "40%"), (D(2025, 2, 28), "80%"), threshold="100%",
                      comparator=">"))
    assert a.projected_date is None
    assert "within" not in a.message.en


@BOTH
def test_at_the_deadline_an_unmet_target_is_never_on_track(method: Any) -> None:
    a = method(_input((D(2025, 6, 30), "10%"), (D(2025, 12, 31), "89%")))
    assert a.status is P.NEEDS_ACCELERATION


@BOTH
def test_a_pace_too_slow_for_the_horizon_is_not_reached(method: Any) -> None:
    a = method(_input((D(2025, 3, 31), "10%"), (D(2025, 6, 30), Fraction(100_001, 10**6))))
    assert a.projected_date is None
    assert "within 100 years" in a.message.en and "trong 100 năm" in a.message.vi


@BOTH
def test_one_figure_without_a_stated_baseline_is_insufficient_data(method: Any) -> None:
    a = method(_input(None, (D(2025, 6, 30), "55%")))
    assert (a.status, a.grade) == (P.INSUFFICIENT_DATA, "one_figure")


@BOTH
def test_a_milestone_not_done_has_no_pace(method: Any) -> None:
    a = method(_input((D(2025, 3, 31), "0"), (D(2025, 6, 30), "0"), threshold=1,
                      indicator=MILESTONE))
    assert (a.status, a.grade) == (P.INSUFFICIENT_DATA, "milestone")


@BOTH
def test_lower_is_better_targets_progress_downward(method: Any) -> None:
    a = method(_input((D(2025, 3, 31), "40%"), (D(2025, 6, 30), "20%"), threshold="10%",
                      comparator="<="))
    assert a.status is P.ON_TRACK
    assert a.projected_date is not None


def test_a_count_pace_is_in_its_unit_a_year() -> None:
    a = linear(_input((D(2025, 3, 31), "96"), (D(2025, 6, 30), "118"), threshold="130",
                      indicator=COUNT))
    assert a.status is P.ON_TRACK
    assert "procedures a year" in a.message.en and "thủ tục/năm" in a.message.vi


def test_paces_use_exact_fractional_years_between_periods_of_different_lengths() -> None:
    a = linear(_input((D(2025, 1, 31), "40%"), (D(2025, 6, 30), "50%")))
    assert a.observed_pace == Fraction(1, 10) / fractional_years(D(2025, 1, 31), D(2025, 6, 30))
    assert a.planned_pace == Fraction(1, 2) / fractional_years(D(2025, 1, 31), D(2025, 12, 31))


# -- baselines, schedules, not yet due ----------------------------------------------------------

def test_a_stated_baseline_gives_a_pace_from_one_figure() -> None:
    stated = pr.Point(on=D(2024, 12, 31), value="50%",
                      source=pr.Text(vi="Báo cáo năm 2024", en="2024 report"))
    target = _target(window_start=None, baseline=stated)
    f = _evaluate([_obs("H1/2025", "55%")], target).finding("W.PS.1.province")
    a = _assessment(f, LINEAR)
    assert a.baseline == stated
    assert a.status is P.NEEDS_ACCELERATION  # 55% on 30/6 against 70% on the straight line
    assert a.expected is not None and a.expected > Fraction(7, 10) - Fraction(1, 100)


def test_a_baseline_dated_after_the_deadline_is_refused() -> None:
    with pytest.raises(ValueError, match="baseline"):
        _target(baseline=pr.Point(on=D(2026, 1, 1), value="50%"))


def test_a_rate_baseline_above_100_percent_is_rejected_at_load() -> None:
    reg = _registry(_target(baseline=pr.Point(on=D(2024, 12, 31), value=2)))
    assert "W.PS.1.province" not in reg.targets
    assert any("baseline" in p.message for p in reg.problems)


#: Quarterly figures, each due 15 days after its quarter ends.
LAGGED = _target(window_start=None, schedule=pr.Schedule(frequency="quarterly", lag_days=15))


def test_before_the_first_due_date_without_figures_is_not_yet_due() -> None:
    f = _evaluate([], LAGGED, as_of=D(2025, 4, 10)).finding("W.PS.1.province")
    assert f.progress is P.NOT_YET_DUE
    assert f.assessments[0].next_due == D(2025, 4, 15)
    assert "15/04/2025" in f.assessments[0].message.en


def test_after_the_first_due_date_without_figures_is_insufficient_data() -> None:
    f = _evaluate([], LAGGED, as_of=D(2025, 4, 15)).finding("W.PS.1.province")
    assert f.progress is P.INSUFFICIENT_DATA
    assert f.assessments[0].next_due == D(2025, 7, 15)


@pytest.mark.parametrize(("frequency", "ends"), [
    ("monthly", 12), ("quarterly", 4), ("half_yearly", 2), ("yearly", 1)])
def test_schedule_period_ends_come_from_the_recurrence_rule(frequency: str, ends: int) -> None:
    s = pr.Schedule(frequency=frequency)
    found = s.period_ends(D(2025, 1, 1), D(2025, 12, 31))
    assert len(found) == ends and found[-1] == D(2025, 12, 31)
    assert all((d + timedelta(days=1)).day == 1 for d in found)


def test_schedule_next_due_date_adds_the_lag_and_skips_past_ones() -> None:
    s = pr.Schedule(frequency="monthly", lag_days=10)
    assert s.next_due(D(2025, 3, 10), D(2025, 1, 1), D(2025, 12, 31)) == D(2025, 4, 10)
    assert s.next_due(D(2026, 1, 10), D(2025, 1, 1), D(2025, 12, 31)) is None
    assert s.period_end(D(2024, 2, 3)) == D(2024, 2, 29)
    assert DEFAULT_SCHEDULE.period_end(D(2025, 4, 1)) == D(2025, 6, 30)


def test_a_negative_lag_is_refused() -> None:
    with pytest.raises(ValueError, match="lag_days"):
        pr.Schedule(lag_days=-1)


# -- the engine's history ----------------------------------------------------------------------

def _flow(period: str, n: int, d: int, entity: str = "hung-yen") -> pr.Observation:
    return _obs(period, indicator="W.PS.2", counts=(n, d), entity=entity)


FLOW_TARGET = _target(code="W.PS.2.province", indicator="W.PS.2", window_start=None)
FLOW_DATA = [_flow("T1/2025", 40, 100), _flow("T2/2025", 45, 100), _flow("Q2/2025", 160, 300),
             _flow("T7/2025", 60, 100)]


def test_history_is_read_at_each_reporting_period_end_with_figures() -> None:
    f = _evaluate(FLOW_DATA, FLOW_TARGET, as_of=D(2025, 7, 31)).finding("W.PS.2.province")
    # Q1 (months 1-2 reported) then H1, then the latest: July, cumulated as a flow is.
    assert f.history == (pr.Point(on=D(2025, 2, 28), value=Fraction(85, 200)),
                         pr.Point(on=D(2025, 6, 30), value=Fraction(245, 500)),
                         pr.Point(on=D(2025, 7, 31), value=Fraction(305, 600)))
    assert f.assessments[0].baseline == f.history[0]


def test_history_adds_no_data_issue_and_keeps_every_observation_accounted() -> None:
    overlapping = [*FLOW_DATA, _flow("H1/2025", 250, 500)]
    reg = _registry(FLOW_TARGET)
    with_progress = pr.evaluate(overlapping, registry=reg, as_of=D(2025, 7, 31))
    without = pr.evaluate(overlapping, registry=reg, as_of=D(2025, 7, 31),
                          progress_methods=[])
    assert with_progress.issues == without.issues
    assert with_progress.conservation() == without.conservation()
    assert with_progress.conservation().holds


def test_no_progress_methods_means_no_progress_and_no_history() -> None:
    f = _evaluate(WORKED, _target(), progress_methods=[]).finding("W.PS.1.province")
    assert (f.progress, f.assessments, f.history) == (None, (), ())


def test_chosen_methods_run_in_order_and_the_first_is_the_headline() -> None:
    f = _evaluate([_obs("2023", "50%"), _obs("2024", "80%")], _target(),
                  progress_methods=[GROWTH_RATIO, LINEAR]).finding("W.PS.1.province")
    assert [a.method for a in f.assessments] == [GROWTH_RATIO, LINEAR]
    assert f.progress is f.assessments[0].status


def test_an_unknown_progress_method_is_an_error_naming_it() -> None:
    with pytest.raises(pr.UnknownReferenceError, match="nope"):
        _evaluate(WORKED, _target(), progress_methods=["nope"])


def test_a_target_not_applicable_has_no_progress() -> None:
    target = _target(valid_from=D(2025, 7, 1))
    f = _evaluate(WORKED, target).finding("W.PS.1.province")
    assert f.verdict is pr.Verdict.NOT_APPLICABLE and f.assessments == ()


# -- third-party progress methods --------------------------------------------------------------

def _latest_only(inp: pr.ProgressInput) -> pr.ProgressAssessment:
    """Achieved when the latest figure meets the target, else needs acceleration."""
    met = inp.latest is not None and inp.target.comparator.holds(inp.latest.value,
                                                                 inp.target.threshold)
    return pr.ProgressAssessment(method="anything", method_version="0",
                                 status=P.ACHIEVED if met else P.NEEDS_ACCELERATION,
                                 message=pr.Text.same("latest only"))


def test_a_plugin_method_is_stamped_with_its_code_version_parameters_and_plugin() -> None:
    method = pr.ProgressMethod(code="x.latest", version="2.1", name=pr.Text.same("Latest"),
                               assess=_latest_only, parameters={"k": "1"})
    reg = _registry(_target(), methods=[method])
    f = pr.evaluate(WORKED, registry=reg, as_of=D(2025, 6, 30),
                    progress_methods=["x.latest"]).finding("W.PS.1.province")
    a = f.assessments[0]
    assert (a.method, a.method_version, a.parameters, a.plugin) == \
        ("x.latest", "2.1", (("k", "1"),), "extra")
    assert reg.progress_methods["x.latest"].description.startswith("Achieved when")


def _raises(inp: pr.ProgressInput) -> pr.ProgressAssessment:
    raise RuntimeError("boom")


def test_a_raising_method_gives_an_error_assessment_naming_the_plugin() -> None:
    method = pr.ProgressMethod(code="x.boom", version="1", name=pr.Text.same("Boom"),
                               assess=_raises)
    reg = _registry(_target(), methods=[method])
    f = pr.evaluate(WORKED, registry=reg, as_of=D(2025, 6, 30),
                    progress_methods=["x.boom", LINEAR]).finding("W.PS.1.province")
    assert f.assessments[0].grade == "error" and "extra" in f.assessments[0].message.en
    assert "boom" in f.assessments[0].message.vi
    assert f.progress is P.NEEDS_ACCELERATION  # the headline skips the error


def _garbage(inp: pr.ProgressInput) -> Any:
    return "on track, trust me"


def test_a_method_returning_garbage_gives_an_error_assessment() -> None:
    method = pr.ProgressMethod(code="x.junk", version="1", name=pr.Text.same("Junk"),
                               assess=_garbage)
    reg = _registry(_target(), methods=[method])
    f = pr.evaluate(WORKED, registry=reg, as_of=D(2025, 6, 30),
                    progress_methods=["x.junk"]).finding("W.PS.1.province")
    assert f.assessments[0].grade == "error"
    assert "must return a ProgressAssessment" in f.assessments[0].message.en


def test_a_raising_method_stops_a_strict_run() -> None:
    method = pr.ProgressMethod(code="x.boom", version="1", name=pr.Text.same("Boom"),
                               assess=_raises)
    reg = _registry(_target(), methods=[method], strict=True)
    with pytest.raises(pr.CheckError, match=r"x\.boom"):
        pr.evaluate(WORKED, registry=reg, as_of=D(2025, 6, 30))


def test_a_duplicate_progress_method_code_names_both_plugins() -> None:
    twin = pr.ProgressMethod(code=LINEAR, version="9", name=pr.Text.same("Twin"),
                             assess=_latest_only)
    reg = _registry(_target(), methods=[twin])
    assert LINEAR not in reg.progress_methods
    problem = next(p for p in reg.problems if p.kind == "duplicate")
    assert "plan_rules.builtin" in problem.message and "extra" in problem.message


# -- the report and the writers ----------------------------------------------------------------

def test_progress_round_trips_through_json_and_matches_the_schema() -> None:
    report = _evaluate([*WORKED, *FLOW_DATA], _target(), FLOW_TARGET)
    again = pr.Report.from_json(report.to_json())
    assert again.findings == report.findings
    assert again.to_dict() == report.to_dict()
    jsonschema = pytest.importorskip("jsonschema")
    jsonschema.validate(json.loads(report.to_json()), json.loads(SCHEMA.read_text()))


def test_a_report_of_schema_1_0_without_progress_still_reads() -> None:
    data = _evaluate(WORKED, _target()).to_dict()
    data["schema_version"] = "1.0"
    data["areas"] = {code: name for areas in data["areas"].values()
                     for code, name in areas.items()}  # as 1.x named them
    for finding in data["findings"]:
        del finding["assessments"], finding["history"]
    again = pr.Report.from_dict(data)
    assert again.finding("W.PS.1.province").assessments == ()


def test_the_text_writer_shows_the_progress_line(worked: pr.Finding) -> None:
    report = _evaluate(WORKED, _target())
    text = _registry(_target()).writers["text"].render(report, "en")
    assert "progress: needs acceleration — at the current pace met in December 2031" in text
    assert progress_line(worked, pr.Kind.RATE, "vi") == (
        "tiến độ: cần tăng tốc — với tốc độ hiện tại đạt vào tháng 12/2031; đến hạn đạt 60%")


def test_the_markdown_writer_shows_the_progress_line() -> None:
    report = _evaluate(WORKED, _target())
    text = _registry(_target()).writers["markdown"].render(report, "vi")
    assert "tiến độ: cần tăng tốc — với tốc độ hiện tại đạt vào tháng 12/2031" in text


def test_explain_names_the_methods_baseline_and_due_dates() -> None:
    stated = pr.Point(on=D(2024, 12, 31), value="50%", source=pr.Text.same("2024 report"))
    target = _target(window_start=None, baseline=stated,
                     schedule=pr.Schedule(frequency="half_yearly", lag_days=10))
    lines = dict(target_progress_lines(target, _registry(target), "en"))
    assert lines["Progress by"].startswith("linear 1.0 (horizon_years=100); growth_ratio 1.0")
    assert lines["Baseline"] == "50% (31/12/2024) — 2024 report"
    assert lines["Reporting"].endswith(": 10/07/2025, 10/01/2026")


def test_explain_lists_history_and_every_method(worked: pr.Finding) -> None:
    lines = explain_progress(worked, pr.Kind.RATE, "en")
    assert lines[0] == "History: 31/12/2023 50%, 31/12/2024 55%"
    assert lines[1].startswith("[linear 1.0; horizon_years=100] Linear trajectory")
    assert lines[2].startswith("[growth_ratio 1.0; high=19/20")


def test_the_html_report_draws_history_trajectory_and_projection() -> None:
    report = _evaluate(WORKED, _target())
    html = _registry(_target()).writers["html"].render(report, "en")
    assert isinstance(html, str) and html.count('class="progress-chart"') == 1
    svg = progress_svg(report.finding("W.PS.1.province"), pr.Kind.RATE, "en")
    for part in ('class="history"', 'class="trajectory"', 'class="projection"',
                 'class="target"', 'class="deadline"', "December 2031"):
        assert part in svg


def test_no_chart_without_history() -> None:
    f = _evaluate([], _target(), as_of=D(2025, 6, 30)).finding("W.PS.1.province")
    assert progress_svg(f, pr.Kind.RATE, "en") == ""


# -- exact arithmetic --------------------------------------------------------------------------

def test_compare_power_finds_exact_equality_of_roots() -> None:
    assert compare_power(Fraction(4, 9), Fraction(1, 2), Fraction(2, 3)) == 0
    assert compare_power(Fraction(2), Fraction(1, 2), Fraction(141421356, 10**8)) == 1
    assert compare_power(Fraction(2), Fraction(1, 2), Fraction(141421357, 10**8)) == -1
    assert compare_power(Fraction(0), Fraction(3), Fraction(0)) == 0


@settings(max_examples=200, deadline=None)
@given(base=st.fractions(min_value=Fraction(1, 1000), max_value=1000, max_denominator=1000),
       p=st.integers(-12, 12), q=st.integers(1, 12),
       other=st.fractions(min_value=Fraction(1, 1000), max_value=1000, max_denominator=1000))
def test_compare_power_agrees_with_integer_powers(base: Fraction, p: int, q: int,
                                                  other: Fraction) -> None:
    expected = (base**p > other**q) - (base**p < other**q)
    assert compare_power(base, Fraction(p, q), other) == expected


# -- properties --------------------------------------------------------------------------------

@st.composite
def paced_inputs(draw: st.DrawFn, *, unmet: bool = False,
                 improving: bool = False) -> pr.ProgressInput:
    """A rate target due 31/12/2025 with a baseline and a latest figure before it; with
    ``unmet``, a latest figure that does not meet the target yet; with ``improving``, one
    closer to the target than the baseline."""
    threshold = draw(prs.thresholds(pr.Kind.RATE).filter(lambda t: t > 0))
    comparator = draw(st.sampled_from([">=", ">", "<=", "<"]))
    start = draw(st.dates(min_value=D(2023, 1, 1), max_value=D(2025, 11, 30)))
    latest = draw(st.dates(min_value=start + timedelta(days=1), max_value=D(2025, 12, 30)))
    values = st.fractions(min_value=0, max_value=1, max_denominator=200)
    value = draw(values)
    if unmet:  # the share ``value`` of the way from the far end to the threshold
        up = comparator in (">=", ">")
        value = threshold * value if up else threshold + (1 - threshold) * (1 - value)
        assume(not pr.Comparator(comparator).holds(value, threshold))
    baseline = draw(values)
    if improving:  # the baseline a share of the way from the far end to the latest figure
        up = comparator in (">=", ">")
        baseline = value * baseline if up else value + (1 - value) * baseline
        assume(baseline != value)
    return _input((start, baseline), (latest, value), threshold=threshold,
                  comparator=comparator)


def _improved(inp: pr.ProgressInput, by: Fraction) -> pr.ProgressInput:
    """The same input with the latest figure moved ``by`` in the target's direction."""
    assert inp.latest is not None
    up = inp.target.comparator in (pr.Comparator.GE, pr.Comparator.GT)
    value = min(inp.latest.value + by, Fraction(1)) if up else max(inp.latest.value - by,
                                                                   Fraction(0))
    latest = attrs.evolve(inp.latest, value=value)
    return attrs.evolve(inp, latest=latest, history=(*inp.history[:-1], latest))


@BOTH
@settings(max_examples=150, deadline=None)
@given(inp=paced_inputs(), by=st.fractions(min_value=0, max_value=1, max_denominator=200))
def test_raising_the_latest_value_never_makes_the_status_worse(method: Any,
                                                               inp: pr.ProgressInput,
                                                               by: Fraction) -> None:
    before, after = method(inp).status, method(_improved(inp, by)).status
    assert STATUS_ORDER.index(after) >= STATUS_ORDER.index(before)


@BOTH
@settings(max_examples=150, deadline=None)
@given(inp=paced_inputs())
def test_achieved_exactly_when_the_latest_value_meets_the_target(method: Any,
                                                                 inp: pr.ProgressInput) -> None:
    assert inp.latest is not None
    meets = inp.target.comparator.holds(inp.latest.value, inp.target.threshold)
    assert (method(inp).status is P.ACHIEVED) == meets


@settings(max_examples=150, deadline=None)
@given(inp=paced_inputs(unmet=True))
def test_linear_is_on_track_exactly_when_on_or_ahead_of_the_trajectory(
        inp: pr.ProgressInput) -> None:
    a = linear(inp)
    assert inp.latest is not None and a.expected is not None
    aim = inp.target.comparator
    assume(aim.holds(Fraction(1), inp.target.threshold))  # "> 100%" is out of a rate's reach
    assert (a.status is P.ON_TRACK) == aim.holds(inp.latest.value, a.expected)


@settings(max_examples=100, deadline=None)
@given(inp=paced_inputs(unmet=True, improving=True))
def test_linear_projected_date_is_the_first_day_the_projection_meets_the_target(
        inp: pr.ProgressInput) -> None:
    a = linear(inp)
    assume(a.projected_date is not None and a.observed_pace is not None)
    assert inp.latest is not None and a.projected_date is not None
    pace, start = a.observed_pace, inp.latest
    assert pace is not None

    def value(d: date) -> Fraction:
        return min(max(start.value + pace * fractional_years(start.on, d), Fraction(0)),
                   Fraction(1))

    aim = inp.target.comparator
    assert aim.holds(value(a.projected_date), inp.target.threshold)
    assert not aim.holds(value(a.projected_date - timedelta(days=1)), inp.target.threshold)


def _ratio(inp: pr.ProgressInput) -> Decimal:
    """The growth ratio in 60-digit decimals, as a reference for the exact decision."""
    assert inp.latest is not None and inp.baseline is not None
    t = inp.target
    with localcontext() as ctx:
        ctx.prec = 60

        def dec(x: Fraction) -> Decimal:
            return Decimal(x.numerator) / x.denominator

        def floored(x: Fraction) -> Decimal:  # values below 1/1000 count as 1/1000
            return dec(max(x, Fraction(1, 1000)))

        b, x, goal = (floored(v) for v in (inp.baseline.value, inp.latest.value, t.threshold))
        t_obs = dec(fractional_years(inp.baseline.on, inp.latest.on))
        t_req = dec(fractional_years(inp.baseline.on, t.deadline))
        observed = ((x / b).ln() / t_obs).exp() - 1
        required = ((goal / b).ln() / t_req).exp() - 1
        d = 1 if t.comparator in (pr.Comparator.GE, pr.Comparator.GT) else -1
        return d * observed / abs(required)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(inp=paced_inputs())
def test_growth_ratio_grade_agrees_with_a_60_digit_ratio(inp: pr.ProgressInput) -> None:
    a = growth_ratio(inp)
    assume(a.grade in ("substantial_progress", "moderate_progress", "limited_progress",
                       "deterioration"))
    assert inp.baseline is not None
    floor = Fraction(1, 1000)
    assume(max(inp.baseline.value, floor) != max(inp.target.threshold, floor))
    r = _ratio(inp)
    assume(all(abs(r - c) > Decimal("1e-30") for c in (Decimal("0.95"), Decimal("0.6"), 0)))
    expected = ("substantial_progress" if r >= Decimal("0.95") else "moderate_progress"
                if r >= Decimal("0.6") else "limited_progress" if r >= 0 else "deterioration")
    assert a.grade == expected


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=st.data())
def test_results_do_not_depend_on_observation_order(data: st.DataObject) -> None:
    reg = _registry(_target(window_start=None), FLOW_TARGET)
    scenario = data.draw(prs.scenarios(reg, min_observations=1, max_observations=12))
    shuffled = list(scenario.observations)
    random.Random(data.draw(st.integers(0, 2**32))).shuffle(shuffled)
    first = scenario.evaluate(reg)
    second = pr.evaluate(shuffled, registry=reg, as_of=scenario.as_of,
                         entities=scenario.entities)
    for a, b in zip(first.target_findings(), second.target_findings(), strict=True):
        assert (a.progress, a.assessments, a.history) == (b.progress, b.assessments, b.history)


def _plan200_finding(code: str, figures: list[tuple[str, str, str, int, int]],
                     as_of: date) -> pr.Finding:
    registry = pr.load_registry(block=["example-province-2026"])
    observations = [
        pr.Observation(indicator=code.rsplit(".", 1)[0], entity=entity, level=level,
                               period=pr.Period.parse(period), numerator=n,
                               denominator=d)
        for entity, level, period, n, d in figures
    ]
    return pr.evaluate(observations, registry=registry, as_of=as_of).finding(code)


@pytest.mark.parametrize("as_of", [date(2025, 12, 31), date(2026, 6, 30)])
def test_a_target_not_met_once_its_deadline_has_passed_is_never_on_track(as_of: date) -> None:
    finding = _plan200_finding("HY25.DE.1.province", [
        ("hung-yen", "province", "Q2/2025", 45, 100),
        ("hung-yen", "province", "Q3/2025", 50, 100)], as_of)
    assert finding.verdict is pr.Verdict.NOT_MET
    assert finding.progress is pr.Progress.NEEDS_ACCELERATION
    assert all(a.status is not pr.Progress.ON_TRACK for a in finding.assessments)
    assert "has passed" in finding.assessments[0].message.en
    assert "đã hết hạn" in finding.assessments[0].message.vi


def test_a_target_that_ends_early_is_judged_against_its_own_end_on_its_last_day() -> None:
    # After that day it is closed, with no pace at all (tests/test_closed.py).
    finding = _plan200_finding("HY25.INF.1.district", [
        ("huyen-a", "district", "Q1/2025", 90, 100),
        ("huyen-a", "district", "Q2/2025", 98, 100)], date(2025, 6, 30))
    assert finding.verdict is pr.Verdict.NOT_MET
    assert finding.progress is pr.Progress.NEEDS_ACCELERATION
    assert finding.assessments[0].deadline == date(2025, 6, 30)


# -- the years before the window: baseline and history ----------------------------------------

#: PS-3's province-wide rate reported for 2023 and 2024, then for the first half of 2025.
SERIES = [("hung-yen", "province", "2023", 40, 100), ("hung-yen", "province", "2024", 50, 100),
          ("hung-yen", "province", "H1/2025", 55, 100)]


def test_a_2023_2024_2025_series_gives_a_projection_as_of_30_june_2025() -> None:
    finding = _plan200_finding("HY25.PS.3.province", SERIES, MID_2025)
    assert finding.history == (pr.Point(on=D(2023, 12, 31), value=Fraction(2, 5)),
                               pr.Point(on=D(2024, 12, 31), value=Fraction(1, 2)),
                               pr.Point(on=MID_2025, value=Fraction(11, 20)))
    a = _assessment(finding, LINEAR)
    assert a.grade != "one_figure" and a.status is P.NEEDS_ACCELERATION
    # Five points in the half year since 2024's 50%, kept up to the deadline: about 60%.
    pace = Fraction(1, 20) / fractional_years(D(2024, 12, 31), MID_2025)
    assert a.projected == Fraction(11, 20) + pace * fractional_years(MID_2025, D(2025, 12, 31))
    assert a.projected_date is not None and a.projected_date.year == 2026


def test_the_first_half_alone_is_still_one_figure() -> None:
    finding = _plan200_finding("HY25.PS.3.province", SERIES[2:], MID_2025)
    assert _assessment(finding, LINEAR).grade == "one_figure"


def test_the_baseline_is_the_last_year_before_the_window() -> None:
    # The plan's 2025 target starts from where 2024 ended; 2023 is history shown beside it.
    finding = _plan200_finding("HY25.PS.3.province", SERIES, MID_2025)
    for a in finding.assessments:
        assert a.baseline == pr.Point(on=D(2024, 12, 31), value=Fraction(1, 2)), a.method


def test_a_stated_baseline_wins_over_the_years_reported_before() -> None:
    stated = pr.Point(on=D(2024, 12, 31), value="45%",
                      source=pr.Text(vi="Kế hoạch nêu", en="stated by the plan"))
    target = _target(code="W.PS.2.province", indicator="W.PS.2", window_start=None,
                     baseline=stated, threshold="65%")
    f = _evaluate([_flow("2023", 40, 100), _flow("2024", 50, 100), _flow("H1/2025", 55, 100)],
                  target).finding("W.PS.2.province")
    assert _assessment(f, LINEAR).baseline == stated
    assert [p.on for p in f.history] == [D(2023, 12, 31), D(2024, 12, 31), MID_2025]


def test_the_years_before_are_cited_as_history_and_never_unused() -> None:
    target = _target(code="W.PS.2.province", indicator="W.PS.2", window_start=None,
                     threshold="65%")
    report = _evaluate([_flow("2023", 40, 100), _flow("2024", 50, 100),
                        _flow("H1/2025", 55, 100)], target)
    assert report.finding("W.PS.2.province").details["history"] == (0, 1)
    assert not [i for i in report.issues if i.code == "unused"]
    assert report.conservation().holds


def test_history_goes_back_three_years_before_the_window_and_older_figures_are_unused() -> None:
    target = _target(code="W.PS.2.province", indicator="W.PS.2", window_start=None,
                     threshold="65%")
    report = _evaluate([_flow(str(y), 30 + y - 2020, 100) for y in range(2020, 2025)]
                       + [_flow("H1/2025", 55, 100)], target)
    assert pr.window.HISTORY_YEARS == 3
    assert [p.on for p in report.finding("W.PS.2.province").history] == [
        D(2022, 12, 31), D(2023, 12, 31), D(2024, 12, 31), MID_2025]
    # 2020 and 2021 belong to earlier plans: named, never dropped.
    assert [i.observation for i in report.issues if i.code == "unused"] == [0, 1]
    assert report.conservation().holds


def test_without_progress_the_years_before_are_named_unused() -> None:
    # Progress skipped, nothing uses them: they are named, never dropped.
    target = _target(code="W.PS.2.province", indicator="W.PS.2", window_start=None,
                     threshold="65%")
    report = _evaluate([_flow("2023", 40, 100), _flow("H1/2025", 55, 100)], target,
                       progress_methods=[])
    assert [i.observation for i in report.issues if i.code == "unused"] == [0]
    assert report.conservation().holds
