"""The evaluation: figures and a registry in, a report out, through one stage after another.

Each stage is a module of pure functions over explicit values, in the order of the data flow:

- :mod:`~plan_rules.figures`: the figures as columns (readers build it directly);
- :mod:`~plan_rules.resolve`: which unit each figure belongs to;
- :mod:`~plan_rules.territory`: the entity tree as of a date, and which figures lie
  within each plan's territory;
- :mod:`~plan_rules.validate`: each figure used, or named by a data issue;
- :mod:`~plan_rules.window`: the window of a target as of a date, and the figures in it;
- :mod:`~plan_rules.combine`: each unit's figure from its periods (flow: sum; stock: latest);
- :mod:`~plan_rules.rollup`: a unit that gave no figure, from its descendants';
- :mod:`~plan_rules.compare`: each figure against the threshold, exactly, and the gaps;
- :mod:`~plan_rules.aggregate`: the units over the target's scope, and its verdict;
- :mod:`~plan_rules.history`: the target's earlier points and the progress methods;
- :mod:`~plan_rules.composite`: the indices' scores per unit, and the score and rank targets;
- :mod:`~plan_rules.checks`: the plugins' checks;
- :mod:`~plan_rules.account`: every figure used or named;
- :mod:`~plan_rules.report`: the report and its JSON form.

This module only hands each stage what the one before it made. No plugin hook is called per
figure: checks are called once, progress methods once per target.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from itertools import chain
from typing import Any

from . import (
    account,
    aggregate,
    checks,
    compare,
    composite,
    history,
    territory,
    validate,
    window,
)
from ._bulk import collector_paused
from .checks import CheckContext, CheckParts
from .dataissues import IssueSink
from .figures import FigureTable
from .model import (
    Aggregation,
    DataIssue,
    Entity,
    Finding,
    Observation,
    Statistics,
    Target,
    Verdict,
)
from .periods import Period
from .registry import Registry, load_registry, select_plans
from .report import DEFAULT_MAX_ISSUES, CheckTiming, IssueLedger, Report, RunInfo
from .resolve import Units
from .territory import Tree
from .words import closed_message

__all__ = ["CheckContext", "evaluate"]


def evaluate(
    observations: Iterable[Observation],
    *,
    registry: Registry | None = None,
    plans: Iterable[str] | None = None,
    as_of: date | None = None,
    entities: Iterable[Entity] | Mapping[str, Entity] | None = None,
    issues: Iterable[DataIssue] = (),
    strict: bool | None = None,
    progress_methods: Sequence[str] | None = None,
    max_issues: int | None = DEFAULT_MAX_ISSUES,
    check_parts: CheckParts | None = None,
) -> Report:
    """Evaluate every target and check of ``registry`` against ``observations``.

    :param observations: the figures, in any order (the report does not depend on it): a
        :class:`~plan_rules.figures.FigureTable` as the readers return it, or any iterable
        of :class:`~plan_rules.Observation`.
    :param registry: what to evaluate; default :func:`plan_rules.load_registry`.
    :param plans: the codes of the plans to evaluate: their targets, and the checks that
        read their indicators (see :func:`~plan_rules.registry.select_plans`); default every
        plan loaded. A figure of another plan's indicator is read and named ``unused``.
    :param as_of: the date of the evaluation; figures for later periods are not used.
    :param entities: the reporting units with their levels, groups, parents and validity
        dates, several rows for a code that changes parent, level or group on a date (see
        :class:`~plan_rules.territory.Tree`); units seen only in the data are taken with the
        level their rows give, and lie within no plan's territory.
    :param issues: data issues found before evaluation (e.g. by a reader), carried into the
        report.
    :param strict: re-raise a check's (or a progress method's) exception instead of reporting
        it (default: the registry's strictness).
    :param progress_methods: the codes of the progress methods to run, the first giving each
        finding's headline ``progress``; default: every loaded method, ``linear`` first. An
        empty sequence skips progress (and the history it reads).
    :param max_issues: how many data issues of each code and severity the report lists in
        full (``issues`` given included); the others are counted and named by row ranges in
        ``report.issue_summaries``, and never built as objects. ``None`` or 0: list all.
    :param check_parts: when ``observations`` are the summaries of a file read in parts
        (:func:`plan_rules.partials.finish` passes them), the checks' merged parts: a check
        run in parts is finished from its part.
    :raises UnknownReferenceError: a plan or a progress method named is not loaded.
    :raises ValueError: ``max_issues`` is negative or not a whole number.

    Python's cyclic garbage collector is paused while the library's own stages run, and
    only then: the run holds a few large containers (the unit of every figure, each unit's
    series) that every full collection would walk again, and none of its objects form a
    cycle. Measured on the national benchmark's figures (1.3 million, fresh processes,
    medians of 3): 8.0 s of CPU with the pause, 11.9 s without. The plugins' progress methods
    and checks run with the collector as the caller had it.
    """
    from . import __version__

    reg = registry if registry is not None else load_registry()
    if plans is not None:
        reg = select_plans(reg, plans)
    when = as_of or date.today()
    table = FigureTable.from_observations(observations)
    tree = Tree(entities.values() if isinstance(entities, Mapping) else entities or ())
    known = tree.entities()
    ledger = IssueLedger(max_issues)
    ledger.extend(issues)
    ledger.extend(tree.issues)
    sink = IssueSink(table, ledger)
    methods = history.methods_of(reg, progress_methods)
    is_strict = strict if strict is not None else reg.strict
    timings: list[checks.Timing] = []
    # Evaluation makes a result per unit and target but no cycle worth collecting: the
    # collector would only walk the figures again and again.
    with collector_paused():
        units = Units(table, known, {code: tree.levels(code) for code in known})
        valid = validate.validate(table, reg.indicators, units, sink)
        territories = {code: territory.enforced(tree, plan)
                       for code, plan in reg.plans.items()}
        homes = _homes(reg, territories)
        # Each figure outside the territory of every plan reading its indicator is named
        # once, and kept from every stage after this one.
        usable = {code: territory.within_territory(
                      table, positions, tree, _one_or_all(homes.get(code, {None})), sink)
                  for code, positions in valid.usable.items()}
        series: dict[str, list[window.Series]] = {}

        def series_of(code: str) -> list[window.Series]:
            if code not in series:
                series[code] = window.series(table, usable.get(code, ()), valid.unit_of)
            return series[code]

        parts: dict[str, dict[str, list[window.Series]]] = {}
        # Where each unit's figure of a period lies, by the territories asked of it.
        places: dict[frozenset[str], dict[tuple[int, int], tuple[str, ...]]] = {}

        def series_in(code: str, within: str | None) -> list[window.Series]:
            """The series of indicator ``code`` within ``within``: all of them when every
            plan reading it keeps to that one territory (or to none)."""
            if within is None or homes.get(code, {None}) <= {within}:
                return series_of(code)
            if code not in parts:
                asked = frozenset(t for t in homes[code] if t is not None)
                parts[code] = territory.split_series(
                    table, series_of(code), valid.unit_of, tree, asked,
                    places.setdefault(asked, {}))
            return parts[code][within]

        scopes: dict[object, list[Entity]] = {}
        measured = []
        for target in reg.targets.values():
            plan = plan_of(reg, target)
            within = territories.get(plan)
            data = _target_data(table, target, reg, series_in(target.indicator, within),
                                valid, units, sink, tree, within, scopes)
            finding, made_of = _finding(data, when, sink, plan=reg.plans.get(plan))
            measured.append((data, finding, history.history(data, finding, made_of, when,
                                                            methods)))
        scored = composite.evaluate_composites(table, reg.indicators, reg.composites, when,
                                               series_of, valid.unit_of, units.entities, sink)
    # The plugins' code (progress methods, checks) runs with the collector as the caller had
    # it: what it allocates is its own business.
    findings = [history.assess(data.target, data.indicator, finding, past, methods, when,
                               is_strict) for data, finding, past in measured]
    findings.extend(scored)
    ctx = CheckContext(table, as_of=when, registry=reg, entities=units.entities,
                       blocked=frozenset(sink.blocked), series=series_of, given=valid.given,
                       as_rows=None if check_parts is None else check_parts.as_rows)
    findings.extend(checks.run_checks(ctx, len(table), is_strict, timings,
                                      None if check_parts is None else check_parts.parts))
    with collector_paused():
        account.account(table, findings, when, valid.unit_of, sink)
    areas = {p.code: {a.code: a.name for a in p.areas} for p in reg.plans.values()}
    return Report(
        findings=tuple(findings),
        issues=tuple(ledger.in_row_order()),
        issue_summaries=ledger.summaries(),
        as_of=when,
        library_version=__version__,
        plugins=reg.plugins,
        problems=reg.problems,
        areas=areas,
        observations=table,
        n_observations=len(table),
        run=RunInfo(checks=tuple(CheckTiming(code=c, plugin=p, nanoseconds=ns)
                                 for c, p, ns in timings)),
    )


def _homes(registry: Registry, territories: Mapping[str, str | None],
           ) -> dict[str, set[str | None]]:
    """The territories each indicator's figures are read in: its own plan's (when it is
    evaluated), and those of the plans of its targets (the plans instantiated per territory
    share the template's indicators); None for a plan that keeps to no territory. An
    indicator no plan evaluated reads is not here: every figure of it is read."""
    out: dict[str, set[str | None]] = {
        code: {territories[ind.plan]} for code, ind in registry.indicators.items()
        if ind.plan in territories}
    for target in registry.targets.values():
        out.setdefault(target.indicator, set()).add(territories.get(plan_of(registry, target)))
    return out


def _one_or_all(places: set[str | None]) -> str | list[str] | None:
    """What :func:`~plan_rules.territory.within_territory` keeps to for these territories:
    nothing when one of them is None (every unit), else the one or all of them."""
    if None in places:
        return None
    named = sorted(p for p in places if p is not None)
    return named[0] if len(named) == 1 else named


def plan_of(registry: Registry, target: Target) -> str:
    """The code of the plan ``target`` belongs to (:meth:`Registry.plan_of`): a target
    evaluated reads a loaded indicator, so it always has one."""
    plan = registry.plan_of(target)
    assert plan is not None
    return plan


def _target_data(table: FigureTable, target: Target, registry: Registry,
                 series: Sequence[window.Series], valid: validate.Valid, units: Units,
                 sink: IssueSink, tree: Tree, within: str | None,
                 scopes: dict[object, list[Entity]]) -> aggregate.TargetData:
    """What ``target`` is measured on at every date: ``within`` is the territory of its plan
    (None: every unit is the plan's). ``scopes`` keeps the units of each scope, territory
    and window worked out, for the targets that share them (a plan instantiated per
    province repeats them)."""
    indicator = registry.indicators[target.indicator]
    scope = target.scope
    in_scope = scopes.get(scope)
    if in_scope is None:
        in_scope = scopes[scope] = sorted(
            (e for e in units.entities.values() if e.in_scope(scope)), key=lambda e: e.code)
    blocked = {code: positions for (ind, code), positions in sink.blocked_by.items()
               if ind == indicator.code}
    if within is not None:
        key = (scope, within, target.measurement)
        found = scopes.get(key)
        if found is None:
            found = scopes[key] = territory.scope_within(tree, in_scope, within,
                                                         target.measurement)
        in_scope = found
        periods, period = table.periods.values, table.period
        blocked = {code: kept for code, positions in blocked.items()
                   if (kept := [i for i in positions
                                if tree.within_for(code, within, periods[period[i]])])}
    levels = table.levels.values

    def in_scope_by(code: str, i: int) -> bool:
        # A blocked figure blocks the target through its unit when that unit, known or as
        # the row gives its level, is in the scope.
        entity = units.entities.get(code)
        if entity is not None:
            return entity.in_scope(scope)
        level = levels[table.level[i]]
        return level is not None and Entity(code=code, level=level).in_scope(scope)

    return aggregate.TargetData(
        table=table, target=target, indicator=indicator, series=series,
        unit_of=valid.unit_of, in_scope=in_scope, blocked=blocked,
        blocked_in_scope=frozenset(i for code, positions in blocked.items()
                                   for i in positions if in_scope_by(code, i)),
        tree=tree,
        nested=target.roll_up and target.aggregation is not Aggregation.REPORTED
        and not tree.parents().isdisjoint(e.code for e in in_scope),
    )


def _finding(data: aggregate.TargetData, when: date, sink: IssueSink, *,
             plan: object) -> tuple[Finding, aggregate.Measured | None]:
    """The finding of ``data``'s target as of ``when``, with what it was measured on (None
    when the target has no window yet)."""
    target, indicator = data.target, data.indicator
    base: dict[str, Any] = dict(
        window=None, code=target.code, kind="target", indicator=indicator.code,
        area=indicator.area, plan=target.plan or indicator.plan, plugin=target.plugin,
        scope=target.scope.describe(), aggregation=target.aggregation,
        comparator=target.comparator, threshold=target.threshold,
    )
    opened = window.opening(target, when)
    if not isinstance(opened, Period):
        reason, not_applicable = opened
        verdict = Verdict.NOT_APPLICABLE if not_applicable else Verdict.NO_DATA
        stats = Statistics()
        return Finding(**base, verdict=verdict, statistics=stats, details={},
                       message=compare.message(indicator, target, verdict, None, stats, None,
                                               reason, False)), None
    base["window"] = opened
    measured = aggregate.measure(data, opened, when, sink)
    figures = measured.figures
    results = compare.UnitResults(data.table, indicator, target, figures.combined,
                                  figures.verdicts, measured.missing)
    stats = aggregate.statistics(figures, measured.missing, measured.observed,
                                 measured.derived)
    verdict, observed = measured.verdict, measured.observed
    covered = aggregate.coverage(data, opened, measured)
    gap, units = compare.target_gap(indicator, target, verdict, observed, stats,
                                    results.short_units() if target.aggregation
                                    is Aggregation.EACH else ())
    details: dict[str, Any] = {
        "excluded": tuple(sorted(measured.selection.excluded)),
        "history": tuple(sorted(chain.from_iterable(c.history
                                                    for c in figures.combined.values()))),
    }
    if measured.derived:
        details["derived"] = True
    if measured.derived_from:
        details["derived_from"] = dict(measured.derived_from)
    if plan is not None:
        details["deadline"] = target.deadline.isoformat()
    said = compare.message(indicator, target, verdict, observed, stats, units, None,
                           measured.derived, coverage=covered,
                           worst=figures.worst(observed) if target.aggregation
                           is Aggregation.EACH else None)
    ended = window.closure(target, when)
    if ended is not None:
        # Judged on its own window, as on its last day: the report says it is final.
        details["closed"] = {"on": ended.on, "reason": None if ended.reason is None else
                             {"vi": ended.reason.vi, "en": ended.reason.en}}
        said = closed_message(said, ended.on, ended.reason)
    return Finding(
        **base, verdict=verdict, observed=observed, statistics=stats, gap=gap,
        gap_units=units, entities=results, observations=measured.used, details=details,
        coverage=covered,
        message=said,
    ), measured
