"""Derived indicators: figures computed from other indicators' combined figures, declared as data.

A formula is a tree of nodes (frozen attrs classes): an indicator's figure or counts, a
constant, a sum, a weighted sum, a ratio of sums, a minimum, and the scoring functions — a
linear score reaching its full points at a declared rate and capped there (the Decision 766
shape, "full points at ≥ 50% online submission"), and banded steps. No text is ever parsed
or evaluated: a formula is built from these classes, so a plugin's formula can be checked at
load (its inputs, its cycles, its largest value) before any figure is read.

Every value is an exact :class:`~fractions.Fraction`. A node over a missing input has no
value (``None``): a unit that gave no figure for an input has no figure for the formula,
and the index that reads it decides what that means (see :mod:`plan_rules.composite`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from fractions import Fraction
from itertools import pairwise
from typing import Any

import attrs
from attrs import validators as v

from .model import CODE_PATTERN, Text, _exact

__all__ = [
    "Bands",
    "Composite",
    "Constant",
    "Denominator",
    "Derived",
    "Figure",
    "Linear",
    "Minimum",
    "Node",
    "Numerator",
    "Ratio",
    "Sum",
    "Values",
    "WeightedSum",
    "increasing",
]


class Composite:
    """What the ``plan_rules_composites`` hook returns: a derived indicator, an index, or a
    score or rank target on an index (:mod:`plan_rules.composite`). Their codes share one
    namespace."""

    code: str
    plugin: str | None


class Values:
    """What a formula reads of one unit: an input's exact figure, and a rate's counts."""

    def figure(self, code: str) -> Fraction | None:  # pragma: no cover - an interface
        raise NotImplementedError

    def counts(self, code: str) -> tuple[int, int] | None:  # pragma: no cover - an interface
        raise NotImplementedError


def _code(instance: Any, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, str) or not CODE_PATTERN.match(value):
        raise ValueError(f"{type(instance).__name__}.{attribute.name} must be an indicator "
                         f"code, got {value!r}")


def _not_negative(instance: Any, attribute: attrs.Attribute[Any], value: Fraction) -> None:
    if value < 0:
        raise ValueError(f"{type(instance).__name__}.{attribute.name} must not be negative "
                         f"(scores stay within [0, max]), got {value}")


def _positive(instance: Any, attribute: attrs.Attribute[Any], value: Fraction) -> None:
    if value <= 0:
        raise ValueError(f"{type(instance).__name__}.{attribute.name} must be above 0, "
                         f"got {value}")


def _nodes(value: Iterable[Node]) -> tuple[Node, ...]:
    return tuple(value)


def _one_at_least(instance: Any, attribute: attrs.Attribute[Any], value: tuple[Any, ...]) -> None:
    if not value:
        raise ValueError(f"{type(instance).__name__}.{attribute.name} needs one term at least")
    for item in value:
        node = item[1] if isinstance(item, tuple) else item
        if not isinstance(node, Node):
            raise TypeError(f"{type(instance).__name__}.{attribute.name}: {node!r} is not a "
                            "formula node")


def _weighted(value: Iterable[tuple[object, Node]]) -> tuple[tuple[Fraction, Node], ...]:
    return tuple((_exact(w), n) for w, n in value)


def _steps(value: Iterable[tuple[object, object]]) -> tuple[tuple[Fraction, Fraction], ...]:
    return tuple((_exact(at), _exact(points)) for at, points in value)


def _show(x: Fraction) -> str:
    return str(x.numerator) if x.denominator == 1 else f"{x.numerator}/{x.denominator}"


class Node:
    """A node of a formula. Each says which indicators it reads, computes its exact value
    for one unit, bounds its value where it can, and says itself in words."""

    def children(self) -> tuple[Node, ...]:
        return ()

    def inputs(self) -> frozenset[str]:
        """The codes of the indicators (reported or derived) the formula reads."""
        return frozenset().union(*(c.inputs() for c in self.children()))

    def counted(self) -> frozenset[str]:
        """The codes whose counts (numerator, denominator) the formula reads."""
        return frozenset().union(*(c.counted() for c in self.children()))

    def value(self, values: Values) -> Fraction | None:  # pragma: no cover - abstract
        """The node's exact value for one unit; None when an input is missing."""
        raise NotImplementedError

    def bound(self) -> Fraction | None:
        """The largest value the node can take, whatever the figures (None: unbounded)."""
        return None

    def increasing(self) -> bool:
        """Whether the value never falls when one input's figure rises (a rate's numerator
        rising over the same denominator), each input read as it is: a derived indicator's
        figure counts as an input, whatever its own formula (see :func:`increasing`)."""
        return all(c.increasing() for c in self.children())

    def words(self, lang: str, name: Callable[[str], str]) -> str:  # pragma: no cover
        """The formula in words; ``name`` names an indicator by its code."""
        raise NotImplementedError

    def walk(self) -> Iterator[Node]:
        """This node and every node under it."""
        yield self
        for c in self.children():
            yield from c.walk()


