"""Closed targets: a target whose validity ended before the as-of date is judged once, on its
own window ending on its last valid day, and reported as final, with no pace advice. Plan
200/KH-UBND's five district targets (the district level ended on 30/6/2025) on the shipped
example are the case the plan itself gives."""

from __future__ import annotations

import json
from datetime import date
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import plan_rules as pr
from plan_rules.window import Closure, closure, opening

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "hung-yen-2025"
LAST_DAY = date(2025, 6, 30)
FIRST_HALF = pr.Period.between(date(2025, 1, 1), LAST_DAY)
#: The progress statuses that judge a pace: a closed target never has one.
PACE = {pr.Progress.ON_TRACK, pr.Progress.NEEDS_ACCELERATION, pr.Progress.REGRESSING}


@pytest.fixture(scope="module")
def plan200() -> pr.Registry:
    return pr.load_registry(block=["example-province-2026"])


@pytest.fixture(scope="module")
def example(plan200: pr.Registry) -> tuple[pr.ReadResult, list[pr.Entity]]:
    read = pr.read_observations(EXAMPLE / "figures.csv", registry=plan200)
    return read, list(pr.read_entities(EXAMPLE / "entities.csv").entities)


def report_as_of(plan200: pr.Registry, example: tuple[pr.ReadResult, list[pr.Entity]],
                 as_of: date) -> pr.Report:
    read, entities = example
    return pr.evaluate(read.observations, registry=plan200, entities=entities,
                       issues=read.issues, as_of=as_of)


def district_findings(report: pr.Report) -> list[pr.Finding]:
    return [f for f in report.target_findings() if f.code.endswith(".district")]


@pytest.fixture(scope="module")
def year_end(plan200: pr.Registry,
             example: tuple[pr.ReadResult, list[pr.Entity]]) -> pr.Report:
    return report_as_of(plan200, example, date(2025, 12, 31))


def rate_target(**kw: Any) -> pr.Target:
    fields: dict[str, Any] = dict(
        code="T1.A.1.district", indicator="T1.A.1", comparator=">=", threshold="80%",
        scope=pr.Scope(level="district"), aggregation="pooled", deadline=date(2025, 12, 31),
        valid_to=LAST_DAY)
    fields.update(kw)
    return pr.Target(**fields)


# -- the plan's district targets ----------------------------------------------------------------


def test_plan_200_has_five_district_targets_valid_to_30_june_2025(year_end: pr.Report,
                                                                  plan200: pr.Registry) -> None:
    codes = sorted(f.code for f in district_findings(year_end))
    assert codes == ["HY25.IIT.1.district", "HY25.IIT.2.district", "HY25.INF.1.district",
                     "HY25.PS.9.district", "HY25.SEC.1.district"]
    assert {plan200.targets[c].valid_to for c in codes} == {LAST_DAY}


def test_as_of_year_end_every_district_target_is_final_on_its_own_window(
        year_end: pr.Report) -> None:
    for f in district_findings(year_end):
        assert f.window == FIRST_HALF, f.code
        assert f.details["closed"]["on"] == LAST_DAY, f.code
        assert "Closed 30/06/2025" in f.message.en and "the verdict is final" in f.message.en
        assert "Đã khép lại ngày 30/06/2025" in f.message.vi and "kết quả là cuối cùng" in \
            f.message.vi


def test_as_of_year_end_no_district_target_needs_acceleration(year_end: pr.Report) -> None:
    for f in district_findings(year_end):
        assert f.progress is pr.Progress.CLOSED, f.code
        assert f.assessments, f.code
        assert all(a.status is pr.Progress.CLOSED for a in f.assessments), f.code


def test_a_closed_target_is_given_no_pace_projection_or_due_date(year_end: pr.Report) -> None:
    for f in district_findings(year_end):
        for a in f.assessments:
            assert (a.projected, a.projected_date, a.observed_pace, a.required_pace,
                    a.next_due) == (None, None, None, None, None), f.code
            assert a.deadline == LAST_DAY


def test_a_closed_target_says_why_it_closed_from_its_note(year_end: pr.Report) -> None:
    f = year_end.finding("HY25.INF.1.district")
    assert "the district level was abolished on 1 July 2025" in f.message.en
    assert "cấp huyện không còn từ ngày 1/7/2025" in f.message.vi
    assert f.details["closed"]["reason"]["en"].startswith("the district level was abolished")


def test_a_closed_target_not_met_is_final_and_graded_not_achieved(year_end: pr.Report) -> None:
    f = year_end.finding("HY25.INF.1.district")  # 118 of 119 agencies by 30/6/2025
    assert f.verdict is pr.Verdict.NOT_MET
    assert {a.grade for a in f.assessments} == {"not_achieved"}
    assert "does not meet the target; no pace is judged" in f.assessments[0].message.en


def test_a_closed_target_met_is_final_and_graded_achieved(year_end: pr.Report) -> None:
    f = year_end.finding("HY25.IIT.2.district")  # 83.6% against 80% by 30/6/2025
    assert f.verdict is pr.Verdict.MET
    assert {a.grade for a in f.assessments} == {"achieved"}


