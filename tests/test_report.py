"""The report's JSON form: it matches the documented schema and reads back to the same report."""

from __future__ import annotations

import json
from collections import Counter
from datetime import date, datetime
from fractions import Fraction
from pathlib import Path

import attrs
import pytest

import plan_rules as pr
import sample_plugin
from test_engine import _mixed_observations

SCHEMA = Path(__file__).parents[1] / "docs" / "report-schema.json"


@pytest.fixture
def report(registry: pr.Registry) -> pr.Report:
    return pr.evaluate(_mixed_observations(), registry=registry, as_of=date(2025, 12, 31))


def test_json_round_trip_gives_the_same_report(report: pr.Report) -> None:
    again = pr.Report.from_json(report.to_json())
    assert again.to_dict() == report.to_dict()
    assert again.findings == report.findings
    assert again.issues == report.issues


def test_json_matches_the_documented_schema(report: pr.Report) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    jsonschema.validate(json.loads(report.to_json()), json.loads(SCHEMA.read_text()))


def test_schema_version_is_written_and_checked(report: pr.Report) -> None:
    data = report.to_dict()
    assert data["schema_version"] == pr.report.SCHEMA_VERSION
    data["schema_version"] = "3.0"
    with pytest.raises(ValueError, match=r"3\.0"):
        pr.Report.from_dict(data)


def test_exact_numbers_are_written_as_fractions(report: pr.Report) -> None:
    finding = next(f for f in report.to_dict()["findings"] if f["code"] == "T1.A.3.province")
    assert finding["observed"] == "131"
    assert finding["threshold"] == "130"


def test_provenance_names_file_and_row(report: pr.Report) -> None:
    data = report.to_dict()
    finding = next(f for f in data["findings"] if f["code"] == "T1.A.1.pooled")
    rows = {data["sources"][i][1] for i in finding["observations"]}
    assert rows and all(isinstance(r, int) for r in rows)
    assert data["sources"][0] == ["test.csv", 1]


def test_summary_counts_targets_by_plan_area_and_verdict(report: pr.Report) -> None:
    summary = report.summary()
    assert sum(summary.targets["T1"]["A"].values()) == len(report.target_findings())
    assert summary.issues == len(report.issues)


def test_report_names_plugins_and_library_version(report: pr.Report) -> None:
    data = report.to_dict()
    assert data["library_version"] == pr.__version__
    assert {p["name"] for p in data["plugins"]} == {"sample_plugin", "plan_rules.builtin"}


# -- several plans, typed details, schema 1.x ------------------------------------------------

FIXTURE_1_2 = Path(__file__).parent / "fixtures" / "report-1.2" / "report.json"


def _two_plans_with_an_area_ps() -> pr.Registry:
    from plan_rules import builtin

    plans = [sample_plugin.OnePlan("P1", "PS", pr.Text(vi="Dịch vụ công", en="Public services")),
             sample_plugin.OnePlan("P2", "PS", pr.Text(vi="Phổ cập số", en="Digital skills"))]
    return pr.load_registry(plugins=[*plans, builtin], entry_points=False)


def _ps_figures() -> list[pr.Observation]:
    return [pr.Observation(indicator=code, entity="c1", level="commune",
                           period=pr.Period.parse("Q1/2025"), numerator=n, denominator=4)
            for code, n in (("P1.PS.1", 3), ("P2.PS.1", 1))]


def test_two_plans_with_an_area_ps_keep_separate_summaries() -> None:
    report = pr.evaluate(_ps_figures(), registry=_two_plans_with_an_area_ps(),
                         as_of=date(2025, 12, 31))
    assert report.summary().targets == {"P1": {"PS": {"met": 1}}, "P2": {"PS": {"not_met": 1}}}


def test_two_plans_with_an_area_ps_keep_their_own_names_in_json() -> None:
    report = pr.evaluate(_ps_figures(), registry=_two_plans_with_an_area_ps(),
                         as_of=date(2025, 12, 31))
    again = pr.Report.from_json(report.to_json())
    assert {p: a["PS"].en for p, a in again.areas.items()} == {
        "P1": "Public services", "P2": "Digital skills"}


