"""Specification of plan_rules.strategies: valid by construction, registered, shrinking simply."""

from __future__ import annotations

import functools
import importlib.metadata
import subprocess
import sys
from collections import Counter
from datetime import date
from fractions import Fraction

import attrs
import pytest
from hypothesis import HealthCheck, find, given, settings
from hypothesis import strategies as st

import plan_rules
from plan_rules import Aggregation, Comparator, Kind, Scope, Target, Verdict, load_registry
from plan_rules import _hypothesis as registration
from plan_rules import strategies as prs
from plan_rules.model import CODE_PATTERN
from plan_rules.registry import _fits_kind
from plan_rules.testing import Contributions

PUBLIC_TYPES = sorted(
    (name for name in plan_rules.__all__ if isinstance(getattr(plan_rules, name), type)),
)
ATTRS_TYPES = [name for name in PUBLIC_TYPES if attrs.has(getattr(plan_rules, name))]


# -- registration with Hypothesis -----------------------------------------------------------


def test_the_hypothesis_entry_point_is_declared() -> None:
    targets = {ep.value for ep in importlib.metadata.entry_points(group="hypothesis")}
    assert "plan_rules._hypothesis:_register_strategies" in targets


REGISTERED = {path: registration.resolve(path) for path in registration.STRATEGIES}


def test_every_public_model_type_has_a_registered_strategy() -> None:
    registered = set(REGISTERED.values())
    assert [name for name in ATTRS_TYPES if getattr(plan_rules, name) not in registered] == []


def test_every_registered_type_exists() -> None:
    assert [path for path, found in REGISTERED.items() if found is None] == []


def test_every_registered_strategy_is_a_public_strategy() -> None:
    assert set(registration.STRATEGIES.values()) <= set(prs.__all__)


TYPES = sorted({getattr(plan_rules, name) for name in PUBLIC_TYPES}
               | {t for t in REGISTERED.values() if t is not None}, key=lambda t: t.__name__)


@pytest.mark.parametrize("cls", TYPES, ids=lambda t: t.__name__)
@settings(max_examples=5, deadline=None)
@given(data=st.data())
def test_from_type_generates_every_public_type(cls: type, data: st.DataObject) -> None:
    assert isinstance(data.draw(st.from_type(cls)), cls)


def test_importing_hypothesis_does_not_import_the_strategies_module() -> None:
    code = "import sys, hypothesis; print('plan_rules.strategies' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "False"


# -- valid by construction ----------------------------------------------------------------


@settings(max_examples=30, deadline=None)
@given(prs.codes())
def test_codes_are_dotted_words(code: str) -> None:
    assert CODE_PATTERN.match(code)


@settings(max_examples=30, deadline=None)
@given(prs.registries())
def test_generated_registries_load_through_a_host_without_problems(
        registry: plan_rules.Registry) -> None:
    plugin = Contributions(name="generated", plans=list(registry.plans.values()),
                           indicators=list(registry.indicators.values()),
                           targets=list(registry.targets.values()),
                           checks=list(registry.checks.values()),
                           writers=list(registry.writers.values()))
    loaded = load_registry([plugin], entry_points=False, strict=True)
    assert (loaded.plans.keys(), loaded.indicators.keys(), loaded.targets.keys(),
            loaded.checks.keys()) == (registry.plans.keys(), registry.indicators.keys(),
                                      registry.targets.keys(), registry.checks.keys())


@settings(max_examples=50, deadline=None)
@given(st.data())
def test_generated_targets_fit_their_indicator_kind(data: st.DataObject) -> None:
    indicator = data.draw(prs.indicators())
    target = data.draw(prs.targets(indicator))
    assert _fits_kind(target, indicator) is None


@settings(max_examples=30, deadline=None)
@given(st.data())
def test_clean_scenarios_raise_no_blocking_data_issue(data: st.DataObject) -> None:
    registry = data.draw(prs.registries())
    scenario = data.draw(prs.scenarios(registry))
    report = scenario.evaluate(registry)
    assert [i for i in report.issues if i.severity == "error"] == []


@settings(max_examples=30, deadline=None)
@given(st.data())
def test_observations_for_an_indicator_are_of_that_indicator(data: st.DataObject) -> None:
    indicator = data.draw(prs.indicators())
    units = data.draw(prs.entity_sets())
    found = data.draw(prs.observations_for(indicator, entities=units, min_size=1))
    assert {o.indicator for o in found} == {indicator.code}
    assert {(o.entity, o.level) for o in found} <= {(e.code, e.level) for e in units}


@settings(max_examples=50, deadline=None)
@given(st.data())
def test_periods_within_a_window_lie_inside_it(data: st.DataObject) -> None:
    window = data.draw(prs.periods())
    assert window.covers(data.draw(prs.periods_within(window)))


