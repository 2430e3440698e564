"""Combining figures exactly: an entity's periods into one figure, entities into a statistic.

These are plain functions over integers and fractions, shared by the engine and by anyone who
wants the same arithmetic (a dashboard recomputing a pooled ratio, a test checking the engine).
Nothing here uses floating point.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from fractions import Fraction

from .model import Comparator

__all__ = ["extremes", "extremes_of", "gap_units", "mean", "mean_of", "pooled", "units_needed"]


def pooled(numerators: Sequence[int], denominators: Sequence[int]) -> Fraction | None:
    """The ratio of sums; None when the denominators add up to zero."""
    total = sum(denominators)
    return Fraction(sum(numerators), total) if total else None


def mean(values: Sequence[Fraction]) -> Fraction | None:
    """The unweighted mean; None for no values.

    Exact: the numerators are added per denominator, then brought to one common denominator,
    which is much cheaper than adding thousands of fractions one by one.
    """
    return mean_of([(v.numerator, v.denominator) for v in values])


def mean_of(pairs: Sequence[tuple[int, int]]) -> Fraction | None:
    """The unweighted mean of the fractions ``numerator/denominator`` (denominators above 0,
    not necessarily in lowest terms); None for none. The same value as :func:`mean`, without
    a fraction object per figure."""
    if not pairs:
        return None
    sums: dict[int, int] = {}
    for n, d in pairs:
        sums[d] = sums.get(d, 0) + n
    common = math.lcm(*sums)
    return Fraction(sum(n * (common // d) for d, n in sums.items()), common * len(pairs))


def extremes_of(pairs: Sequence[tuple[int, int]]) -> tuple[Fraction | None, Fraction | None]:
    """The smallest and the largest of the fractions ``numerator/denominator`` (denominators
    above 0), compared by cross-multiplying; (None, None) for none."""
    if not pairs:
        return None, None
    ln, ld = hn, hd = pairs[0]
    for n, d in pairs:
        if n * ld < ln * d:
            ln, ld = n, d
        elif n * hd > hn * d:
            hn, hd = n, d
    return Fraction(ln, ld), Fraction(hn, hd)


def extremes(values: Sequence[Fraction]) -> tuple[Fraction | None, Fraction | None]:
    """The smallest and the largest value (the first of equal ones); (None, None) for none.

    The same as ``min`` and ``max``, comparing by cross-multiplied numerators and
    denominators instead of through the fraction type's comparison, which is several times
    slower over a hundred thousand entity figures. :func:`extremes_of` does the same for
    figures held as numerator and denominator.
    """
    if not values:
        return None, None
    low = high = values[0]
    ln, ld = hn, hd = low.numerator, low.denominator
    for v in values:
        n, d = v.numerator, v.denominator
        if n * ld < ln * d:
            low, ln, ld = v, n, d
        elif n * hd > hn * d:
            high, hn, hd = v, n, d
    return low, high


def units_needed(numerator: int, denominator: int, threshold: Fraction,
                 comparator: Comparator) -> int:
    """How many more (or, for ``<=``/``<``, fewer) numerator units meet the threshold.

    The denominator is held fixed: "how many more of the same dossiers would have to be handled
    online". Zero when the threshold is already met.
    """
    # threshold × denominator as the integer fraction a / b: floor and ceiling without
    # building a Fraction (this runs for every unit that falls short).
    a, b = threshold.numerator * denominator, threshold.denominator
    floor, ceil = a // b, -(-a // b)
    if comparator is Comparator.GE:
        return max(0, ceil - numerator)
    if comparator is Comparator.GT:
        return max(0, floor + 1 - numerator)
    if comparator is Comparator.LE:
        return max(0, numerator - floor)
    if comparator is Comparator.LT:
        return max(0, numerator - (ceil - 1))
    # ==: the distance to the nearest whole number of units at or above the threshold.
    return abs(ceil - numerator)


def gap_units(value: Fraction, threshold: Fraction, comparator: Comparator) -> int:
    """For a whole-number figure (a count): how many more (or fewer) units meet the target."""
    if comparator is Comparator.GE:
        return max(0, math.ceil(threshold - value))
    if comparator is Comparator.GT:
        return max(0, math.floor(threshold - value) + 1)
    if comparator is Comparator.LE:
        return max(0, math.ceil(value - threshold))
    if comparator is Comparator.LT:
        return max(0, math.floor(value - threshold) + 1)
    return math.ceil(abs(value - threshold))
