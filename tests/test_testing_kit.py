"""Specification of plan_rules.testing: each conformance rule catches what it names, a
conforming plugin passes them all, and the bundled plugins conform."""

from __future__ import annotations

import importlib.metadata
import itertools
import json
from collections.abc import Callable, Iterator
from datetime import date
from fractions import Fraction
from pathlib import Path

import attrs
import pytest
from hypothesis import given, settings

import plan_rules
from plan_rules import (
    Aggregation,
    Area,
    Check,
    CheckContext,
    Clause,
    Comparator,
    Finding,
    Indicator,
    Kind,
    Plan,
    Scope,
    Target,
    Temporal,
    Text,
    Verdict,
    Writer,
    hookimpl,
)
from plan_rules import strategies as prs
from plan_rules import testing as kit
from plan_rules.testing import Contributions, PluginConformance

PLAN = Plan(code="DEMO", number="9/KH-UBND", issuer=Text(vi="Ủy ban", en="Committee"),
            issued=date(2026, 1, 1), deadline=date(2026, 12, 31),
            title=Text(vi="Kế hoạch thử", en="A test plan"),
            areas=(Area(code="PS", name=Text(vi="Dịch vụ công", en="Public services")),))

RATE = Indicator(code="DEMO.PS.1", plan="DEMO", area="PS", kind=Kind.RATE, temporal=Temporal.FLOW,
                 name=Text(vi="Tỷ lệ hồ sơ trực tuyến", en="Dossiers online"),
                 description=Text(vi="Hồ sơ xử lý trực tuyến", en="Dossiers handled online"),
                 unit=Text(vi="hồ sơ", en="dossiers"),
                 clause=Clause(bullet="a", text_vi="80% hồ sơ trực tuyến"),
                 numerator=Text(vi="hồ sơ trực tuyến", en="online dossiers"),
                 denominator=Text(vi="tổng hồ sơ", en="all dossiers"))

TARGET = Target(code="DEMO.PS.1.province", indicator="DEMO.PS.1", comparator=Comparator.GE,
                threshold=Fraction(4, 5), scope=Scope(level="province"),
                aggregation=Aggregation.REPORTED, deadline=date(2026, 12, 31))


def counts_within(ctx: CheckContext) -> Iterator[Finding]:
    """No figure of DEMO.PS.1 has more online dossiers than dossiers.

    Why: one cannot handle more dossiers online than were received. Example: 12 of 10.
    """
    bad = sorted(ctx.index(o) for o in ctx.observations("DEMO.PS.1")
                 if (o.numerator or 0) > (o.denominator or 0))
    yield Finding(code="DEMO.PS.C1", verdict=Verdict.NOT_MET if bad else Verdict.MET,
                  observations=tuple(bad),
                  message=Text(vi=f"{len(bad)} dòng sai", en=f"{len(bad)} wrong rows"))


GOOD_CHECK = Check(code="DEMO.PS.C1", name=Text(vi="Tử số không vượt mẫu số",
                                                en="Numerator within denominator"),
                   indicators=("DEMO.PS.1",), run=counts_within)


def render_codes(report: plan_rules.Report, lang: str) -> str:
    return "\n".join(f.code for f in report.findings) + "\n"


GOOD_WRITER = Writer(name="codes", description="finding codes", suffix=".txt",
                     render=render_codes)

GOOD = Contributions(name="demo", plans=[PLAN], indicators=[RATE], targets=[TARGET],
                     checks=[GOOD_CHECK], writers=[GOOD_WRITER])


def with_(**changes: object) -> Contributions:
    return attrs.evolve(GOOD, **changes)  # type: ignore[arg-type]


def problems(rule: Callable[[kit.PluginUnderTest], list[kit.Problem]],
             plugin: object, *requires: object) -> list[str]:
    return [str(p) for p in rule(kit.load_plugin(plugin, requires=requires))]


def property_failure(rule: Callable[[kit.PluginUnderTest, int], None],
                     plugin: object) -> Exception:
    with pytest.raises(Exception) as caught:
        rule(kit.load_plugin(plugin), 100)
    return caught.value


def check_of(run: Callable[[CheckContext], object], doc: str = "Documented.") -> Check:
    run.__doc__ = doc
    return attrs.evolve(GOOD_CHECK, run=run)


# -- a conforming plugin ------------------------------------------------------------------


def test_a_conforming_plugin_passes_every_rule() -> None:
    loaded = kit.check_plugin(GOOD, max_examples=20)
    assert loaded.registry.plugin("demo") is not None


class TestPluginConformanceRunsEveryRuleAsATest(PluginConformance):
    plugin = GOOD
    max_examples = 20


