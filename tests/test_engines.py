"""Two engines, one answer: validation and each unit's series worked out on pyarrow give what
the pure path gives (src/plan_rules/_arrow.py, validate.py, window.py): the same usable
figures and units, the same issues in the same order, the same series; and a table pyarrow
cannot take goes the pure way."""

from __future__ import annotations

import os
from collections.abc import Sequence
from datetime import date
from fractions import Fraction
from typing import Any

import attrs
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import plan_rules as pr
from plan_rules import _arrow, window
from plan_rules import validate as validate_module
from plan_rules.dataissues import IssueSink
from plan_rules.figures import FigureTable
from plan_rules.report import IssueLedger
from plan_rules.resolve import Units
from plan_rules.validate import validate
from sample_plugin import indicator

pytest.importorskip("pyarrow")

INDICATORS = {i.code: i for i in (
    indicator("R"),
    indicator("S", temporal="stock"),
    indicator("C", kind="count", temporal="stock"),
    indicator("M", kind="milestone", temporal="stock"),
)}
COMMUNE = pr.Entity(code="X1", level="commune")
GONE = pr.Entity(code="X2", level="district", valid_to=date(2025, 6, 30))
LATE = pr.Entity(code="X3", level="district", valid_from=date(2025, 7, 1))
ENTITIES = (COMMUNE, GONE, LATE)
JAN = pr.Period.month(2025, 1)
#: January written another way: the same dates, so a duplicate of a January figure.
JAN_AGAIN = pr.Period.parse("2025-01-01/2025-01-31")
PERIODS = (JAN, JAN_AGAIN, pr.Period.month(2025, 2), pr.Period.quarter(2025, 1),
           pr.Period.month(2025, 3), pr.Period.year(2025), pr.Period.quarter(2025, 4))


@attrs.frozen
class Outcome:
    """Everything validation and the series give, in plain values."""

    usable: dict[str, list[int]]
    unit_of: list[pr.Entity | None]
    given: dict[str, list[int]]
    issues: list[pr.DataIssue]
    summaries: tuple[Any, ...]
    blocked: set[int]
    units: list[tuple[str, pr.Entity]]
    series: dict[str, list[tuple[pr.Entity, list[int], list[date], date]]]


def outcome(observations: Sequence[pr.Observation], engine: str, *,
            entities: Sequence[pr.Entity] = ENTITIES, blocked: Sequence[int] = (),
            max_issues: int | None = None, pyarrow_path: bool = True) -> Outcome:
    """Validate ``observations`` and make their series with ``engine``; ``pyarrow_path``:
    whether the pyarrow engine must really take its own path."""
    table = FigureTable.from_observations(observations)
    table.engine = engine
    assert (_arrow.columns_of(table) is not None) is (engine == "pyarrow" and pyarrow_path)
    sink = IssueSink(table, IssueLedger(max_issues))
    for i in blocked:
        sink.issue("bad_cell", i, "ô hỏng", "bad cell")
    units = Units(table, {e.code: e for e in entities})
    valid = validate(table, INDICATORS, units, sink)
    made = {code: [(s.entity, list(s.positions), list(s.ends), s.first_start)
                   for s in window.series(table, positions, valid.unit_of)]
            for code, positions in valid.usable.items()}
    return Outcome(
        usable={code: list(p) for code, p in valid.usable.items()},
        unit_of=list(valid.unit_of), given={code: list(p) for code, p in valid.given.items()},
        issues=list(sink.ledger.listed), summaries=sink.ledger.summaries(),
        blocked=set(sink.blocked), units=list(units.entities.items()), series=made)


def both(observations: Sequence[pr.Observation], **kwargs: Any) -> Outcome:
    """The outcome of both engines, asserted equal."""
    pure = outcome(observations, "python", **kwargs)
    assert outcome(observations, "pyarrow", **kwargs) == pure
    return pure


def rate(num: int, den: int, *, entity: str = "X1", period: pr.Period = JAN,
         level: str | None = None, value: Fraction | None = None,
         reported_on: date | None = None, row: int | None = None,
         code: str = "R") -> pr.Observation:
    return pr.Observation(indicator=code, entity=entity, period=period, level=level,
                          numerator=num, denominator=den, value=value,
                          reported_on=reported_on, row=row)