@settings(max_examples=50, deadline=None)
@given(prs.statistics())
def test_generated_statistics_agree_with_themselves(s: plan_rules.Statistics) -> None:
    assert s.met + s.not_met + s.no_data + s.not_applicable + s.invalid == s.n_entities
    if s.mean is not None:
        assert s.minimum is not None and s.maximum is not None
        assert s.minimum <= s.mean <= s.maximum
    if s.denominator is not None:
        assert s.pooled == Fraction(s.numerator or 0, s.denominator)


@settings(max_examples=30, deadline=None)
@given(prs.findings())
def test_a_met_finding_has_no_gap(finding: plan_rules.Finding) -> None:
    if finding.verdict is Verdict.MET:
        assert finding.gap == 0


@settings(max_examples=20, deadline=None)
@given(prs.read_results())
def test_generated_read_results_account_for_every_row(read: plan_rules.ReadResult) -> None:
    assert read.accounted


@settings(max_examples=20, deadline=None)
@given(prs.check_contexts())
def test_check_contexts_know_the_position_of_every_observation_they_hold(
        ctx: plan_rules.CheckContext) -> None:
    held = [o for code in ctx.registry.indicators for o in ctx.observations(code)]
    assert len({ctx.index(o) for o in held}) == len(held)


# -- entities over periods -----------------------------------------------------------------

QUARTERS = [plan_rules.Period.quarter(2025, q) for q in (1, 2, 3, 4)]


@settings(max_examples=30, deadline=None)
@given(st.data())
def test_panels_hold_at_most_one_figure_per_entity_and_period(data: st.DataObject) -> None:
    indicator = data.draw(prs.indicators())
    units = data.draw(prs.entity_sets(max_size=4))
    panel = data.draw(prs.panels(indicator, units, QUARTERS))
    cells = [(o.entity, o.period) for o in panel]
    assert len(cells) == len(set(cells))
    assert set(cells) <= {(e.code, p) for e in units for p in QUARTERS}


@settings(max_examples=20, deadline=None)
@given(st.data())
def test_complete_panels_fill_every_cell(data: st.DataObject) -> None:
    indicator = data.draw(prs.indicators())
    units = data.draw(prs.entity_sets(max_size=4))
    panel = data.draw(prs.panels(indicator, units, QUARTERS, complete=True))
    assert len(panel) == len(units) * len(QUARTERS)


# -- near a threshold ----------------------------------------------------------------------


def _alone(indicator: plan_rules.Indicator, target: Target) -> plan_rules.Registry:
    plan = plan_rules.Plan(code=indicator.plan, number="1/KH", issuer=plan_rules.Text.same("x"),
                           issued=date(2020, 1, 1), deadline=target.deadline,
                           title=plan_rules.Text(vi="kế hoạch", en="plan"))
    return load_registry([Contributions(name="one", plans=[plan], indicators=[indicator],
                                        targets=[target])], entry_points=False, strict=True)


@settings(max_examples=100, deadline=None)
@given(st.data())
def test_a_single_figure_near_the_threshold_is_judged_by_exact_comparison(
        data: st.DataObject) -> None:
    indicator = data.draw(prs.indicators(kinds=[Kind.RATE, Kind.COUNT]))
    target = attrs.evolve(data.draw(prs.targets(indicator)), scope=Scope(level="province"),
                          aggregation=Aggregation.REPORTED, valid_from=None, valid_to=None)
    obs = data.draw(prs.near_threshold(target, indicator))
    report = plan_rules.evaluate([obs], registry=_alone(indicator, target),
                                 as_of=target.deadline)
    figure = obs.rate() if indicator.kind is Kind.RATE else obs.value
    assert figure is not None
    expected = Verdict.MET if target.comparator.holds(figure, target.threshold) \
        else Verdict.NOT_MET
    assert report.finding(target.code).verdict is expected


@settings(max_examples=50, deadline=None)
@given(st.data())
def test_near_threshold_figures_are_the_threshold_or_one_step_away(data: st.DataObject) -> None:
    indicator = data.draw(prs.indicators(kinds=[Kind.COUNT]))
    target = data.draw(prs.targets(indicator))
    obs = data.draw(prs.near_threshold(target, indicator))
    assert obs.value is not None
    assert abs(obs.value - target.threshold) <= 1


# -- shrinking toward simple values ----------------------------------------------------------


def test_codes_shrink_to_a_single_letter() -> None:
    assert find(prs.codes(), lambda _: True) == "A"


def test_texts_shrink_to_one_letter_in_each_language() -> None:
    assert find(prs.texts(), lambda _: True) == plan_rules.Text(vi="a", en="a")


def test_periods_shrink_to_the_first_year() -> None:
    assert find(prs.periods(min_year=2025), lambda _: True) == plan_rules.Period.year(2025)


def test_entity_sets_shrink_to_one_entity_at_the_first_level() -> None:
    (entity,) = find(prs.entity_sets(), lambda _: True)
    assert (entity.code, entity.level, entity.valid_from, entity.valid_to) == (
        "a", prs.LEVELS[0], None, None)


