"""Composite indices: components worth points, grouped, scored per unit; targets on a score
and on a rank among peers.

An :class:`Index` is declared as data: groups of :class:`Component`\\ s, each worth its
maximum points (its weight) and scored by a formula of :mod:`plan_rules.derive` nodes over
the indicators' combined figures. Loading checks what can be checked before any figure is
read: every input exists, no derived indicator reads itself, each component's formula can give
exactly its points and no more, and the components' points add up to the index's maximum.

A unit's score is computed from each input indicator's figure *combined* for the target's
window by the combine stage — flows summed, stocks the latest snapshot, overlaps and blocked
rows as every target treats them — so no period rule is written twice. A :class:`ScoreTarget`
judges each unit of its scope on its score (``>= 80`` points), with the gap in points and,
per component, where the missing points are. A :class:`RankTarget` ranks the units of a level
within a comparison territory it declares — the one place a plan reads figures of units
outside its own scope — with ties shared or broken by declared fields. A component without
a figure follows the index's :class:`MissingComponents` rule (the unit unscored and its
targets ``incomplete``, the component at 0, or the score re-weighted over the components
present), and every score and rank finding says its coverage: the units expected, those
scored, the others by name.

The findings are ``check`` findings of the existing verdicts (the report's schema has no
kind for scores yet); their ``details`` hold every unit's breakdown with the figures and
observations behind each component.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date
from fractions import Fraction
from typing import Any

import attrs
from attrs import validators as v

from .combine import Combined, combine_units
from .compare import named
from .dataissues import IssueSink
from .derive import Composite, Derived, Node, Values, leaves, order
from .figures import FigureTable
from .model import (
    CODE_PATTERN,
    REQUIRE_ALL,
    Aggregation,
    Comparator,
    Coverage,
    Entity,
    EntityResult,
    Finding,
    Indicator,
    Kind,
    MissingUnit,
    Scope,
    Target,
    Text,
    Verdict,
    _exact,
)
from .numbers import format_number
from .periods import Period
from .window import Series, opening, select
from .words import COVERAGE_WORDS, MISSING_COMPONENT_WORDS, SCORE_WORDS, level_words

__all__ = [
    "Component",
    "ComponentScore",
    "Group",
    "Index",
    "MissingComponents",
    "RankTarget",
    "Rejection",
    "ScoreTarget",
    "UnitScore",
    "check",
    "evaluate_composites",
    "explain",
    "of_plans",
    "rank",
    "score",
    "units_within",
    "window_targets",
]


def _code(instance: Any, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, str) or not CODE_PATTERN.match(value):
        raise ValueError(f"{type(instance).__name__}.{attribute.name} must be a code of dotted "
                         f"words like 'EX26.SQ.1', got {value!r}")


def _positive(instance: Any, attribute: attrs.Attribute[Any], value: Fraction) -> None:
    if value <= 0:
        raise ValueError(f"{type(instance).__name__}.{attribute.name} must be above 0, "
                         f"got {value}")


class MissingComponents(enum.StrEnum):
    """What a unit's component without a figure means for its score, declared per index; the
    coverage rules of plain targets, applied to components.

    ``incomplete`` (the default): the unit has no score — it is not ranked, and a score or
    rank target whose scope holds it is ``incomplete``, naming the unit and the components it
    lacks; a score made of the components that happen to be reported would reward not
    reporting. ``zero``: the component scores 0 points, as an index whose rules say that what
    is not reported earns nothing. ``reweight``: the unit is scored on the components it has,
    scaled to the index's maximum (its points × maximum / the present components' maxima).

    Under every rule a unit none of whose components has a figure has no score. The earlier
    name ``no_score`` still reads as ``incomplete``.
    """

    INCOMPLETE = "incomplete"
    ZERO = "zero"
    REWEIGHT = "reweight"

    @classmethod
    def _missing_(cls, value: object) -> MissingComponents | None:
        return cls.INCOMPLETE if value == "no_score" else None


@attrs.frozen(kw_only=True)
class Component:
    """A part of an index worth ``points`` at most (its weight), scored by ``formula``: a
    formula whose largest value is exactly ``points`` (end it in :class:`~plan_rules.derive.
    Linear` or :class:`~plan_rules.derive.Bands`, or a sum of them)."""

    code: str = attrs.field(validator=_code)
    name: Text = attrs.field(validator=v.instance_of(Text))
    points: Fraction = attrs.field(converter=_exact, validator=_positive)
    formula: Node = attrs.field(validator=v.instance_of(Node))


def _components(value: Iterable[Component]) -> tuple[Component, ...]:
    return tuple(value)


@attrs.frozen(kw_only=True)
class Group:
    """Components whose points are shown together as a subtotal (e.g. "online service")."""

    code: str = attrs.field(validator=_code)
    name: Text = attrs.field(validator=v.instance_of(Text))
    components: tuple[Component, ...] = attrs.field(
        converter=_components, validator=v.deep_iterable(v.instance_of(Component)))

    @property
    def maximum(self) -> Fraction:
        return sum((c.points for c in self.components), Fraction(0))


def _groups(value: Iterable[Group]) -> tuple[Group, ...]:
    return tuple(value)


@attrs.frozen(kw_only=True)
class Index(Composite):
    """A composite index: groups of components worth ``maximum`` points in all, scored per
    unit; ``missing`` says what a component without a figure means."""

    code: str = attrs.field(validator=_code)
    plan: str = attrs.field(validator=_code)
    area: str = attrs.field(validator=_code)
    name: Text = attrs.field(validator=v.instance_of(Text))
    maximum: Fraction = attrs.field(converter=_exact, validator=_positive)
    groups: tuple[Group, ...] = attrs.field(converter=_groups,
                                            validator=v.deep_iterable(v.instance_of(Group)))
    missing: MissingComponents = attrs.field(default=MissingComponents.INCOMPLETE,
                                             converter=MissingComponents)
    description: Text | None = attrs.field(default=None,
                                           validator=v.optional(v.instance_of(Text)))
    plugin: str | None = attrs.field(default=None, eq=False)

    @property
    def components(self) -> tuple[Component, ...]:
        return tuple(c for g in self.groups for c in g.components)


def _optional_date(instance: Any, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None and not isinstance(value, date):
        raise TypeError(f"{attribute.name} must be a date, got {value!r}")


@attrs.frozen(kw_only=True)
class ScoreTarget(Composite):
    """Each unit of ``scope`` must score ``comparator threshold`` points on ``index`` by
    ``deadline``; measured over the window a :class:`~plan_rules.Target` of the same dates
    would have."""

    code: str = attrs.field(validator=_code)
    index: str = attrs.field(validator=_code)
    threshold: Fraction = attrs.field(converter=_exact)
    scope: Scope = attrs.field(validator=v.instance_of(Scope))
    deadline: date = attrs.field(validator=v.instance_of(date))
    comparator: Comparator = attrs.field(default=Comparator.GE, converter=Comparator)
    name: Text | None = attrs.field(default=None, validator=v.optional(v.instance_of(Text)))
    valid_from: date | None = attrs.field(default=None, validator=_optional_date)
    valid_to: date | None = attrs.field(default=None, validator=_optional_date)
    window_start: date | None = attrs.field(default=None, validator=_optional_date)
    plugin: str | None = attrs.field(default=None, eq=False)

    def __attrs_post_init__(self) -> None:
        if self.threshold < 0:
            raise ValueError(f"score target {self.code}: threshold must not be negative")


def _names(value: Iterable[str]) -> tuple[str, ...]:
    return (value,) if isinstance(value, str) else tuple(value)


@attrs.frozen(kw_only=True)
class RankTarget(Composite):
    """Each unit of ``scope`` must rank ``at_most``-th or better on ``index`` among the units
    of ``level`` within ``territory`` (an entity code; its descendants through ``parent``)
    that exist at the window's end.

    Ties are shared (two units with the same score both rank 3rd, the next ranks 5th) unless
    ``tie_break`` names components or groups of the index: more points there rank first, in
    the order named, and units still equal share their rank.

    Peers without a score are not ranked. A unit's rank within the wanted ones stands
    (``met``) only if it would with every such peer above it; otherwise the rank target is
    ``incomplete``. A rank below the wanted ones is ``not_met`` whatever they would score.
    """

    code: str = attrs.field(validator=_code)
    index: str = attrs.field(validator=_code)
    scope: Scope = attrs.field(validator=v.instance_of(Scope))
    level: str = attrs.field(validator=v.instance_of(str))
    territory: str = attrs.field(validator=v.instance_of(str))
    at_most: int = attrs.field(validator=v.instance_of(int))
    deadline: date = attrs.field(validator=v.instance_of(date))
    tie_break: tuple[str, ...] = attrs.field(default=(), converter=_names)
    name: Text | None = attrs.field(default=None, validator=v.optional(v.instance_of(Text)))
    valid_from: date | None = attrs.field(default=None, validator=_optional_date)
    valid_to: date | None = attrs.field(default=None, validator=_optional_date)
    window_start: date | None = attrs.field(default=None, validator=_optional_date)
    plugin: str | None = attrs.field(default=None, eq=False)

    def __attrs_post_init__(self) -> None:
        if isinstance(self.at_most, bool) or self.at_most < 1:
            raise ValueError(f"rank target {self.code}: at_most must be 1 or more")


CompositeTarget = ScoreTarget | RankTarget


# -- loading --------------------------------------------------------------------------------


@attrs.frozen
class Rejection:
    """A composite loading refuses: its code, what it is, why, and whether the cause is a
    reference (an unknown code, a cycle) or the declaration itself (points that do not add
    up)."""

    code: str
    what: str
    reason: str
    reference: bool


def _what(item: Composite) -> str:
    return {Derived: "derived indicator", Index: "index", ScoreTarget: "score target",
            RankTarget: "rank target"}.get(type(item), "composite")


def check(composites: Mapping[str, Composite], indicators: Mapping[str, Indicator],
          missing: Callable[[str], str]) -> list[Rejection]:
    """What loading refuses among ``composites``, given the reported ``indicators``; what
    reads a refused composite is refused too. ``missing`` says why a code is not there."""
    kept = dict(composites)
    out: list[Rejection] = []

    def why(code: str) -> str:
        # A composite refused in an earlier round was contributed: say so, not that it is
        # unknown.
        return "which was refused (see its own problem)" if code in composites \
            else missing(code)

    while True:
        found = _rejections(kept, indicators, why)
        if not found:
            return out
        for r in found:
            kept.pop(r.code, None)
        out += found


def _rejections(composites: Mapping[str, Composite], indicators: Mapping[str, Indicator],
                missing: Callable[[str], str]) -> list[Rejection]:
    derived = {c: d for c, d in composites.items() if isinstance(d, Derived)}
    out: list[Rejection] = []

    def formula(node: Node) -> tuple[str, bool] | None:
        unknown = sorted(c for c in node.inputs() if c not in indicators and c not in derived)
        if unknown:
            return (f"reads indicator {', '.join(map(repr, unknown))}, "
                    f"{missing(unknown[0])}"), True
        uncounted = sorted(c for c in node.counted()
                           if c not in indicators or indicators[c].kind is not Kind.RATE)
        if uncounted:
            return (f"reads the numerator or denominator of {', '.join(map(repr, uncounted))}, "
                    "which is not a reported rate"), True
        return None

    _, cycles = order(derived)
    for code, d in derived.items():
        if code in indicators:
            out.append(Rejection(code, "derived indicator", "has the code of a reported "
                                 "indicator; a formula could not tell which one it reads",
                                 True))
        elif code in cycles:
            out.append(Rejection(code, "derived indicator", "has a formula that refers to "
                                 f"itself: {' → '.join(cycles[code])}", True))
        elif (why := formula(d.formula)) is not None:
            out.append(Rejection(code, "derived indicator", why[0], why[1]))
    for code, item in composites.items():
        if isinstance(item, Index):
            why = _index_problem(item, formula)
            if why is not None:
                out.append(Rejection(code, "index", why[0], why[1]))
        elif isinstance(item, ScoreTarget | RankTarget):
            index = composites.get(item.index)
            what = _what(item)
            if not isinstance(index, Index):
                out.append(Rejection(code, what, f"names index {item.index!r}, "
                                     f"{missing(item.index)}", True))
            elif isinstance(item, ScoreTarget) and item.threshold > index.maximum:
                out.append(Rejection(code, what, f"asks for {item.threshold} points of an "
                                     f"index worth {index.maximum}", False))
            elif isinstance(item, RankTarget):
                fields = {c.code for c in index.components} | {g.code for g in index.groups}
                unknown = [f for f in item.tie_break if f not in fields]
                if unknown:
                    out.append(Rejection(code, what, "breaks ties by "
                                         f"{', '.join(map(repr, unknown))}, no component or "
                                         f"group of index {index.code!r}", True))
    return out


def _index_problem(index: Index, formula: Callable[[Node], tuple[str, bool] | None],
                   ) -> tuple[str, bool] | None:
    codes = [c.code for c in index.components] + [g.code for g in index.groups]
    twice = sorted({c for c in codes if codes.count(c) > 1})
    if twice:
        return f"names {', '.join(map(repr, twice))} twice among its groups and components", \
            False
    if not index.components:
        return "has no component", False
    for c in index.components:
        why = formula(c.formula)
        if why is not None:
            return f"component {c.code!r} {why[0]}", why[1]
        top = c.formula.bound()
        if top is None:
            return (f"component {c.code!r} has no largest value: end its formula in a scoring "
                    "node (Linear, Bands) or a sum of them"), False
        if top != c.points:
            return (f"component {c.code!r} is worth {c.points} points but its formula gives "
                    f"at most {top}"), False
    total = sum((c.points for c in index.components), Fraction(0))
    if total != index.maximum:
        return (f"has components whose points add up to {total}, not its maximum "
                f"{index.maximum}"), False
    return None


def of_type(composites: Mapping[str, Composite], kind: type[Any]) -> dict[str, Any]:
    """The composites of one kind (``Derived``, ``Index``, …), by code."""
    return {c: x for c, x in composites.items() if isinstance(x, kind)}


def of_plans(composites: Mapping[str, Composite], plans: Iterable[str]) -> dict[str, Composite]:
    """The composites of the plans coded in ``plans``: their derived indicators and indices,
    and the targets on those indices."""
    chosen = set(plans)
    out: dict[str, Composite] = {c: x for c, x in composites.items()
                                 if isinstance(x, Derived | Index) and x.plan in chosen}
    out.update({c: x for c, x in composites.items()
                if isinstance(x, ScoreTarget | RankTarget) and x.index in out})
    return dict(sorted(out.items()))


def window_targets(composites: Mapping[str, Composite]) -> list[Target]:
    """For each score and rank target, a :class:`~plan_rules.Target` of its dates on each
    reported indicator its index reads: what a stage that must know every window before it
    reads a figure (the partial aggregates of :mod:`plan_rules.partials`) needs to know."""
    derived = of_type(composites, Derived)
    out = []
    for t in composites.values():
        if isinstance(t, ScoreTarget | RankTarget):
            index = composites.get(t.index)
            if isinstance(index, Index):
                out += [_window_target(t, leaf) for leaf in sorted(_index_leaves(index,
                                                                                  derived))]
    return out


def _index_leaves(index: Index, derived: Mapping[str, Derived]) -> frozenset[str]:
    return frozenset().union(*(leaves(c.formula, derived) for c in index.components))


def _window_target(t: CompositeTarget, indicator: str) -> Target:
    return Target(code=t.code, indicator=indicator, comparator=Comparator.GE, threshold=0,
                  scope=Scope(), aggregation=Aggregation.EACH, deadline=t.deadline,
                  valid_from=t.valid_from, valid_to=t.valid_to, window_start=t.window_start)


# -- scores ---------------------------------------------------------------------------------


@attrs.frozen
class ComponentScore:
    """A component's points for one unit (None: no figure), beside its maximum."""

    code: str
    group: str
    points: Fraction | None
    maximum: Fraction

    @property
    def missing_points(self) -> Fraction:
        """The points the unit does not have on this component."""
        return self.maximum - (self.points or 0)