def _all(values: Iterable[Fraction | None]) -> list[Fraction] | None:
    out = []
    for x in values:
        if x is None:
            return None
        out.append(x)
    return out


def _t(lang: str, vi: str, en: str) -> str:
    return vi if lang == "vi" else en


@attrs.frozen
class Figure(Node):
    """An indicator's combined figure for the unit (a rate as a fraction of one, a count as
    a number), or a derived indicator's value."""

    indicator: str = attrs.field(validator=_code)

    def inputs(self) -> frozenset[str]:
        return frozenset({self.indicator})

    def value(self, values: Values) -> Fraction | None:
        return values.figure(self.indicator)

    def increasing(self) -> bool:
        # Increasing in the figure it reads; whether a derived indicator's figure itself rises
        # with the reported figures is its formula's say, which `increasing` asks.
        return True

    def words(self, lang: str, name: Callable[[str], str]) -> str:
        return name(self.indicator)


class _Count(Node):
    """One of a reported rate's combined counts for the unit (``_part``: 0 the numerator,
    1 the denominator; ``_words``: its name in vi and en)."""

    indicator: str
    _part = 0
    _words = ("tử số", "the numerator")

    def inputs(self) -> frozenset[str]:
        return frozenset({self.indicator})

    def counted(self) -> frozenset[str]:
        return frozenset({self.indicator})

    def value(self, values: Values) -> Fraction | None:
        counts = values.counts(self.indicator)
        return None if counts is None else Fraction(counts[self._part])

    def words(self, lang: str, name: Callable[[str], str]) -> str:
        vi, en = self._words
        return _t(lang, f"{vi} của {name(self.indicator)}", f"{en} of {name(self.indicator)}")


@attrs.frozen
class Numerator(_Count):
    """A reported rate's combined numerator for the unit (e.g. dossiers handled online)."""

    indicator: str = attrs.field(validator=_code)


@attrs.frozen
class Denominator(_Count):
    """A reported rate's combined denominator for the unit (e.g. dossiers received)."""

    indicator: str = attrs.field(validator=_code)
    _part = 1
    _words = ("mẫu số", "the denominator")


@attrs.frozen
class Constant(Node):
    """An exact number, not negative."""

    number: Fraction = attrs.field(converter=_exact, validator=_not_negative)

    def value(self, values: Values) -> Fraction | None:
        return self.number

    def bound(self) -> Fraction | None:
        return self.number

    def words(self, lang: str, name: Callable[[str], str]) -> str:
        return _show(self.number)


@attrs.frozen
class Sum(Node):
    """The sum of its terms."""

    terms: tuple[Node, ...] = attrs.field(converter=_nodes, validator=_one_at_least)

    def children(self) -> tuple[Node, ...]:
        return self.terms

    def value(self, values: Values) -> Fraction | None:
        found = _all(t.value(values) for t in self.terms)
        return None if found is None else sum(found, Fraction(0))

    def bound(self) -> Fraction | None:
        bounds = _all(t.bound() for t in self.terms)
        return None if bounds is None else sum(bounds, Fraction(0))

    def words(self, lang: str, name: Callable[[str], str]) -> str:
        return "(" + " + ".join(t.words(lang, name) for t in self.terms) + ")"


@attrs.frozen
class WeightedSum(Node):
    """The sum of its terms, each times its weight (an exact number, not negative)."""

    terms: tuple[tuple[Fraction, Node], ...] = attrs.field(converter=_weighted,
                                                           validator=_one_at_least)

    def __attrs_post_init__(self) -> None:
        for weight, _ in self.terms:
            if weight < 0:
                raise ValueError(f"WeightedSum: a weight must not be negative, got {weight}")

    def children(self) -> tuple[Node, ...]:
        return tuple(n for _, n in self.terms)

    def value(self, values: Values) -> Fraction | None:
        found = _all(n.value(values) for _, n in self.terms)
        if found is None:
            return None
        return sum((w * x for (w, _), x in zip(self.terms, found, strict=True)), Fraction(0))

    def bound(self) -> Fraction | None:
        bounds = _all(n.bound() for _, n in self.terms)
        if bounds is None:
            return None
        return sum((w * b for (w, _), b in zip(self.terms, bounds, strict=True)), Fraction(0))

    def words(self, lang: str, name: Callable[[str], str]) -> str:
        return "(" + " + ".join(f"{_show(w)} × {n.words(lang, name)}"
                                for w, n in self.terms) + ")"


