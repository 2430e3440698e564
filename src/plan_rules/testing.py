"""What a plugin author needs to test a plan_rules plugin in their own test suite.

:func:`check_plugin` loads a plugin the way a host does (by entry-point name, or as a module or
object) and checks that it conforms: its contributions load; its codes are unique and
well-formed; its targets name known indicators with thresholds that fit their kinds; its
plans, indicators, checks and progress methods are documented in Vietnamese and English, and
its indicators quote their source clause; its indices' points add up and their formulas read
what exists; and — generating observations and figures with :mod:`plan_rules.strategies` —
every check it contributes never raises on valid input, is deterministic and does not depend
on the order of the observations, every writer renders any report, every progress method
assesses any history, deterministically, and every index scores within its bounds and never
falls when an input its formulas are increasing in rises.
:class:`PluginConformance` runs the
same rules as one pytest test each. :func:`fake_distribution` and :func:`installed` write
flake8-style fake ``*.dist-info`` folders, to test discovery through entry points without
installing anything. :func:`check_report_json` checks a report's JSON against the report
schema shipped with plan_rules. Needs the ``testing`` extra (Hypothesis, jsonschema).
"""

from __future__ import annotations

import contextlib
import importlib
import importlib.resources
import json
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from fractions import Fraction
from pathlib import Path
from typing import Any, ClassVar

import attrs
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from . import strategies
from .composite import Index, RankTarget, ScoreTarget, score
from .derive import Composite, Derived, Node, increasing, leaves, order
from .errors import PlanRulesError
from .hookspecs import PROJECT, hookimpl
from .model import (
    CODE_PATTERN,
    Check,
    Finding,
    Indicator,
    Kind,
    Plan,
    ProgressMethod,
    Target,
)
from .registry import BUILTIN, PluginHost, Registry, _fits_kind, discover, load_registry
from .report import Report
from .writers import Writer

__all__ = [
    "PROPERTY_RULES",
    "RULES",
    "ConformanceError",
    "Contributions",
    "PluginConformance",
    "PluginUnderTest",
    "Problem",
    "ReportSchemaError",
    "check_plugin",
    "check_report_json",
    "fake_distribution",
    "installed",
    "load_plugin",
    "report_schema",
]


@attrs.frozen(kw_only=True)
class Problem:
    """One way a plugin does not conform: the rule, the plugin, the code involved, why."""

    rule: str
    plugin: str
    message: str
    code: str | None = None

    def __str__(self) -> str:
        where = f"{self.plugin} {self.code}" if self.code else self.plugin
        return f"[{self.rule}] {where}: {self.message}"


class ConformanceError(PlanRulesError, AssertionError):
    """A plugin broke one or more conformance rules; ``problems`` lists every one."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = tuple(problems)
        lines = "\n".join(f"  {p}" for p in self.problems)
        super().__init__(f"{len(self.problems)} conformance problem(s):\n{lines}")


@attrs.frozen(kw_only=True)
class PluginUnderTest:
    """A plugin as the host loaded it, and what its hooks return when called on their own.

    ``registry`` holds the plugin and the plugins it requires, loaded as a host loads them;
    ``plans`` … ``composites`` are the plugin's raw contributions, including any the host
    rejected; ``failures`` say what went wrong importing it or calling its hooks.
    """

    name: str
    registry: Registry
    plans: tuple[Plan, ...] = ()
    indicators: tuple[Indicator, ...] = ()
    targets: tuple[Target, ...] = ()
    checks: tuple[Check, ...] = ()
    writers: tuple[Writer, ...] = ()
    progress_methods: tuple[ProgressMethod, ...] = ()
    composites: tuple[Composite, ...] = ()
    failures: tuple[str, ...] = ()

    @property
    def own_checks(self) -> list[Check]:
        """The checks of this plugin that the host accepted."""
        return [c for c in self.registry.checks.values() if c.plugin == self.name]

    @property
    def own_writers(self) -> list[Writer]:
        """The writers of this plugin that the host accepted."""
        return [w for w in self.registry.writers.values() if w.plugin == self.name]

    @property
    def own_progress_methods(self) -> list[ProgressMethod]:
        """The progress methods of this plugin that the host accepted."""
        return [m for m in self.registry.progress_methods.values() if m.plugin == self.name]

    @property
    def own_indices(self) -> list[Index]:
        """The composite indices of this plugin that the host accepted."""
        return [c for c in self.registry.composites.values()
                if isinstance(c, Index) and c.plugin == self.name]

    @property
    def derived(self) -> dict[str, Derived]:
        """Every derived indicator the host accepted, of any plugin, by code."""
        return {c: d for c, d in self.registry.composites.items() if isinstance(d, Derived)}


def _plugin_name(plugin: object) -> str:
    """The name a host registers ``plugin`` under: the entry-point name, else its
    ``__name__`` (a module) or ``name`` attribute, as :func:`load_registry` names it."""
    if isinstance(plugin, str):
        return plugin
    return str(getattr(plugin, "__name__", None) or getattr(plugin, "name", None)
               or repr(plugin))


def _import(plugin: object) -> object:
    if not isinstance(plugin, str):
        return plugin
    for candidate in discover():
        if candidate.name == plugin:
            return candidate.load()
    raise LookupError(
        f"no entry point named {plugin!r} in group {PROJECT!r}: is the distribution that "
        "declares it installed (pip install -e .)?")


def _raw(name: str, plugin: object) -> tuple[dict[str, tuple[Any, ...]], list[str]]:
    """Call each of the plugin's hooks on its own, outside any host, keeping everything."""
    contributions: dict[str, tuple[Any, ...]] = {}
    failures: list[str] = []
    try:
        host = PluginHost()
        host.register(_import(plugin), name)
    except Exception as exc:
        return contributions, [f"could not be loaded: {type(exc).__name__}: {exc}"]
    deferred: Mapping[str, Callable[[], list[tuple[str, Callable[[], Sequence[Any]]]]]] = {
        "plans": host.plans, "indicators": host.indicators, "targets": host.targets,
        "checks": host.checks, "writers": host.writers,
        "progress_methods": host.progress_methods, "composites": host.composites,
    }
    for what, calls in deferred.items():
        for _, call in calls():
            try:
                contributions[what] = tuple(call() or ())
            except Exception as exc:
                failures.append(f"its {what} hook raised {type(exc).__name__}: {exc}")
    return contributions, failures