def _codes(value: Iterable[str]) -> tuple[str, ...]:
    return tuple(value)


@attrs.frozen
class UnitScore:
    """A unit's score on an index: each component's points, and the total (None: no score,
    as the index's :class:`MissingComponents` rule says of a component without a figure).

    ``reweighted_over`` names the components a re-weighted score was scaled over (those with
    a figure); it is empty when the score is not re-weighted."""

    entity: str
    components: tuple[ComponentScore, ...]
    total: Fraction | None
    reweighted_over: tuple[str, ...] = attrs.field(default=(), converter=_codes)

    @property
    def missing(self) -> tuple[str, ...]:
        """The components without a figure."""
        return tuple(c.code for c in self.components if c.points is None)

    @property
    def present_points(self) -> Fraction:
        """The points of the components with a figure, added up (before any re-weighting)."""
        return sum((c.points for c in self.components if c.points is not None), Fraction(0))

    @property
    def present_maximum(self) -> Fraction:
        """The maxima of the components with a figure, added up."""
        return sum((c.maximum for c in self.components if c.points is not None), Fraction(0))

    def points_of(self, field: str) -> Fraction:
        """The points on a component or a group (0 where there is no figure)."""
        return sum((c.points or Fraction(0) for c in self.components
                    if field in (c.code, c.group)), Fraction(0))

    def where_missing(self) -> list[tuple[str, Fraction]]:
        """Each component short of its maximum with the points it lacks, most first."""
        short = [(c.code, c.missing_points) for c in self.components if c.missing_points]
        return sorted(short, key=lambda x: (-x[1], x[0]))


