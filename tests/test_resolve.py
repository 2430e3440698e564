"""The resolution stage on its own: which unit each figure belongs to
(src/plan_rules/resolve.py)."""

from __future__ import annotations

from collections.abc import Sequence

from hypothesis import given, settings
from hypothesis import strategies as st

import plan_rules as pr
from plan_rules.figures import FigureTable
from plan_rules.resolve import Units, Unresolved

JAN = pr.Period.month(2025, 1)


def units_of(rows: Sequence[tuple[str, str | None]],
             entities: Sequence[pr.Entity] = ()) -> Units:
    table = FigureTable.from_observations(
        pr.Observation(indicator="R", entity=code, level=level, period=JAN, numerator=1,
                       denominator=2) for code, level in rows)
    return Units(table, {e.code: e for e in entities})


def test_a_unit_of_the_entities_file_is_what_the_file_says() -> None:
    known = pr.Entity(code="X1", level="commune", groups="coastal")
    units = units_of([("X1", None)], [known])
    assert units.resolve("X1", None) is known
    assert units.resolve("X1", "commune") is known


def test_a_row_giving_another_level_than_the_file_is_a_mismatch() -> None:
    units = units_of([("X1", "district")], [pr.Entity(code="X1", level="commune")])
    found = units.resolve("X1", "district")
    assert isinstance(found, Unresolved)
    assert found.code == "level_mismatch"
    assert (found.text, found.expected) == ("district", "commune")


def test_a_unit_met_only_in_the_data_takes_the_level_of_its_rows() -> None:
    units = units_of([("X9", "commune")])
    found = units.resolve("X9", "commune")
    assert found == pr.Entity(code="X9", level="commune")
    assert units.entities["X9"] == found


def test_a_unit_met_first_without_a_level_is_unresolved() -> None:
    units = units_of([("X9", None)])
    found = units.resolve("X9", None)
    assert isinstance(found, Unresolved)
    assert found.code == "unknown_level"
    assert "X9" not in units.entities


def test_a_unit_taken_from_a_row_serves_its_later_rows_without_a_level() -> None:
    units = units_of([("X9", "commune"), ("X9", None)])
    first = units.resolve("X9", "commune")
    assert units.resolve("X9", None) is first


def test_a_unit_given_different_levels_is_refused_on_every_row() -> None:
    units = units_of([("X9", "commune"), ("X9", "district")])
    assert units.conflicting == {"X9": ["commune", "district"]}
    for level in ("commune", "district", None):
        found = units.resolve("X9", level)
        assert isinstance(found, Unresolved)
        assert found.code == "level_conflict"
    assert "X9" not in units.entities


def test_a_conflict_in_the_data_does_not_touch_a_unit_of_the_entities_file() -> None:
    known = pr.Entity(code="X1", level="commune")
    units = units_of([("X1", "commune"), ("X1", "district")], [known])
    assert units.conflicting == {}
    assert units.resolve("X1", "commune") is known


_ROWS = [("X9", "commune"), ("X9", "district"), ("X9", None), ("Y", "commune"),
         ("Z", "district")]


def _outcome(units: Units, code: str, level: str | None) -> str:
    found = units.resolve(code, level)
    return found.code if isinstance(found, Unresolved) else found.level


@settings(max_examples=40, deadline=None)
@given(st.permutations(_ROWS))
def test_which_row_came_first_never_decides_a_conflicting_unit(
        rows: list[tuple[str, str | None]]) -> None:
    units = units_of(rows)
    assert units.conflicting == {"X9": ["commune", "district"]}
    assert [_outcome(units, c, lv) for c, lv in rows] == [
        "level_conflict" if c == "X9" else str(lv) for c, lv in rows]
