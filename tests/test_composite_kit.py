"""Specification of the composite strategies and of the conformance kit's index rules: what the
strategies draw is valid by construction, scores hold their invariants on it, and each index
rule of plan_rules.testing catches the plugin it is written against."""

from __future__ import annotations

import re
from datetime import date
from fractions import Fraction

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import plan_rules as pr
from plan_rules import strategies as prs
from plan_rules import testing as kit
from plan_rules.composite import (
    Component,
    Group,
    Index,
    MissingComponents,
    RankTarget,
    ScoreTarget,
    check,
    score,
)
from plan_rules.derive import (
    Bands,
    Composite,
    Derived,
    Figure,
    Linear,
    Node,
    Numerator,
    Ratio,
    Values,
    increasing,
    leaves,
)
from plan_rules.testing import Contributions

CODES = ("K.A.1", "K.A.2", "K.A.3")
RATES = ("K.A.1", "K.A.2")

PLAN = pr.Plan(code="DEMO", number="9/KH-UBND", issuer=pr.Text(vi="Ủy ban", en="Committee"),
               issued=date(2026, 1, 1), deadline=date(2026, 12, 31),
               title=pr.Text(vi="Kế hoạch thử", en="A test plan"),
               areas=(pr.Area(code="PS", name=pr.Text(vi="Dịch vụ công", en="Public services")),))


def indicator(code: str, kind: str = "rate") -> pr.Indicator:
    rate = kind == "rate"
    words = pr.Text(vi="hồ sơ", en="dossiers")
    return pr.Indicator(
        code=code, plan="DEMO", area="PS", kind=kind, temporal="flow",
        name=pr.Text(vi=f"Chỉ tiêu {code}", en=f"Indicator {code}"),
        description=pr.Text(vi="Mô tả", en="Description"), unit=words,
        clause=pr.Clause(bullet="a", text_vi="tỷ lệ hồ sơ"),
        numerator=words if rate else None, denominator=words if rate else None)


ONLINE, ONTIME, STAFF = "DEMO.PS.1", "DEMO.PS.2", "DEMO.PS.3"
INDICATORS = [indicator(ONLINE), indicator(ONTIME), indicator(STAFF, "count")]

#: Online dossiers per dossier handled on time: falls when more are handled on time.
PER_ONTIME = Derived(code="DEMO.PS.D1", plan="DEMO", area="PS",
                     name=pr.Text(vi="Trực tuyến trên đúng hạn", en="Online per on time"),
                     formula=Ratio((Figure(ONLINE),), (Figure(ONTIME),)))


def component(code: str, points: int, formula: Node) -> Component:
    return Component(code=f"DEMO.IDX.{code}", name=pr.Text(vi=f"Phần {code}", en=f"Part {code}"),
                     points=points, formula=formula)


COMPONENTS = [
    component("online", 10, Linear(Figure(ONLINE), full_at=Fraction(1, 2), points=10)),
    component("ontime", 10, Bands(Figure(ONTIME), [(Fraction(1, 2), 5), (Fraction(9, 10), 10)])),
    component("ratio", 5, Linear(Figure(PER_ONTIME.code), full_at=1, points=5)),
]


def index(components: list[Component] = COMPONENTS, maximum: int = 25, **changes: object,
          ) -> Index:
    found = Index(code="DEMO.IDX", plan="DEMO", area="PS",
                  name=pr.Text(vi="Chỉ số thử", en="Test index"), maximum=maximum,
                  groups=[Group(code="DEMO.IDX.all", name=pr.Text(vi="Tất cả", en="All"),
                                components=components)])
    return attrs.evolve(found, **changes)  # type: ignore[arg-type]


SCORE = ScoreTarget(code="DEMO.IDX.S", index="DEMO.IDX", threshold=20,
                    scope=pr.Scope(level="commune"), deadline=date(2026, 12, 31))
RANK = RankTarget(code="DEMO.IDX.R", index="DEMO.IDX", scope=pr.Scope(entity="hy"),
                  level="province", territory="vn", at_most=3, deadline=date(2026, 12, 31),
                  tie_break="DEMO.IDX.online")


