"""Specification of plan_rules.strategies.csv_files: the CSV text people send reads back."""

from __future__ import annotations

import codecs
import functools
import re
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
    registry = plan_rules.load_registry()
    drawn = data.draw(prs.csv_files(registry, min_size=1))
    read = _read_back(registry, drawn)
    assert (_figures(read), read.issues) == (drawn.observations, ())


@FILES
@given(st.data())
def test_the_figures_of_a_decided_scenario_read_back_from_a_drawn_file(
        data: st.DataObject) -> None:
    registry = data.draw(prs.registries(min_targets=1))
    scenario = data.draw(prs.decided_scenarios(registry))
    drawn = data.draw(prs.csv_files(registry, observations=scenario.observations))
    assert _figures(_read_back(registry, drawn)) == drawn.observations


@functools.cache
def _drawn(draws: int = 60) -> list[prs.CsvFile]:
    """Files of the shipped plans (the same draws every run)."""
    found: list[prs.CsvFile] = []

    @settings(max_examples=draws, deadline=None, derandomize=True, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(prs.csv_files(plan_rules.load_registry(), min_size=1))
    def run(drawn: prs.CsvFile) -> None:
        found.append(drawn)

    run()
    return found


def test_files_are_drawn_with_every_separator_and_encoding() -> None:
    assert ({(f.delimiter) for f in _drawn()}, {f.encoding for f in _drawn()}) == (
        {",", ";", "\t"}, {"utf-8", "utf-8-sig", "utf-16"})


def test_files_are_drawn_with_a_byte_order_mark() -> None:
    assert any(f.data.startswith(codecs.BOM_UTF8) for f in _drawn())


@pytest.mark.parametrize("seen", ["Tử số", "Kỳ báo cáo", "ky bao cao", "Quý", "tháng",
                                  "Cấp xã", "hoàn thành", "sep=;", "\r\n", " ,"])
def test_files_are_drawn_with_what_people_type(seen: str) -> None:
    assert any(seen in f.text for f in _drawn())


def test_files_are_drawn_with_vietnamese_decimals_and_thousands() -> None:
    texts = "\n".join(f.text for f in _drawn())
    assert re.search(r"[0-9],[0-9]+%", texts) and re.search(r"[1-9]\.[0-9]{3}\b", texts)


@settings(max_examples=5, deadline=None)
@given(st.data())
def test_a_percentage_with_no_exact_decimals_is_left_to_the_counts(
        data: st.DataObject) -> None:
    registry = plan_rules.load_registry()
    indicator = next(i for i in registry.indicators.values() if i.kind is plan_rules.Kind.RATE)
    third = plan_rules.Observation(indicator=indicator.code, entity="xa-a", level="commune",
                                   period=plan_rules.Period.year(2025), numerator=1,
                                   denominator=3, value=Fraction(1, 3))
    drawn = data.draw(prs.csv_files(registry, observations=[third]))
    assert drawn.observations == (attrs.evolve(third, value=None),)

