"""Specification of plan_rules.strategies.csv_files: the CSV text people send reads back."""

from __future__ import annotations

import codecs
import functools
import tempfile
from fractions import Fraction

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import plan_rules
from plan_rules import strategies as prs

FILES = settings(max_examples=40, deadline=None,
                 suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def _read_back(registry: plan_rules.Registry, drawn: prs.CsvFile,
               engine: str = "python") -> plan_rules.ReadResult:
    with tempfile.TemporaryDirectory() as tmp:
        return plan_rules.read_observations(drawn.write(tmp), registry=registry,
                                            engine=engine)


def _figures(read: plan_rules.ReadResult) -> tuple[plan_rules.Observation, ...]:
    return tuple(attrs.evolve(o, file=None, row=None) for o in read.observations)


@FILES
@given(st.data())
def test_a_drawn_file_reads_back_to_the_figures_it_was_drawn_from(data: st.DataObject) -> None:
    registry = data.draw(prs.registries())
    drawn = data.draw(prs.csv_files(registry))
    read = _read_back(registry, drawn)
    assert (_figures(read), read.issues) == (drawn.observations, ())


@settings(max_examples=20, deadline=None)
@given(st.data())
def test_a_drawn_file_reads_back_the_same_with_the_pyarrow_reader(data: st.DataObject) -> None:
    pytest.importorskip("pyarrow")
    registry = data.draw(prs.registries())
    drawn = data.draw(prs.csv_files(registry))
    read = _read_back(registry, drawn, engine="pyarrow")
    assert (_figures(read), read.issues) == (drawn.observations, ())


@settings(max_examples=15, deadline=None)
@given(st.data())
def test_a_drawn_file_of_the_shipped_plans_reads_back_to_its_figures(
        data: st.DataObject) -> None:
    drawn = data.draw(prs.csv_files(PLANS, min_size=1))
    read = _read_back(PLANS, drawn)
    assert (_figures(read), read.issues) == (drawn.observations, ())


@FILES
@given(st.data())
def test_the_figures_of_a_decided_scenario_read_back_from_a_drawn_file(
        data: st.DataObject) -> None:
    registry = data.draw(prs.registries(min_targets=1))
    scenario = data.draw(prs.decided_scenarios(registry))
    drawn = data.draw(prs.csv_files(registry, observations=scenario.observations))
    assert _figures(_read_back(registry, drawn)) == drawn.observations


PLANS = plan_rules.load_registry()
Period = plan_rules.Period


def _of(kind: plan_rules.Kind) -> str:
    return next(i.code for i in PLANS.indicators.values()
                if i.kind is kind and i.value_unit == "percent")


#: Figures of every kind, with thousands, decimals, and calendar periods, for each file.
FIGURES = (
    plan_rules.Observation(indicator=_of(plan_rules.Kind.RATE), entity="xa-a", level="commune",
                           period=Period.quarter(2025, 3), numerator=1234, denominator=2000,
                           value=Fraction(617, 1000)),
    plan_rules.Observation(indicator=_of(plan_rules.Kind.RATE), entity="tinh",
                           level="province", period=Period.year(2025), value=Fraction(959, 1000)),
    plan_rules.Observation(indicator=_of(plan_rules.Kind.COUNT), entity="tinh",
                           level="province", period=Period.month(2025, 6), value=Fraction(1500)),
    plan_rules.Observation(indicator=_of(plan_rules.Kind.MILESTONE), entity="tinh",
                           level="province", period=Period.half(2025, 1), value=Fraction(1),
                           source="QĐ 12/QĐ-UBND"),
)


@functools.cache
def _drawn(draws: int = 60) -> list[prs.CsvFile]:
    """Files of :data:`FIGURES` (the same draws every run)."""
    found: list[prs.CsvFile] = []

    @settings(max_examples=draws, deadline=None, derandomize=True, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(prs.csv_files(PLANS, observations=FIGURES))
    def run(drawn: prs.CsvFile) -> None:
        found.append(drawn)

    run()
    return found


def test_files_of_given_figures_read_back_to_them() -> None:
    for drawn in _drawn():
        read = _read_back(PLANS, drawn)
        # The figures given, each rate's percentage with the precision it was typed to.
        assert tuple(attrs.evolve(o, precision=None) for o in drawn.observations) == FIGURES
        assert (_figures(read), read.issues) == (drawn.observations, ())


def test_files_are_drawn_with_every_separator_and_encoding() -> None:
    assert ({(f.delimiter) for f in _drawn()}, {f.encoding for f in _drawn()}) == (
        {",", ";", "\t"}, {"utf-8", "utf-8-sig", "utf-16"})


def test_files_are_drawn_with_a_byte_order_mark() -> None:
    assert any(f.data.startswith(codecs.BOM_UTF8) for f in _drawn())


@pytest.mark.parametrize("seen", ["Tử số", "Kỳ báo cáo", "ky bao cao", "Quý III/2025",
                                  "tháng 6", "6 tháng đầu năm", "Cấp xã", "hoàn thành",
                                  "sep=;", "\r\n", " ,", "61,7%", "95,9", "1.234", "1.500"])
def test_files_are_drawn_with_what_people_type(seen: str) -> None:
    assert any(seen in f.text for f in _drawn())


@settings(max_examples=5, deadline=None)
@given(st.data())
def test_a_percentage_with_no_exact_decimals_is_left_to_the_counts(
        data: st.DataObject) -> None:
    third = plan_rules.Observation(indicator=_of(plan_rules.Kind.RATE), entity="xa-a",
                                   level="commune", period=Period.year(2025), numerator=1,
                                   denominator=3, value=Fraction(1, 3))
    drawn = data.draw(prs.csv_files(PLANS, observations=[third]))
    assert drawn.observations == (attrs.evolve(third, value=None),)