def load_plugin(plugin: object | str, *, requires: Iterable[object | str] = ()) -> PluginUnderTest:
    """Load ``plugin`` with the plugins it needs, and the built-in plugin, as a host would,
    for the rules to inspect.

    :param plugin: an entry-point name in the ``plan_rules`` group (the installed plugin,
        found the way a host finds it), or a module or object with hook implementations.
    :param requires: other plugins it needs, e.g. the one that contributes its plan.
    """
    wanted = [plugin, *requires]
    names = [_plugin_name(p) for p in wanted]
    # Every host loads the built-in plugin too: a code that clashes with it must show.
    if BUILTIN not in names and any(c.name == BUILTIN for c in discover()):
        wanted.append(BUILTIN)
    registry = load_registry(
        [p for p in wanted if not isinstance(p, str)],
        entry_points=any(isinstance(p, str) for p in wanted),
        allow=[_plugin_name(p) for p in wanted], block=(), strict=False,
    )
    name = names[0]
    raw, failures = _raw(name, plugin)
    return PluginUnderTest(name=name, registry=registry, failures=tuple(failures), **raw)


# -- the rules -----------------------------------------------------------------------------


def _problem(rule: Callable[..., Any], p: PluginUnderTest, message: str,
             code: str | None = None) -> Problem:
    return Problem(rule=rule.__name__, plugin=p.name, message=message, code=code)


def contributions_load(p: PluginUnderTest) -> list[Problem]:
    """The plugin (and what it requires) imports, registers, and contributes something."""
    out = [_problem(contributions_load, p, f) for f in p.failures]
    out += [_problem(contributions_load, p, f"plugin {q.plugin!r}: {q.message}", q.code)
            for q in p.registry.problems if q.kind == "load"]
    if not out and p.registry.plugin(p.name) is None:
        out.append(_problem(contributions_load, p, "the host did not load it (is it blocked "
                            "by PLAN_RULES_BLOCK_PLUGINS?)"))
    if not out and not any((p.plans, p.indicators, p.targets, p.checks, p.writers,
                            p.progress_methods, p.composites)):
        out.append(_problem(contributions_load, p, "it contributes nothing: implement at least "
                            "one plan_rules_* hook with @plan_rules.hookimpl"))
    return out


def _codes(p: PluginUnderTest) -> list[tuple[str, str]]:
    return ([("plan", x.code) for x in p.plans] + [("indicator", x.code) for x in p.indicators]
            + [("target", x.code) for x in p.targets] + [("check", x.code) for x in p.checks]
            + [("writer", x.name) for x in p.writers]
            + [("progress method", x.code) for x in p.progress_methods]
            + [("composite", x.code) for x in _own(p)])


def codes_are_unique(p: PluginUnderTest) -> list[Problem]:
    """No code is contributed twice, by this plugin or by it and another loaded plugin."""
    seen: set[tuple[str, str]] = set()
    out = []
    for what, code in _codes(p):
        if (what, code) in seen:
            out.append(_problem(codes_are_unique, p, f"{what} code contributed twice", code))
        seen.add((what, code))
    # A clash with another loaded plugin is reported by the host; a repeat within this
    # plugin is already listed above.
    repeated = {p.code for p in out}
    out += [_problem(codes_are_unique, p, q.message, q.code) for q in p.registry.problems
            if q.kind == "duplicate" and q.plugin == p.name and q.code not in repeated]
    return out