def test_choosing_one_of_two_plans_with_an_area_ps_summarises_it_alone() -> None:
    report = pr.evaluate(_ps_figures(), registry=_two_plans_with_an_area_ps(), plans=["P2"],
                         as_of=date(2025, 12, 31))
    assert report.summary().targets == {"P2": {"PS": {"not_met": 1}}}
    assert set(report.areas) == {"P2"}


def test_the_text_report_titles_each_plans_area_ps_with_its_own_name() -> None:
    registry = _two_plans_with_an_area_ps()
    report = pr.evaluate(_ps_figures(), registry=registry, as_of=date(2025, 12, 31))
    text = registry.writers["text"].render(report, "en")
    assert "P1 · PS — Public services" in text and "P2 · PS — Digital skills" in text


def test_a_checks_details_come_back_from_json_with_their_types(report: pr.Report) -> None:
    details = {"share": Fraction(7, 8), "on": date(2025, 6, 30),
               "at": datetime(2025, 6, 30, 8, 0), "text": "7/8",
               "rows": [{"rate": Fraction(1, 3)}, 2]}
    check = pr.Finding(code="X.C1", kind="check", verdict=pr.Verdict.MET,
                       message=pr.Text.same("checked"), details=details)
    with_check = attrs.evolve(report, findings=(*report.findings, check))
    again = pr.Report.from_json(with_check.to_json())
    assert again.finding("X.C1").details == details
    assert type(again.finding("X.C1").details["at"]) is datetime


def test_typed_details_match_the_documented_schema(report: pr.Report) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    check = pr.Finding(code="X.C1", kind="check", verdict=pr.Verdict.MET,
                       message=pr.Text.same("checked"), details={"share": Fraction(7, 8)})
    data = attrs.evolve(report, findings=(*report.findings, check)).to_dict()
    jsonschema.validate(data, json.loads(SCHEMA.read_text()))


def test_a_report_of_the_previous_schema_still_reads() -> None:
    text = FIXTURE_1_2.read_text(encoding="utf-8")
    old = json.loads(text)
    report = pr.Report.from_json(text)
    assert old["schema_version"] == "1.2"
    assert [(f.code, f.verdict.value) for f in report.findings] == [
        (f["code"], f["verdict"]) for f in old["findings"]]
    assert len(report.issue_summaries) == 1 and report.issue_count() == old["summary"]["issues"]


def test_a_report_of_the_previous_schema_has_its_areas_under_their_plans() -> None:
    report = pr.Report.from_json(FIXTURE_1_2.read_text(encoding="utf-8"))
    # DATA is EX26's alone; PS is both plans', and the one name 1.2 kept is nobody's.
    assert report.areas["EX26"]["DATA"].en == "Open data"
    assert "PS" in report.areas[""] and "PS" not in report.areas.get("HY25", {})


def test_a_report_of_the_previous_schema_is_summarised_by_plan() -> None:
    text = FIXTURE_1_2.read_text(encoding="utf-8")
    merged = json.loads(text)["summary"]["targets"]["PS"]  # 1.2 added both plans' PS up
    targets = pr.Report.from_json(text).summary().targets
    assert targets["EX26"]["PS"] == {"invalid": 1, "met": 1}
    assert Counter(targets["EX26"]["PS"]) + Counter(targets["HY25"]["PS"]) == Counter(merged)


def test_a_report_of_the_previous_schema_is_written_again_in_the_current_one() -> None:
    jsonschema = pytest.importorskip("jsonschema")
    report = pr.Report.from_json(FIXTURE_1_2.read_text(encoding="utf-8"))
    data = json.loads(report.to_json())
    assert data["schema_version"] == pr.report.LATEST_SCHEMA_VERSION
    jsonschema.validate(data, json.loads(SCHEMA.read_text()))
    assert pr.Report.from_dict(data).to_dict() == data