def plugin(*composites: Composite, name: str = "demo-index") -> Contributions:
    return Contributions(name=name, plans=[PLAN], indicators=INDICATORS,
                         composites=list(composites) or [PER_ONTIME, index(), SCORE, RANK])


GOOD = plugin()


def problems(rule: object, p: Contributions) -> list[str]:
    return [str(x) for x in rule(kit.load_plugin(p))]  # type: ignore[operator]


class Given(Values):
    def __init__(self, figures: dict[str, Fraction]) -> None:
        self.figures = figures

    def figure(self, code: str) -> Fraction | None:
        return self.figures.get(code)

    def counts(self, code: str) -> tuple[int, int] | None:
        return None


# -- the strategies: valid by construction -----------------------------------------------------


@settings(max_examples=40, deadline=None)
@given(prs.formulas(CODES, rates=RATES))
def test_a_formula_reads_only_the_codes_it_is_given(formula: Node) -> None:
    assert formula.inputs() <= set(CODES)
    assert formula.counted() <= set(RATES)


@settings(max_examples=40, deadline=None)
@given(prs.formulas(CODES, rates=RATES, increasing=True))
def test_an_increasing_formula_says_it_is_increasing(formula: Node) -> None:
    assert formula.increasing()
    assert not any(isinstance(n, Ratio) for n in formula.walk())


@settings(max_examples=40, deadline=None)
@given(st.data(), st.integers(1, 100), st.integers(1, 7))
def test_a_scoring_formula_is_worth_exactly_its_points(data: st.DataObject, whole: int,
                                                       parts: int) -> None:
    points = Fraction(whole, parts)
    formula = data.draw(prs.scoring_formulas(points, CODES, rates=RATES))
    assert formula.bound() == points


@settings(max_examples=25, deadline=None)
@given(st.data())
def test_a_generated_index_and_its_derived_indicators_pass_loading_checks(
        data: st.DataObject) -> None:
    derived = [data.draw(prs.derived_indicators(INDICATORS, plan=PLAN, number=1))]
    derived.append(data.draw(prs.derived_indicators(INDICATORS, plan=PLAN, derived=derived,
                                                    number=2)))
    drawn = data.draw(prs.indices(INDICATORS, plan=PLAN, derived=derived))
    assert sum(c.points for c in drawn.components) == drawn.maximum
    assert all(c.formula.bound() == c.points for c in drawn.components)
    composites = {c.code: c for c in (*derived, drawn)}
    assert check(composites, {i.code: i for i in INDICATORS}, lambda code: "missing") == []


@settings(max_examples=12, deadline=None)
@given(prs.composite_registries())
def test_a_generated_composite_registry_loads_with_nothing_refused(
        registry: pr.Registry) -> None:
    kinds = sorted(type(c).__name__ for c in registry.composites.values())
    assert registry.problems == ()
    assert {"Index", "RankTarget", "ScoreTarget"} <= set(kinds)
    assert all(c.plugin == "generated-composites" for c in registry.composites.values())


def _index_of(registry: pr.Registry) -> Index:
    return next(c for c in registry.composites.values() if isinstance(c, Index))


def _derived(registry: pr.Registry) -> dict[str, Derived]:
    return {c: d for c, d in registry.composites.items() if isinstance(d, Derived)}


@settings(max_examples=12, deadline=None)
@given(st.data())
def test_a_unit_has_a_figure_of_every_input_unless_some_are_missing(
        data: st.DataObject) -> None:
    registry = data.draw(prs.composite_registries(targets=False))
    drawn = _index_of(registry)
    figures = data.draw(prs.unit_figures(drawn, registry))
    read = frozenset().union(*(leaves(c.formula, _derived(registry)) for c in drawn.components))
    assert set(figures.figures) == read
    for code, (num, den) in figures.rates.items():
        assert 0 <= num <= den and figures.figure(code) == Fraction(num, den)


