"""Over a target's scope: the units' figures as one statistic, and the target's verdict.

``each`` takes the weakest unit (every unit must meet it; one failing unit fails it), ``pooled``
the ratio of sums, ``mean`` the unweighted mean of unit figures, ``reported`` the scope unit's
own figure (rolled up from its own descendants in the entity tree when it gave none, by the
indicator's rule: :mod:`~plan_rules.rollup`). The other statistics are reported
beside the one used, so that disagreement shows; each is computed only when asked for, since a
target's earlier points need only the one it uses.

A unit in scope that gave nothing usable counts too: ``no_data``, ``invalid`` when a data issue
blocks a figure of it inside the window (one outside, Q4 as of 31 March or last year's, blocks
nothing), ``not_applicable`` when target or unit did not apply to its figures. The units
expected, those that reported and those missing are the target's :class:`~plan_rules.Coverage`;
its :class:`~plan_rules.MissingUnits` rule says whether the reporters are judged alone or the
target is ``incomplete``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from fractions import Fraction
from functools import cached_property
from itertools import chain

import attrs

from . import aggregation as agg
from . import rollup
from .combine import Combined, combine_units, prefix_counts
from .compare import meets
from .dataissues import IssueSink
from .figures import FigureTable
from .model import (
    Aggregation,
    Comparator,
    Coverage,
    Entity,
    EntityResult,
    Indicator,
    Kind,
    MissingStrategy,
    MissingUnit,
    MissingUnits,
    Statistics,
    Target,
    Verdict,
)
from .periods import Period
from .territory import Tree
from .window import Prefix, Selection, Series, ceased, select

__all__ = ["Figures", "Measured", "TargetData", "coverage", "earlier", "headline", "measure",
           "missing_units", "rolled_coverage", "statistics"]

# Which verdict wins when units disagree: one failing unit fails an `each` target, whoever
# else is missing; a blocked unit makes it invalid; missing units the rule does not allow
# make it incomplete.
_PRECEDENCE = (Verdict.NOT_MET, Verdict.INVALID, Verdict.INCOMPLETE, Verdict.NO_DATA,
               Verdict.MET, Verdict.NOT_APPLICABLE)


class Figures:
    """The combined figures of the units of a target, with their statistics on demand."""

    def __init__(self, indicator: Indicator, target: Target,
                 combined: Mapping[str, Combined]) -> None:
        self.indicator = indicator
        self.target = target
        self.combined = combined

    @cached_property
    def verdicts(self) -> list[Verdict]:
        """Each unit's own verdict, in the order of ``combined``."""
        target = self.target
        return [Verdict.INVALID if c.counts_needed
                else Verdict.NO_DATA if (m := meets(c, target)) is None
                else Verdict.MET if m else Verdict.NOT_MET for c in self.combined.values()]

    @cached_property
    def values(self) -> list[Fraction]:
        """The units' figures that exist, in order."""
        return [f for f in (c.figure for c in self.combined.values()) if f is not None]

    @cached_property
    def pairs(self) -> list[tuple[int, int]]:
        """The units' figures that exist as numerator and denominator, in order: the mean
        and the extremes are taken from these without a fraction per unit."""
        out = []
        for c in self.combined.values():
            if c.numerator is not None and c.denominator is not None:
                if c.denominator:
                    out.append((c.numerator, c.denominator))
            elif c.value is not None:
                out.append((c.value.numerator, c.value.denominator))
        return out

    @cached_property
    def counts(self) -> tuple[int, int] | None:
        """The sums of numerators and denominators, for a rate whose units all gave counts."""
        if self.indicator.kind is not Kind.RATE or not self.combined:
            return None
        if any(c.numerator is None for c in self.combined.values()):
            return None
        return (sum(c.numerator or 0 for c in self.combined.values()),
                sum(c.denominator or 0 for c in self.combined.values()))

    @cached_property
    def pooled(self) -> Fraction | None:
        """The ratio of sums (a rate), or the sum (a count)."""
        if self.counts is not None:
            num, den = self.counts
            return agg.pooled([num], [den])
        if self.indicator.kind is Kind.COUNT and self.values:
            return sum(self.values, Fraction(0))
        return None

    @property
    def rolled_up(self) -> Fraction | None:
        """The units' figures as one, by the indicator's roll-up rule: the ratio of sums (a
        rate), the sum (a count), done when every unit is (a milestone:
        :func:`~plan_rules.rollup.all_done`)."""
        if self.indicator.kind is Kind.MILESTONE:
            return rollup.all_done(self.values)
        return self.pooled

    @cached_property
    def mean(self) -> Fraction | None:
        return agg.mean_of(self.pairs)

    @cached_property
    def extremes(self) -> tuple[Fraction | None, Fraction | None]:
        return agg.extremes_of(self.pairs)

    def worst(self, observed: Fraction | None) -> str | None:
        """The unit whose figure is ``observed`` (an ``each`` target's weakest), the first
        in code order when several are."""
        if observed is None:
            return None
        return min((code for code, c in self.combined.items() if c.figure == observed),
                   default=None)

    @property
    def used(self) -> int:
        """How many figures the units' figures were combined from."""
        return sum(len(c.used) for c in self.combined.values())