def _plan_of(p: PluginUnderTest, indicator: str) -> str | None:
    known = {i.code: i for i in p.indicators} | dict(p.registry.indicators)
    found = known.get(indicator)
    return found.plan if found is not None else None


def codes_are_well_formed(p: PluginUnderTest) -> list[Problem]:
    """Codes are dotted words that start with their plan: ``<plan>.<area>.<n>`` for an
    indicator, ``<plan>.…`` for a target and for a check that reads one plan's indicators;
    writer names are single words."""
    out = [_problem(codes_are_well_formed, p, f"{what} code is not dotted words like HY25.PS.3",
                    code) for what, code in _codes(p) if not CODE_PATTERN.match(code)]
    for ind in p.indicators:
        if not ind.code.startswith(f"{ind.plan}.{ind.area}."):
            out.append(_problem(codes_are_well_formed, p, f"indicator code should start with "
                                f"'{ind.plan}.{ind.area}.' (plan.area.)", ind.code))
    for tgt in p.targets:
        plan = _plan_of(p, tgt.indicator)
        if plan is not None and not tgt.code.startswith(f"{plan}."):
            out.append(_problem(codes_are_well_formed, p,
                                f"target code should start with its plan '{plan}.'", tgt.code))
    for chk in p.checks:
        plans = {_plan_of(p, i) for i in chk.indicators} - {None}
        if len(plans) == 1 and not chk.code.startswith(f"{next(iter(plans))}."):
            out.append(_problem(codes_are_well_formed, p, "check code should start with the "
                                f"plan of the indicators it reads '{next(iter(plans))}.'",
                                chk.code))
    out += [_problem(codes_are_well_formed, p, "writer name should be one word", w.name)
            for w in p.writers if "." in w.name]
    return out


def targets_name_known_indicators(p: PluginUnderTest) -> list[Problem]:
    """Targets and checks name indicators that some loaded plugin contributes; indicators
    name a loaded plan, and one of its areas when the plan lists areas."""
    rule, out = targets_name_known_indicators, []
    for tgt in p.targets:
        if tgt.indicator not in p.registry.indicators:
            out.append(_problem(rule, p, f"names unknown indicator {tgt.indicator!r}", tgt.code))
    for chk in p.checks:
        for code in chk.indicators:
            if code not in p.registry.indicators:
                out.append(_problem(rule, p, f"reads unknown indicator {code!r}", chk.code))
    for ind in p.indicators:
        plan = p.registry.plans.get(ind.plan)
        if plan is None:
            out.append(_problem(rule, p, f"names unknown plan {ind.plan!r} (add the plugin "
                                "that contributes it to requires)", ind.code))
        elif plan.areas and plan.area(ind.area) is None:
            out.append(_problem(rule, p, f"names area {ind.area!r}, which plan {plan.code} "
                                "does not list", ind.code))
    return out


def thresholds_fit_kinds(p: PluginUnderTest) -> list[Problem]:
    """A rate's threshold is a fraction of one, a count's a whole number, a milestone's 1."""
    known = dict(p.registry.indicators) | {i.code: i for i in p.indicators}
    out = []
    for tgt in p.targets:
        ind = known.get(tgt.indicator)
        reason = _fits_kind(tgt, ind) if ind is not None else None
        if reason:
            out.append(_problem(thresholds_fit_kinds, p, reason, tgt.code))
    return out


def _translated(rule: Callable[..., Any], p: PluginUnderTest, code: str,
                **texts: Any) -> list[Problem]:
    return [_problem(rule, p, f"{field} reads the same in Vietnamese and English: translate "
                     "it", code) for field, text in texts.items() if text.vi == text.en]


def contributions_are_documented(p: PluginUnderTest) -> list[Problem]:
    """Plans, indicators, checks and progress methods carry Vietnamese and English text
    (translated, not copied), indicators quote the clause of the plan they come from, checks
    document what they check and progress methods their formulas."""
    rule, out = contributions_are_documented, []
    for plan in p.plans:
        out += _translated(rule, p, plan.code, title=plan.title)
    for ind in p.indicators:
        out += _translated(rule, p, ind.code, name=ind.name, description=ind.description)
        if not ind.clause.text_vi.strip() or not ind.clause.bullet.strip():
            out.append(_problem(rule, p, "the source clause is empty", ind.code))
    for chk in p.checks:
        out += _translated(rule, p, chk.code, name=chk.name)
        if not chk.description.strip():
            out.append(_problem(rule, p, "a check documents what it checks, why and an example "
                                "(its function's docstring)", chk.code))
    for method in p.progress_methods:
        out += _translated(rule, p, method.code, name=method.name)
        if not method.description.strip():
            out.append(_problem(rule, p, "a progress method documents its formulas and their "
                                "source (its function's docstring)", method.code))
    return out