def test_unit_figures_of_an_unknown_indicator_are_refused() -> None:
    with pytest.raises(ValueError, match=r"DEMO\.PS\.9"):
        prs.unit_figures(Figure("DEMO.PS.9"), INDICATORS)


def test_a_raised_rate_keeps_its_denominator_and_never_passes_it() -> None:
    figures = prs.UnitFigures(figures={ONLINE: Fraction(9, 10)}, rates={ONLINE: (9, 10)})
    assert figures.raised(ONLINE, 5).counts(ONLINE) == (10, 10)
    assert figures.raised(ONLINE, 5).figure(ONLINE) == 1


# -- scores on what the strategies draw ----------------------------------------------------------


@settings(max_examples=20, deadline=None)
@given(st.data())
def test_every_score_stays_within_zero_and_the_maximum_whatever_the_formulas(
        data: st.DataObject) -> None:
    registry = data.draw(prs.composite_registries(targets=False))
    drawn = _index_of(registry)
    s = score(drawn, "u", data.draw(prs.unit_figures(drawn, registry, missing=True)),
              _derived(registry))
    assert s.total is None or 0 <= s.total <= drawn.maximum
    points = {c.code: c.points for c in drawn.components}
    assert all(c.points is None or 0 <= c.points <= points[c.code] for c in s.components)


@settings(max_examples=20, deadline=None)
@given(st.data(), st.integers(1, 50))
def test_a_score_is_monotone_in_each_input_of_an_increasing_index(data: st.DataObject,
                                                                   by: int) -> None:
    registry = data.draw(prs.composite_registries(increasing=True, targets=False))
    drawn, derived = _index_of(registry), _derived(registry)
    assert all(increasing(c.formula, derived) for c in drawn.components)
    figures = data.draw(prs.unit_figures(drawn, registry, missing=True))
    if not figures.figures:
        return
    code = data.draw(st.sampled_from(sorted(figures.figures)))
    low, high = score(drawn, "u", figures, derived), \
        score(drawn, "u", figures.raised(code, by), derived)
    for a, b in zip(low.components, high.components, strict=True):
        assert a.points is None or (b.points is not None and a.points <= b.points)
    assert low.total is None or (high.total is not None and low.total <= high.total)


@settings(max_examples=40, deadline=None)
@given(numerator=st.integers(1, 99), denominator=st.integers(1, 100),
       points=st.integers(1, 100), k=st.integers(1, 20),
       missing=st.sampled_from(MissingComponents))
def test_a_unit_exactly_at_a_full_score_rate_gets_full_points_and_one_below_less_exactly(
        numerator: int, denominator: int, points: int, k: int,
        missing: MissingComponents) -> None:
    full_at = Fraction(numerator, max(numerator, denominator))
    one = Index(code="DEMO.IDX", plan="DEMO", area="PS", name=pr.Text(vi="Chỉ số", en="Index"),
                maximum=points, missing=missing, groups=[Group(
                    code="DEMO.IDX.g", name=pr.Text(vi="Nhóm", en="Group"),
                    components=[component("online", points, Linear(
                        Figure(ONLINE), full_at=full_at, points=points))])])
    dossiers = full_at.denominator * k
    at = full_at.numerator * k

    def points_with(handled: int) -> Fraction | None:
        return score(one, "u", prs.UnitFigures(figures={ONLINE: Fraction(handled, dossiers)},
                                               rates={ONLINE: (handled, dossiers)})).total

    below = points_with(at - 1)
    assert points_with(at) == points
    assert below == points * Fraction(at - 1, dossiers) / full_at
    assert below is not None and below < points


# -- monotone through derived indicators ---------------------------------------------------------


def test_a_score_over_a_derived_ratio_is_not_increasing_though_its_node_is() -> None:
    formula = COMPONENTS[2].formula
    assert formula.increasing()
    assert not increasing(formula, {PER_ONTIME.code: PER_ONTIME})
    # And rightly: more dossiers handled on time lower it.
    low = score(index(), "u", Given({ONLINE: Fraction(1, 2), ONTIME: Fraction(1, 2)}),
                {PER_ONTIME.code: PER_ONTIME})
    high = score(index(), "u", Given({ONLINE: Fraction(1, 2), ONTIME: Fraction(3, 5)}),
                 {PER_ONTIME.code: PER_ONTIME})
    assert high.points_of("DEMO.IDX.ratio") < low.points_of("DEMO.IDX.ratio")