def test_every_rule_has_a_test_in_plugin_conformance() -> None:
    tests = {name for name in vars(PluginConformance) if name.startswith("test_")}
    assert tests == {f"test_{rule.__name__}" for rule in (*kit.RULES, *kit.PROPERTY_RULES)}


# -- contributions load -------------------------------------------------------------------


def test_a_plugin_that_contributes_nothing_does_not_load() -> None:
    assert problems(kit.contributions_load, Contributions(name="empty")) == [
        "[contributions_load] empty: it contributes nothing: implement at least one "
        "plan_rules_* hook with @plan_rules.hookimpl"]


class RaisingPlugin:
    name = "raising"

    @hookimpl
    def plan_rules_plans(self) -> list[Plan]:
        raise RuntimeError("no database")


def test_a_plugin_whose_hook_raises_does_not_load() -> None:
    found = problems(kit.contributions_load, RaisingPlugin())
    assert any("plans hook raised RuntimeError: no database" in p for p in found)


class MisspeltPlugin:
    name = "misspelt"

    @hookimpl
    def plan_rules_indicator(self) -> list[Indicator]:
        return [RATE]


def test_a_misspelt_hook_does_not_load() -> None:
    found = problems(kit.contributions_load, MisspeltPlugin())
    assert any("plan_rules_indicator" in p for p in found)


def test_an_entry_point_that_is_not_installed_does_not_load() -> None:
    found = problems(kit.contributions_load, "no-such-plugin")
    assert any("no entry point named 'no-such-plugin'" in p for p in found)


# -- codes ----------------------------------------------------------------------------------


def test_a_code_contributed_twice_is_not_unique() -> None:
    assert problems(kit.codes_are_unique, with_(targets=[TARGET, TARGET])) == [
        "[codes_are_unique] demo DEMO.PS.1.province: target code contributed twice"]


def test_a_code_another_plugin_contributes_is_not_unique() -> None:
    other = Contributions(name="other", plans=[PLAN])
    found = problems(kit.codes_are_unique, GOOD, other)
    assert len(found) == 1 and "'other'" in found[0] and "'demo'" in found[0]


def test_an_indicator_code_outside_its_plan_and_area_is_ill_formed() -> None:
    stray = attrs.evolve(RATE, code="OTHER.1")
    assert problems(kit.codes_are_well_formed, with_(indicators=[stray], targets=[],
                                                     checks=[])) == [
        "[codes_are_well_formed] demo OTHER.1: indicator code should start with 'DEMO.PS.' "
        "(plan.area.)"]


def test_a_target_code_outside_its_plan_is_ill_formed() -> None:
    stray = attrs.evolve(TARGET, code="province.rate")
    assert problems(kit.codes_are_well_formed, with_(targets=[stray])) == [
        "[codes_are_well_formed] demo province.rate: target code should start with its plan "
        "'DEMO.'"]


def test_a_check_code_outside_the_plan_it_reads_is_ill_formed() -> None:
    stray = attrs.evolve(GOOD_CHECK, code="counts")
    found = problems(kit.codes_are_well_formed, with_(checks=[stray]))
    assert found == ["[codes_are_well_formed] demo counts: check code should start with the "
                     "plan of the indicators it reads 'DEMO.'"]


def test_a_dotted_writer_name_is_ill_formed() -> None:
    dotted = attrs.evolve(GOOD_WRITER, name="text.codes")
    assert problems(kit.codes_are_well_formed, with_(writers=[dotted])) == [
        "[codes_are_well_formed] demo text.codes: writer name should be one word"]


# -- references and thresholds -------------------------------------------------------------


def test_a_target_of_an_unknown_indicator_is_reported() -> None:
    stray = attrs.evolve(TARGET, indicator="DEMO.PS.9", code="DEMO.PS.9.province")
    assert problems(kit.targets_name_known_indicators, with_(targets=[stray])) == [
        "[targets_name_known_indicators] demo DEMO.PS.9.province: names unknown indicator "
        "'DEMO.PS.9'"]


def test_a_check_reading_an_unknown_indicator_is_reported() -> None:
    stray = attrs.evolve(GOOD_CHECK, indicators=("DEMO.PS.9",))
    assert problems(kit.targets_name_known_indicators, with_(checks=[stray])) == [
        "[targets_name_known_indicators] demo DEMO.PS.C1: reads unknown indicator "
        "'DEMO.PS.9'"]


def test_an_indicator_of_a_plan_nobody_contributes_is_reported() -> None:
    found = problems(kit.targets_name_known_indicators, with_(plans=[]))
    assert "[targets_name_known_indicators] demo DEMO.PS.1: names unknown plan 'DEMO' (add " \
           "the plugin that contributes it to requires)" in found