def _own(p: PluginUnderTest) -> list[Composite]:
    """The plugin's composites as its hook returned them (something else is
    ``contributions_load``'s to report)."""
    return [c for c in p.composites if isinstance(c, Composite)]


def _refused(rule: Callable[..., Any], p: PluginUnderTest, kinds: Iterable[str],
             named: Iterable[Problem]) -> list[Problem]:
    """What loading refused of the plugin's composites, of ``kinds``, for a code ``named``
    does not already give a problem for: loading's words for a cause a rule does not look
    for itself (an unknown plan, another distribution's plan)."""
    codes = {c.code for c in _own(p)}
    done = {q.code for q in named}
    return [_problem(rule, p, q.message, q.code) for q in p.registry.problems
            if q.plugin == p.name and q.code in codes and q.code not in done
            and q.kind in kinds]


def index_weights_add_up(p: PluginUnderTest) -> list[Problem]:
    """Each index of the plugin is worth its maximum: its components' points (their weights)
    add up to it exactly, and each component's formula can give exactly its points and no
    more (its largest value, ``formula.bound()``, is the component's points: a formula that
    ends in ``Linear`` or ``Bands``, or a sum of them). Whatever else loading refuses in the
    declaration of the plugin's composites (a component named twice, a score target asking
    more points than its index has) is reported too."""
    rule, out = index_weights_add_up, []
    for index in (c for c in _own(p) if isinstance(c, Index)):
        for c in index.components:
            top = c.formula.bound()
            if top is None:
                out.append(_problem(rule, p, f"component {c.code!r} has no largest value: "
                                    "end its formula in a scoring node (Linear, Bands) or a "
                                    "sum of them", index.code))
            elif top != c.points:
                out.append(_problem(rule, p, f"component {c.code!r} is worth {c.points} "
                                    f"points but its formula gives at most {top}",
                                    index.code))
        total = sum((c.points for c in index.components), Fraction(0))
        if total != index.maximum:
            out.append(_problem(rule, p, f"the points of its components add up to {total}, "
                                f"not its maximum {index.maximum}", index.code))
    return out + _refused(rule, p, ("contribution",), out)


def _unread(node: Node, known: Mapping[str, Indicator],
            derived: Mapping[str, Derived]) -> list[str]:
    """Why a formula cannot be computed: each input that is no indicator, each count of
    what is not a reported rate."""
    out = [f"reads indicator {code!r}, which no loaded plugin contributes"
           for code in sorted(node.inputs()) if code not in known and code not in derived]
    out += [f"reads the numerator or denominator of {code!r}, which is not a reported rate"
            for code in sorted(node.counted())
            if code not in known or known[code].kind is not Kind.RATE]
    return out


def index_inputs_exist(p: PluginUnderTest) -> list[Problem]:
    """Every formula of the plugin's derived indicators and indices reads indicators that
    some loaded plugin contributes (reported, or derived) and the counts of reported rates
    only; no derived indicator reads itself, directly or through others; each score and
    rank target names a loaded index, and a rank target breaks ties by that index's groups
    or components. What else loading refuses as a reference among the plugin's composites
    (an unknown plan, another distribution's plan) is reported too."""
    rule, out = index_inputs_exist, []
    own = _own(p)
    known = {i.code: i for i in p.indicators} | dict(p.registry.indicators)
    composites: dict[str, Composite] = dict(p.registry.composites) | {c.code: c for c in own}
    derived = {c: d for c, d in composites.items() if isinstance(d, Derived)}
    _, cycles = order(derived)
    for item in own:
        if isinstance(item, Derived):
            if item.code in cycles:
                out.append(_problem(rule, p, "its formula refers to itself: "
                                    f"{' → '.join(cycles[item.code])}", item.code))
            out += [_problem(rule, p, why, item.code)
                    for why in _unread(item.formula, known, derived)]
        elif isinstance(item, Index):
            out += [_problem(rule, p, f"component {c.code!r} {why}", item.code)
                    for c in item.components for why in _unread(c.formula, known, derived)]
        elif isinstance(item, ScoreTarget | RankTarget):
            index = composites.get(item.index)
            if not isinstance(index, Index):
                out.append(_problem(rule, p, f"names index {item.index!r}, which no loaded "
                                    "plugin contributes", item.code))
            elif isinstance(item, RankTarget):
                fields = {c.code for c in index.components} | {g.code for g in index.groups}
                out += [_problem(rule, p, f"breaks ties by {f!r}, no group or component of "
                                 f"index {index.code!r}", item.code)
                        for f in item.tie_break if f not in fields]
    return out + _refused(rule, p, ("reference", "ownership"), out)


#: The rules that inspect contributions, in the order :func:`check_plugin` applies them.
RULES: tuple[Callable[[PluginUnderTest], list[Problem]], ...] = (
    contributions_load,
    codes_are_unique,
    codes_are_well_formed,
    targets_name_known_indicators,
    thresholds_fit_kinds,
    contributions_are_documented,
    index_weights_add_up,
    index_inputs_exist,
)