def missing_units(indicator: Indicator, target: Target, window: Period,
                  in_scope: Sequence[Entity], figures: Figures, excluded: Sequence[int],
                  unit_of_excluded: Mapping[int, str],
                  blocked: Mapping[tuple[str, str], object]) -> list[EntityResult]:
    """The results of the units in scope (``in_scope``, in code order) that gave nothing
    usable but existed during ``window``."""
    combined = figures.combined
    if target.aggregation is Aggregation.REPORTED and combined:
        return []
    by_unit: dict[str, list[int]] = {}
    for i in excluded:
        by_unit.setdefault(unit_of_excluded[i], []).append(i)
    out = []
    for e in in_scope:
        if e.code in combined:
            continue
        if e.code in by_unit:
            verdict = Verdict.NOT_APPLICABLE
        elif not e.valid_during(window) or ceased(indicator, e, window):
            # It did not exist in the window, or (for a stock) ceased before the latest
            # snapshot: it is not part of what the target measures.
            continue
        elif (indicator.code, e.code) in blocked:
            verdict = Verdict.INVALID
        else:
            verdict = Verdict.NO_DATA
        out.append(EntityResult(entity=e.code, level=e.level, verdict=verdict,
                                observations=tuple(by_unit.get(e.code, ()))))
    return out


def statistics(figures: Figures, missing: Sequence[EntityResult], observed: Fraction | None,
               derived: bool) -> Statistics:
    """Every statistic of the units' figures, beside the verdict counts of the units (those
    with figures, and the ``missing`` ones)."""
    counts = dict.fromkeys(Verdict, 0)
    for v in figures.verdicts:
        counts[v] += 1
    for r in missing:
        counts[r.verdict] += 1
    low, high = figures.extremes
    sums = figures.counts
    return Statistics(
        n_entities=len(figures.verdicts) + len(missing), n_observations=figures.used,
        met=counts[Verdict.MET], not_met=counts[Verdict.NOT_MET],
        no_data=counts[Verdict.NO_DATA], not_applicable=counts[Verdict.NOT_APPLICABLE],
        invalid=counts[Verdict.INVALID], mean=figures.mean, minimum=low, maximum=high,
        numerator=sums[0] if sums else None, denominator=sums[1] if sums else None,
        pooled=figures.pooled,
        reported=observed if figures.target.aggregation is Aggregation.REPORTED
        and not derived else None,
    )