def codes(out: Outcome) -> list[tuple[str, int | None]]:
    return [(i.code, i.observation) for i in out.issues]


# -- the rows that leave the masks ---------------------------------------------------------


def test_usual_figures_give_the_same_usable_figures_units_and_series() -> None:
    out = both([rate(1, 2, period=pr.Period.month(2025, 3)), rate(1, 3, entity="X2"),
                rate(2, 3, period=pr.Period.month(2025, 2)), rate(0, 5, code="S")])
    assert out.usable == {"R": [0, 1, 2], "S": [3]}
    assert [(e.code, p) for e, p, _, _ in out.series["R"]] == [("X1", [2, 0]), ("X2", [1])]


def test_an_unknown_indicator_is_named_by_both_engines() -> None:
    out = both([rate(1, 2), rate(1, 2, code="NOPE"), rate(1, 4, period=PERIODS[2])])
    assert codes(out) == [("unknown_indicator", 1)]
    assert out.usable == {"R": [0, 2]}


def test_a_percentage_only_rate_is_checked_by_the_pure_rules_on_both_engines() -> None:
    out = both([pr.Observation(indicator="R", entity="X1", period=JAN, value=Fraction(1, 2)),
                pr.Observation(indicator="R", entity="X1", period=PERIODS[2],
                               value=Fraction(3, 2)),
                rate(1, 2, period=PERIODS[4], value=Fraction(1, 3))])
    assert codes(out) == [("rate_above_one", 1), ("value_disagrees_with_counts", 2)]
    assert out.usable == {"R": [0, 2]}


def test_a_value_of_zero_leaves_the_masks_like_any_other_value() -> None:
    # Fraction(0) is false: the columnar path must find it as a value all the same.
    out = both([rate(1, 2, value=Fraction(0)), rate(0, 2, period=PERIODS[2], value=Fraction(0))])
    assert codes(out) == [("value_disagrees_with_counts", 0)]
    assert out.usable == {"R": [0, 1]}


def test_duplicates_are_named_in_input_order_with_the_kept_one_named_by_both() -> None:
    out = both([rate(1, 2, reported_on=date(2025, 3, 1), row=2),
                rate(1, 3, reported_on=date(2025, 1, 1), row=3),
                rate(2, 2, reported_on=date(2025, 2, 1), row=4),
                rate(0, 2, period=JAN_AGAIN, reported_on=date(2025, 4, 1), row=5),
                rate(1, 9, period=PERIODS[2], row=6)])
    assert codes(out) == [("duplicate", 0), ("duplicate", 1), ("duplicate", 2)]
    assert out.usable == {"R": [3, 4]}


def test_interleaved_groups_of_duplicates_are_decided_in_the_same_order_on_both_engines(
        ) -> None:
    # January's group starts first but is complete last: both engines decide February's
    # group first, where its second figure is met.
    day, later = date(2025, 2, 1), date(2025, 3, 1)
    out = both([rate(1, 2, reported_on=day), rate(1, 3, period=PERIODS[2], reported_on=day),
                rate(1, 4, period=PERIODS[2], reported_on=later),
                rate(1, 5, reported_on=later)])
    assert codes(out) == [("duplicate", 1), ("duplicate", 0)]


def test_a_conflict_is_named_alike_on_both_engines() -> None:
    out = both([rate(1, 2, row=2), rate(1, 3, row=3), rate(1, 2, period=PERIODS[2], row=4)])
    assert codes(out) == [("conflicting_duplicates", 0), ("conflicting_duplicates", 1)]
    assert out.usable == {"R": [2]}


def test_a_figure_an_earlier_issue_blocks_is_not_usable_on_either_engine() -> None:
    out = both([rate(1, 2), rate(1, 2, period=PERIODS[2]), rate(1, 3, period=PERIODS[4])],
               blocked=[1])
    assert out.usable == {"R": [0, 2]}