def test_as_of_15_may_2025_the_same_target_is_judged_as_open(
        plan200: pr.Registry, example: tuple[pr.ReadResult, list[pr.Entity]]) -> None:
    report = report_as_of(plan200, example, date(2025, 5, 15))
    for f in district_findings(report):
        assert f.window == pr.Period.between(date(2025, 1, 1), date(2025, 5, 15)), f.code
        assert "closed" not in f.details, f.code
        assert "Closed" not in f.message.en, f.code
        assert f.progress is not pr.Progress.CLOSED, f.code
        assert all(a.status is not pr.Progress.CLOSED for a in f.assessments), f.code
    # Open, it is given pace advice as any target: its next figures fall due on 30/6/2025.
    inf = report.finding("HY25.INF.1.district")
    assert inf.assessments[0].next_due == LAST_DAY


def test_on_its_last_day_a_target_is_still_open() -> None:
    assert closure(rate_target(), LAST_DAY) is None
    assert closure(rate_target(), date(2025, 7, 1)) == Closure(on=LAST_DAY, reason=None)


def test_a_target_valid_on_no_day_of_its_window_is_not_applicable_not_closed() -> None:
    ended_before = rate_target(valid_to=date(2024, 12, 31))
    assert closure(ended_before, date(2025, 12, 31)) is None
    assert opening(ended_before, date(2025, 12, 31)) == (
        pr.Text(vi="chỉ áp dụng đến 31/12/2024, trước khi kỳ đo bắt đầu 01/01/2025",
                en="applied until 31/12/2024, before its measurement starts 01/01/2025"), True)


def test_a_target_valid_past_its_deadline_closes_after_its_validity_on_its_window() -> None:
    later = rate_target(valid_to=date(2026, 6, 30))
    assert closure(later, date(2026, 6, 30)) is None
    assert closure(later, date(2026, 7, 1)) == Closure(on=date(2026, 6, 30), reason=None)
    assert opening(later, date(2026, 7, 1)) == pr.Period.year(2025)


def test_a_target_without_an_end_of_validity_is_never_closed() -> None:
    assert closure(rate_target(valid_to=None), date(2030, 1, 1)) is None


def test_a_closed_target_without_a_note_says_only_when_it_closed(
        registry: pr.Registry) -> None:
    report = pr.evaluate(
        [pr.Observation(indicator="T1.A.1", entity="d1", level="district",
                        period=pr.Period.parse("Q1/2025"), numerator=9, denominator=10)],
        registry=registry, as_of=date(2025, 12, 31))
    f = report.finding("T1.A.1.district")
    assert f.message.en.endswith("Closed 30/06/2025; the verdict is final.")
    assert f.message.vi.endswith("Đã khép lại ngày 30/06/2025; kết quả là cuối cùng.")


def test_a_closed_target_without_a_figure_is_graded_no_figure(registry: pr.Registry) -> None:
    f = pr.evaluate([], registry=registry, as_of=date(2025, 12, 31)).finding("T1.A.1.district")
    assert f.progress is pr.Progress.CLOSED
    assert {a.grade for a in f.assessments} == {"no_figure"}
    assert "no usable figure in its window" in f.assessments[0].message.en


def test_the_closed_details_come_back_from_json_with_their_types(year_end: pr.Report) -> None:
    again = pr.Report.from_json(year_end.to_json())
    closed = again.finding("HY25.INF.1.district").details["closed"]
    assert closed["on"] == LAST_DAY
    assert set(closed["reason"]) == {"vi", "en"}
    statuses = {f["progress"] for f in json.loads(year_end.to_json())["findings"]}
    assert "closed" in statuses


@settings(max_examples=8, deadline=None)
@given(as_of=st.dates(min_value=date(2025, 7, 1), max_value=date(2027, 12, 31)))
def test_a_closed_target_is_judged_once_the_same_at_every_later_date(as_of: date) -> None:
    registry = pr.load_registry(block=["example-province-2026"])
    figures = [pr.Observation(indicator="HY25.INF.1", entity="huyen-a", level="district",
                              period=pr.Period.parse(p), numerator=n, denominator=100)
               for p, n in (("Q1/2025", 90), ("Q2/2025", 98))]

    def judged(day: date) -> tuple[object, ...]:
        f = pr.evaluate(figures, registry=registry, as_of=day).finding("HY25.INF.1.district")
        return (f.verdict, f.observed, f.window, f.message, f.progress, f.assessments,
                f.history)

    first = judged(date(2025, 7, 1))
    assert judged(as_of) == first
    assert first[0] is pr.Verdict.NOT_MET and first[1] == Fraction(98, 100)
    assert first[4] is pr.Progress.CLOSED


def test_explain_says_a_district_target_closes_after_30_june_2025_in_both_languages(
        capsys: pytest.CaptureFixture[str]) -> None:
    from plan_rules import cli

    for lang, said in (("en", "after 30/06/2025: closed — judged once on its window to "
                              "30/06/2025, final, no pace judged"),
                       ("vi", "sau 30/06/2025: đã khép lại — đánh giá một lần trên kỳ đo "
                              "đến 30/06/2025, kết quả là cuối cùng, không đánh giá tốc độ")):
        assert cli.main(["explain", "HY25.INF.1.district", "--lang", lang]) == cli.EXIT_OK
        assert said in capsys.readouterr().out
