"""Specification of the streamed JSON report: ``Report.write_json`` writes ``to_json``'s text
character for character without holding it, sources come from a figure table's columns, and
the command line streams its JSON report with every safeguard of a whole one."""

from __future__ import annotations

from datetime import date
from fractions import Fraction
from pathlib import Path

import attrs
import pytest

import plan_rules as pr
from plan_rules.figures import FigureTable
from plan_rules.report import DEFAULT_MAX_ISSUES

ROOT = Path(__file__).parent.parent
EXAMPLE = ROOT / "examples" / "hung-yen-2025"
PLAN_200 = ["builtin", "plan200", "plan200-infrastructure", "plan200-internal-it",
            "plan200-public-services", "plan200-digital-economy", "plan200-security-training"]


@pytest.fixture(scope="module")
def plan_200() -> pr.Registry:
    return pr.load_registry(allow=PLAN_200)


def example(registry: pr.Registry, max_issues: int = DEFAULT_MAX_ISSUES) -> pr.Report:
    read = pr.read_observations(EXAMPLE / "figures.csv", registry=registry)
    ents = pr.read_entities(EXAMPLE / "entities.csv")
    return pr.evaluate(read.observations, registry=registry, issues=read.issues,
                       entities=ents.entities, as_of=date(2025, 12, 31), max_issues=max_issues)


@pytest.fixture(scope="module")
def example_report(plan_200: pr.Registry) -> pr.Report:
    return example(plan_200)


@pytest.fixture(scope="module")
def summarised_report(plan_200: pr.Registry) -> pr.Report:
    """The example with one issue of each code listed, the rest summarised."""
    report = example(plan_200, max_issues=1)
    assert report.issue_summaries
    return report


# -- sources from columns ------------------------------------------------------------------


@pytest.fixture
def table_report(example_report: pr.Report, monkeypatch: pytest.MonkeyPatch) -> pr.Report:
    """The example over a figure table that refuses to build an observation."""
    table = FigureTable.from_observations(example_report.observations)

    def refused(self: FigureTable, i: int) -> pr.Observation:
        raise AssertionError(f"observation {i} was built")

    monkeypatch.setattr(FigureTable, "observation", refused)
    return attrs.evolve(example_report, observations=table)


def test_source_reads_a_figure_tables_columns(example_report: pr.Report,
                                              table_report: pr.Report) -> None:
    n = example_report.n_observations
    assert [table_report.source(i) for i in range(n)] == [
        example_report.source(i) for i in range(n)]


def test_to_json_reads_sources_from_a_figure_tables_columns(
        example_report: pr.Report, table_report: pr.Report) -> None:
    assert table_report.to_json() == example_report.to_json()


def test_a_figure_table_without_file_or_row_gives_none_for_both(
        example_report: pr.Report) -> None:
    bare = pr.Observation(indicator="x", entity="e", period=pr.Period.parse("Q4/2025"),
                          value=Fraction(1))
    report = attrs.evolve(example_report, observations=FigureTable.from_observations([bare]),
                          n_observations=1)
    assert report.source(0) == (None, None)
    assert report.to_dict()["sources"] == [[None, None]]
