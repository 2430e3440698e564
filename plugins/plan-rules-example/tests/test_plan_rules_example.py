"""The example plugin's own tests: the plan_rules conformance kit, then what is particular to
this plugin (its check, its writer, its progress method, its sample data), written as
properties with plan_rules' Hypothesis strategies where a property says it best."""

from __future__ import annotations

from datetime import date
from fractions import Fraction
from pathlib import Path

import plan_rules
from hypothesis import given, settings
from hypothesis import strategies as st
from plan_rules import Entity, Period, Progress, Verdict
from plan_rules import strategies as prs
from plan_rules.testing import PluginConformance

from plan_rules_example.plan import OPEN_DATASETS

PLUGIN = "example-province-2026"
DATA = Path(__file__).resolve().parents[1] / "data"
QUARTERS = [Period.quarter(2026, q) for q in (1, 2, 3, 4)]


class TestConformance(PluginConformance):
    """Every rule of the kit, one test each, on the plugin as installed."""

    plugin = PLUGIN


def registry() -> plan_rules.Registry:
    # Only this plugin (and the built-in one), found through its entry point like any other.
    return plan_rules.load_registry(allow=["builtin", PLUGIN])


REGISTRY = registry()


def test_the_plugin_is_found_through_its_entry_point() -> None:
    info = REGISTRY.plugin(PLUGIN)
    assert info is not None
    assert (info.distribution, info.version) == ("plan-rules-example", "0.1.0")


# -- the check: open datasets never decrease -----------------------------------------------


def check_verdict(observations: list[plan_rules.Observation],
                  units: list[Entity]) -> Verdict:
    report = plan_rules.evaluate(observations, registry=REGISTRY, entities=units,
                                 as_of=date(2026, 12, 31))
    return report.finding("EX26.DATA.C1").verdict


def rising(panel: list[plan_rules.Observation]) -> list[plan_rules.Observation]:
    """The panel with each unit's values reordered to rise with time."""
    by_unit: dict[str, list[plan_rules.Observation]] = {}
    for o in panel:
        by_unit.setdefault(o.entity, []).append(o)
    out = []
    for rows in by_unit.values():
        values = sorted(o.value or 0 for o in rows)
        ordered = sorted(rows, key=lambda o: o.period.key)
        out += [plan_rules.Observation(indicator=o.indicator, entity=o.entity, level=o.level,
                                       period=o.period, value=v)
                for o, v in zip(ordered, values, strict=True)]
    return out


@settings(max_examples=50, deadline=None)
@given(st.data())
def test_counts_that_never_go_down_pass_the_check(data: st.DataObject) -> None:
    units = data.draw(prs.entity_sets(levels=["province"], groups=(), max_size=3))
    panel = rising(data.draw(prs.panels(OPEN_DATASETS, units, QUARTERS)))
    assert check_verdict(panel, units) in (Verdict.MET, Verdict.NO_DATA)


@settings(max_examples=50, deadline=None)
@given(before=st.integers(1, 500), drop=st.integers(1, 500), gap=st.integers(1, 3))
def test_a_count_that_goes_down_fails_the_check(before: int, drop: int, gap: int) -> None:
    unit = Entity(code="tinh-vi-du", level="province")
    rows = [plan_rules.Observation(indicator="EX26.DATA.1", entity=unit.code, level="province",
                                   period=QUARTERS[q], value=Fraction(v))
            for q, v in ((0, before + drop), (gap, before))]
    assert check_verdict(rows, [unit]) is Verdict.NOT_MET


# -- the writer ---------------------------------------------------------------------------


@settings(max_examples=30, deadline=None)
@given(report=prs.reports(REGISTRY), lang=st.sampled_from(["vi", "en"]))
def test_the_table_has_one_row_per_target_finding(report: plan_rules.Report, lang: str) -> None:
    table = REGISTRY.writers["verdict-table"].render(report, lang)
    assert isinstance(table, str)
    rows = [line for line in table.splitlines() if line.startswith("| ")]
    assert len(rows) == 2 + len(report.target_findings())  # the header and its rule first


# -- the progress method -------------------------------------------------------------------


@settings(max_examples=50, deadline=None)
@given(prs.progress_inputs(REGISTRY))
def test_momentum_says_achieved_exactly_when_the_latest_figure_meets_the_target(
        inp: plan_rules.model.ProgressInput) -> None:
    assessment = REGISTRY.progress_methods["example.momentum"].assess(inp)
    met = inp.latest is not None and inp.target.comparator.holds(inp.latest.value,
                                                                 inp.target.threshold)
    assert (assessment.status is Progress.ACHIEVED) == met


# -- the sample data ----------------------------------------------------------------------


def test_the_sample_data_gives_the_verdicts_the_tutorial_shows() -> None:
    read = plan_rules.read_observations(DATA / "figures.csv", registry=REGISTRY)
    units = plan_rules.read_entities(DATA / "entities.csv")
    report = plan_rules.evaluate(read.observations, registry=REGISTRY, entities=units.entities,
                                 as_of=date(2026, 12, 31))
    verdicts = {f.code: f.verdict.value for f in report.findings if f.code.startswith("EX26")}
    assert verdicts == {
        "EX26.PS.1.province": "met",
        "EX26.PS.1.commune": "not_met",
        "EX26.DATA.1.province": "not_met",
        "EX26.GOV.1.province": "met",
        "EX26.GOV.2.commune": "not_met",
        "EX26.DATA.C1": "not_met",
        "EX26.SQI.80": "not_met",
        "EX26.SQI.pilot": "met",
    }