def headline(figures: Figures, missing: Sequence[Verdict], derived: bool, excluded: bool,
             blocks_indicator: bool, sink: IssueSink | None,
             rule: MissingUnits | None = None, *,
             rolled: Coverage | None = None) -> tuple[Verdict, Fraction | None]:
    """The target's verdict and the statistic it is judged on.

    ``missing``: the verdicts of the units in scope without figures; ``excluded``: whether
    figures were set aside because target or unit did not apply; ``blocks_indicator``:
    whether a data issue blocks some figure of the indicator. ``sink`` hears why a ratio of
    sums could not be formed (None for a target's earlier points). ``rule``: what a missing
    unit means (default: the target's :meth:`~plan_rules.Target.missing_rule`); when some
    units reported and too few for it, the target is ``incomplete`` (``invalid`` where a
    missing unit's figures are blocked), its statistic the reporters'. ``rolled``: the
    coverage of a rolled-up figure, whose units the rule is applied to in the same way.
    """
    target, indicator, combined = figures.target, figures.indicator, figures.combined
    if rule is None:
        rule = target.missing_rule(indicator.kind)
    missing_verdict = Verdict.INVALID if blocks_indicator else Verdict.NO_DATA
    absent = sum(1 for v in missing if v in (Verdict.NO_DATA, Verdict.INVALID))
    reporters = len(combined)
    # Nothing reported is no data, not an incomplete figure: there is no figure at all.
    short = bool(reporters) and not rule.allows(reporters, reporters + absent)
    if target.aggregation is Aggregation.EACH:
        lower = target.comparator in (Comparator.GE, Comparator.GT)
        low, high = figures.extremes
        observed = low if lower else high
        present = {*figures.verdicts, *(v for v in missing if v is not Verdict.NO_DATA)}
        if short:
            present.add(Verdict.INCOMPLETE)
        elif not reporters and Verdict.NO_DATA in missing:
            present.add(Verdict.NO_DATA)
        verdict = next((v for v in _PRECEDENCE if v in present), None)
        if verdict is None:
            verdict = Verdict.NOT_APPLICABLE if excluded else missing_verdict
        return verdict, observed
    if target.aggregation is Aggregation.REPORTED:
        observed = (next(iter(combined.values())).figure if len(combined) == 1 and not derived
                    else figures.rolled_up)
    elif target.aggregation is Aggregation.POOLED:
        observed = figures.pooled
    else:
        observed = figures.mean
    if observed is None:
        pooling = target.aggregation is Aggregation.POOLED or derived or len(combined) > 1
        if combined and indicator.kind is Kind.RATE and pooling:
            return _unpoolable(combined, sink), None
    if any(c.counts_needed for c in combined.values()):
        # A unit's flow over several periods given as percentages has no figure: the
        # statistic of the others would not be the scope's.
        return Verdict.INVALID, None
    if observed is None:
        if Verdict.INVALID in missing:
            return Verdict.INVALID, None
        # Figures set aside as not applying must not hide a unit in scope that sent nothing.
        if excluded and not combined and Verdict.NO_DATA not in missing:
            return Verdict.NOT_APPLICABLE, None
        return missing_verdict, None
    if short and not derived:
        if Verdict.INVALID in missing:
            return Verdict.INVALID, None
        return Verdict.INCOMPLETE, observed
    if derived and rolled is not None and rolled.reported \
            and not rule.allows(rolled.reported, rolled.expected):
        # The units under a rolled-up scope unit are its scope: a silent one is missing
        # from the roll-up as a silent unit is from a pooled figure.
        if any(m.verdict is Verdict.INVALID for m in rolled.missing):
            return Verdict.INVALID, None
        return Verdict.INCOMPLETE, observed
    met = target.comparator.holds(observed, target.threshold)
    return (Verdict.MET if met else Verdict.NOT_MET), observed


def coverage(data: TargetData, window: Period, measured: Measured) -> Coverage:
    """Which of the target's units were expected during ``window``, which reported and
    which are missing (with their names where known), under the target's rule."""
    target, indicator = data.target, data.indicator
    rule = target.missing_rule(indicator.kind)
    absent = [r for r in measured.missing if r.verdict in (Verdict.NO_DATA, Verdict.INVALID)]
    names: dict[str, str | None] = {}
    if absent:
        wanted = {r.entity for r in absent}
        names = {e.code: e.name for e in data.in_scope if e.code in wanted}
    gone = tuple(MissingUnit(code=r.entity, name=names.get(r.entity), verdict=r.verdict)
                 for r in sorted(absent, key=lambda r: r.entity))
    if measured.rolled is not None:
        return measured.rolled
    if measured.derived:
        # Pooled from every unit outside the scope (no tree places them): the scope
        # reported.
        n = max(1, sum(1 for e in data.in_scope if e.valid_during(window)))
        return Coverage(expected=n, reported=n, rule=rule)
    reported = len(measured.figures.combined)
    return Coverage(expected=reported + len(gone), reported=reported, missing=gone, rule=rule)