class _Memo(Values):
    """A unit's values, with each derived indicator computed once."""

    def __init__(self, given: Values, derived: Mapping[str, Derived]) -> None:
        self.given = given
        self.derived = derived
        self.memo: dict[str, Fraction | None] = {}

    def figure(self, code: str) -> Fraction | None:
        d = self.derived.get(code)
        if d is None:
            return self.given.figure(code)
        if code not in self.memo:
            self.memo[code] = d.formula.value(self)
        return self.memo[code]

    def counts(self, code: str) -> tuple[int, int] | None:
        return self.given.counts(code)


def score(index: Index, entity: str, values: Values,
          derived: Mapping[str, Derived] | None = None) -> UnitScore:
    """``entity``'s score on ``index`` from the figures ``values`` gives, exactly.

    Where a component has no figure the index's :class:`MissingComponents` rule decides:
    no score (``incomplete``), 0 points there (``zero``), or the present components' points
    scaled to the index's maximum (``reweight``: points × maximum / their maxima). A unit
    none of whose components has a figure has no score under every rule."""
    memo = _Memo(values, derived or {})
    parts = tuple(ComponentScore(code=c.code, group=g.code, points=c.formula.value(memo),
                                 maximum=c.points)
                  for g in index.groups for c in g.components)
    present = [p for p in parts if p.points is not None]
    points = sum((p.points or Fraction(0) for p in present), Fraction(0))
    if len(present) == len(parts):
        return UnitScore(entity=entity, components=parts, total=points)
    if not present or index.missing is MissingComponents.INCOMPLETE:
        return UnitScore(entity=entity, components=parts, total=None)
    if index.missing is MissingComponents.ZERO:
        return UnitScore(entity=entity, components=parts, total=points)
    # Re-weighted: the points of the components present, scaled to the whole index.
    have = sum((p.maximum for p in present), Fraction(0))
    return UnitScore(entity=entity, components=parts, total=points * index.maximum / have,
                     reweighted_over=[p.code for p in present])