def test_a_score_over_an_increasing_derived_indicator_is_increasing() -> None:
    total = Derived(code="DEMO.PS.D2", plan="DEMO", area="PS",
                    name=pr.Text(vi="Tổng", en="Sum"),
                    formula=Linear(Figure(ONLINE), full_at=1, points=1))
    assert increasing(Linear(Figure(total.code), full_at=1, points=5), {total.code: total})


# -- the kit: a conforming index plugin ----------------------------------------------------------


def test_a_conforming_index_plugin_passes_every_rule() -> None:
    loaded = kit.check_plugin(GOOD, max_examples=30)
    assert [i.code for i in loaded.own_indices] == ["DEMO.IDX"]


def test_the_monotone_rule_leaves_out_a_component_over_a_derived_ratio() -> None:
    # The ratio component falls as DEMO.PS.2 rises (above): a rule that took the node's word
    # for it would fail this plugin.
    kit.index_scores_are_monotone(kit.load_plugin(GOOD), 60)


# -- the kit: each index rule catches what it names ---------------------------------------------


def test_weights_that_do_not_add_up_are_reported_naming_the_plugin() -> None:
    loaded = kit.load_plugin(plugin(PER_ONTIME, index(maximum=30)))
    assert "DEMO.IDX" not in loaded.registry.composites  # refused at load, still reported:
    found = [str(p) for p in kit.index_weights_add_up(loaded)]
    assert found[0] == ("[index_weights_add_up] demo-index DEMO.IDX: the points of its "
                        "components add up to 25, not its maximum 30")


def test_a_component_worth_more_than_its_formula_gives_is_reported() -> None:
    worth = attrs.evolve(COMPONENTS[0], points=15)
    assert problems(kit.index_weights_add_up,
                    plugin(PER_ONTIME, index([worth, *COMPONENTS[1:]], maximum=30)))[0] == (
        "[index_weights_add_up] demo-index DEMO.IDX: component 'DEMO.IDX.online' is worth 15 "
        "points but its formula gives at most 10")


def test_a_component_without_a_largest_value_is_reported() -> None:
    bare = component("bare", 1, Figure(ONLINE))
    found = problems(kit.index_weights_add_up, plugin(index([bare], maximum=1)))
    assert found[0].startswith("[index_weights_add_up] demo-index DEMO.IDX: component "
                               "'DEMO.IDX.bare' has no largest value")


def test_a_score_target_above_the_maximum_is_reported_as_loading_words_it() -> None:
    greedy = attrs.evolve(SCORE, threshold=26)
    found = problems(kit.index_weights_add_up, plugin(PER_ONTIME, index(), greedy))
    assert len(found) == 1 and "DEMO.IDX.S" in found[0] and "demo-index" in found[0]


def test_a_formula_reading_an_unknown_indicator_is_reported() -> None:
    stray = component("stray", 25, Linear(Figure("DEMO.PS.9"), full_at=1, points=25))
    assert problems(kit.index_inputs_exist, plugin(index([stray]))) == [
        "[index_inputs_exist] demo-index DEMO.IDX: component 'DEMO.IDX.stray' reads "
        "indicator 'DEMO.PS.9', which no loaded plugin contributes"]


def test_a_derived_indicator_that_reads_itself_is_reported() -> None:
    selfish = attrs.evolve(PER_ONTIME, formula=Ratio((Figure(ONLINE),),
                                                     (Figure(PER_ONTIME.code),)))
    found = problems(kit.index_inputs_exist, plugin(selfish, index()))
    assert found[0] == ("[index_inputs_exist] demo-index DEMO.PS.D1: its formula refers to "
                        "itself: DEMO.PS.D1 → DEMO.PS.D1")


