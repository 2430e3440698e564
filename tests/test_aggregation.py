"""The exact arithmetic the engine shares with its users, against the obvious definitions."""

from __future__ import annotations

import math
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from plan_rules import aggregation as agg
from plan_rules.model import Comparator

fractions = st.fractions(min_value=0, max_value=10**6, max_denominator=10**4)


@given(st.lists(fractions | st.integers(min_value=0, max_value=10**9), max_size=60))
def test_mean_is_the_sum_over_the_count(values: list[Fraction | int]) -> None:
    expected = sum((Fraction(v) for v in values), Fraction(0)) / len(values) if values else None
    assert agg.mean([Fraction(v) for v in values]) == expected


def test_mean_of_nothing_is_none() -> None:
    assert agg.mean([]) is None


def test_mean_keeps_thirds_exact() -> None:
    assert agg.mean([Fraction(1, 3), Fraction(2, 3), Fraction(1, 7)]) == Fraction(8, 21)


@given(st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 10**6)), max_size=40))
def test_pooled_is_the_ratio_of_sums(pairs: list[tuple[int, int]]) -> None:
    nums = [n for n, _ in pairs]
    dens = [d for _, d in pairs]
    expected = Fraction(sum(nums), sum(dens)) if sum(dens) else None
    assert agg.pooled(nums, dens) == expected


@given(st.lists(fractions, max_size=60))
def test_extremes_are_min_and_max(values: list[Fraction]) -> None:
    low, high = agg.extremes(values)
    if not values:
        assert (low, high) == (None, None)
    else:
        assert low == min(values) and high == max(values)
        # the first of equal values, as min and max give them
        assert low is min(values) and high is max(values)


@given(st.integers(0, 10**9), st.integers(1, 10**9),
       st.fractions(min_value=0, max_value=1, max_denominator=10**6),
       st.sampled_from(list(Comparator)))
def test_units_needed_is_the_smallest_change_of_numerator_that_meets_it(
        numerator: int, denominator: int, threshold: Fraction, comparator: Comparator) -> None:
    units = agg.units_needed(numerator, denominator, threshold, comparator)
    scaled = threshold * denominator
    if comparator is Comparator.EQ:
        assert units == abs(math.ceil(scaled) - numerator)
        return
    down = comparator in (Comparator.LE, Comparator.LT)
    moved = numerator - units if down else numerator + units
    assert units >= 0 and (units == 0 or comparator.holds(Fraction(moved), scaled))
    # One unit less would not do.
    if units:
        nearer = moved + 1 if down else moved - 1
        assert not comparator.holds(Fraction(nearer), scaled)
    else:
        assert comparator.holds(Fraction(numerator), scaled) or (down and numerator == 0)


pairs = st.lists(st.tuples(st.integers(0, 10**6), st.integers(1, 10**4)), max_size=60)


@given(pairs)
def test_the_mean_of_pairs_is_the_mean_of_their_fractions(values: list[tuple[int, int]]) -> None:
    assert agg.mean_of(values) == agg.mean([Fraction(n, d) for n, d in values])


@given(pairs)
def test_the_extremes_of_pairs_are_those_of_their_fractions(
        values: list[tuple[int, int]]) -> None:
    assert agg.extremes_of(values) == agg.extremes([Fraction(n, d) for n, d in values])