def _unpoolable(combined: Mapping[str, Combined], sink: IssueSink | None) -> Verdict:
    """Why a ratio of sums could not be formed, said on the rows concerned. A unit whose
    figure needs counts already (a flow of percentages, a roll-up of them) was named where
    its figure was formed: its rows are not named again, some of them giving counts."""
    needed = any(c.counts_needed for c in combined.values())
    percentages = [i for c in combined.values() if c.numerator is None and not c.counts_needed
                   for i in c.used]
    if sink is not None:
        for i in percentages:
            sink.issue("counts_needed", i,
                       "tỷ lệ gộp cần tử số và mẫu số; dòng này chỉ có tỷ lệ phần trăm",
                       "a pooled ratio needs numerator and denominator; this row gives only a "
                       "percentage", field="numerator", blocking=False,
                       expected="numerator and denominator")
    if percentages or needed:
        return Verdict.INVALID
    if sink is not None:
        for c in combined.values():
            for i in c.used:
                sink.issue("zero_denominator", i,
                           "mẫu số bằng 0: không có gì để tính tỷ lệ",
                           "the denominator is 0: there is nothing to take a rate of",
                           field="denominator", blocking=False, severity="warning",
                           expected="a denominator above 0")
    return Verdict.NO_DATA


@attrs.frozen
class TargetData:
    """What a target is measured on, the same at every date: its indicator's series, the
    units in its scope (in code order), and what the data issues blocked."""

    table: FigureTable
    target: Target
    indicator: Indicator
    series: Sequence[Series]
    unit_of: Sequence[Entity | None]
    in_scope: Sequence[Entity]
    #: The positions of the indicator's figures that a data issue blocks, by unit code, and
    #: those of them that put their unit in the scope: only those inside a date's window
    #: block the target at that date.
    blocked: Mapping[str, Sequence[int]]
    blocked_in_scope: frozenset[int] = frozenset()
    #: The entity tree: a scope unit it knows that gave no figure is rolled up from its own
    #: descendants (None, or a scope no unit of which it knows: from every unit outside
    #: the scope, the figures being taken as the territory's).
    tree: Tree | None = None
    #: Whether the target rolls a scope unit that gave no figure up from its descendants
    #: although it is no ``reported`` target (``Target.roll_up``), and some unit in scope has
    #: units below it in the tree to roll up.
    nested: bool = False

    @property
    def rolls_up(self) -> bool:
        """Whether the figures of units outside the scope can stand for a scope unit's: a
        ``reported`` target's, or a ``roll_up`` target's over units with units below them."""
        return self.target.aggregation is Aggregation.REPORTED or self.nested

    @property
    def placed(self) -> bool:
        """Whether the scope's units are placed in the tree, so that each is rolled up
        from its own descendants."""
        return self.tree is not None and any(self.tree.knows(e.code) for e in self.in_scope)


@attrs.frozen
class Measured:
    """A target as of one date: the figures chosen and combined, and its verdict."""

    selection: Selection
    figures: Figures
    missing: list[EntityResult]
    derived: bool
    verdict: Verdict
    observed: Fraction | None
    #: Each scope unit rolled up from its descendants, with the units it came from.
    derived_from: Mapping[str, tuple[str, ...]] = attrs.field(factory=dict)
    #: The coverage of a rolled-up figure (:func:`rolled_coverage`), where it was needed:
    #: at the run's date, or for a rule that can make the target incomplete.
    rolled: Coverage | None = None

    @property
    def used(self) -> tuple[int, ...]:
        """The positions of the figures used, in order."""
        return tuple(sorted(chain.from_iterable(c.used for c in self.figures.combined.values())))

    def last_end(self, table: FigureTable) -> date | None:
        """The last period end among the figures used (None if none was): each unit's are in
        period order, so its last one ends last."""
        ends, period = [p.end for p in table.periods.values], table.period
        return max((ends[period[c.used[-1]]] for c in self.figures.combined.values()),
                   default=None)

    def ends(self, table: FigureTable) -> set[date]:
        """The period ends of the figures used and of those set aside (older snapshots).

        A prefix's ends are its series' first ends, no figure looked up; the other
        positions' periods are looked up together, in builtins: per province, the 1,530
        targets' ends took 0.15 s of CPU instead of 0.20 s (replayed, best of 7)."""
        out: set[date] = set()
        others: list[int] = []
        for c in self.figures.combined.values():
            for positions in (c.used, c.history):
                if isinstance(positions, Prefix):
                    out.update(positions.series.ends[:positions.n])
                else:
                    others.extend(positions)
        ends = [p.end for p in table.periods.values]
        out.update(map(ends.__getitem__, map(table.period.__getitem__, others)))
        return out