def test_the_counts_of_a_count_indicator_are_reported() -> None:
    counted = component("staff", 25, Linear(Numerator(STAFF), full_at=10, points=25))
    assert problems(kit.index_inputs_exist, plugin(index([counted]))) == [
        "[index_inputs_exist] demo-index DEMO.IDX: component 'DEMO.IDX.staff' reads the "
        "numerator or denominator of 'DEMO.PS.3', which is not a reported rate"]


def test_a_target_on_an_unknown_index_is_reported() -> None:
    stray = attrs.evolve(SCORE, index="DEMO.NONE")
    assert problems(kit.index_inputs_exist, plugin(PER_ONTIME, index(), stray)) == [
        "[index_inputs_exist] demo-index DEMO.IDX.S: names index 'DEMO.NONE', which no "
        "loaded plugin contributes"]


def test_a_tie_break_naming_nothing_of_the_index_is_reported() -> None:
    stray = attrs.evolve(RANK, tie_break="DEMO.IDX.none")
    assert problems(kit.index_inputs_exist, plugin(PER_ONTIME, index(), stray)) == [
        "[index_inputs_exist] demo-index DEMO.IDX.R: breaks ties by 'DEMO.IDX.none', no "
        "group or component of index 'DEMO.IDX'"]


def test_an_index_of_an_unknown_plan_is_reported_as_loading_words_it() -> None:
    stray = index(plan="NOPLAN")
    found = problems(kit.index_inputs_exist, plugin(PER_ONTIME, stray))
    assert len(found) == 1 and "NOPLAN" in found[0] and "demo-index DEMO.IDX" in found[0]


@attrs.frozen
class Generous(Linear):
    """A linear score that says it gives at most its points, and gives twice as many."""

    def value(self, values: Values) -> Fraction | None:
        found = super().value(values)
        return None if found is None else 2 * found


@attrs.frozen
class Backwards(Linear):
    """A linear score that says it rises with its input, and falls."""

    def value(self, values: Values) -> Fraction | None:
        found = super().value(values)
        return None if found is None else self.points - found


def test_a_score_above_its_points_is_found() -> None:
    generous = component("online", 10, Generous(Figure(ONLINE), full_at=Fraction(1, 2),
                                                points=10))
    broken = plugin(PER_ONTIME, index([generous, *COMPONENTS[1:]]))
    with pytest.raises(AssertionError, match=r"component DEMO\.IDX\.online of index "
                                             r"DEMO\.IDX scored \d+.*outside \[0, 10\]"):
        kit.index_scores_stay_within_bounds(kit.load_plugin(broken), 100)


def test_a_score_that_falls_as_its_input_rises_is_found() -> None:
    backwards = component("online", 10, Backwards(Figure(ONLINE), full_at=Fraction(1, 2),
                                                  points=10))
    broken = plugin(PER_ONTIME, index([backwards, *COMPONENTS[1:]]))
    with pytest.raises(AssertionError, match=re.escape(
            "component DEMO.IDX.online of index DEMO.IDX, whose formula never falls when an "
            "input rises, fell")):
        kit.index_scores_are_monotone(kit.load_plugin(broken), 100)


def test_check_plugin_lists_the_index_problems_with_the_plugin_named() -> None:
    generous = component("online", 10, Generous(Figure(ONLINE), full_at=Fraction(1, 2),
                                                points=10))
    broken = plugin(PER_ONTIME, index([generous, *COMPONENTS[1:]]),
                    attrs.evolve(SCORE, index="DEMO.NONE"))
    with pytest.raises(kit.ConformanceError) as caught:
        kit.check_plugin(broken, max_examples=50)
    assert sorted(p.rule for p in caught.value.problems) == [
        "index_inputs_exist", "index_scores_stay_within_bounds"]
    assert {p.plugin for p in caught.value.problems} == {"demo-index"}


def test_a_plugin_contributing_only_composites_contributes_something() -> None:
    only = Contributions(name="only-composites", composites=[PER_ONTIME])
    extra = Contributions(name="demo-plan", plans=[PLAN], indicators=INDICATORS)
    assert kit.contributions_load(kit.load_plugin(only, requires=[extra])) == []