def rank(scores: Iterable[UnitScore], tie_break: Sequence[str] = ()) -> dict[str, int]:
    """The rank of each scored unit: 1 for the most points; units equal on the score and on
    every ``tie_break`` field share a rank, and the next rank skips as many (1, 2, 2, 4).
    Units without a score are not ranked. The order of ``scores`` never matters."""
    keyed = [(s.entity, (s.total, *(s.points_of(f) for f in tie_break)))
             for s in scores if s.total is not None]
    keys = sorted((k for _, k in keyed), reverse=True)
    first: dict[tuple[Fraction | None, ...], int] = {}
    for n, k in enumerate(keys, start=1):
        first.setdefault(k, n)
    return {code: first[k] for code, k in keyed}


def units_within(entities: Mapping[str, Entity], level: str, territory: str,
                 on: date) -> list[Entity]:
    """The units of ``level`` within ``territory`` (the entity itself or its descendants
    through ``parent``) that exist on ``on``, in code order.

    The one place the question is asked, so that it can follow the dated entity tree when
    entities have parents over dates."""
    def inside(e: Entity) -> bool:
        seen: set[str] = set()
        code: str | None = e.code
        while code is not None and code not in seen:
            if code == territory:
                return True
            seen.add(code)
            parent = entities.get(code)
            code = parent.parent if parent is not None else None
        return False

    return sorted((e for e in entities.values() if e.level == level and inside(e)
                   and (e.valid_from is None or e.valid_from <= on)
                   and (e.valid_to is None or e.valid_to >= on)), key=lambda e: e.code)


# -- the stage ------------------------------------------------------------------------------


class _Figures(Values):
    """One unit's combined figures of the reported indicators."""

    def __init__(self, unit: str, combined: Mapping[str, Mapping[str, Combined]]) -> None:
        self.unit = unit
        self.combined = combined

    def _of(self, code: str) -> Combined | None:
        c = self.combined.get(code, {}).get(self.unit)
        return None if c is None or c.counts_needed else c

    def figure(self, code: str) -> Fraction | None:
        c = self._of(code)
        return None if c is None else c.figure

    def counts(self, code: str) -> tuple[int, int] | None:
        c = self._of(code)
        if c is None or c.numerator is None or c.denominator is None:
            return None
        return c.numerator, c.denominator


_PRECEDENCE = (Verdict.NOT_MET, Verdict.INVALID, Verdict.INCOMPLETE, Verdict.NO_DATA,
               Verdict.MET, Verdict.NOT_APPLICABLE)


@attrs.frozen
class _Scores:
    """What one score or rank target measured: each unit's combined figures of the index's
    inputs, its score, and why the units without a score have none."""

    index: Index
    window: Period
    leaf_codes: tuple[str, ...]
    combined: Mapping[str, Mapping[str, Combined]]
    scored: Mapping[str, UnitScore]
    #: Each unit without a score: ``invalid`` (a data issue blocks a figure it lacks),
    #: ``incomplete`` (it has figures, not of every component the rule needs) or ``no_data``
    #: (no figure at all).
    absent: Mapping[str, Verdict]

    def rows(self, unit: str) -> tuple[int, ...]:
        """The positions of the figures behind a unit's score."""
        return _rows(unit, self.combined, self.leaf_codes)

    def lacking(self, codes: Iterable[str]) -> list[tuple[str, Verdict, tuple[str, ...]]]:
        """Of the units ``codes``, those without a score: each with why, and the components
        it lacks, in code order."""
        return [(c, self.absent[c], self.scored[c].missing) for c in sorted(codes)
                if c in self.absent]