# -- the properties ------------------------------------------------------------------------


def _settings(max_examples: int) -> settings:
    return settings(
        max_examples=max_examples, deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                               HealthCheck.filter_too_much, HealthCheck.large_base_example],
    )


def _alone(p: PluginUnderTest, check: Check) -> Registry:
    """The registry with one check and no targets, score or rank targets: only the check's
    findings come out."""
    return attrs.evolve(p.registry, targets={}, checks={check.code: check}, composites={})


def _findings(registry: Registry, scenario: strategies.Scenario) -> list[Finding]:
    return scenario.evaluate(registry, strict=True).check_findings()


def _run(test: Callable[..., None], strategy: st.SearchStrategy[Any],
         max_examples: int) -> None:
    _settings(max_examples)(given(strategy)(test))()


def _fail(message: str) -> None:
    # Not `assert`: the rules must hold under `python -O` too.
    raise AssertionError(message)


def _never_raises(registry: Registry) -> Callable[[strategies.Scenario], None]:
    def check_never_raises(scenario: strategies.Scenario) -> None:
        _findings(registry, scenario)

    return check_never_raises


def checks_never_raise(p: PluginUnderTest, max_examples: int = 50) -> None:
    """Every check of the plugin runs without raising on any valid input, including figures
    that the engine reports as data issues (the figures consistency checks exist for)."""
    for check in p.own_checks:
        _run(_never_raises(_alone(p, check)), strategies.scenarios(p.registry, clean=False),
             max_examples)


def _deterministic(registry: Registry, code: str) -> Callable[[strategies.Scenario], None]:
    def check_is_deterministic(scenario: strategies.Scenario) -> None:
        first, second = _findings(registry, scenario), _findings(registry, scenario)
        if [(f, f.details) for f in first] != [(f, f.details) for f in second]:
            _fail(f"check {code} gave different findings on the same input:\n"
                  f"{first}\n{second}")

    return check_is_deterministic


def checks_are_deterministic(p: PluginUnderTest, max_examples: int = 50) -> None:
    """Every check of the plugin gives the same findings, details included, when run twice."""
    for check in p.own_checks:
        _run(_deterministic(_alone(p, check), check.code),
             strategies.scenarios(p.registry, clean=False), max_examples)


def _in_original_order(found: Sequence[Finding], order: Sequence[int]) -> list[Finding]:
    """Findings with observation positions mapped back to the unshuffled input."""
    def back(positions: Iterable[int]) -> tuple[int, ...]:
        return tuple(sorted(order[i] for i in positions))

    return [attrs.evolve(f, observations=back(f.observations), entities=tuple(
        attrs.evolve(e, observations=back(e.observations)) for e in f.entities))
        for f in found]


Shuffle = tuple[strategies.Scenario, list[int]]


def _order_independent(registry: Registry, code: str) -> Callable[[Shuffle], None]:
    def check_ignores_input_order(case: Shuffle) -> None:
        scenario, order = case
        rows = tuple(attrs.evolve(o, file="figures.csv", row=i + 2)
                     for i, o in enumerate(scenario.observations))
        expected = _findings(registry, attrs.evolve(scenario, observations=rows))
        shuffled = attrs.evolve(scenario, observations=tuple(rows[j] for j in order))
        found = _in_original_order(_findings(registry, shuffled), order)
        if found != expected:
            _fail(f"check {code} concluded differently when the rows came in another order:"
                  f"\n{expected}\n{found}")

    return check_ignores_input_order


def checks_ignore_input_order(p: PluginUnderTest, max_examples: int = 50) -> None:
    """Every check of the plugin concludes the same, message and all, whatever the order of
    the observations (rows keep their file and row; positions are compared mapped back)."""
    shuffles = strategies.scenarios(p.registry, clean=False).flatmap(
        lambda s: st.tuples(st.just(s), st.permutations(range(len(s.observations)))))
    for check in p.own_checks:
        _run(_order_independent(_alone(p, check), check.code), shuffles, max_examples)


def _renders(writer: Writer) -> Callable[[tuple[Report, str]], None]:
    def writer_renders_any_report(case: tuple[Report, str]) -> None:
        report, lang = case
        first = writer.render(report, lang)
        if not isinstance(first, str | bytes):
            _fail(f"writer {writer.name} returned {type(first).__name__}, not str or bytes")
        if writer.render(report, lang) != first:
            _fail(f"writer {writer.name} rendered the same report differently")

    return writer_renders_any_report


def writers_render_any_report(p: PluginUnderTest, max_examples: int = 50) -> None:
    """Every writer of the plugin renders any report in both languages, to text or bytes,
    the same way each time."""
    cases = st.tuples(strategies.reports(p.registry), st.sampled_from(("vi", "en")))
    for writer in p.own_writers:
        _run(_renders(writer), cases, max_examples)