def test_an_indicator_the_plan_has_no_area_for_is_reported() -> None:
    stray = attrs.evolve(RATE, area="XX", code="DEMO.XX.1")
    found = problems(kit.targets_name_known_indicators,
                     with_(indicators=[stray], targets=[], checks=[]))
    assert found == ["[targets_name_known_indicators] demo DEMO.XX.1: names area 'XX', which "
                     "plan DEMO does not list"]


def test_the_plan_may_come_from_a_required_plugin() -> None:
    areas_only = with_(plans=[])
    plan = Contributions(name="demo-plan", plans=[PLAN])
    assert problems(kit.targets_name_known_indicators, areas_only, plan) == []


@pytest.mark.parametrize(("threshold", "reason"), [
    (Fraction(9, 5), "a rate's threshold is a fraction of one (100% is 1), got 9/5"),
    (90, "a rate's threshold is a fraction of one (100% is 1), got 90"),
])
def test_a_rate_threshold_above_one_does_not_fit(threshold: Fraction, reason: str) -> None:
    wrong = attrs.evolve(TARGET, threshold=threshold)
    assert problems(kit.thresholds_fit_kinds, with_(targets=[wrong])) == [
        f"[thresholds_fit_kinds] demo DEMO.PS.1.province: {reason}"]


def test_a_fractional_count_threshold_does_not_fit() -> None:
    count = attrs.evolve(RATE, kind=Kind.COUNT, numerator=None, denominator=None)
    wrong = attrs.evolve(TARGET, threshold=Fraction(1, 2))
    assert problems(kit.thresholds_fit_kinds, with_(indicators=[count], targets=[wrong])) == [
        "[thresholds_fit_kinds] demo DEMO.PS.1.province: a count's threshold is a whole "
        "number, got 1/2"]


# -- documentation --------------------------------------------------------------------------


def test_an_untranslated_indicator_name_is_undocumented() -> None:
    copied = attrs.evolve(RATE, name=Text.same("Dossiers online"))
    assert problems(kit.contributions_are_documented, with_(indicators=[copied])) == [
        "[contributions_are_documented] demo DEMO.PS.1: name reads the same in Vietnamese "
        "and English: translate it"]


def test_a_check_without_a_docstring_is_undocumented() -> None:
    bare = Check(code="DEMO.PS.C1", name=GOOD_CHECK.name, indicators=("DEMO.PS.1",),
                 run=lambda ctx: iter(()))
    assert problems(kit.contributions_are_documented, with_(checks=[bare])) == [
        "[contributions_are_documented] demo DEMO.PS.C1: a check documents what it checks, "
        "why and an example (its function's docstring)"]


# -- properties of checks and writers -------------------------------------------------------


def test_a_check_that_raises_on_valid_input_is_found() -> None:
    def trusting(ctx: CheckContext) -> Iterator[Finding]:
        for o in ctx.observations("DEMO.PS.1"):
            if (o.numerator or 0) > (o.denominator or 0):
                raise ValueError("more dossiers online than received")
        yield from counts_within(ctx)

    error = property_failure(kit.checks_never_raise, with_(checks=[check_of(trusting)]))
    assert isinstance(error, plan_rules.CheckError)
    assert isinstance(error.__cause__, ValueError)


def test_a_check_that_differs_between_runs_is_found() -> None:
    calls = itertools.count()

    def flips(ctx: CheckContext) -> Iterator[Finding]:
        verdict = Verdict.MET if next(calls) % 2 else Verdict.NOT_MET
        yield Finding(code="DEMO.PS.C1", verdict=verdict, message=Text(vi="lật", en="flip"))

    error = property_failure(kit.checks_are_deterministic, with_(checks=[check_of(flips)]))
    assert "gave different findings on the same input" in str(error)


def test_a_check_that_lists_rows_in_input_order_is_found() -> None:
    def first_row(ctx: CheckContext) -> Iterator[Finding]:
        rows = [o.where for o in ctx.observations("DEMO.PS.1")]
        yield Finding(code="DEMO.PS.C1", verdict=Verdict.MET,
                      message=Text(vi=f"đầu tiên: {rows[:1]}", en=f"first: {rows[:1]}"))

    error = property_failure(kit.checks_ignore_input_order,
                             with_(checks=[check_of(first_row)]))
    assert "concluded differently when the rows came in another order" in str(error)


def test_a_writer_that_returns_nothing_is_found() -> None:
    def nothing(report: plan_rules.Report, lang: str) -> str:
        return None  # type: ignore[return-value]

    broken = attrs.evolve(GOOD_WRITER, render=nothing)
    error = property_failure(kit.writers_render_any_report, with_(writers=[broken]))
    assert "writer codes returned NoneType, not str or bytes" in str(error)


