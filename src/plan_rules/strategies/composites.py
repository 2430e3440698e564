"""Formulas, derived indicators and composite indices valid by construction, and figures for them.

:func:`formulas` draws any tree of the nodes of :mod:`plan_rules.derive` over given indicator
codes; :func:`scoring_formulas` one whose largest value is exactly the points asked for (a
linear score, banded steps, or a sum of them), as a component of an index must have;
:func:`derived_indicators` and :func:`indices` build on them, reading only what exists and
with points that add up; :func:`composite_registries` loads a whole plugin of them through a
host with nothing refused. :func:`unit_figures` draws one unit's figures of what an index
reads, exactly on or one step either side of the rates and steps its formulas name, so that
"a unit exactly at the full-score rate gets full points" is tried, not hoped for.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Iterable, Mapping, Sequence
from fractions import Fraction

import attrs
from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy

from ..composite import Component, Group, Index, MissingComponents, RankTarget, ScoreTarget
from ..derive import (
    Bands,
    Composite,
    Constant,
    Denominator,
    Derived,
    Figure,
    Linear,
    Minimum,
    Node,
    Numerator,
    Ratio,
    Sum,
    Values,
    WeightedSum,
    leaves,
)
from ..hookspecs import hookimpl
from ..model import Indicator, Kind, Plan
from ..registry import Registry, load_registry
from .core import LEVELS, codes, indicators, plans, scopes, texts

__all__ = [
    "UnitFigures",
    "composite_registries",
    "derived_indicators",
    "formulas",
    "indices",
    "scoring_formulas",
    "unit_figures",
]

# Where a scale starts and ends: a share of one in hundredths (most rates), or a whole number
# (a count). Fractions are drawn as whole numbers over a denominator: Hypothesis' own
# fractions cost far more to draw.
_SCALE = st.one_of(st.integers(0, 100).map(lambda n: Fraction(n, 100)),
                   st.integers(0, 1000).map(Fraction))
_SPAN = st.one_of(st.integers(1, 100).map(lambda n: Fraction(n, 100)),
                  st.integers(1, 1000).map(Fraction))
_STEPS = st.lists(_SCALE, min_size=1, max_size=4, unique=True)
_CONSTANTS = st.integers(0, 100).map(lambda n: Fraction(n, 10))
_POSITIVE = st.integers(1, 100).map(lambda n: Fraction(n, 10))
_WEIGHTS = st.integers(0, 50).map(lambda n: Fraction(n, 10))
_SHARES = st.integers(1, 10)
_SHARES_OF_ONE = st.integers(0, 10).map(lambda n: Fraction(n, 10))


@functools.cache
def _shares(min_size: int, max_size: int) -> SearchStrategy[list[int]]:
    return st.lists(_SHARES, min_size=min_size, max_size=max_size)


# -- formulas -------------------------------------------------------------------------------


# Strategies are built once per set of arguments and reused, as in :mod:`.core`: building
# and validating a recursive strategy costs far more than drawing from it.


@functools.cache
def _leaves(codes_: tuple[str, ...], rates: tuple[str, ...]) -> SearchStrategy[Node]:
    options: list[SearchStrategy[Node]] = []
    if codes_:
        options.append(st.sampled_from(codes_).map(Figure))
    if rates:
        options += [st.sampled_from(rates).map(Numerator),
                    st.sampled_from(rates).map(Denominator)]
    options.append(_CONSTANTS.map(Constant))
    return st.one_of(options)


@st.composite
def _scale(draw: st.DrawFn, increasing: bool) -> tuple[Fraction, Fraction]:
    """``(zero_at, full_at)`` of a linear score, distinct; less is better only when not
    ``increasing`` (and then half the time)."""
    start, span = draw(_SCALE), draw(_SPAN)
    if not increasing and draw(st.booleans()):
        return start + span, start
    return start, start + span


@st.composite
def _linear(draw: st.DrawFn, of: SearchStrategy[Node], points: SearchStrategy[Fraction],
            increasing: bool) -> Linear:
    zero_at, full_at = draw(_scale(increasing))
    return Linear(draw(of), full_at=full_at, points=draw(points), zero_at=zero_at)


@st.composite
def _bands(draw: st.DrawFn, of: SearchStrategy[Node], top: SearchStrategy[Fraction],
           increasing: bool) -> Bands:
    """Steps whose highest points are drawn from ``top``; rising points when
    ``increasing``."""
    ats = sorted(draw(_STEPS))
    best = draw(top)
    pts = [best * draw(_SHARES_OF_ONE) for _ in ats]
    if increasing:
        pts = [*sorted(pts)[:-1], best]
    else:
        pts[draw(st.integers(0, len(pts) - 1))] = best
    return Bands(draw(of), list(zip(ats, pts, strict=True)))


@st.composite
def _ratio(draw: st.DrawFn, terms: SearchStrategy[list[Node]]) -> Ratio:
    return Ratio(draw(terms), draw(terms))


def _branches(children: SearchStrategy[Node], increasing: bool) -> SearchStrategy[Node]:
    terms = st.lists(children, min_size=1, max_size=3)
    options: list[SearchStrategy[Node]] = [
        terms.map(Sum),
        st.lists(st.tuples(_WEIGHTS, children), min_size=1, max_size=3).map(WeightedSum),
        terms.map(Minimum),
        _linear(children, _POSITIVE, increasing),
        _bands(children, _POSITIVE, increasing),
    ]
    if not increasing:
        options.append(_ratio(terms))
    return st.one_of(options)


@functools.cache
def _formulas(codes_: tuple[str, ...], rates: tuple[str, ...], increasing: bool,
              max_leaves: int) -> SearchStrategy[Node]:
    return st.recursive(_leaves(codes_, rates), lambda c: _branches(c, increasing),
                        max_leaves=max_leaves)


def formulas(
    indicators: Sequence[str],
    *,
    rates: Sequence[str] = (),
    increasing: bool = False,
    max_leaves: int = 6,
) -> SearchStrategy[Node]:
    """Formulas of every node of :mod:`plan_rules.derive` (figure, numerator, denominator,
    constant, sum, weighted sum, ratio of sums, minimum, linear score, bands) over the
    figures of ``indicators``; shrinks toward ``Figure`` of the first code.

    :param indicators: the codes a ``Figure`` reads (reported or derived indicators).
    :param rates: reported rates whose numerator and denominator a formula may read.
    :param increasing: only formulas whose value never falls when an input rises (no ratio,
        no less-is-better scale, bands whose points rise): ``node.increasing()`` holds.
    :param max_leaves: about how many leaves a formula has at most.
    """
    return _formulas(tuple(indicators), tuple(rates), increasing, max_leaves)


def _worth(node: Node, points: Fraction) -> Node:
    """A scoring formula worth 1 point made worth ``points``."""
    if isinstance(node, Linear):
        return attrs.evolve(node, points=node.points * points)
    if isinstance(node, Bands):
        return attrs.evolve(node, steps=[(at, p * points) for at, p in node.steps])
    if isinstance(node, Sum):
        return Sum([_worth(t, points) for t in node.terms])
    raise TypeError(f"not a scoring formula: {node!r}")  # pragma: no cover - drawn above


def _one_score(of: SearchStrategy[Node], increasing: bool) -> SearchStrategy[Node]:
    return st.one_of(_linear(of, st.just(Fraction(1)), increasing),
                     _bands(of, st.just(Fraction(1)), increasing))


@st.composite
def _sum_of_scores(draw: st.DrawFn, of: SearchStrategy[Node], increasing: bool,
                   max_parts: int) -> Sum:
    shares = draw(_shares(2, max_parts))
    return Sum([_worth(draw(_one_score(of, increasing)), Fraction(s, sum(shares)))
                for s in shares])


@functools.cache
def _unit_scores(codes_: tuple[str, ...], rates: tuple[str, ...], increasing: bool,
                 max_parts: int) -> SearchStrategy[Node]:
    """Scoring formulas worth exactly 1 point."""
    of = _formulas(codes_, rates, increasing, 3)
    single = _one_score(of, increasing)
    if max_parts < 2:
        return single
    return st.one_of(single, _sum_of_scores(of, increasing, max_parts))


def scoring_formulas(
    points: Fraction | int,
    indicators: Sequence[str],
    *,
    rates: Sequence[str] = (),
    increasing: bool = False,
    max_parts: int = 3,
) -> SearchStrategy[Node]:
    """Formulas whose largest value is exactly ``points``: a linear score (``Linear``, full
    points at a rate, capped), banded steps (``Bands``) whose highest step gives ``points``,
    or a sum of them whose points add up; each scores a formula of :func:`formulas`.
    Shrinks toward a linear score of the first code's figure.

    :param points: the component's points (above 0); ``formula.bound() == points``.
    :param indicators: the codes a ``Figure`` reads; ``rates``: as for :func:`formulas`.
    :param increasing: only formulas that never fall when an input rises.
    :param max_parts: the most terms a sum has (1: no sum).
    """
    total = Fraction(points)
    if total <= 0:
        raise ValueError(f"scoring_formulas: points must be above 0, got {total}")
    return _unit_scores(tuple(indicators), tuple(rates), increasing, max_parts).map(
        lambda node: _worth(node, total))


# -- derived indicators and indices -----------------------------------------------------------


def _plan_and_area(draw: st.DrawFn, plan: Plan | None,
                   inputs: Sequence[Indicator]) -> tuple[str, str]:
    if plan is not None:
        area = draw(st.sampled_from(plan.areas)).code if plan.areas else draw(codes(max_parts=1))
        return plan.code, area
    if inputs:
        return inputs[0].plan, inputs[0].area
    return draw(codes(max_parts=1)), draw(codes(max_parts=1))


def _reads(inputs: Sequence[Indicator], derived: Sequence[Derived],
           ) -> tuple[list[str], list[str]]:
    return ([i.code for i in inputs] + [d.code for d in derived],
            [i.code for i in inputs if i.kind is Kind.RATE])


@st.composite
def derived_indicators(
    draw: st.DrawFn,
    inputs: Sequence[Indicator],
    *,
    plan: Plan | None = None,
    derived: Sequence[Derived] = (),
    increasing: bool = False,
    number: int | None = None,
) -> Derived:
    """Derived indicators coded ``<plan>.<area>.D<number>`` whose formula (of
    :func:`formulas`) reads the figures of ``inputs`` and of ``derived``, and the counts of
    the rates among ``inputs``: no unknown input, no cycle, so loading accepts them.

    :param plan: the plan it belongs to (default: the first input's plan and area).
    :param derived: derived indicators already there, which it may read (draw a chain one
        at a time, each given those before it).
    :param increasing: only formulas that never fall when an input rises.
    :param number: the last part of the code (drawn when not given).
    """
    plan_code, area = _plan_and_area(draw, plan, inputs)
    reads, rates = _reads(inputs, derived)
    n = number if number is not None else draw(st.integers(1, 99))
    return Derived(code=f"{plan_code}.{area}.D{n}", plan=plan_code, area=area,
                   name=draw(texts()), description=draw(st.none() | texts(max_size=80)),
                   formula=draw(formulas(reads, rates=rates, increasing=increasing,
                                         max_leaves=4)))


_MAXIMA = st.one_of(st.integers(1, 100).map(Fraction),
                    st.integers(1, 1000).map(lambda n: Fraction(n, 10)))


@functools.cache
def _sizes(max_groups: int, max_components: int) -> SearchStrategy[list[int]]:
    return st.lists(st.integers(1, max_components), min_size=1, max_size=max_groups)


@st.composite
def indices(
    draw: st.DrawFn,
    inputs: Sequence[Indicator],
    *,
    plan: Plan | None = None,
    derived: Sequence[Derived] = (),
    maximum: Fraction | int | None = None,
    increasing: bool = False,
    missing: MissingComponents | None = None,
    number: int | None = None,
    max_groups: int = 3,
    max_components: int = 3,
) -> Index:
    """Indices coded ``<plan>.<area>.I<number>`` that loading accepts: one to ``max_groups``
    groups of one to ``max_components`` components, codes distinct, each component's
    formula (of :func:`scoring_formulas`) worth exactly its points, the points adding up to
    the maximum exactly, every input one of ``inputs`` or ``derived``.

    :param plan: the plan it belongs to (default: the first input's plan and area).
    :param derived: derived indicators the components may read.
    :param maximum: the index's points (drawn, 1 to 100, when not given).
    :param increasing: only components whose score never falls when an input rises.
    :param missing: what a missing component means (drawn when not given).
    :param number: the last part of the code (drawn when not given).
    """
    plan_code, area = _plan_and_area(draw, plan, inputs)
    reads, rates = _reads(inputs, derived)
    top = Fraction(maximum) if maximum is not None else draw(_MAXIMA)
    code = f"{plan_code}.{area}.I{number if number is not None else draw(st.integers(1, 99))}"
    sizes = draw(_sizes(max_groups, max_components))
    shares = [draw(_SHARES) for _ in range(sum(sizes))]
    worth = iter(top * Fraction(k, sum(shares)) for k in shares)
    groups = []
    for g, size in enumerate(sizes, start=1):
        components = []
        for c in range(1, size + 1):
            points = next(worth)
            components.append(Component(
                code=f"{code}.g{g}.c{c}", name=draw(texts()), points=points,
                formula=draw(scoring_formulas(points, reads, rates=rates,
                                              increasing=increasing))))
        groups.append(Group(code=f"{code}.g{g}", name=draw(texts()), components=components))
    return Index(code=code, plan=plan_code, area=area, name=draw(texts()), maximum=top,
                 groups=groups, missing=missing if missing is not None
                 else draw(st.sampled_from(MissingComponents)),
                 description=draw(st.none() | texts(max_size=80)))


# -- a whole plugin of them -------------------------------------------------------------------


@attrs.frozen
class _Composites:
    """The plugin a generated composite registry is loaded from."""

    name: str
    plan: Plan
    indicators: tuple[Indicator, ...]
    composites: tuple[Composite, ...]

    @hookimpl
    def plan_rules_plans(self) -> list[Plan]:
        return [self.plan]

    @hookimpl
    def plan_rules_indicators(self) -> list[Indicator]:
        return list(self.indicators)

    @hookimpl
    def plan_rules_composites(self) -> list[Composite]:
        return list(self.composites)


#: The plugin name generated composite registries are loaded under.
GENERATED = "generated-composites"


@st.composite
def composite_registries(
    draw: st.DrawFn,
    *,
    max_indicators: int = 4,
    max_derived: int = 2,
    increasing: bool = False,
    targets: bool = True,
) -> Registry:
    """Registries loaded through a host from one plugin (``generated-composites``), nothing
    refused: a plan, one to ``max_indicators`` indicators of every kind, up to
    ``max_derived`` derived indicators (each may read those before it), an index over both
    (:func:`indices`), and with ``targets`` a score target (a threshold within the maximum)
    and a rank target (at most 1 to 10th among the units of a level, ties broken by some
    of its groups and components). Shrinks toward one rate, no derived indicator, one
    component.

    :param increasing: only formulas that never fall when an input rises.
    """
    plan = draw(plans(max_areas=2))
    n = draw(st.integers(1, max_indicators))
    inds = [draw(indicators(plan=plan, number=k)) for k in range(1, n + 1)]
    derived: list[Derived] = []
    for k in range(1, draw(st.integers(0, max_derived)) + 1):
        derived.append(draw(derived_indicators(inds, plan=plan, derived=derived,
                                               increasing=increasing, number=k)))
    index = draw(indices(inds, plan=plan, derived=derived, increasing=increasing, number=1))
    made: list[Composite] = [*derived, index]
    if targets:
        fields = [*(g.code for g in index.groups), *(c.code for c in index.components)]
        made += [
            ScoreTarget(code=f"{index.code}.S", index=index.code,
                        threshold=index.maximum * draw(_SHARES_OF_ONE),
                        scope=draw(scopes()), deadline=plan.deadline),
            RankTarget(code=f"{index.code}.R", index=index.code, scope=draw(scopes()),
                       level=draw(st.sampled_from(LEVELS)), territory="vn",
                       at_most=draw(st.integers(1, 10)), deadline=plan.deadline,
                       tie_break=draw(st.lists(st.sampled_from(fields), unique=True,
                                               max_size=2))),
        ]
    plugin = _Composites(name=GENERATED, plan=plan, indicators=tuple(inds),
                         composites=tuple(made))
    return load_registry([plugin], entry_points=False, strict=True)


# -- figures for them ----------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class UnitFigures(Values):
    """One unit's combined figures of the reported indicators a formula reads, as
    :func:`plan_rules.composite.score` reads them: ``figures`` by code (a rate as a share
    of one), and each rate's ``rates`` counts (numerator, denominator). An input missing
    from ``figures`` has no figure."""

    figures: Mapping[str, Fraction]
    rates: Mapping[str, tuple[int, int]] = attrs.field(factory=dict)
    kinds: Mapping[str, Kind] = attrs.field(factory=dict)

    def figure(self, code: str) -> Fraction | None:
        return self.figures.get(code)

    def counts(self, code: str) -> tuple[int, int] | None:
        return self.rates.get(code)

    def raised(self, code: str, by: int = 1) -> UnitFigures:
        """The same figures with ``code``'s risen by ``by`` (at least 1): a rate's numerator
        over the same denominator (never above it), a count's value, a milestone done. An
        input without a figure stays without one."""
        if code not in self.figures:
            return self
        step = max(1, by)
        if code in self.rates:
            num, den = self.rates[code]
            num = min(den, num + step)
            return attrs.evolve(self, figures={**self.figures, code: Fraction(num, den)},
                                rates={**self.rates, code: (num, den)})
        if self.kinds.get(code) is Kind.MILESTONE:
            return attrs.evolve(self, figures={**self.figures, code: Fraction(1)})
        return attrs.evolve(self, figures={**self.figures, code: self.figures[code] + step})


def _breakpoints(formulas_: Iterable[Node]) -> dict[str, list[Fraction]]:
    """For each input a linear score or bands read directly, the figures where the score
    changes slope or steps."""
    out: dict[str, set[Fraction]] = {}
    for formula in formulas_:
        for node in formula.walk():
            if isinstance(node, Linear | Bands) and isinstance(node.of, Figure):
                at = out.setdefault(node.of.indicator, set())
                if isinstance(node, Linear):
                    at |= {node.full_at, node.zero_at}
                else:
                    at |= {a for a, _ in node.steps}
    return {code: sorted(found) for code, found in out.items()}


@st.composite
def _rate_figure(draw: st.DrawFn, near: Sequence[Fraction]) -> tuple[int, int]:
    within = [b for b in near if b <= 1]
    # Shrinks toward a figure on one of them: False is where a boolean shrinks to.
    elsewhere: bool = draw(st.booleans())
    if within and not elsewhere:
        at = draw(st.sampled_from(within))
        den = at.denominator * draw(st.integers(1, 5))
        num = at.numerator * den // at.denominator + draw(st.sampled_from((0, -1, 1)))
        return min(max(num, 0), den), den
    den = draw(st.integers(1, 1000))
    return draw(st.integers(0, den)), den


@st.composite
def _count_figure(draw: st.DrawFn, near: Sequence[Fraction]) -> Fraction:
    elsewhere: bool = draw(st.booleans())
    if near and not elsewhere:
        at = draw(st.sampled_from(near))
        whole = sorted({math.floor(at), math.ceil(at), math.floor(at) - 1, math.ceil(at) + 1})
        return Fraction(draw(st.sampled_from([n for n in whole if n >= 0])))
    return Fraction(draw(st.integers(0, 10_000)))


def _known(source: Registry | Iterable[Indicator]) -> dict[str, Indicator]:
    if isinstance(source, Registry):
        return dict(source.indicators)
    return {i.code: i for i in source}


def _derived_of(source: Registry | Iterable[Indicator],
                derived: Mapping[str, Derived] | Iterable[Derived] | None,
                ) -> dict[str, Derived]:
    if derived is None:
        if isinstance(source, Registry):
            return {c: d for c, d in source.composites.items() if isinstance(d, Derived)}
        return {}
    if isinstance(derived, Mapping):
        return dict(derived)
    return {d.code: d for d in derived}


def unit_figures(
    of: Index | Node,
    source: Registry | Iterable[Indicator],
    *,
    derived: Mapping[str, Derived] | Iterable[Derived] | None = None,
    missing: bool = False,
) -> SearchStrategy[UnitFigures]:
    """One unit's figures of every reported indicator ``of`` (an index, or a formula) reads,
    through the derived indicators it reads: a rate as counts (numerator at most its
    denominator) and their share, a count as a whole number, a milestone 0 or 1. Half the
    time a figure is exactly on a rate or step a linear score or bands of it names, or the
    nearest one either side (counts around ``full_at × denominator``). Shrinks toward
    every input given, exactly on the first of those rates.

    :param source: the registry (or the indicators) the codes are looked up in; a code read
        that is not there raises ``ValueError``.
    :param derived: the derived indicators read (default: the registry's).
    :param missing: some inputs have no figure (what a unit that did not report gives).
    """
    known = _known(source)
    chain = _derived_of(source, derived)
    formulas_ = [c.formula for c in of.components] if isinstance(of, Index) else [of]
    wanted = sorted(frozenset().union(*(leaves(f, chain) for f in formulas_)))
    unknown = [c for c in wanted if c not in known]
    if unknown:
        raise ValueError(f"unit_figures: no indicator {', '.join(map(repr, unknown))} in the "
                         "registry given")
    near = _breakpoints([*formulas_, *(d.formula for d in chain.values())])
    return _unit_figures({c: known[c].kind for c in wanted}, near, missing)


@st.composite
def _unit_figures(draw: st.DrawFn, kinds: Mapping[str, Kind],
                  near: Mapping[str, Sequence[Fraction]], missing: bool) -> UnitFigures:
    figures: dict[str, Fraction] = {}
    rates: dict[str, tuple[int, int]] = {}
    for code, kind in kinds.items():
        if missing and draw(st.booleans()):
            continue
        if kind is Kind.RATE:
            num, den = draw(_rate_figure(near.get(code, [])))
            rates[code], figures[code] = (num, den), Fraction(num, den)
        elif kind is Kind.COUNT:
            figures[code] = draw(_count_figure(near.get(code, [])))
        else:
            figures[code] = Fraction(draw(st.integers(0, 1)))
    return UnitFigures(figures=figures, rates=rates, kinds=dict(kinds))