Assessed = tuple[Registry, strategies.Scenario]


def _progress_cases(p: PluginUnderTest, method: ProgressMethod) -> st.SearchStrategy[Assessed]:
    """Evaluations with only ``method`` for progress: of the plugin's own targets (when it
    has any) and of generated registries, whose targets cover every kind and aggregation."""
    def alone(registry: Registry) -> Registry:
        return attrs.evolve(registry, checks={}, progress_methods={method.code: method})

    def cases(registry: Registry) -> st.SearchStrategy[Assessed]:
        return strategies.scenarios(registry, max_observations=30).map(
            lambda s: (alone(registry), s))

    generated = strategies.registries(min_targets=1).flatmap(cases)
    return cases(p.registry) | generated if p.registry.targets else generated


def _assessments(case: Assessed) -> list[Any]:
    registry, scenario = case
    return [f.assessments for f in scenario.evaluate(registry, strict=True).target_findings()]


def _assesses(case: Assessed) -> None:
    _assessments(case)


def progress_methods_never_raise(p: PluginUnderTest, max_examples: int = 50) -> None:
    """Every progress method of the plugin assesses any target's history without raising
    and returns a ``ProgressAssessment``."""
    for method in p.own_progress_methods:
        _run(_assesses, _progress_cases(p, method), max_examples)


def _assesses_twice_alike(case: Assessed) -> None:
    first, second = _assessments(case), _assessments(case)
    if first != second:
        _fail(f"a progress method assessed the same history differently:\n{first}\n{second}")


def progress_methods_are_deterministic(p: PluginUnderTest, max_examples: int = 50) -> None:
    """Every progress method of the plugin assesses the same history the same way twice."""
    for method in p.own_progress_methods:
        _run(_assesses_twice_alike, _progress_cases(p, method), max_examples)


def _shown(figures: strategies.UnitFigures) -> str:
    return ", ".join(f"{code} = {x}" + (f" ({figures.rates[code][0]}/{figures.rates[code][1]})"
                                        if code in figures.rates else "")
                     for code, x in sorted(figures.figures.items())) or "none"


def _within_bounds(index: Index, derived: Mapping[str, Derived],
                   ) -> Callable[[strategies.UnitFigures], None]:
    points = {c.code: c.points for c in index.components}

    def index_scores_within_bounds(figures: strategies.UnitFigures) -> None:
        s = score(index, "unit", figures, derived)
        # The component first: it says where the points come from.
        for c in s.components:
            if c.points is not None and not 0 <= c.points <= points[c.code]:
                _fail(f"component {c.code} of index {index.code} scored {c.points}, outside "
                      f"[0, {points[c.code]}], on the figures {_shown(figures)}")
        if s.total is not None and not 0 <= s.total <= index.maximum:
            _fail(f"index {index.code} scored {s.total}, outside [0, {index.maximum}], on "
                  f"the figures {_shown(figures)}")

    return index_scores_within_bounds


def index_scores_stay_within_bounds(p: PluginUnderTest, max_examples: int = 50) -> None:
    """On any unit's figures of what an index of the plugin reads (some missing; rates and
    steps its formulas name, exactly and one step either side), every score is within
    [0, the index's maximum] and every component's points within [0, its points]."""
    derived = p.derived
    for index in p.own_indices:
        _run(_within_bounds(index, derived),
             strategies.unit_figures(index, p.registry, derived=derived, missing=True),
             max_examples)


Raise = tuple[strategies.UnitFigures, str, int]


def _monotone(index: Index, derived: Mapping[str, Derived]) -> Callable[[Raise], None]:
    rising = {c.code: increasing(c.formula, derived) for c in index.components}
    reading = {c.code: leaves(c.formula, derived) for c in index.components}

    def index_scores_monotone(case: Raise) -> None:
        figures, code, by = case
        higher = figures.raised(code, by)
        before, after = score(index, "unit", figures, derived), \
            score(index, "unit", higher, derived)
        what = (f"when the figure of {code} rose from {figures.figure(code)} to "
                f"{higher.figure(code)} (the figures: {_shown(figures)})")
        for b, a in zip(before.components, after.components, strict=True):
            if rising[b.code] and b.points is not None and a.points is not None \
                    and a.points < b.points:
                _fail(f"component {b.code} of index {index.code}, whose formula never falls "
                      f"when an input rises, fell from {b.points} to {a.points} points {what}")
        if all(rising[c] for c, read in reading.items() if code in read) \
                and before.total is not None and after.total is not None \
                and after.total < before.total:
            _fail(f"index {index.code} fell from {before.total} to {after.total} points {what},"
                  " though every component reading it never falls when an input rises")

    return index_scores_monotone