def test_check_plugin_lists_every_problem_at_once() -> None:
    stray = attrs.evolve(TARGET, indicator="DEMO.PS.9", code="DEMO.PS.9.province")
    copied = attrs.evolve(RATE, name=Text.same("Dossiers online"))
    with pytest.raises(kit.ConformanceError) as caught:
        kit.check_plugin(with_(indicators=[copied], targets=[stray]), properties=False)
    assert sorted(p.rule for p in caught.value.problems) == [
        "contributions_are_documented", "targets_name_known_indicators"]


# -- fake distributions ---------------------------------------------------------------------

# A plugin as a stranger would ship it: a module of its own, found through an entry point.
FAKE_PLUGIN = """
from datetime import date
from plan_rules import Plan, Text, hookimpl

@hookimpl
def plan_rules_plans():
    return [Plan(code="FAKE", number="1/KH-UBND", issuer=Text(vi="Ủy ban", en="Committee"),
                 issued=date(2026, 1, 1), deadline=date(2026, 12, 31),
                 title=Text(vi="Kế hoạch giả", en="A fake plan"))]
"""


def test_a_fake_distribution_is_found_through_entry_points() -> None:
    with kit.installed("plan-rules-fake", version="1.2.3",
                       entry_points={"fake": "fake_plan_plugin"},
                       modules={"fake_plan_plugin": FAKE_PLUGIN}):
        registry = plan_rules.load_registry(allow=["fake"])
    info = registry.plugin("fake")
    assert info is not None
    assert (info.distribution, info.version, set(registry.plans)) == (
        "plan-rules-fake", "1.2.3", {"FAKE"})


def test_an_installed_fake_distribution_is_gone_afterwards() -> None:
    with kit.installed("plan-rules-gone", entry_points={"gone": "gone_plugin"},
                       modules={"gone_plugin": ""}):
        pass
    names = {d.metadata["Name"] for d in importlib.metadata.distributions()}
    assert "plan-rules-gone" not in names


def test_the_kit_checks_a_plugin_by_its_entry_point_name() -> None:
    with kit.installed("plan-rules-fake", entry_points={"fake": "fake_plan_plugin"},
                       modules={"fake_plan_plugin": FAKE_PLUGIN}):
        loaded = kit.check_plugin("fake", max_examples=10)
    assert set(loaded.registry.plans) == {"FAKE"}


# -- the bundled plugins ---------------------------------------------------------------------


def _bundled() -> list[str]:
    dist = importlib.metadata.distribution("plan-rules")
    return sorted(ep.name for ep in dist.entry_points if ep.group == "plan_rules")


@pytest.mark.parametrize("name", _bundled())
def test_every_bundled_plugin_conforms(name: str) -> None:
    # An area plugin needs the plugin of its plan; the built-in checks read every indicator,
    # so they are checked beside every bundled plugin.
    requires = [n for n in _bundled() if n != name] if name == "builtin" else ["plan200"]
    kit.check_plugin(name, requires=[r for r in requires if r != name], max_examples=30)


# -- the report schema ---------------------------------------------------------------------

DOCUMENTED_SCHEMA = Path(__file__).parents[1] / "docs" / "report-schema.json"


def _empty_report() -> plan_rules.Report:
    return plan_rules.evaluate([], registry=plan_rules.load_registry(), as_of=date(2025, 12, 31))


def test_the_testing_extra_installs_jsonschema() -> None:
    wanted = importlib.metadata.requires("plan-rules") or []
    assert any(r.startswith("jsonschema") and 'extra == "testing"' in r for r in wanted)


def test_the_shipped_report_schema_is_the_documented_one() -> None:
    # docs/report-schema.json is where the schema is written; the package ships a copy.
    assert kit.report_schema() == json.loads(DOCUMENTED_SCHEMA.read_text(encoding="utf-8")), (
        "src/plan_rules/schemas/report.json is stale: run `python -m plan_rules._docgen`")


@settings(max_examples=10, deadline=None)
@given(prs.reports())
def test_a_generated_report_follows_the_report_schema(report: plan_rules.Report) -> None:
    kit.check_report_json(report)


def test_the_json_text_of_a_report_is_checked_as_the_report() -> None:
    kit.check_report_json(_empty_report().to_json())


def test_a_report_that_breaks_the_schema_is_refused_with_every_place_named() -> None:
    data = _empty_report().to_dict()
    data["findings"][0]["verdict"] = "maybe"
    del data["as_of"]
    with pytest.raises(kit.ReportSchemaError) as caught:
        kit.check_report_json(data)
    assert len(caught.value.problems) == 2
    assert any(p.startswith("$.findings[0].verdict: 'maybe'") for p in caught.value.problems)
    assert any("'as_of' is a required property" in p for p in caught.value.problems)
