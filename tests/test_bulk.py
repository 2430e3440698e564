"""Bulk building of observations and the paused collector: same objects, state restored."""

from __future__ import annotations

import gc
from collections.abc import Iterable
from itertools import repeat

import pytest

import plan_rules as pr
from plan_rules import _bulk


def test_built_observations_equal_trusted_ones() -> None:
    period = pr.Period.parse("Q1/2025")
    rows = [("HY25.DE.1", f"xa-{n}", period, "commune", n, 2 * n + 1, "f.csv", n + 2)
            for n in range(50)]
    columns: list[Iterable[object]] = [[r[k] for r in rows] for k in range(6)]
    columns += [*(repeat(None, 50) for _ in range(4)), repeat("f.csv", 50), [r[7] for r in rows]]
    built = _bulk.build_observations(50, columns)
    assert built == [pr.Observation._trusted(*r) for r in rows]
    assert built[3] == pr.Observation(indicator="HY25.DE.1", entity="xa-3", period=period,
                                      level="commune", numerator=3, denominator=7,
                                      file="f.csv", row=5)


def test_building_wants_a_column_per_field() -> None:
    with pytest.raises(ValueError, match="12 columns"):
        _bulk.build_observations(1, [[1]])


@pytest.mark.parametrize("enabled", [True, False])
def test_the_collector_is_restored_as_it_was_even_after_an_error(enabled: bool) -> None:
    was = gc.isenabled()
    (gc.enable if enabled else gc.disable)()
    try:
        with pytest.raises(RuntimeError), _bulk.collector_paused():
            assert not gc.isenabled()
            raise RuntimeError("inside")
        assert gc.isenabled() is enabled
    finally:
        (gc.enable if was else gc.disable)()
