"""The report's JSON form: it matches the documented schema and reads back to the same report."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

import plan_rules as pr
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
    data["schema_version"] = "2.0"
    with pytest.raises(ValueError, match=r"2\.0"):
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


def test_summary_counts_targets_by_area_and_verdict(report: pr.Report) -> None:
    summary = report.summary()
    assert sum(summary.targets["A"].values()) == len(report.target_findings())
    assert summary.issues == len(report.issues)


def test_report_names_plugins_and_library_version(report: pr.Report) -> None:
    data = report.to_dict()
    assert data["library_version"] == pr.__version__
    assert {p["name"] for p in data["plugins"]} == {"sample_plugin", "plan_rules.builtin"}