def measure(data: TargetData, window: Period, when: date, sink: IssueSink | None,
            chosen: Selection | None = None) -> Measured:
    """Select, combine and aggregate the figures of ``data``'s target as of ``when``.

    ``sink`` hears of overlapping periods and unpoolable figures; None for a target's earlier
    points, whose data was already spoken of as of the run's date. ``chosen``: the figures
    selected already, if they were.
    """
    table, target, indicator = data.table, data.target, data.indicator
    if chosen is None:
        chosen = select(table, target, indicator, data.series, window, when,
                        others=data.rolls_up)
    blocked = _blocked_in(data, window)
    combined = combine_units(table, indicator, chosen.own, data.unit_of, sink)
    derived = False
    derived_from: dict[str, tuple[str, ...]] = {}
    # A scope unit's own figure is rolled up from its units only when it gave none: a figure
    # it gave that a data issue blocks makes the target invalid instead.
    if target.aggregation is Aggregation.REPORTED and chosen.others \
            and not any(blocked.values()):
        if data.placed:
            assert data.tree is not None
            combined, derived_from = _rolled_up(data, chosen, combined, sink)
            derived = bool(derived_from)
        elif not combined:
            combined = combine_units(table, indicator, chosen.others, data.unit_of, sink)
            derived = True
    elif data.nested and chosen.others:
        assert data.tree is not None
        combined, derived_from, blocked = _each_rolled_up(data, chosen, combined, blocked,
                                                          window, sink)
    figures = Figures(indicator, target, combined)
    names = table.entities.values
    missing = missing_units(indicator, target, window, data.in_scope, figures,
                            chosen.excluded,
                            {i: names[table.entity[i]] for i in chosen.excluded},
                            blocked)
    rule = target.missing_rule(indicator.kind)
    rolled = None
    # A roll_up target's scope units each stand for themselves (a province rolled up is
    # one unit reported); a reported target's rolled-up unit stands for the units below it.
    if derived and derived_from and (sink is not None
                                     or rule.strategy is not MissingStrategy.SKIP_MISSING):
        rolled = rolled_coverage(data, window, combined, derived_from, blocked, rule)
    verdict, observed = headline(figures, [r.verdict for r in missing], derived,
                                 bool(chosen.excluded), bool(blocked), sink, rule,
                                 rolled=rolled)
    return Measured(selection=chosen, figures=figures, missing=missing, derived=derived,
                    verdict=verdict, observed=observed, derived_from=derived_from,
                    rolled=rolled)


def rolled_coverage(data: TargetData, window: Period, combined: Mapping[str, Combined],
                    derived_from: Mapping[str, tuple[str, ...]],
                    blocked: Mapping[tuple[str, str], object],
                    rule: MissingUnits) -> Coverage:
    """The coverage of a target whose scope units were rolled up from their own units:
    each rolled-up scope unit stands for the units expected under it
    (:func:`~plan_rules.rollup.below`), those that sent nothing named; a scope unit with a
    figure of its own is one unit reported, and one with neither a figure nor any unit's is
    one unit missing."""
    assert data.tree is not None
    indicator = data.indicator
    heads = frozenset(e.code for e in data.in_scope)
    under = rollup.below(data.tree, heads, derived_from, window, indicator.snapshot)
    expected = reported = 0
    gone: list[MissingUnit] = []
    code = indicator.code

    def verdict(unit: str) -> Verdict:
        return Verdict.INVALID if (code, unit) in blocked else Verdict.NO_DATA

    for e in data.in_scope:
        if e.code in under and under[e.code].expected:
            b = under[e.code]
            expected += len(b.expected)
            reported += len(b.expected) - len(b.silent)
            gone.extend(MissingUnit(code=u.code, name=u.name, verdict=verdict(u.code))
                        for u in b.silent)
        elif e.code in combined or e.code in derived_from:
            expected += 1
            reported += 1
        elif e.valid_during(window) and not ceased(indicator, e, window):
            expected += 1
            gone.append(MissingUnit(code=e.code, name=e.name, verdict=verdict(e.code)))
    return Coverage(expected=expected, reported=reported,
                    missing=sorted(gone, key=lambda m: m.code), rule=rule)