def index_scores_are_monotone(p: PluginUnderTest, max_examples: int = 50) -> None:
    """Raising one input's figure (a rate's numerator over the same denominator, a count,
    a milestone done) never lowers the points of a component whose formula is increasing
    (:func:`plan_rules.derive.increasing`: through the derived indicators it reads), nor the
    score of an index when every component reading that input is increasing."""
    derived = p.derived
    for index in p.own_indices:
        inputs = sorted(frozenset().union(*(leaves(c.formula, derived)
                                            for c in index.components)))
        if not inputs:
            continue
        cases = st.tuples(strategies.unit_figures(index, p.registry, derived=derived,
                                                  missing=True),
                          st.sampled_from(inputs), st.integers(1, 100))
        _run(_monotone(index, derived), cases, max_examples)


#: The rules checked with generated input (Hypothesis), after :data:`RULES`.
PROPERTY_RULES: tuple[Callable[[PluginUnderTest, int], None], ...] = (
    checks_never_raise,
    checks_are_deterministic,
    checks_ignore_input_order,
    writers_render_any_report,
    progress_methods_never_raise,
    progress_methods_are_deterministic,
    index_scores_stay_within_bounds,
    index_scores_are_monotone,
)


def _describe(exc: BaseException) -> str:
    notes = getattr(exc, "__notes__", ())
    cause = f" (caused by {type(exc.__cause__).__name__}: {exc.__cause__})" \
        if exc.__cause__ is not None else ""
    return "\n".join([f"{type(exc).__name__}: {exc}{cause}", *notes])


def check_plugin(
    plugin: object | str,
    *,
    requires: Iterable[object | str] = (),
    properties: bool = True,
    max_examples: int = 50,
) -> PluginUnderTest:
    """Check that ``plugin`` conforms; raise one :class:`ConformanceError` listing every
    problem, or return the loaded plugin.

    :param plugin: an entry-point name in the ``plan_rules`` group, or a module or object.
    :param requires: plugins it needs (e.g. the one that contributes its plan).
    :param properties: also run the generated-input rules (:data:`PROPERTY_RULES`).
    :param max_examples: how many generated inputs each property tries per check.
    """
    p = load_plugin(plugin, requires=requires)
    problems = [problem for rule in RULES for problem in rule(p)]
    if properties and not contributions_load(p):
        for prop in PROPERTY_RULES:
            try:
                prop(p, max_examples)
            except Exception as exc:
                problems.append(_problem(prop, p, _describe(exc)))
    if problems:
        raise ConformanceError(problems)
    return p


_LOADED: dict[type[Any], PluginUnderTest] = {}


class PluginConformance:
    """The conformance rules as pytest tests: subclass it in a class named ``Test…``.

    ::

        from plan_rules.testing import PluginConformance

        class TestConformance(PluginConformance):
            plugin = "example-province-2026"      # the entry-point name, or the module
            requires = ()                        # plugins it needs, e.g. its plan's
            max_examples = 50                    # generated inputs per property and check
    """

    plugin: ClassVar[object | str]
    requires: ClassVar[Sequence[object | str]] = ()
    max_examples: ClassVar[int] = 50

    @classmethod
    def loaded(cls) -> PluginUnderTest:
        """The plugin under test, loaded once per class."""
        if cls not in _LOADED:
            _LOADED[cls] = load_plugin(cls.plugin, requires=cls.requires)
        return _LOADED[cls]


def _expecting_no_problem(rule: Callable[[PluginUnderTest], list[Problem]],
                          ) -> Callable[[PluginConformance], None]:
    def test(self: PluginConformance) -> None:
        problems = rule(self.loaded())
        if problems:
            raise ConformanceError(problems)

    return test


def _holding(prop: Callable[[PluginUnderTest, int], None]) -> Callable[[PluginConformance], None]:
    def test(self: PluginConformance) -> None:
        prop(self.loaded(), self.max_examples)

    return test


def _add_test(rule: Callable[..., Any], test: Callable[[PluginConformance], None]) -> None:
    # Named and documented like its rule, so that a new rule is a new test everywhere.
    test.__name__, test.__doc__ = f"test_{rule.__name__}", rule.__doc__
    setattr(PluginConformance, test.__name__, test)


for _rule in RULES:
    _add_test(_rule, _expecting_no_problem(_rule))
for _prop in PROPERTY_RULES:
    _add_test(_prop, _holding(_prop))


# -- plugins and distributions made in a test -----------------------------------------------


