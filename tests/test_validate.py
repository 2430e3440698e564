"""The validation stage on its own: which figures are fit for evaluation, and the issue that
names each other one (src/plan_rules/validate.py)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import plan_rules as pr
from plan_rules.dataissues import IssueSink
from plan_rules.figures import FigureTable
from plan_rules.numbers import parse_published_rate
from plan_rules.report import IssueLedger
from plan_rules.resolve import Units
from plan_rules.validate import Valid, validate
from sample_plugin import indicator

INDICATORS = {i.code: i for i in (
    indicator("R"),
    indicator("C", kind="count", temporal="stock"),
    indicator("M", kind="milestone", temporal="stock"),
)}
COMMUNE = pr.Entity(code="X1", level="commune")
JAN = pr.Period.month(2025, 1)


def run(observations: Sequence[pr.Observation],
        entities: Sequence[pr.Entity] = (COMMUNE,)) -> tuple[Valid, IssueSink]:
    table = FigureTable.from_observations(observations)
    sink = IssueSink(table, IssueLedger(None))
    units = Units(table, {e.code: e for e in entities})
    return validate(table, INDICATORS, units, sink), sink


def lists(usable: Mapping[str, Sequence[int]]) -> dict[str, list[int]]:
    return {code: list(positions) for code, positions in usable.items()}


def codes(sink: IssueSink) -> list[tuple[str, int | None]]:
    return [(i.code, i.observation) for i in sink.ledger.listed]


def rate(num: int, den: int, *, entity: str = "X1", period: pr.Period = JAN,
         level: str | None = None, value: Fraction | None = None,
         reported_on: date | None = None, row: int | None = None) -> pr.Observation:
    return pr.Observation(indicator="R", entity=entity, period=period, level=level,
                          numerator=num, denominator=den, value=value,
                          reported_on=reported_on, row=row)


def test_a_figure_in_order_is_usable_with_its_unit() -> None:
    valid, sink = run([rate(3, 4)])
    assert lists(valid.usable) == {"R": [0]}
    assert valid.unit_of == [COMMUNE]
    assert codes(sink) == []


def test_an_unknown_indicator_is_named_and_not_used() -> None:
    valid, sink = run([pr.Observation(indicator="NOPE", entity="X1", period=JAN, value=1),
                       rate(1, 2)])
    assert codes(sink) == [("unknown_indicator", 0)]
    assert lists(valid.usable) == {"R": [1]}
    assert valid.unit_of[0] is None
    assert 0 in sink.blocked


def test_a_numerator_above_its_denominator_is_refused() -> None:
    valid, sink = run([rate(5, 4)])
    assert codes(sink) == [("numerator_exceeds_denominator", 0)]
    assert lists(valid.usable) == {}


def test_a_numerator_equal_to_its_denominator_is_usable() -> None:
    valid, sink = run([rate(4, 4)])
    assert lists(valid.usable) == {"R": [0]}
    assert codes(sink) == []


def test_a_rate_above_100_percent_is_refused() -> None:
    valid, sink = run([pr.Observation(indicator="R", entity="X1", period=JAN,
                                      value=Fraction(101, 100))])
    assert codes(sink) == [("rate_above_one", 0)]
    assert lists(valid.usable) == {}


def test_a_rate_of_exactly_100_percent_is_usable() -> None:
    valid, _ = run([pr.Observation(indicator="R", entity="X1", period=JAN, value=1)])
    assert lists(valid.usable) == {"R": [0]}


def test_a_value_disagreeing_with_counts_is_a_warning_and_the_figure_stays() -> None:
    valid, sink = run([rate(1, 4, value=Fraction(1, 2))])
    assert codes(sink) == [("value_disagrees_with_counts", 0)]
    assert sink.ledger.listed[0].severity == "warning"
    assert lists(valid.usable) == {"R": [0]}
    assert not sink.blocked


def test_a_value_agreeing_with_its_counts_says_nothing() -> None:
    valid, sink = run([rate(1, 4, value=Fraction(1, 4))])
    assert lists(valid.usable) == {"R": [0]}
    assert codes(sink) == []


def test_a_figure_an_earlier_blocking_issue_names_is_not_usable() -> None:
    table = FigureTable.from_observations([rate(1, 2), rate(1, 2, period=pr.Period.month(2025, 2))])
    sink = IssueSink(table, IssueLedger(None))
    sink.issue("bad_cell", 1, "ô hỏng", "bad cell")
    valid = validate(table, INDICATORS, Units(table, {"X1": COMMUNE}), sink)
    assert lists(valid.usable) == {"R": [0]}


def test_of_three_duplicates_only_the_latest_report_is_used() -> None:
    valid, sink = run([rate(1, 2, reported_on=date(2025, 3, 1)),
                       rate(2, 2, reported_on=date(2025, 2, 1)),
                       rate(0, 2, reported_on=date(2025, 4, 1))])
    assert lists(valid.usable) == {"R": [2]}
    assert sorted(codes(sink)) == [("duplicate", 0), ("duplicate", 1)]


def test_a_count_that_is_not_whole_is_refused() -> None:
    valid, sink = run([pr.Observation(indicator="C", entity="X1", period=JAN,
                                      value=Fraction(5, 2))])
    assert codes(sink) == [("count_not_whole", 0)]
    assert lists(valid.usable) == {}


def test_a_whole_count_is_usable() -> None:
    valid, _ = run([pr.Observation(indicator="C", entity="X1", period=JAN, value=7)])
    assert lists(valid.usable) == {"C": [0]}


def test_counts_given_for_a_count_indicator_are_refused() -> None:
    valid, sink = run([pr.Observation(indicator="C", entity="X1", period=JAN, numerator=1,
                                      denominator=2)])
    assert codes(sink) == [("unexpected_counts", 0)]
    assert lists(valid.usable) == {}


def test_a_milestone_done_without_evidence_is_refused() -> None:
    valid, sink = run([pr.Observation(indicator="M", entity="X1", period=JAN, value=1),
                       pr.Observation(indicator="M", entity="X1", period=JAN, value=1,
                                      source="  ")])
    assert codes(sink) == [("milestone_without_evidence", 0), ("milestone_without_evidence", 1)]
    assert lists(valid.usable) == {}


def test_a_milestone_done_with_evidence_is_usable() -> None:
    valid, sink = run([pr.Observation(indicator="M", entity="X1", period=JAN, value=1,
                                      source="QĐ 12/2025")])
    assert lists(valid.usable) == {"M": [0]}
    assert codes(sink) == []


def test_a_milestone_not_done_needs_no_evidence() -> None:
    valid, _ = run([pr.Observation(indicator="M", entity="X1", period=JAN, value=0)])
    assert lists(valid.usable) == {"M": [0]}


def test_a_milestone_neither_done_nor_not_done_is_refused() -> None:
    valid, sink = run([pr.Observation(indicator="M", entity="X1", period=JAN,
                                      value=Fraction(1, 2), source="QĐ 1")])
    assert codes(sink) == [("milestone_value", 0)]
    assert lists(valid.usable) == {}


def test_a_unit_whose_level_cannot_be_told_is_refused() -> None:
    valid, sink = run([rate(1, 2, entity="NEW")], entities=())
    assert codes(sink) == [("unknown_level", 0)]
    assert lists(valid.usable) == {}


def test_a_row_giving_another_level_than_the_entities_file_is_refused() -> None:
    valid, sink = run([rate(1, 2, level="district")])
    assert codes(sink) == [("level_mismatch", 0)]
    assert lists(valid.usable) == {}


def test_of_a_duplicate_the_later_report_date_wins_and_the_other_is_named() -> None:
    valid, sink = run([rate(1, 2, reported_on=date(2025, 3, 1)),
                       rate(2, 2, reported_on=date(2025, 2, 1))])
    assert lists(valid.usable) == {"R": [0]}
    assert codes(sink) == [("duplicate", 1)]
    assert sink.ledger.listed[0].observation == 1


def test_different_figures_without_report_dates_are_both_named_and_neither_used() -> None:
    # 60/100 and 40/100 for one unit and period: which row came last must not decide.
    valid, sink = run([rate(60, 100, row=2), rate(40, 100, row=3)])
    assert valid.usable == {}
    assert codes(sink) == [("conflicting_duplicates", 0), ("conflicting_duplicates", 1)]
    assert sink.blocked == {0, 1}


def test_a_conflict_names_both_rows_and_figures_in_both_languages() -> None:
    _, sink = run([rate(60, 100, row=2), rate(40, 100, row=3)])
    for issue in sink.ledger.listed:
        for text in (issue.message.vi, issue.message.en):
            assert "60/100 (row 2)" in text and "40/100 (row 3)" in text


def test_different_figures_with_equal_report_dates_are_a_conflict() -> None:
    day = date(2025, 2, 1)
    valid, sink = run([rate(1, 2, reported_on=day), rate(2, 2, reported_on=day)])
    assert valid.usable == {}
    assert codes(sink) == [("conflicting_duplicates", 0), ("conflicting_duplicates", 1)]


def test_different_figures_one_without_a_report_date_are_a_conflict() -> None:
    valid, sink = run([rate(1, 2, reported_on=date(2025, 2, 1)), rate(2, 2)])
    assert valid.usable == {}
    assert codes(sink) == [("conflicting_duplicates", 0), ("conflicting_duplicates", 1)]


def test_the_same_figure_given_twice_is_one_figure_and_the_other_a_duplicate() -> None:
    valid, sink = run([rate(1, 2, row=2), rate(1, 2, row=3)])
    assert len(valid.usable["R"]) == 1
    assert [c for c, _ in codes(sink)] == ["duplicate"]
    assert "the same figure" in sink.ledger.listed[0].message.en


def test_the_latest_report_supersedes_earlier_reports_that_disagree() -> None:
    valid, sink = run([rate(1, 2, reported_on=date(2025, 2, 1)),
                       rate(2, 2, reported_on=date(2025, 2, 1)),
                       rate(0, 2, reported_on=date(2025, 3, 1))])
    assert lists(valid.usable) == {"R": [2]}
    assert codes(sink) == [("duplicate", 0), ("duplicate", 1)]


def test_a_duplicate_is_the_same_dates_however_the_period_was_written() -> None:
    same_dates = pr.Period.parse("2025-01-01/2025-01-31")
    valid, sink = run([rate(1, 2, period=JAN), rate(1, 2, period=same_dates)])
    assert len(valid.usable["R"]) == 1
    assert [c for c, _ in codes(sink)] == ["duplicate"]


def test_figures_of_different_periods_are_not_duplicates() -> None:
    valid, sink = run([rate(1, 2), rate(1, 2, period=pr.Period.month(2025, 2))])
    assert lists(valid.usable) == {"R": [0, 1]}
    assert codes(sink) == []


def test_the_usable_figures_are_in_input_order_by_indicator() -> None:
    valid, _ = run([rate(1, 2, period=pr.Period.month(2025, 3)),
                    pr.Observation(indicator="C", entity="X1", period=JAN, value=3),
                    rate(1, 2, period=JAN)])
    assert lists(valid.usable) == {"R": [0, 2], "C": [1]}


_FIGURES = [
    rate(1, 2, reported_on=date(2025, 2, 1)),
    rate(2, 2, reported_on=date(2025, 3, 1)),
    rate(1, 4, period=pr.Period.month(2025, 2)),
    rate(5, 4, period=pr.Period.month(2025, 3)),
    rate(1, 3, entity="NEW"),
    pr.Observation(indicator="C", entity="X1", period=JAN, value=Fraction(1, 2)),
    pr.Observation(indicator="C", entity="X1", period=JAN, value=4),
    pr.Observation(indicator="NOPE", entity="X1", period=JAN, value=4),
]


def _usable_figures(observations: Sequence[pr.Observation]) -> set[pr.Observation]:
    valid, _ = run(observations)
    return {observations[i] for positions in valid.usable.values() for i in positions}


@settings(max_examples=40, deadline=None)
@given(st.permutations(_FIGURES))
def test_the_order_of_input_never_changes_the_usable_figures(
        shuffled: list[pr.Observation]) -> None:
    assert _usable_figures(shuffled) == _usable_figures(_FIGURES)


def test_a_row_without_a_level_is_judged_alike_whatever_the_order_of_the_rows() -> None:
    # Of a unit met only in the data, one row gives its level and another gives none: the
    # order of the rows must not decide whether the row without a level is used.
    with_level = rate(1, 2, entity="NEW", level="commune")
    without = rate(1, 4, entity="NEW", period=pr.Period.month(2025, 2))
    assert _usable_figures([with_level, without]) == _usable_figures([without, with_level])


# -- a value beside counts, to its published precision ---------------------------------------

PUBLISHED = """indicator,entity,level,period,numerator,denominator,value
T1.A.1,c1,commune,Q1/2025,1872,1952,"95,9%"
T1.A.1,c2,commune,Q1/2025,951,1834,"59,6%"
"""


def _read_published(tmp_path: Path, registry: pr.Registry, engine: str) -> pr.ReadResult:
    path = tmp_path / "published.csv"
    path.write_text(PUBLISHED, encoding="utf-8")
    return pr.read_observations(path, registry=registry, engine=engine)


def _disagreements(read: pr.ReadResult, registry: pr.Registry) -> list[pr.DataIssue]:
    table = FigureTable.from_observations(read.observations)
    sink = IssueSink(table, IssueLedger(None))
    units = Units(table, {c: pr.Entity(code=c, level="commune") for c in ("c1", "c2")})
    validate(table, registry.indicators, units, sink)
    return list(sink.ledger.listed)


@pytest.mark.parametrize("engine", ["python", "pyarrow"])
def test_a_published_rate_rounded_to_its_own_precision_agrees_with_its_counts(
        tmp_path: Path, registry: pr.Registry, engine: str) -> None:
    # 1,872/1,952 is 95.90…%: "95,9%" is that rate to the one decimal it was published with.
    issues = _disagreements(_read_published(tmp_path, registry, engine), registry)
    assert [i.row for i in issues if i.code == "value_disagrees_with_counts"] == [3]


@pytest.mark.parametrize("engine", ["python", "pyarrow"])
def test_a_published_rate_that_is_not_its_counts_rounded_says_both_numbers(
        tmp_path: Path, registry: pr.Registry, engine: str) -> None:
    # 951/1,834 is 51.85…%: "59,6%" is not a rounding of it.
    [issue] = _disagreements(_read_published(tmp_path, registry, engine), registry)
    assert (issue.code, issue.row) == ("value_disagrees_with_counts", 3)
    assert "59.6% (951/1,834 = 51.9%)" in issue.message.en
    assert "59,6% (951/1.834 = 51,9%)" in issue.message.vi


def test_a_value_given_in_code_without_precision_must_equal_its_counts_exactly() -> None:
    _, sink = run([rate(1872, 1952, value=Fraction(959, 1000))])
    assert codes(sink) == [("value_disagrees_with_counts", 0)]


@settings(max_examples=200, deadline=None)
@given(den=st.integers(1, 10**7), share=st.fractions(0, 1), places=st.integers(0, 4),
       off=st.sampled_from([-1, 0, 1]))
def test_a_rate_agrees_with_its_counts_exactly_when_it_is_their_rate_rounded_to_its_places(
        den: int, share: Fraction, places: int, off: int) -> None:
    num = int(share * den)
    # The counts' rate as a percentage rounded half up to ``places`` decimals, written out
    # with every decimal, then moved ``off`` units of its last place.
    units = (Fraction(num, den) * 100 * 10**places + Fraction(1, 2)).__floor__() + off
    if units < 0:
        return
    whole, part = divmod(units, 10**places)
    text = f"{whole},{part:0{places}d}%" if places else f"{whole}%"  # "100.000" is 10^5
    published = parse_published_rate(text)
    _, sink = run([pr.Observation(indicator="R", entity="X1", period=JAN, numerator=num,
                                  denominator=den, value=published.value,
                                  precision=published.precision)])
    assert (codes(sink) == []) is (off == 0)

def test_a_conflict_says_the_same_words_whatever_the_order_of_its_rows() -> None:
    rows = [rate(60, 100, row=2), rate(40, 100, row=3), rate(60, 100, row=4)]
    _, first = run(rows)
    _, second = run(rows[::-1])
    assert {i.message for i in first.ledger.listed} == {i.message for i in second.ledger.listed}
    assert first.ledger.listed[0].message.en.startswith(
        "figures for R/X1/01/2025 disagree: 40/100 (row 3), 60/100 (row 2, row 4)")


def test_of_the_same_figure_twice_the_row_kept_is_decided_by_what_the_rows_say() -> None:
    dated, undated = rate(1, 2, reported_on=date(2025, 2, 1)), rate(1, 2)
    for rows in ([dated, undated], [undated, dated]):
        valid, _ = run(rows)
        assert [rows[i] for i in valid.usable["R"]] == [dated]