def _each_rolled_up(data: TargetData, chosen: Selection, combined: dict[str, Combined],
                    blocked: Mapping[tuple[str, str], bool], window: Period,
                    sink: IssueSink | None,
                    ) -> tuple[dict[str, Combined], dict[str, tuple[str, ...]],
                               dict[tuple[str, str], bool]]:
    """For a ``roll_up`` target that is not ``reported`` (``each`` province reaching 80%):
    ``combined`` with each scope unit that gave no figure rolled up from its own descendants,
    one figure per unit, the units each came from, and ``blocked`` with the scope units a
    blocked figure of a descendant keeps from a roll-up (each is ``invalid``, as a unit whose
    own figure is blocked: its figure would lack that descendant's)."""
    assert data.tree is not None
    tree, code = data.tree, data.indicator.code
    lacking = frozenset(e.code for e in data.in_scope
                        if e.code not in combined and (code, e.code) not in blocked)
    if not lacking:
        return combined, {}, dict(blocked)
    held = dict(blocked)
    for (_, unit) in blocked:
        head = tree.ancestor_among(unit, lacking, window)
        if head is not None:
            held[(code, head)] = held.get((code, head), False)
    heads = frozenset(h for h in lacking if (code, h) not in held)
    if not heads:
        return combined, {}, held
    entities = {e.code: e for e in data.in_scope}
    out = dict(combined)
    derived_from: dict[str, tuple[str, ...]] = {}
    table, indicator = data.table, data.indicator
    spans = [(p.end, p.start) for p in table.periods.values]
    for head, positions in rollup.groups(table, tree, heads, chosen.others).items():
        parts = combine_units(table, indicator, positions, data.unit_of, sink)
        rolled = rollup.roll_up(table, indicator, entities[head], parts)
        if rolled is None:
            # Percentages cannot be pooled: the unit's figure needs its units' counts.
            # In period order (``spans``), as every unit's figures are (the last one ends
            # last).
            rolled = Combined(entity=entities[head], used=sorted(
                (i for c in parts.values() for i in c.used),
                key=lambda i: (spans[table.period[i]], i)), counts_needed=True)
            if sink is not None:
                _unpoolable(parts, sink)
        out[head] = rolled
        derived_from[head] = tuple(sorted(parts))
    return dict(sorted(out.items())), derived_from, held


def _rolled_up(data: TargetData, chosen: Selection, combined: dict[str, Combined],
               sink: IssueSink | None,
               ) -> tuple[dict[str, Combined], dict[str, tuple[str, ...]]]:
    """``combined`` with each scope unit that gave no figure rolled up from its own
    descendants (:mod:`~plan_rules.rollup`), and the units each came from.

    A scope of one unit (a province's own plan) keeps its descendants' figures as they are:
    the target's statistic is their roll-up all the same (:class:`Figures` pools them by the
    same rule), and the units' own results, mean and extremes stay in the finding. A scope
    of several (the provinces of a national file) has one rolled-up figure per unit."""
    assert data.tree is not None
    table, indicator = data.table, data.indicator
    lacking = frozenset(e.code for e in data.in_scope if e.code not in combined)
    if not lacking:
        return combined, {}
    entities = {e.code: e for e in data.in_scope}
    out = dict(combined)
    derived_from: dict[str, tuple[str, ...]] = {}
    alone = len(entities) == 1
    for head, positions in rollup.groups(table, data.tree, lacking, chosen.others).items():
        parts = combine_units(table, indicator, positions, data.unit_of, sink)
        derived_from[head] = tuple(sorted(parts))
        if alone:
            return parts, derived_from
        rolled = rollup.roll_up(table, indicator, entities[head], parts)
        if rolled is None:
            # Percentages cannot be pooled: the units stand as they are, and the target
            # says which rows need their counts.
            out.update(parts)
        else:
            out[head] = rolled
    return dict(sorted(out.items())), derived_from