@attrs.frozen(kw_only=True)
class Contributions:
    """A plugin made in code: it contributes exactly what it is given.

    ``load_registry(plugins=[Contributions(name="fake-plan", plans=[plan])])`` loads it
    under ``name``, as a host loads any plugin: handy for the plan a plugin under test needs,
    or for a test of a single hook.
    """

    name: str
    plans: Sequence[Plan] = ()
    indicators: Sequence[Indicator] = ()
    targets: Sequence[Target] = ()
    checks: Sequence[Check] = ()
    writers: Sequence[Writer] = ()
    progress_methods: Sequence[ProgressMethod] = ()
    composites: Sequence[Composite] = ()

    @hookimpl
    def plan_rules_plans(self) -> Sequence[Plan]:
        return self.plans

    @hookimpl
    def plan_rules_indicators(self) -> Sequence[Indicator]:
        return self.indicators

    @hookimpl
    def plan_rules_targets(self) -> Sequence[Target]:
        return self.targets

    @hookimpl
    def plan_rules_checks(self) -> Sequence[Check]:
        return self.checks

    @hookimpl
    def plan_rules_writers(self) -> Sequence[Writer]:
        return self.writers

    @hookimpl
    def plan_rules_progress_methods(self) -> Sequence[ProgressMethod]:
        return self.progress_methods

    @hookimpl
    def plan_rules_composites(self) -> Sequence[Composite]:
        return self.composites


# -- fake distributions --------------------------------------------------------------------


def fake_distribution(
    directory: str | Path,
    name: str,
    *,
    version: str = "0.0.0",
    entry_points: Mapping[str, str] | None = None,
    group: str = PROJECT,
) -> Path:
    """Write ``<name>-<version>.dist-info`` (METADATA and entry_points.txt) into
    ``directory``: with ``directory`` on ``sys.path``, the distribution looks installed.

    :param entry_points: entry-point name to ``module`` or ``module:attribute``.
    :return: the ``.dist-info`` folder.
    """
    folder = Path(directory) / f"{name.replace('-', '_')}-{version}.dist-info"
    folder.mkdir(parents=True)
    (folder / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n", encoding="utf-8")
    lines = [f"[{group}]", *(f"{k} = {v}" for k, v in (entry_points or {}).items())]
    (folder / "entry_points.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


@contextlib.contextmanager
def installed(
    name: str,
    *,
    version: str = "0.0.0",
    entry_points: Mapping[str, str] | None = None,
    modules: Mapping[str, str] | None = None,
) -> Iterator[Path]:
    """Within the ``with`` block, a fake distribution ``name`` is installed: its dist-info
    and the ``modules`` (module name to source text) sit in a temporary folder on
    ``sys.path``. Afterwards the folder, and every module imported from it, are gone.

    ::

        with installed("plan-rules-demo", entry_points={"demo": "demo_plugin"},
                       modules={"demo_plugin": SOURCE}):
            registry = plan_rules.load_registry()
    """
    with tempfile.TemporaryDirectory(prefix="plan-rules-fake-") as tmp:
        fake_distribution(tmp, name, version=version, entry_points=entry_points)
        for module, source in (modules or {}).items():
            (Path(tmp) / f"{module}.py").write_text(source, encoding="utf-8")
        sys.path.insert(0, tmp)
        importlib.invalidate_caches()
        try:
            yield Path(tmp)
        finally:
            sys.path.remove(tmp)
            for module in modules or {}:
                sys.modules.pop(module, None)
            importlib.invalidate_caches()


# -- the report schema ---------------------------------------------------------------------


def report_schema() -> dict[str, Any]:
    """The JSON schema of a report (``docs/report-schema.json``), as shipped with
    plan_rules: the one its ``to_json`` writes to."""
    text = importlib.resources.files("plan_rules").joinpath("schemas", "report.json")
    found: dict[str, Any] = json.loads(text.read_text(encoding="utf-8"))
    return found


class ReportSchemaError(PlanRulesError, AssertionError):
    """A report's JSON does not follow the report schema; ``problems`` lists every place
    that does not (``$.findings[0].verdict: 'maybe' is not one of …``)."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = tuple(problems)
        lines = "\n".join(f"  {p}" for p in self.problems)
        super().__init__(f"the report does not follow the report schema, in "
                         f"{len(self.problems)} place(s):\n{lines}")


def check_report_json(report: Report | str | bytes | Mapping[str, Any]) -> None:
    """Check a report's JSON against the report schema shipped with plan_rules.

    :param report: a :class:`~plan_rules.Report` (checked as ``to_json(run=True)`` writes
        it), the JSON text of one (what a writer or ``plan-rules run --format json``
        wrote), or that text already parsed.
    :raises ReportSchemaError: listing every place where it does not follow the schema.
    :raises ImportError: jsonschema is not installed (``pip install "plan-rules[testing]"``).
    """
    try:
        import jsonschema
    except ImportError as exc:  # pragma: no cover - the testing extra installs it
        raise ImportError("check_report_json needs jsonschema: pip install "
                          "\"plan-rules[testing]\"") from exc
    if isinstance(report, Report):
        data: Any = json.loads(report.to_json(run=True))
    elif isinstance(report, str | bytes):
        data = json.loads(report)
    else:
        data = report
    schema = report_schema()
    validator = jsonschema.validators.validator_for(schema)(schema)
    errors = sorted(validator.iter_errors(data), key=lambda e: [str(p) for p in e.path])
    if errors:
        raise ReportSchemaError([f"{e.json_path}: {e.message}" for e in errors])