class _Run:
    """The composite targets of one evaluation, with the combined figures they share."""

    def __init__(self, table: FigureTable, indicators: Mapping[str, Indicator],
                 composites: Mapping[str, Composite], when: date,
                 series_of: Callable[[str], Sequence[Series]],
                 unit_of: Sequence[Entity | None], entities: Mapping[str, Entity],
                 sink: IssueSink) -> None:
        self.table, self.indicators, self.composites = table, indicators, composites
        self.when, self.series_of, self.unit_of = when, series_of, unit_of
        self.entities, self.sink = entities, sink
        self.derived: dict[str, Derived] = of_type(composites, Derived)
        self._combined: dict[tuple[Any, ...], tuple[dict[str, Combined], list[int]]] = {}

    def combined(self, t: CompositeTarget, leaf: str,
                 window: Period) -> tuple[dict[str, Combined], list[int]]:
        """Every unit's figure of ``leaf`` combined over ``window``, and the figures set aside
        because target or unit did not apply."""
        # What a selection depends on besides the window: where the target applies, and the
        # years it measures.
        key = (leaf, window, t.valid_from, t.valid_to, t.window_start, t.deadline)
        if key not in self._combined:
            indicator = self.indicators[leaf]
            chosen = select(self.table, _window_target(t, leaf), indicator,
                            self.series_of(leaf), window, self.when)
            self._combined[key] = (combine_units(self.table, indicator, chosen.own,
                                                 self.unit_of, self.sink), chosen.excluded)
        return self._combined[key]

    def findings(self) -> list[Finding]:
        targets = [t for _, t in sorted(self.composites.items())
                   if isinstance(t, ScoreTarget | RankTarget)]
        return [self.finding(t) for t in targets]

    def finding(self, t: CompositeTarget) -> Finding:
        index: Index = self.composites[t.index]  # type: ignore[assignment]
        base: dict[str, Any] = dict(code=t.code, kind="check", plan=index.plan,
                                    area=index.area, plugin=t.plugin, scope=t.scope.describe())
        opened = opening(_window_target(t, index.code), self.when)
        if not isinstance(opened, Period):
            reason, not_applicable = opened
            verdict = Verdict.NOT_APPLICABLE if not_applicable else Verdict.NO_DATA
            return Finding(**base, verdict=verdict, message=Text(
                vi=f"{index.name.vi} — {t.code}: {reason.vi}",
                en=f"{index.name.en} — {t.code}: {reason.en}"))
        window = opened
        leaf_codes = tuple(sorted(_index_leaves(index, self.derived)))
        combined: dict[str, dict[str, Combined]] = {}
        excluded: list[int] = []
        for leaf in leaf_codes:
            combined[leaf], aside = self.combined(t, leaf, window)
            excluded += aside
        judged = sorted((e for e in self.entities.values() if e.in_scope(t.scope)),
                        key=lambda e: e.code)
        if isinstance(t, RankTarget):
            # A rank reads every peer's figures: its coverage is the peers'.
            expected = units_within(self.entities, t.level, t.territory, window.end)
        else:
            judged = [e for e in judged if e.valid_during(window)]
            expected = judged
        scored = {e.code: self.score(index, e.code, combined, window) for e in expected}
        absent = {code: self.unscored(index, s, window, combined)
                  for code, s in scored.items() if s.total is None}
        scores = _Scores(index=index, window=window, leaf_codes=leaf_codes, combined=combined,
                         scored=scored, absent=absent)
        used = sorted({i for leaf in leaf_codes for code in scored
                       if (c := combined[leaf].get(code)) is not None for i in c.used})
        # Figures set aside as not applying are this target's only for the units it measures.
        measured = {*scored, *(e.code for e in judged)}
        names, unit = self.table.entities.values, self.table.entity
        excluded = [i for i in excluded if names[unit[i]] in measured]
        details: dict[str, Any] = {
            "index": index.code, "maximum": index.maximum,
            "missing_components": index.missing.value,
            "units": [self.breakdown(scores, scored[code]) for code in sorted(scored)],
            "excluded": tuple(sorted(set(excluded))),
        }
        base.update(window=window, observations=tuple(used),
                    coverage=self.coverage(expected, absent))
        if isinstance(t, RankTarget):
            return self.ranked(t, base, details, judged, scores)
        return self.judged(t, base, details, judged, scores)

    def score(self, index: Index, unit: str, combined: Mapping[str, Mapping[str, Combined]],
              window: Period) -> UnitScore:
        s = score(index, unit, _Figures(unit, combined), self.derived)
        if s.total is not None and s.missing and self.blocked(
                unit, self.lacked_inputs(index, s), window, combined):
            # A figure a data issue blocks is not a missing one: no rule scores around it.
            return attrs.evolve(s, total=None, reweighted_over=())
        return s

    def lacked_inputs(self, index: Index, s: UnitScore) -> list[str]:
        """The reported indicators read by the components ``s`` has no points on."""
        lacking = set(s.missing)
        return sorted({leaf for c in index.components if c.code in lacking
                       for leaf in leaves(c.formula, self.derived)})

    def blocked(self, unit: str, leaf_codes: Iterable[str], window: Period,
                combined: Mapping[str, Mapping[str, Combined]]) -> bool:
        """Whether a data issue blocks a figure of ``unit`` of one of ``leaf_codes`` inside
        the window, or a flow of its is given as percentages of several periods (no figure
        can be formed)."""
        table = self.table
        for leaf in leaf_codes:
            c = combined[leaf].get(unit)
            if c is not None and c.counts_needed:
                return True
            for i in self.sink.blocked_by.get((leaf, unit), ()):
                if window.covers(table.period_of(i)):
                    return True
        return False

    def unscored(self, index: Index, s: UnitScore, window: Period,
                 combined: Mapping[str, Mapping[str, Combined]]) -> Verdict:
        """Why a unit has no score: ``invalid`` when a data issue blocks a figure of an input
        of a component it lacks, ``incomplete`` when it has figures but not of every
        component the index's rule needs, ``no_data`` when it has no figure at all."""
        if self.blocked(s.entity, self.lacked_inputs(index, s), window, combined):
            return Verdict.INVALID
        if any(s.entity in combined[leaf] for leaf in combined):
            return Verdict.INCOMPLETE
        return Verdict.NO_DATA

    def coverage(self, expected: Sequence[Entity], absent: Mapping[str, Verdict]) -> Coverage:
        """The units a score or rank target expected, those scored and those not (a unit
        that has figures but lacks a component counts as missing, ``no_data``). Every unit
        must be scored: a missing one makes the target ``incomplete``."""
        gone = [MissingUnit(code=e.code, name=e.name,
                            verdict=Verdict.INVALID if absent[e.code] is Verdict.INVALID
                            else Verdict.NO_DATA)
                for e in expected if e.code in absent]
        return Coverage(expected=len(expected), reported=len(expected) - len(gone),
                        missing=gone, rule=REQUIRE_ALL)

    def breakdown(self, scores: _Scores, s: UnitScore) -> dict[str, Any]:
        """A unit's score as the report shows it: per group and component, the points, and
        the combined figures and observations behind each component; where the score was
        re-weighted, over which components and from which points."""
        by_code = {c.code: c for c in s.components}
        groups = []
        for g in scores.index.groups:
            parts = []
            for comp in g.components:
                got = by_code[comp.code]
                inputs = []
                for leaf in sorted(leaves(comp.formula, self.derived)):
                    c = scores.combined[leaf].get(s.entity)
                    inputs.append({
                        "indicator": leaf,
                        "figure": None if c is None else c.figure,
                        "numerator": None if c is None else c.numerator,
                        "denominator": None if c is None else c.denominator,
                        "observations": [] if c is None else sorted(c.used),
                    })
                # Under ``zero`` a component without a figure is worth 0 in the score, and
                # shows so; ``no_figure`` says why all the same.
                shown = got.points
                if shown is None and s.total is not None \
                        and scores.index.missing is MissingComponents.ZERO:
                    shown = Fraction(0)
                parts.append({"code": comp.code, "points": shown, "no_figure": got.points is None,
                              "maximum": comp.points, "missing_points": got.missing_points,
                              "inputs": inputs})
            points = [by_code[c.code].points for c in g.components]
            groups.append({"code": g.code, "maximum": g.maximum,
                           "points": sum((p or Fraction(0) for p in points), Fraction(0)),
                           "components": parts})
        reweighted = None
        if s.reweighted_over:
            reweighted = {"over": list(s.reweighted_over),
                          "points": s.present_points, "maximum": s.present_maximum}
        return {"entity": s.entity, "score": s.total, "missing": list(s.missing),
                "reweighted": reweighted,
                "where_missing": [{"component": c, "points": p} for c, p in s.where_missing()],
                "groups": groups}

    def judged(self, t: ScoreTarget, base: dict[str, Any], details: dict[str, Any],
               judged: Sequence[Entity], scores: _Scores) -> Finding:
        results = []
        for e in judged:
            s = scores.scored[e.code]
            rows = scores.rows(e.code)
            if s.total is None:
                results.append(EntityResult(entity=e.code, level=e.level, observations=rows,
                                            verdict=scores.absent[e.code]))
                continue
            met = t.comparator.holds(s.total, t.threshold)
            results.append(EntityResult(
                entity=e.code, level=e.level, verdict=Verdict.MET if met else Verdict.NOT_MET,
                observed=s.total, gap=None if met else t.threshold - s.total,
                observations=rows))
        totals = [r.observed for r in results if r.observed is not None]
        lower = t.comparator in (Comparator.GE, Comparator.GT)
        observed = (min(totals) if lower else max(totals)) if totals else None
        verdict = _headline([r.verdict for r in results])
        gap = t.threshold - observed if verdict is Verdict.NOT_MET and observed is not None \
            else None
        weakest = next((scores.scored[r.entity] for r in results if r.observed == observed
                        and r.observed is not None), None)
        n_met = sum(r.verdict is Verdict.MET for r in results)
        codes = [e.code for e in judged]
        return Finding(**base, verdict=verdict, comparator=t.comparator, threshold=t.threshold,
                       observed=observed, gap=gap, entities=tuple(results), details=details,
                       message=_score_message(t, scores, verdict, n_met, len(results),
                                              observed, weakest, codes))

    def ranked(self, t: RankTarget, base: dict[str, Any], details: dict[str, Any],
               judged: Sequence[Entity], scores: _Scores) -> Finding:
        scored = scores.scored
        ranks = rank(scored.values(), t.tie_break)
        ordered = sorted(ranks, key=lambda c: (ranks[c], c))
        unranked = sorted(scores.absent)
        details.update(territory=t.territory, level=t.level, on=scores.window.end,
                       ranking=[{"entity": c, "rank": ranks[c], "score": scored[c].total}
                                for c in ordered],
                       unranked=unranked)
        # The score of the last unit inside the wanted ranks: what a unit below must reach.
        bar = scored[ordered[t.at_most - 1]].total if len(ordered) >= t.at_most else None
        results = []
        for e in judged:
            if e.code not in scored:
                results.append(EntityResult(entity=e.code, level=e.level,
                                            verdict=Verdict.NOT_APPLICABLE))
            elif e.code not in ranks:
                results.append(EntityResult(entity=e.code, level=e.level,
                                            observations=scores.rows(e.code),
                                            verdict=scores.absent[e.code]))
            else:
                r = ranks[e.code]
                # A peer without a score could rank above the unit: a rank within the wanted
                # ones stands only if it would with every such peer above it.
                if r > t.at_most:
                    verdict = Verdict.NOT_MET
                elif r + len(unranked) <= t.at_most:
                    verdict = Verdict.MET
                else:
                    verdict = Verdict.INCOMPLETE
                results.append(EntityResult(
                    entity=e.code, level=e.level, verdict=verdict, observed=Fraction(r),
                    gap=Fraction(r - t.at_most) if verdict is Verdict.NOT_MET else None,
                    observations=scores.rows(e.code)))
                if verdict is Verdict.NOT_MET and bar is not None:
                    details.setdefault("points_to_rank", {})[e.code] = bar - (
                        scored[e.code].total or 0)
        verdict = _headline([r.verdict for r in results])
        worst = max((r.observed for r in results if r.observed is not None), default=None)
        gap = worst - t.at_most if verdict is Verdict.NOT_MET and worst is not None else None
        return Finding(**base, verdict=verdict, comparator=Comparator.LE,
                       threshold=Fraction(t.at_most), observed=worst, gap=gap,
                       entities=tuple(results), details=details,
                       message=_rank_message(t, scores, verdict, results, len(ranks)))