def earlier(data: TargetData, window: Period, when: date,
            ) -> tuple[Verdict, Fraction | None, date | None]:
    r"""The verdict of ``data``'s target as of an earlier date ``when``, its statistic and the
    last period end of the figures used: what a point of its history needs, and no more.

    A scope unit's rate pooled from its units' figures, when each unit's is its usual series
    prefix (:func:`~plan_rules.combine.prefix_counts`) and the target's rule skips missing
    units (else a silent unit may make the point ``incomplete``), is summed from the series
    without a combined figure per unit; anything else is :func:`measure`\ d. On the national figures
    these are the 21 province-wide rates pooled from all 4,017 units, three quarters of the
    unit figures of every earlier point: the targets and their histories took 1.6 s of CPU
    instead of 2.0 s (in one process, the best of 3 each, twice in turn; load about 0.5).
    """
    table, target, indicator = data.table, data.target, data.indicator
    chosen = select(table, target, indicator, data.series, window, when,
                    others=data.rolls_up)
    pooled = None
    # Only where a silent unit cannot make the point incomplete: a rule that can needs the
    # roll-up's coverage, which :func:`measure` works out.
    skips_missing = target.missing_rule(indicator.kind).strategy is \
        MissingStrategy.SKIP_MISSING
    if target.aggregation is Aggregation.REPORTED and indicator.kind is Kind.RATE \
            and skips_missing and not chosen.own and chosen.others \
            and not any(_blocked_in(data, window).values()):
        others = chosen.others
        if data.placed:
            assert data.tree is not None
            others = rollup.flattened(rollup.groups(
                table, data.tree, frozenset(e.code for e in data.in_scope), others))
        pooled = _pooled_prefixes(table, indicator, others) if others else None
    if pooled is None:
        past = measure(data, window, when, None, chosen)
        return past.verdict, past.observed, past.last_end(table)
    num, den, last = pooled
    if not den:
        return Verdict.NO_DATA, None, last  # as a ratio of sums of zero: nothing to judge
    observed = Fraction(num, den)
    met = target.comparator.holds(observed, target.threshold)
    return (Verdict.MET if met else Verdict.NOT_MET), observed, last


def _pooled_prefixes(table: FigureTable, indicator: Indicator,
                     chosen: Mapping[str, Sequence[int]]) -> tuple[int, int, date] | None:
    """The sums of the units' counts and their last period end, when every unit's figures
    are a series prefix whose counts :func:`~plan_rules.combine.prefix_counts` gives."""
    num = den = 0
    last: date | None = None
    snapshot = indicator.snapshot
    for positions in chosen.values():
        if not isinstance(positions, Prefix):
            return None
        counts = prefix_counts(table, snapshot, positions)
        if counts is None:
            return None
        num += counts[0]
        den += counts[1]
        end = positions.series.ends[positions.n - 1]
        if last is None or end > last:
            last = end
    assert last is not None  # ``chosen`` is not empty
    return num, den, last


def _blocked_in(data: TargetData, window: Period) -> dict[tuple[str, str], bool]:
    """The (indicator, unit) pairs with a blocked figure inside ``window``, each with
    whether such a figure puts its unit in the scope: a blocked figure of a period the
    target does not measure at this date (Q4 as of 31 March, last year's) blocks nothing."""
    out: dict[tuple[str, str], bool] = {}
    table, target, code = data.table, data.target, data.indicator.code
    for unit, positions in data.blocked.items():
        for i in positions:
            p = table.period_of(i)
            if window.covers(p) and target.valid_during(p):
                key = (code, unit)
                out[key] = out.get(key, False) or i in data.blocked_in_scope
    return out