def test_units_that_cannot_be_told_are_named_on_every_row_by_both_engines() -> None:
    out = both([rate(1, 2, entity="NEW"), rate(1, 2, level="district"),
                rate(1, 3, entity="NEW", period=PERIODS[2]), rate(1, 4, entity="ALSO",
                                                                  level="commune")])
    assert codes(out) == [("unknown_level", 0), ("level_mismatch", 1), ("unknown_level", 2)]
    assert out.units[-1] == ("ALSO", pr.Entity(code="ALSO", level="commune"))


def test_units_met_only_in_the_data_join_in_the_order_of_their_first_taken_figure() -> None:
    # B's first row is refused (numerator above denominator): A joins first on both engines.
    out = both([rate(5, 2, entity="B", level="commune"), rate(1, 2, entity="A", level="commune"),
                rate(1, 2, entity="B", period=PERIODS[2])], entities=())
    assert [code for code, _ in out.units] == ["A", "B"]


def test_counts_and_milestones_go_through_the_pure_checks_on_both_engines() -> None:
    out = both([pr.Observation(indicator="C", entity="X1", period=JAN, value=Fraction(5, 2)),
                pr.Observation(indicator="C", entity="X1", period=JAN, value=7),
                pr.Observation(indicator="C", entity="X1", period=PERIODS[2], numerator=1,
                               denominator=2),
                pr.Observation(indicator="M", entity="X1", period=JAN, value=1),
                pr.Observation(indicator="M", entity="X1", period=PERIODS[2], value=1,
                               source="QĐ 1"),
                rate(1, 2)])
    assert codes(out) == [("count_not_whole", 0), ("unexpected_counts", 2),
                          ("milestone_without_evidence", 3)]


def test_series_of_units_with_validity_windows_are_alike_on_both_engines() -> None:
    # The series keep every usable figure; the windows decide later which a target sees.
    out = both([rate(1, 2, entity="X3", period=PERIODS[6]), rate(1, 2, entity="X2"),
                rate(1, 3, entity="X3", period=PERIODS[3]), rate(1, 5, entity="X2",
                                                                 period=PERIODS[5])])
    assert [(e.code, p) for e, p, _, _ in out.series["R"]] == [("X3", [2, 0]), ("X2", [1, 3])]


def test_equal_period_ends_are_in_order_of_start_in_a_series() -> None:
    # March, the first quarter and a period ending on 31 March too: equal ends, by start.
    march_end = pr.Period.parse("2025-02-01/2025-03-31")
    out = both([rate(1, 2, period=PERIODS[4]), rate(1, 3, period=PERIODS[3]),
                rate(1, 4, period=march_end), rate(1, 5)])
    assert out.series["R"][0][1:3] == ([3, 1, 2, 0], [JAN.end] + [PERIODS[4].end] * 3)


def test_series_of_positions_in_any_order_as_a_list_are_alike_on_both_engines() -> None:
    figures = [rate(1, 2), rate(1, 3, entity="X2"), rate(1, 4, period=PERIODS[3]),
               rate(1, 5, period=PERIODS[4]), rate(1, 6, entity="X2", period=PERIODS[2])]
    made = []
    for engine in ("python", "pyarrow"):
        table = FigureTable.from_observations(figures)
        table.engine = engine
        sink = IssueSink(table, IssueLedger(None))
        valid = validate(table, INDICATORS, Units(table, {e.code: e for e in ENTITIES}), sink)
        made.append([(s.entity.code, list(s.positions), list(s.ends), s.first_start)
                     for s in window.series(table, [4, 3, 2, 1, 0], valid.unit_of)])
    assert made[1] == made[0]
    assert [(code, p) for code, p, _, _ in made[0]] == [("X2", [1, 4]), ("X1", [0, 2, 3])]


def test_issues_past_the_limit_are_counted_alike_by_both_engines() -> None:
    figures = [rate(3, 2, period=p) for p in PERIODS] + [rate(1, 2, code="NOPE")]
    out = both(figures, max_issues=2)
    assert [s.count for s in out.summaries] == [len(PERIODS)]