def _rows(unit: str, combined: Mapping[str, Mapping[str, Combined]],
          leaf_codes: Sequence[str]) -> tuple[int, ...]:
    """The positions of the figures behind a unit's score."""
    return tuple(sorted({i for leaf in leaf_codes
                         if (c := combined[leaf].get(unit)) is not None for i in c.used}))


def _headline(verdicts: Sequence[Verdict]) -> Verdict:
    """A target's verdict from its units': a unit without a figure beside units with
    figures makes it ``incomplete`` (every unit must be scored), and ``no_data`` is left for
    a target none of whose units has any figure."""
    present = set(verdicts)
    if Verdict.NO_DATA in present and present - {Verdict.NO_DATA, Verdict.NOT_APPLICABLE}:
        present.add(Verdict.INCOMPLETE)
    return next((v for v in _PRECEDENCE if v in present), Verdict.NO_DATA)


def _pts(x: Fraction | None, lang: str) -> str:
    return "-" if x is None else format_number(x, lang=lang)


def _named(items: Sequence[str], lang: str) -> str:
    """Up to :data:`~plan_rules.compare.NAMED` items (each a unit and what it lacks), and how
    many more there are."""
    return named(items, lang, sep="; ")


def _lacking(units: Sequence[tuple[str, Verdict, tuple[str, ...]]], lang: str) -> str:
    """``c1 lacks SQ.IDX.sat; c3 sent nothing``: each unit without a score, and why."""
    said = []
    for code, why, components in units:
        if why is Verdict.INVALID:
            said.append(f"{code} {COVERAGE_WORDS['blocked'].text.get(lang)}")
        elif why is Verdict.NO_DATA:
            said.append(f"{code} {COVERAGE_WORDS['sent_nothing'].text.get(lang)}")
        else:
            said.append(f"{code} {SCORE_WORDS['lacks'].text.get(lang)} "
                        f"{', '.join(components)}")
    return _named(said, lang)