def test_near_threshold_shrinks_to_exactly_the_threshold() -> None:
    indicator = find(prs.indicators(kinds=[Kind.COUNT]), lambda _: True)
    target = attrs.evolve(find(prs.targets(indicator), lambda _: True), threshold=Fraction(130),
                          comparator=Comparator.GE)
    assert find(prs.near_threshold(target, indicator), lambda _: True).value == 130


@settings(max_examples=100, deadline=None)
@given(st.data())
def test_a_pooled_rate_target_judges_a_figure_near_its_threshold_exactly(
        data: st.DataObject) -> None:
    indicator = data.draw(prs.indicators(kinds=[Kind.RATE]))
    target = attrs.evolve(data.draw(prs.targets(indicator)), scope=Scope(level="province"),
                          aggregation=Aggregation.POOLED, valid_from=None, valid_to=None)
    obs = data.draw(prs.near_threshold(target, indicator))
    report = plan_rules.evaluate([obs], registry=_alone(indicator, target),
                                 as_of=target.deadline)
    figure = obs.rate()
    assert figure is not None
    expected = Verdict.MET if target.comparator.holds(figure, target.threshold) \
        else Verdict.NOT_MET
    assert report.finding(target.code).verdict is expected


# -- validity windows ------------------------------------------------------------------------


def _leaves_nothing_to_measure(target: Target) -> bool:
    """Whether the target's validity window shares no day with its window start (or 1
    January of the deadline's year) to its deadline."""
    start = target.window_start or date(target.deadline.year, 1, 1)
    return ((target.valid_to is not None and target.valid_to < start)
            or (target.valid_from is not None and target.valid_from > target.deadline))


@settings(max_examples=100, deadline=None)
@given(prs.targets())
def test_generated_targets_are_valid_on_some_day_they_measure(target: Target) -> None:
    assert not _leaves_nothing_to_measure(target)


def test_targets_with_nothing_to_measure_are_drawn_when_asked_for() -> None:
    found = find(prs.targets(degenerate=True), _leaves_nothing_to_measure)
    assert _leaves_nothing_to_measure(found)


# -- decided verdicts ------------------------------------------------------------------------


@functools.cache
def _verdicts(shipped: bool, draws: int) -> Counter[Verdict]:
    """The target verdicts of ``draws`` decided scenarios (the same draws every run), of the
    shipped plans or of generated registries."""
    found: Counter[Verdict] = Counter()
    registries = st.just(load_registry()) if shipped else prs.registries(min_targets=1)

    @settings(max_examples=draws, deadline=None, derandomize=True, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(st.data())
    def run(data: st.DataObject) -> None:
        registry = data.draw(registries)
        report = data.draw(prs.decided_scenarios(registry)).evaluate(registry)
        found.update(f.verdict for f in report.target_findings())

    run()
    return found


def _decided(verdicts: Counter[Verdict]) -> Fraction:
    return Fraction(verdicts[Verdict.MET] + verdicts[Verdict.NOT_MET], verdicts.total())


def test_decided_scenarios_decide_most_verdicts_of_generated_registries() -> None:
    assert _decided(_verdicts(shipped=False, draws=40)) > Fraction(8, 10)


def test_decided_scenarios_decide_most_verdicts_of_the_shipped_plans() -> None:
    assert _decided(_verdicts(shipped=True, draws=10)) > Fraction(8, 10)


def test_decided_scenarios_both_meet_and_miss_targets() -> None:
    verdicts = _verdicts(shipped=False, draws=40)
    assert verdicts[Verdict.MET] > 0 and verdicts[Verdict.NOT_MET] > 0


@settings(max_examples=20, deadline=None)
@given(st.data())
def test_decided_scenarios_raise_no_data_issue(data: st.DataObject) -> None:
    registry = data.draw(prs.registries(min_targets=1))
    report = data.draw(prs.decided_scenarios(registry)).evaluate(registry)
    assert list(report.issues) == []


@settings(max_examples=20, deadline=None)
@given(st.data())
def test_decided_scenarios_keep_to_their_bounds_on_units_and_periods(
        data: st.DataObject) -> None:
    # One target per indicator: where two targets' windows share no day, a unit reports
    # in each.
    registry = data.draw(prs.registries(min_targets=1, max_targets=1))
    scenario = data.draw(prs.decided_scenarios(registry, max_units=1, max_periods=1))
    per_unit = Counter((o.indicator, o.entity) for o in scenario.observations)
    scopes = {(t.scope.level, t.scope.group, t.scope.entity) for t in registry.targets.values()}
    assert set(per_unit.values()) <= {1} and len(scenario.entities) <= len(scopes)


@settings(max_examples=20, deadline=None)
@given(st.data())
def test_decided_scenarios_are_judged_after_every_target_window_ends(
        data: st.DataObject) -> None:
    registry = data.draw(prs.registries(min_targets=1))
    scenario = data.draw(prs.decided_scenarios(registry))
    assert all(t.measurement.end <= scenario.as_of for t in registry.targets.values())
