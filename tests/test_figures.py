"""The figure table: columns in, the same observations out, on demand."""

from __future__ import annotations

from datetime import date
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

import plan_rules as pr
from plan_rules.figures import FigureTable


def _obs(**kw: object) -> pr.Observation:
    base: dict[str, object] = dict(indicator="a.b", entity="x", level="commune",
                                   period=pr.Period.parse("Q1/2025"), numerator=1,
                                   denominator=2, file="f.csv", row=2)
    base.update(kw)
    return pr.Observation(**base)  # type: ignore[arg-type]


def test_a_table_hands_back_the_observations_it_was_built_from() -> None:
    given_ = [_obs(), _obs(entity="y", numerator=None, denominator=None, value=Fraction(7, 8),
                           reported_on=date(2025, 4, 2), source="QĐ 1", note="n", row=None,
                           file=None, level=None)]
    table = FigureTable.from_observations(given_)
    assert len(table) == 2
    assert list(table) == given_
    assert table[1] == given_[1] and table[-1] == given_[1]
    assert table == tuple(given_)


def test_codes_repeat_once_per_distinct_value() -> None:
    table = FigureTable.from_observations([_obs(row=r) for r in range(2, 50)])
    assert len(table.periods) == 1 and len(table.entities) == 1 and len(table) == 48


def test_counts_past_64_bits_are_kept_whole() -> None:
    big = 2 ** 70
    table = FigureTable.from_observations([_obs(numerator=big, denominator=big + 1)])
    assert table[0].numerator == big and table[0].denominator == big + 1


def test_where_names_file_and_row() -> None:
    table = FigureTable.from_observations([_obs(), _obs(file=None, row=None)])
    assert table.where(0) == "f.csv:2" and table.where(1) == "(given in code)"
    assert table.where(0) == table[0].where and table.source_of(0) == ("f.csv", 2)


@settings(max_examples=50, deadline=None)
@given(st.lists(st.from_type(pr.Observation), max_size=8))
def test_any_observations_round_trip(observations: list[pr.Observation]) -> None:
    assert list(FigureTable.from_observations(observations)) == observations