def _scored_around(scores: _Scores, codes: Iterable[str], lang: str) -> str:
    """``; re-weighted without a component: c1 (SQ.IDX.sat)``: the units scored although a
    component has no figure (scored 0 there, or re-weighted), empty when there are none."""
    around = [s for c in sorted(codes) if (s := scores.scored.get(c)) is not None
              and s.total is not None and s.missing]
    if not around:
        return ""
    word = SCORE_WORDS["reweighted" if scores.index.missing is MissingComponents.REWEIGHT
                       else "zeroed"].text.get(lang)
    return f"; {word}: " + _named([f"{s.entity} ({', '.join(s.missing)})" for s in around],
                                  lang)


def _score_message(t: ScoreTarget, scores: _Scores, verdict: Verdict, met: int, n: int,
                   observed: Fraction | None, weakest: UnitScore | None,
                   codes: Sequence[str]) -> Text:
    index = scores.index
    lacking = scores.lacking(codes)

    def say(lang: str) -> str:
        vi = lang == "vi"
        head = f"{index.name.get(lang)} — {t.name.get(lang) if t.name else t.scope.describe()}"
        need = f"{t.comparator.words.get(lang)} {_pts(t.threshold, lang)}/" \
               f"{_pts(index.maximum, lang)} {'điểm' if vi else 'points'}"
        if observed is None:
            line = (f": chưa có điểm (yêu cầu {need})" if vi
                    else f": no score (requires {need})")
        else:
            line = (f": {met}/{n} đơn vị đạt {need}; thấp nhất {_pts(observed, lang)} điểm"
                    if vi else
                    f": {met}/{n} units score {need}; lowest {_pts(observed, lang)} points")
        if verdict is Verdict.NOT_MET and weakest is not None and weakest.where_missing():
            code, short = weakest.where_missing()[0]
            line += (f" ({weakest.entity}: thiếu nhiều nhất ở {code}, {_pts(short, lang)} "
                     "điểm)" if vi else
                     f" ({weakest.entity}: most points missing in {code}, "
                     f"{_pts(short, lang)})")
        if lacking and observed is not None:
            k = format_number(len(lacking), lang=lang)
            line += (f"; {k} đơn vị {SCORE_WORDS['without_score'].text.vi}" if vi
                     else f"; {k} {SCORE_WORDS['without_score'].text.en}")
            line += f": {_lacking(lacking, lang)}"
        elif lacking and verdict is not Verdict.NO_DATA:
            line += f": {_lacking(lacking, lang)}"
        return head + line + _scored_around(scores, codes, lang)

    return Text(vi=say("vi"), en=say("en"))