@attrs.frozen
class Ratio(Node):
    """A ratio of sums: the sum of ``numerator`` over the sum of ``denominator`` (no value
    where the denominator's sum is 0)."""

    numerator: tuple[Node, ...] = attrs.field(converter=_nodes, validator=_one_at_least)
    denominator: tuple[Node, ...] = attrs.field(converter=_nodes, validator=_one_at_least)

    def children(self) -> tuple[Node, ...]:
        return (*self.numerator, *self.denominator)

    def value(self, values: Values) -> Fraction | None:
        top = _all(t.value(values) for t in self.numerator)
        bottom = _all(t.value(values) for t in self.denominator)
        if top is None or bottom is None:
            return None
        den = sum(bottom, Fraction(0))
        return sum(top, Fraction(0)) / den if den else None

    def increasing(self) -> bool:
        # A ratio falls when its denominator rises: monotone only in what it shares with
        # nothing below the line, which a formula cannot promise in general.
        return False

    def words(self, lang: str, name: Callable[[str], str]) -> str:
        top = " + ".join(t.words(lang, name) for t in self.numerator)
        bottom = " + ".join(t.words(lang, name) for t in self.denominator)
        return f"({top}) / ({bottom})"


@attrs.frozen
class Minimum(Node):
    """The smallest of its terms."""

    terms: tuple[Node, ...] = attrs.field(converter=_nodes, validator=_one_at_least)

    def children(self) -> tuple[Node, ...]:
        return self.terms

    def value(self, values: Values) -> Fraction | None:
        found = _all(t.value(values) for t in self.terms)
        return None if found is None else min(found)

    def bound(self) -> Fraction | None:
        bounds = [b for b in (t.bound() for t in self.terms) if b is not None]
        return min(bounds) if bounds else None

    def words(self, lang: str, name: Callable[[str], str]) -> str:
        return _t(lang, "nhỏ nhất của ", "the least of ") + "(" + "; ".join(
            t.words(lang, name) for t in self.terms) + ")"


@attrs.frozen
class Linear(Node):
    """Points on a straight line: 0 at ``zero_at``, ``points`` at ``full_at``, capped at both
    ends. ``Linear(Figure("X"), full_at=Fraction(1, 2), points=10)`` gives 10 points at 50%
    and above, 5 at 25%, 0 at 0%. Where ``full_at`` is below ``zero_at`` less is better (an
    overdue rate: full points at 5% or less, none at 20% or more)."""

    of: Node = attrs.field(validator=v.instance_of(Node))
    full_at: Fraction = attrs.field(converter=_exact, validator=_not_negative)
    points: Fraction = attrs.field(converter=_exact, validator=_positive)
    zero_at: Fraction = attrs.field(default=Fraction(0), converter=_exact,
                                    validator=_not_negative)

    def __attrs_post_init__(self) -> None:
        if self.full_at == self.zero_at:
            raise ValueError(f"Linear: full_at and zero_at must differ, both are {self.full_at}")

    def children(self) -> tuple[Node, ...]:
        return (self.of,)

    def value(self, values: Values) -> Fraction | None:
        x = self.of.value(values)
        if x is None:
            return None
        share = (x - self.zero_at) / (self.full_at - self.zero_at)
        return self.points * min(Fraction(1), max(Fraction(0), share))

    def bound(self) -> Fraction | None:
        return self.points

    def increasing(self) -> bool:
        return self.full_at > self.zero_at and self.of.increasing()

    def words(self, lang: str, name: Callable[[str], str]) -> str:
        of, full, zero, pts = (self.of.words(lang, name), _show(self.full_at),
                               _show(self.zero_at), _show(self.points))
        if self.full_at > self.zero_at:
            return _t(lang, f"{pts} điểm khi {of} ≥ {full}, 0 điểm khi ≤ {zero}, tuyến tính ở "
                            "giữa",
                      f"{pts} points when {of} ≥ {full}, 0 points when ≤ {zero}, linear in "
                      "between")
        return _t(lang, f"{pts} điểm khi {of} ≤ {full}, 0 điểm khi ≥ {zero}, tuyến tính ở giữa",
                  f"{pts} points when {of} ≤ {full}, 0 points when ≥ {zero}, linear in between")