# -- the fallbacks ------------------------------------------------------------------------


def test_counts_beyond_64_bits_take_the_pure_path_with_the_same_answer() -> None:
    big = 1 << 64
    out = both([rate(big, big + 1), rate(1, 2, period=PERIODS[2])], pyarrow_path=False)
    assert out.usable == {"R": [0, 1]}


def test_a_table_whose_duplicate_key_could_leave_64_bits_is_validated_the_pure_way(
        monkeypatch: pytest.MonkeyPatch) -> None:
    figures = [rate(1, 2), rate(1, 2, row=3), rate(3, 2, period=PERIODS[2])]
    pure = outcome(figures, "python")

    def refused(*args: object) -> None:
        raise AssertionError("the pyarrow path ran")

    # 1 indicator × 1 unit × 2 period dates: not below a limit of 2.
    monkeypatch.setattr(validate_module, "_KEY_LIMIT", 2)
    monkeypatch.setattr(validate_module, "_validate_columns", refused)
    assert outcome(figures, "pyarrow") == pure


def test_a_table_that_does_not_ask_for_pyarrow_takes_the_pure_path() -> None:
    table = FigureTable.from_observations([rate(1, 2)])
    assert table.engine == "python"
    assert _arrow.columns_of(table) is None


def test_without_pyarrow_a_table_asking_for_it_takes_the_pure_path(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_arrow, "_modules", lambda: None)
    out = outcome([rate(1, 2), rate(3, 2, period=PERIODS[2])], "pyarrow", pyarrow_path=False)
    assert out == outcome([rate(1, 2), rate(3, 2, period=PERIODS[2])], "python")


def test_the_columnar_reader_asks_the_stages_for_pyarrow(tmp_path: Any,
                                                         registry: pr.Registry) -> None:
    path = tmp_path / "figures.csv"
    path.write_text("indicator,entity,level,period,numerator,denominator\n"
                    "T1.A.1,xa-a,commune,Q1/2025,1,2\n", encoding="utf-8")
    read = pr.read_observations(path, registry=registry, engine="pyarrow")
    assert isinstance(read.observations, FigureTable)
    assert _arrow.columns_of(read.observations) is not None


# -- generated figures ----------------------------------------------------------------------


@st.composite
def figures(draw: st.DrawFn) -> pr.Observation:
    code = draw(st.sampled_from(["R", "R", "R", "S", "C", "M", "NOPE"]))
    counts = draw(st.one_of(st.none(), st.tuples(st.integers(0, 6), st.integers(0, 6))))
    value = draw(st.one_of(st.none(), st.sampled_from(
        [Fraction(0), Fraction(1), Fraction(1, 2), Fraction(3, 2), Fraction(2)])))
    assume(counts is not None or value is not None)
    # A value published rounded: beside its counts it may agree only at its precision.
    precision = None if value is None else draw(st.sampled_from([None, Fraction(1, 10),
                                                                 Fraction(1)]))
    return pr.Observation(
        indicator=code, entity=draw(st.sampled_from(["X1", "X2", "X3", "NEW", "ALSO"])),
        period=draw(st.sampled_from(PERIODS)),
        level=draw(st.sampled_from([None, None, "commune", "district"])),
        numerator=None if counts is None else counts[0],
        denominator=None if counts is None else counts[1], value=value, precision=precision,
        reported_on=draw(st.sampled_from([None, date(2025, 2, 1), date(2025, 3, 1)])),
        source=draw(st.sampled_from([None, "QĐ 1", " "])),
        row=draw(st.one_of(st.none(), st.integers(2, 50))))


@settings(max_examples=int(os.environ.get("ENGINES_EXAMPLES", "60")), deadline=None)
@given(st.lists(figures(), min_size=1, max_size=30), st.lists(st.integers(0, 29), max_size=3),
       st.sampled_from([1, None]))
def test_both_engines_give_the_same_outcome_on_generated_figures(
        observations: list[pr.Observation], blocked: list[int], max_issues: int | None) -> None:
    both(observations, blocked=[b for b in blocked if b < len(observations)],
         max_issues=max_issues)