def _rank_message(t: RankTarget, scores: _Scores, verdict: Verdict,
                  results: Sequence[EntityResult], n: int) -> Text:
    index = scores.index
    lacking = scores.lacking(scores.absent)
    if n == 0 and all(v is Verdict.NO_DATA for v in scores.absent.values()):
        lacking = []  # no peer has any figure: nobody to name

    def say(lang: str) -> str:
        vi = lang == "vi"
        head = f"{index.name.get(lang)} — {t.name.get(lang) if t.name else t.scope.describe()}"
        ranks = ", ".join(f"{r.entity} {'hạng' if vi else 'rank'} {_pts(r.observed, lang)}"
                          for r in results if r.observed is not None)
        level = level_words(t.level).get(lang)
        want = (f"trong {t.at_most} đơn vị đứng đầu của {n} (cấp {level} thuộc {t.territory})"
                if vi else f"in the top {t.at_most} of {n} ({level} within {t.territory})")
        line = f"{head}: {ranks or SCORE_WORDS['unranked'].text.get(lang)}; " \
               f"{'yêu cầu' if vi else 'requires'} {want}"
        if lacking:
            line += f"; {SCORE_WORDS['unranked'].text.get(lang)}: {_lacking(lacking, lang)}"
            if verdict is Verdict.INCOMPLETE:
                line += f" — {SCORE_WORDS['may_change'].text.get(lang)}"
        return line + _scored_around(scores, scores.scored, lang)

    return Text(vi=say("vi"), en=say("en"))


def evaluate_composites(table: FigureTable, indicators: Mapping[str, Indicator],
                        composites: Mapping[str, Composite], when: date,
                        series_of: Callable[[str], Sequence[Series]],
                        unit_of: Sequence[Entity | None], entities: Mapping[str, Entity],
                        sink: IssueSink) -> list[Finding]:
    """The finding of every score and rank target of ``composites`` as of ``when``, in code
    order, from each input indicator's figures combined per unit (``series_of`` gives an
    indicator's usable series, as every target reads them)."""
    if not any(isinstance(c, ScoreTarget | RankTarget) for c in composites.values()):
        return []
    return _Run(table, indicators, composites, when, series_of, unit_of, entities,
                sink).findings()


def explain(code: str, composites: Mapping[str, Composite],
            name: Callable[[str], str], lang: str) -> list[tuple[str, str]] | None:
    """What ``plan-rules explain CODE`` says of a derived indicator, an index, or a score or
    rank target: the formula in words."""
    def t(vi: str, en: str) -> str:
        return vi if lang == "vi" else en

    item = composites.get(code)
    if isinstance(item, Derived):
        return [(t("Chỉ số dẫn xuất", "Derived indicator"), f"{item.code} — "
                 f"{item.name.get(lang)}"),
                (t("Công thức", "Formula"), item.formula.words(lang, name)),
                ("Plugin", item.plugin or "-")]
    if isinstance(item, Index):
        lines = [(t("Chỉ số tổng hợp", "Index"), f"{item.code} — {item.name.get(lang)}"),
                 (t("Tối đa", "Maximum"), f"{_pts(item.maximum, lang)} "
                  f"{t('điểm', 'points')}"),
                 (t("Thiếu thành phần", "Missing component"),
                  f"{item.missing.value} — "
                  f"{MISSING_COMPONENT_WORDS[item.missing.value].text.get(lang)}")]
        for g in item.groups:
            lines.append((t("Nhóm", "Group"), f"{g.code} — {g.name.get(lang)} "
                          f"({_pts(g.maximum, lang)} {t('điểm', 'points')})"))
            lines += [(f"  {c.code}", f"{c.name.get(lang)}: {c.formula.words(lang, name)}")
                      for c in g.components]
        return [*lines, ("Plugin", item.plugin or "-")]
    if isinstance(item, ScoreTarget | RankTarget):
        index = composites.get(item.index)
        named = (f"{item.index} — {index.name.get(lang)}" if isinstance(index, Index)
                 else item.index)
        title = item.name.get(lang) if item.name else item.scope.describe()
    if isinstance(item, ScoreTarget):
        index_max = index.maximum if isinstance(index, Index) else None
        return [(t("Chỉ tiêu điểm", "Score target"), f"{item.code} — {title}"),
                (t("Chỉ số tổng hợp", "Index"), named),
                (t("Yêu cầu", "Requires"), f"{item.comparator.words.get(lang)} "
                 f"{_pts(item.threshold, lang)}/{_pts(index_max, lang)} "
                 f"{t('điểm', 'points')} ({t('chính xác', 'exactly')}: "
                 f"{item.comparator.value} {item.threshold})"),
                (t("Phạm vi", "Scope"), item.scope.describe()),
                (t("Hạn", "Deadline"), f"{item.deadline:%d/%m/%Y}"),
                ("Plugin", item.plugin or "-")]
    if isinstance(item, RankTarget):
        ties = ", ".join(item.tie_break) or t("đồng hạng", "shared")
        return [(t("Chỉ tiêu xếp hạng", "Rank target"), f"{item.code} — {title}"),
                (t("Chỉ số tổng hợp", "Index"), named),
                (t("Yêu cầu", "Requires"), t(f"hạng ≤ {item.at_most}",
                                             f"rank ≤ {item.at_most}")),
                (t("So với", "Among"),
                 t(f"cấp {level_words(item.level).vi} thuộc {item.territory}",
                   f"{level_words(item.level).en} within {item.territory}")),
                (t("Phạm vi", "Scope"), item.scope.describe()),
                (t("Bằng điểm", "Ties"), ties),
                (t("Hạn", "Deadline"), f"{item.deadline:%d/%m/%Y}"),
                ("Plugin", item.plugin or "-")]
    return None