@attrs.frozen
class Bands(Node):
    """Points by steps: the points of the highest step whose ``at_least`` the value reaches,
    0 below the first. ``steps`` are ``(at_least, points)`` pairs, ``at_least`` increasing."""

    of: Node = attrs.field(validator=v.instance_of(Node))
    steps: tuple[tuple[Fraction, Fraction], ...] = attrs.field(converter=_steps)

    def __attrs_post_init__(self) -> None:
        if not self.steps:
            raise ValueError("Bands needs one step at least")
        ats = [at for at, _ in self.steps]
        if any(b <= a for a, b in pairwise(ats)):
            raise ValueError(f"Bands: the steps' at_least must increase, got {ats}")
        if any(points < 0 for _, points in self.steps):
            raise ValueError("Bands: a step's points must not be negative")

    def children(self) -> tuple[Node, ...]:
        return (self.of,)

    def value(self, values: Values) -> Fraction | None:
        x = self.of.value(values)
        if x is None:
            return None
        got = Fraction(0)
        for at, points in self.steps:
            if x >= at:
                got = points
        return got

    def bound(self) -> Fraction | None:
        return max(points for _, points in self.steps)

    def increasing(self) -> bool:
        points = [p for _, p in self.steps]
        return all(b >= a for a, b in pairwise(points)) \
            and self.of.increasing()

    def words(self, lang: str, name: Callable[[str], str]) -> str:
        of = self.of.words(lang, name)
        steps = "; ".join(f"≥ {_show(at)}: {_show(p)}" for at, p in self.steps)
        return _t(lang, f"điểm theo bậc của {of} ({steps}; thấp hơn: 0)",
                  f"points by steps of {of} ({steps}; below: 0)")


@attrs.frozen(kw_only=True)
class Derived(Composite):
    """A derived indicator: a code of its own, the plan and area it belongs to, its names,
    and the formula computing its figure per unit from other indicators' combined figures.

    Its code shares the indicators' namespace: a formula reads it with ``Figure(code)`` like
    any reported indicator, and loading refuses a code an indicator already has.
    """

    code: str = attrs.field(validator=_code)
    plan: str = attrs.field(validator=_code)
    area: str = attrs.field(validator=_code)
    name: Text = attrs.field(validator=v.instance_of(Text))
    formula: Node = attrs.field(validator=v.instance_of(Node))
    description: Text | None = attrs.field(default=None,
                                           validator=v.optional(v.instance_of(Text)))
    plugin: str | None = attrs.field(default=None, eq=False)


def order(derived: Mapping[str, Derived]) -> tuple[list[str], dict[str, list[str]]]:
    """The derived indicators in an order where each comes after those it reads, and the
    cycles found: for each code in a cycle, the cycle's path (``A → B → A``)."""
    done: list[str] = []
    state: dict[str, int] = {}  # 1: being visited, 2: done
    cycles: dict[str, list[str]] = {}

    def visit(code: str, path: list[str]) -> None:
        if state.get(code) == 2:
            return
        if state.get(code) == 1:
            loop = [*path[path.index(code):], code]
            for c in loop:
                cycles.setdefault(c, loop)
            return
        state[code] = 1
        for dep in sorted(derived[code].formula.inputs()):
            if dep in derived:
                visit(dep, [*path, code])
        state[code] = 2
        if code not in cycles:
            done.append(code)

    for code in sorted(derived):
        visit(code, [])
    return [c for c in done if not _reads_cycle(c, derived, cycles)], cycles


def _reads_cycle(code: str, derived: Mapping[str, Derived], cycles: Mapping[str, Any],
                 ) -> bool:
    seen: set[str] = set()
    stack = [code]
    while stack:
        c = stack.pop()
        if c in cycles:
            return True
        if c in seen or c not in derived:
            continue
        seen.add(c)
        stack.extend(derived[c].formula.inputs())
    return False


def increasing(node: Node, derived: Mapping[str, Derived]) -> bool:
    """Whether ``node``'s value never falls when one reported indicator's figure rises, the
    others kept (a rate's numerator rising over the same denominator): the node is
    increasing in what it reads, and so is every derived indicator it reads, through those
    they read. ``Linear(Figure("D"), …)`` over a derived ratio ``D`` is not."""
    if not node.increasing():
        return False
    seen: set[str] = set()
    stack = sorted(node.inputs())
    while stack:
        code = stack.pop()
        if code in seen or code not in derived:
            continue
        seen.add(code)
        formula = derived[code].formula
        if not formula.increasing():
            return False
        stack.extend(formula.inputs())
    return True


def leaves(node: Node, derived: Mapping[str, Derived]) -> frozenset[str]:
    """The reported indicators a formula reads, through the derived indicators it reads."""
    out: set[str] = set()
    stack = list(node.inputs())
    seen: set[str] = set()
    while stack:
        code = stack.pop()
        if code in seen:
            continue
        seen.add(code)
        if code in derived:
            stack.extend(derived[code].formula.inputs())
        else:
            out.add(code)
    return frozenset(out)
