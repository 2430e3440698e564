"""Composite indices: derived indicators and components declared as data, scored exactly per
unit from the combined figures; score and rank targets; what loading refuses."""

from __future__ import annotations

import csv
import io
from datetime import date
from fractions import Fraction
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import composite_plugin as cp
import plan_rules as pr
from plan_rules.composite import (
    Component,
    Group,
    Index,
    MissingComponents,
    RankTarget,
    ScoreTarget,
    UnitScore,
    rank,
    score,
    units_within,
)
from plan_rules.derive import (
    Bands,
    Constant,
    Derived,
    Figure,
    Linear,
    Minimum,
    Ratio,
    Sum,
    Values,
    WeightedSum,
)
from plan_rules.partials import evaluate_in_chunks

AS_OF = date(2025, 12, 31)


class Given(Values):
    """Figures handed in directly: ``{code: figure}``, and counts where a test needs them."""

    def __init__(self, figures: dict[str, Fraction | None],
                 counts: dict[str, tuple[int, int]] | None = None) -> None:
        self.figures = figures
        self.given_counts = counts or {}

    def figure(self, code: str) -> Fraction | None:
        return self.figures.get(code)

    def counts(self, code: str) -> tuple[int, int] | None:
        return self.given_counts.get(code)


def unit_figures(online: Fraction, ontime: Fraction, satisfied: Fraction | None) -> Given:
    # The digital share is a ratio of the two rates' counts: 100 dossiers each.
    counts = {cp.ONLINE: (int(online * 100), 100), cp.ONTIME: (int(ontime * 100), 100)}
    return Given({cp.ONLINE: online, cp.ONTIME: ontime, cp.SATISFIED: satisfied}, counts)


def points(s: UnitScore, component: str) -> Fraction | None:
    return next(c.points for c in s.components if c.code == component)


def evaluate(observations: list[pr.Observation], registry: pr.Registry | None = None,
             entities: tuple[pr.Entity, ...] = cp.ENTITIES) -> pr.Report:
    return pr.evaluate(observations, registry=registry or cp.registry(), as_of=AS_OF,
                       entities=entities)


# -- formulas ---------------------------------------------------------------------------------


def test_a_unit_exactly_at_the_full_score_rate_gets_full_points() -> None:
    s = score(cp.INDEX, "c1", unit_figures(Fraction(1, 2), Fraction(0), Fraction(0)),
              {"SQ.DIGITAL": cp.DIGITAL})
    assert points(s, "SQ.IDX.online.submitted") == 10


def test_a_unit_just_below_the_full_score_rate_gets_less_exactly() -> None:
    s = score(cp.INDEX, "c1", unit_figures(Fraction(499, 1000), Fraction(0), Fraction(0)),
              {"SQ.DIGITAL": cp.DIGITAL})
    assert points(s, "SQ.IDX.online.submitted") == Fraction(499, 50)


def test_full_points_are_capped_above_the_full_score_rate() -> None:
    formula = Linear(Figure("X"), full_at=Fraction(1, 2), points=10)
    assert formula.value(Given({"X": Fraction(1)})) == 10


def test_a_linear_score_where_less_is_better_is_full_at_or_below_its_rate() -> None:
    overdue = Linear(Figure("X"), full_at=Fraction(1, 20), zero_at=Fraction(1, 5), points=4)
    assert [overdue.value(Given({"X": x})) for x in (Fraction(0), Fraction(1, 20),
                                                     Fraction(1, 8), Fraction(1, 5))] == [
        4, 4, 2, 0]


def test_bands_give_the_points_of_the_highest_step_reached() -> None:
    bands = Bands(Figure("X"), [(Fraction(1, 2), 5), (Fraction(9, 10), 10)])
    assert [bands.value(Given({"X": x})) for x in (Fraction(49, 100), Fraction(1, 2),
                                                   Fraction(89, 100), Fraction(9, 10))] == [
        0, 5, 5, 10]


def test_a_ratio_of_sums_adds_the_counts_before_dividing() -> None:
    ratio = Ratio((Figure("A"), Figure("B")), (Figure("C"),))
    assert ratio.value(Given({"A": Fraction(1), "B": Fraction(2), "C": Fraction(4)})) == \
        Fraction(3, 4)


def test_a_ratio_over_nothing_has_no_value() -> None:
    assert Ratio((Figure("A"),), (Figure("C"),)).value(
        Given({"A": Fraction(1), "C": Fraction(0)})) is None


def test_sums_weighted_sums_and_minimums_are_exact() -> None:
    given = Given({"A": Fraction(1, 3), "B": Fraction(1, 6)})
    assert Sum((Figure("A"), Figure("B"))).value(given) == Fraction(1, 2)
    assert WeightedSum([(2, Figure("A")), (Fraction(1, 2), Figure("B"))]).value(given) == \
        Fraction(3, 4)
    assert Minimum((Figure("A"), Figure("B"), Constant(1))).value(given) == Fraction(1, 6)


def test_a_node_over_a_missing_input_has_no_value() -> None:
    assert Sum((Figure("A"), Figure("B"))).value(Given({"A": Fraction(1)})) is None


def test_a_float_is_refused_in_a_formula() -> None:
    with pytest.raises(TypeError, match="exact"):
        Linear(Figure("X"), full_at=0.5, points=10)  # type: ignore[arg-type]


def test_a_negative_weight_is_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        WeightedSum([(-1, Figure("A"))])


_RATE = st.fractions(min_value=0, max_value=1, max_denominator=1000)


@settings(max_examples=60, deadline=None)
@given(online=_RATE, ontime=_RATE, satisfied=_RATE, rise=st.fractions(
    min_value=0, max_value=1, max_denominator=1000), which=st.sampled_from(
    [cp.ONLINE, cp.ONTIME, cp.SATISFIED]))
def test_a_score_is_monotone_in_each_monotone_component(
        online: Fraction, ontime: Fraction, satisfied: Fraction, rise: Fraction,
        which: str) -> None:
    # The digital share is a ratio, not monotone in general: left out of this index.
    index = attrs.evolve(cp.INDEX, maximum=25, groups=[
        attrs.evolve(cp.INDEX.groups[0], components=cp.INDEX.groups[0].components[:1]),
        cp.INDEX.groups[1]])
    assert all(c.formula.increasing() for c in index.components)
    before = {cp.ONLINE: online, cp.ONTIME: ontime, cp.SATISFIED: satisfied}
    after = {**before, which: min(Fraction(1), before[which] + rise)}
    low, high = score(index, "u", Given(before)), score(index, "u", Given(after))
    assert low.total is not None and high.total is not None
    assert low.total <= high.total
    assert 0 <= low.total <= index.maximum


# -- missing components and ranks -----------------------------------------------------------


def test_a_unit_missing_a_component_has_no_score_by_default() -> None:
    s = score(cp.INDEX, "c1", unit_figures(Fraction(1), Fraction(1), None),
              {"SQ.DIGITAL": cp.DIGITAL})
    assert (s.total, s.missing) == (None, ("SQ.IDX.handling.satisfied",))


def test_an_index_declared_zero_scores_a_missing_component_0() -> None:
    index = attrs.evolve(cp.INDEX, missing=MissingComponents.ZERO)
    s = score(index, "c1", unit_figures(Fraction(1), Fraction(1), None),
              {"SQ.DIGITAL": cp.DIGITAL})
    assert s.total == 25


def scored(entity: str, total: int | None, **parts: int) -> UnitScore:
    from plan_rules.composite import ComponentScore

    return UnitScore(entity=entity, total=None if total is None else Fraction(total),
                     components=tuple(ComponentScore(code=c, group="g", points=Fraction(p),
                                                     maximum=Fraction(10))
                                      for c, p in parts.items()))


def test_equal_scores_share_a_rank_and_the_next_rank_skips() -> None:
    ranks = rank([scored("a", 90), scored("b", 80), scored("c", 80), scored("d", 70)])
    assert ranks == {"a": 1, "b": 2, "c": 2, "d": 4}


def test_a_declared_tie_break_field_orders_equal_scores() -> None:
    ranks = rank([scored("b", 80, x=3), scored("c", 80, x=5), scored("d", 80, x=3)],
                 tie_break=["x"])
    assert ranks == {"c": 1, "b": 2, "d": 2}


def test_a_unit_without_a_score_is_not_ranked() -> None:
    assert rank([scored("a", None), scored("b", 10)]) == {"b": 1}


def test_ranks_do_not_depend_on_the_order_of_the_units() -> None:
    units = [scored("a", 5), scored("b", 7), scored("c", 5)]
    assert rank(units) == rank(list(reversed(units)))


def test_the_units_within_a_territory_are_its_descendants_of_the_level() -> None:
    entities = {e.code: e for e in cp.ENTITIES}
    assert [e.code for e in units_within(entities, "commune", "vn", AS_OF)] == ["c1", "c2"]


def test_a_unit_that_ceased_before_the_date_is_not_within_the_territory() -> None:
    entities = {e.code: e for e in cp.ENTITIES}
    assert "tb" not in [e.code for e in units_within(entities, "province", "vn", AS_OF)]
    assert "tb" in [e.code for e in units_within(entities, "province", "vn",
                                                 date(2025, 3, 31))]


# -- evaluated ------------------------------------------------------------------------------


def provinces() -> list[pr.Observation]:
    return (cp.figures("hy", "province", (50, 100), (90, 100), (9, 10))
            + cp.figures("hn", "province", (40, 100), (90, 100), (9, 10))
            + cp.figures("hp", "province", (60, 100), (99, 100), (10, 10))
            # Ceased on 30 June: the best figures, and not ranked as of 31 December.
            + cp.figures("tb", "province", (100, 100), (100, 100), (10, 10)))


def test_a_score_target_is_met_by_units_at_or_above_the_threshold() -> None:
    report = evaluate(cp.figures("c1", "commune", (50, 100), (95, 100), (8, 10))
                      + cp.figures("c2", "commune", (50, 100), (95, 100), (8, 10)))
    finding = report.finding("SQ.IDX.communes")
    # 10 online + 5 × 145/200 digital + 10 on time + 4 satisfied.
    assert (finding.verdict, finding.observed) == (pr.Verdict.MET, Fraction(221, 8))


def test_a_score_target_gives_the_gap_in_points_and_where_they_are_missing() -> None:
    report = evaluate(cp.figures("c1", "commune", (25, 100), (60, 100), (8, 10))
                      + cp.figures("c2", "commune", (50, 100), (95, 100), (8, 10)))
    finding = report.finding("SQ.IDX.communes")
    c1 = next(u for u in finding.details["units"] if u["entity"] == "c1")
    # 5 online + 5 × 85/200 digital + 5 on time + 4 satisfied = 129/8, 31/8 short of 20.
    assert (finding.verdict, finding.observed, finding.gap) == (
        pr.Verdict.NOT_MET, Fraction(129, 8), Fraction(31, 8))
    assert c1["where_missing"][:2] == [
        {"component": "SQ.IDX.handling.ontime", "points": Fraction(5)},
        {"component": "SQ.IDX.online.submitted", "points": Fraction(5)}]


def test_every_point_traces_to_the_combined_figures_and_the_rows_behind_them() -> None:
    observations = (cp.figures("c1", "commune", (20, 100), (60, 100), (8, 10))
                    + cp.figures("c1", "commune", (30, 100), (60, 100), (8, 10), "Q2/2025"))
    finding = evaluate(observations).finding("SQ.IDX.communes")
    unit = next(u for u in finding.details["units"] if u["entity"] == "c1")
    online = unit["groups"][0]["components"][0]
    assert online["points"] == 5
    assert online["inputs"] == [{"indicator": cp.ONLINE, "figure": Fraction(1, 4),
                                 "numerator": 50, "denominator": 200, "observations": [0, 3]}]


def test_a_unit_missing_a_component_makes_a_score_target_incomplete() -> None:
    report = evaluate(cp.figures("c1", "commune", (50, 100), (95, 100), None)
                      + cp.figures("c2", "commune", (50, 100), (95, 100), (8, 10)))
    finding = report.finding("SQ.IDX.communes")
    assert [(e.entity, e.verdict) for e in finding.entities] == [
        ("c1", pr.Verdict.INCOMPLETE), ("c2", pr.Verdict.MET)]
    assert finding.verdict is pr.Verdict.INCOMPLETE


def test_a_rank_target_ranks_the_peers_within_its_territory() -> None:
    finding = evaluate(provinces()).finding("SQ.IDX.rank")
    assert [(r["entity"], r["rank"]) for r in finding.details["ranking"]] == [
        ("hp", 1), ("hy", 2), ("hn", 3)]
    assert (finding.verdict, finding.observed) == (pr.Verdict.MET, 2)


def test_a_rank_target_names_its_level_in_words_in_each_language() -> None:
    message = evaluate(provinces()).finding("SQ.IDX.rank").message
    assert "(cấp tỉnh thuộc" in message.vi and "province" not in message.vi
    assert "(province within" in message.en


def test_a_unit_that_ceased_before_the_as_of_date_is_not_ranked() -> None:
    finding = evaluate(provinces()).finding("SQ.IDX.rank")
    assert "tb" not in [r["entity"] for r in finding.details["ranking"]]


def test_a_peer_missing_a_component_is_not_ranked() -> None:
    observations = [o for o in provinces()
                    if not (o.entity == "hp" and o.indicator == cp.SATISFIED)]
    finding = evaluate(observations).finding("SQ.IDX.rank")
    assert finding.details["unranked"] == ["hp"]
    assert [(r["entity"], r["rank"]) for r in finding.details["ranking"]] == [
        ("hy", 1), ("hn", 2)]


def test_peers_with_equal_scores_share_a_rank() -> None:
    observations = [attrs.evolve(o, entity="hp") if o.entity == "hp" else o
                    for o in provinces()
                    if o.entity != "hp"] + cp.figures("hp", "province", (50, 100),
                                                      (90, 100), (9, 10))
    finding = evaluate(observations).finding("SQ.IDX.rank")
    assert [(r["entity"], r["rank"]) for r in finding.details["ranking"]] == [
        ("hp", 1), ("hy", 1), ("hn", 3)]


def test_a_rank_below_the_wanted_one_gives_the_places_and_points_to_gain() -> None:
    registry = cp.registry([cp.DIGITAL, cp.INDEX, attrs.evolve(cp.RANK, at_most=1)])
    finding = evaluate(provinces(), registry).finding("SQ.IDX.rank")
    assert (finding.verdict, finding.gap) == (pr.Verdict.NOT_MET, 1)
    hp = next(r["score"] for r in finding.details["ranking"] if r["entity"] == "hp")
    hy = next(r["score"] for r in finding.details["ranking"] if r["entity"] == "hy")
    assert finding.details["points_to_rank"] == {"hy": hp - hy}


def test_the_rows_an_index_reads_are_accounted_as_used() -> None:
    report = evaluate(cp.figures("c1", "commune", (50, 100), (95, 100), (8, 10)))
    assert [i for i in report.issues if i.code == "unused"] == []


def test_the_report_json_keeps_the_scores_exact() -> None:
    report = evaluate(cp.figures("c1", "commune", (50, 100), (95, 100), (8, 10)))
    again = pr.Report.from_json(report.to_json())
    assert again.finding("SQ.IDX.communes").details["units"][0]["score"] == Fraction(221, 8)


def write_csv(path: Path, observations: list[pr.Observation]) -> Path:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["indicator", "entity", "level", "period", "numerator", "denominator"])
    for o in observations:
        writer.writerow([o.indicator, o.entity, o.level, o.period.label, o.numerator,
                         o.denominator])
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


def test_a_partitioned_evaluation_gives_the_scores_of_one_pass(tmp_path: Path) -> None:
    # Months of a flow in each chunk: the partials add them up where they are read.
    observations = provinces() + [
        o for month in range(1, 10)
        for o in cp.figures("c1", "commune", (10 * month, 100), (5 * month, 50), (month, 10),
                            f"{month:02}/2025")
        + cp.figures("c2", "commune", (45, 90 + month), (80, 95), (9, 10), f"{month:02}/2025")]
    path = write_csv(tmp_path / "figures.csv", observations)
    registry = cp.registry()
    whole = pr.evaluate(pr.read_observations(path).observations, registry=registry,
                        as_of=AS_OF, entities=cp.ENTITIES)

    def scores(report: pr.Report) -> list[tuple[str, Any, Any]]:
        return [(f.code, f.verdict, [(u["entity"], u["score"]) for u in f.details["units"]])
                for f in report.findings if f.code.startswith("SQ.IDX")]

    for n in (2, 3):
        chunked = evaluate_in_chunks(path, n, as_of=AS_OF, entities=cp.ENTITIES,
                                     registry=registry)
        assert scores(chunked.report) == scores(whole)
    # 10 online (450/900) + 5/2 digital (675/1350) + 5 on time (225/450) + 9/2 satisfied
    # (the latest, 9/10).
    assert scores(whole)[0][2][0] == ("c1", Fraction(22))


# -- loading --------------------------------------------------------------------------------


def refused(composites: list[object]) -> list[pr.LoadProblem]:
    return list(cp.registry(composites).problems)


def test_a_formula_that_refers_to_itself_is_refused_naming_the_plugin() -> None:
    loop = Derived(code="SQ.LOOP", plan="SQ", area="S", name=pr.Text.same("Loop"),
                   formula=Sum((Figure(cp.ONLINE), Figure("SQ.LOOP"))))
    (problem,) = refused([loop])
    assert problem.plugin == "sq-plugin" and problem.code == "SQ.LOOP"
    assert "refers to itself: SQ.LOOP → SQ.LOOP" in problem.message


def test_a_cycle_through_two_derived_indicators_is_refused_with_what_reads_it() -> None:
    a = Derived(code="SQ.A", plan="SQ", area="S", name=pr.Text.same("A"),
                formula=Figure("SQ.B"))
    b = Derived(code="SQ.B", plan="SQ", area="S", name=pr.Text.same("B"),
                formula=Figure("SQ.A"))
    index = attrs.evolve(cp.INDEX, groups=[Group(
        code="SQ.IDX.g", name=pr.Text.same("G"), components=[Component(
            code="SQ.IDX.g.a", name=pr.Text.same("A"), points=30,
            formula=Linear(Figure("SQ.A"), full_at=1, points=30))])])
    problems = refused([a, b, index])
    assert {p.code for p in problems} == {"SQ.A", "SQ.B", "SQ.IDX"}
    assert all(p.plugin == "sq-plugin" for p in problems)


def test_a_formula_reading_an_unknown_indicator_is_refused_naming_the_plugin() -> None:
    odd = Derived(code="SQ.ODD", plan="SQ", area="S", name=pr.Text.same("Odd"),
                  formula=Figure("SQ.NOPE"))
    (problem,) = refused([odd])
    assert (problem.plugin, problem.code, problem.kind) == ("sq-plugin", "SQ.ODD", "reference")
    assert "'SQ.NOPE', which no loaded plugin contributes" in problem.message


def test_weights_that_do_not_add_up_to_the_maximum_are_refused_naming_the_plugin() -> None:
    (problem,) = refused([cp.DIGITAL, attrs.evolve(cp.INDEX, maximum=100)])
    assert (problem.plugin, problem.code) == ("sq-plugin", "SQ.IDX")
    assert "add up to 30, not its maximum 100" in problem.message


def test_a_target_on_a_refused_index_says_the_index_was_refused_not_unknown() -> None:
    problems = refused([cp.DIGITAL, attrs.evolve(cp.INDEX, maximum=100), cp.SCORE, cp.RANK])
    assert {p.code for p in problems} == {"SQ.IDX", cp.SCORE.code, cp.RANK.code}
    for p in problems:
        if p.code != "SQ.IDX":
            assert "'SQ.IDX', which was refused (see its own problem)" in p.message
            assert "no loaded plugin contributes" not in p.message


def test_a_component_whose_formula_cannot_give_its_points_is_refused() -> None:
    component = Component(code="SQ.IDX.c", name=pr.Text.same("C"), points=30,
                          formula=Linear(Figure(cp.ONLINE), full_at=1, points=20))
    index = attrs.evolve(cp.INDEX, groups=[Group(code="SQ.IDX.g", name=pr.Text.same("G"),
                                                 components=[component])])
    (problem,) = refused([index])
    assert "worth 30 points but its formula gives at most 20" in problem.message


def test_a_component_without_a_largest_value_is_refused() -> None:
    component = Component(code="SQ.IDX.c", name=pr.Text.same("C"), points=30,
                          formula=Figure(cp.ONLINE))
    index = attrs.evolve(cp.INDEX, groups=[Group(code="SQ.IDX.g", name=pr.Text.same("G"),
                                                 components=[component])])
    (problem,) = refused([index])
    assert "has no largest value" in problem.message


def test_a_score_target_on_an_unknown_index_is_refused() -> None:
    (problem,) = refused([cp.SCORE])
    assert (problem.code, problem.plugin) == ("SQ.IDX.communes", "sq-plugin")
    assert "names index 'SQ.IDX'" in problem.message


def test_a_score_target_above_the_index_maximum_is_refused() -> None:
    (problem,) = refused([cp.DIGITAL, cp.INDEX, attrs.evolve(cp.SCORE, threshold=31)])
    assert "asks for 31 points of an index worth 30" in problem.message


def test_a_tie_break_naming_no_field_of_the_index_is_refused() -> None:
    (problem,) = refused([cp.DIGITAL, cp.INDEX, attrs.evolve(cp.RANK, tie_break=["SQ.X"])])
    assert "breaks ties by 'SQ.X'" in problem.message


def test_a_derived_indicator_with_an_indicator_code_is_refused() -> None:
    twin = Derived(code=cp.ONLINE, plan="SQ", area="S", name=pr.Text.same("Twin"),
                   formula=Figure(cp.ONTIME))
    (problem,) = refused([twin])
    assert "has the code of a reported indicator" in problem.message


def test_in_strict_mode_a_refused_composite_raises_naming_the_plugin() -> None:
    with pytest.raises(pr.CompositeError) as caught:
        cp.registry([cp.DIGITAL, attrs.evolve(cp.INDEX, maximum=100)], strict=True)
    assert (caught.value.plugin, caught.value.code) == ("sq-plugin", "SQ.IDX")


def test_a_composite_of_an_unknown_plan_is_refused() -> None:
    (problem,) = refused([attrs.evolve(cp.DIGITAL, plan="NOPE")])
    assert "names plan 'NOPE'" in problem.message


def test_composites_hook_contributions_are_stamped_with_the_plugin() -> None:
    registry = cp.registry()
    assert {c.plugin for c in registry.composites.values()} == {"sq-plugin"}
    assert registry.plugin("sq-plugin").contributions["composites"] == (  # type: ignore[union-attr]
        "SQ.DIGITAL", "SQ.IDX", "SQ.IDX.communes", "SQ.IDX.rank")


def test_choosing_other_plans_leaves_the_composites_out() -> None:
    from plan_rules.registry import select_plans

    registry = cp.registry()
    assert dict(select_plans(registry, ["SQ"]).composites) == dict(registry.composites)
    other = attrs.evolve(registry, plans={**registry.plans, "T": registry.plans["SQ"]})
    assert dict(select_plans(other, ["T"]).composites) == {}


def test_a_score_target_before_its_window_has_no_data_yet() -> None:
    registry = cp.registry([cp.DIGITAL, cp.INDEX,
                            attrs.evolve(cp.SCORE, window_start=date(2026, 1, 1),
                                         deadline=date(2026, 12, 31))])
    finding = evaluate([], registry).finding("SQ.IDX.communes")
    assert finding.verdict is pr.Verdict.NO_DATA


def test_score_and_rank_targets_are_declared_with_the_existing_types() -> None:
    assert isinstance(cp.SCORE, ScoreTarget) and isinstance(cp.RANK, RankTarget)
    assert isinstance(cp.INDEX, Index)


# -- the docs -------------------------------------------------------------------------------


def test_the_score_index_chapter_of_the_tutorial_runs() -> None:
    import re
    import types

    text = (Path(__file__).resolve().parents[1] / "docs" / "writing-plugins.md").read_text(
        encoding="utf-8")
    (source,) = [m[1] for m in re.finditer(r"^```python\n(# score-index example\n.*?)^```$",
                                           text, re.S | re.M)]
    module = types.ModuleType("score_index_example")
    exec(compile(source, "docs/writing-plugins.md:score index", "exec"), module.__dict__)
    assert module.report.finding("SQI.IDX.80").verdict is pr.Verdict.NOT_MET


# -- explain ----------------------------------------------------------------------------------


def explained(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
              code: str, lang: str) -> str:
    from plan_rules import cli

    registry = cp.registry()
    monkeypatch.setattr(cli, "load_registry", lambda strict=None: registry)
    assert cli.main(["explain", code, "--lang", lang]) == 0
    return capsys.readouterr().out


def test_explain_shows_an_index_formula_in_words(monkeypatch: pytest.MonkeyPatch,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    out = explained(monkeypatch, capsys, "SQ.IDX", "en")
    assert "10 points when SQ.ONLINE (Rate SQ.ONLINE) ≥ 1/2, 0 points when ≤ 0, linear in " \
           "between" in out
    assert "Maximum" in out and "30 points" in out


def test_explain_shows_a_derived_indicator_in_vietnamese(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    out = explained(monkeypatch, capsys, "sq.digital", "vi")
    assert "Công thức" in out and "tử số của SQ.ONLINE (Tỷ lệ SQ.ONLINE)" in out


def test_explain_shows_a_rank_target_and_its_ties(monkeypatch: pytest.MonkeyPatch,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    out = explained(monkeypatch, capsys, "SQ.IDX.rank", "en")
    assert "rank ≤ 2" in out and "province within vn" in out and "shared" in out
    # Headed by the target's own name; the index named on a line of its own.
    index = f"SQ.IDX — {cp.INDEX.name.en}"
    assert cp.RANK.name is None  # then its scope stands for a name
    assert f"SQ.IDX.rank — {cp.RANK.scope.describe()}\n" in out and index in out
    vi = explained(monkeypatch, capsys, "SQ.IDX.rank", "vi")
    assert "cấp tỉnh thuộc vn" in vi and "province" not in vi


def test_every_missing_component_rule_has_words_in_both_languages() -> None:
    from plan_rules.words import MISSING_COMPONENT_WORDS

    assert set(MISSING_COMPONENT_WORDS) == {m.value for m in MissingComponents}
    assert all(w.text.vi and w.text.en and w.doc for w in MISSING_COMPONENT_WORDS.values())


def test_a_unit_whose_input_figure_is_blocked_is_invalid_not_scored() -> None:
    blocked = [attrs.evolve(o, numerator=120) if o.indicator == cp.ONLINE else o
               for o in cp.figures("c1", "commune", (50, 100), (95, 100), (8, 10))]
    finding = evaluate(blocked).finding("SQ.IDX.communes")
    assert (finding.entities[0].entity, finding.entities[0].verdict) == (
        "c1", pr.Verdict.INVALID)


def test_a_composites_hook_returning_something_else_is_a_problem_naming_the_plugin() -> None:
    (problem,) = refused(["SQ.IDX"])
    assert problem.plugin == "sq-plugin" and "not a Composite" in problem.message


def test_a_flow_given_as_percentages_of_several_periods_makes_the_unit_invalid() -> None:
    percentages = [pr.Observation(indicator=cp.ONLINE, entity="c1", level="commune",
                                  period=pr.Period.parse(q), value=Fraction(1, 2))
                   for q in ("Q1/2025", "Q2/2025")]
    others = [o for o in cp.figures("c1", "commune", (50, 100), (95, 100), (8, 10))
              if o.indicator != cp.ONLINE]
    finding = evaluate(percentages + others).finding("SQ.IDX.communes")
    assert (finding.entities[0].entity, finding.entities[0].verdict) == (
        "c1", pr.Verdict.INVALID)


# -- properties -------------------------------------------------------------------------------


_COUNTS = st.integers(0, 50).flatmap(lambda n: st.tuples(st.just(n), st.integers(n, 60)))
# The satisfaction figure may be left out: a unit missing a component.
_UNIT_MONTHS = st.lists(st.tuples(st.sampled_from(["c1", "c2", "hy", "hn", "hp"]),
                                  st.integers(1, 12), _COUNTS, _COUNTS, st.none() | _COUNTS),
                        min_size=1, max_size=25,
                        unique_by=lambda r: (r[0], r[1]))


def month_figures(rows: list[tuple[str, int, tuple[int, int], tuple[int, int],
                                   tuple[int, int] | None]]) -> list[pr.Observation]:
    levels = {"c1": "commune", "c2": "commune"}
    return [o for unit, month, a, b, c in rows
            for o in cp.figures(unit, levels.get(unit, "province"), a, b, c,
                                f"{month:02}/2025")]


@settings(max_examples=8, deadline=None)
@given(rows=_UNIT_MONTHS, n=st.integers(2, 4), rule=st.sampled_from(list(MissingComponents)))
def test_a_partitioned_evaluation_always_scores_as_one_pass(
        rows: list[tuple[str, int, tuple[int, int], tuple[int, int], tuple[int, int] | None]],
        n: int, rule: MissingComponents, tmp_path_factory: pytest.TempPathFactory) -> None:
    path = write_csv(tmp_path_factory.mktemp("figures") / "figures.csv", month_figures(rows))
    registry = cp.registry([cp.DIGITAL, attrs.evolve(cp.INDEX, missing=rule), cp.SCORE,
                            cp.RANK])
    whole = pr.evaluate(pr.read_observations(path).observations, registry=registry,
                        as_of=AS_OF, entities=cp.ENTITIES)
    chunked = evaluate_in_chunks(path, n, as_of=AS_OF, entities=cp.ENTITIES,
                                 registry=registry).report

    def scores(report: pr.Report) -> list[tuple[str, Any, Any, Any, Any, Any]]:
        return [(f.code, f.verdict, f.observed, f.coverage, f.message,
                 [(u["entity"], u["score"], u.get("reweighted"))
                  for u in f.details.get("units", ())])
                for f in report.findings if f.code.startswith("SQ.IDX")]

    assert scores(chunked) == scores(whole)


@settings(max_examples=40, deadline=None)
@given(rows=_UNIT_MONTHS)
def test_every_score_stays_within_zero_and_the_maximum(
        rows: list[tuple[str, int, tuple[int, int], tuple[int, int], tuple[int, int] | None]],
        ) -> None:
    report = evaluate(month_figures(rows))
    for f in report.findings:
        for unit in f.details.get("units", ()) if f.code.startswith("SQ.IDX") else ():
            assert unit["score"] is None or 0 <= unit["score"] <= 30
            for group in unit["groups"]:
                assert 0 <= group["points"] <= group["maximum"]


@settings(max_examples=40, deadline=None)
@given(totals=st.lists(st.integers(0, 5), max_size=8), data=st.data())
def test_a_rank_is_one_more_than_the_units_scoring_more(totals: list[int],
                                                         data: st.DataObject) -> None:
    units = [scored(f"u{k}", t) for k, t in enumerate(totals)]
    ranks = rank(data.draw(st.permutations(units)))
    assert ranks == {u.entity: 1 + sum(v.total > u.total for v in units)  # type: ignore[operator]
                     for u in units}


def test_a_report_with_scores_and_ranks_matches_the_report_schema() -> None:
    import json

    jsonschema = pytest.importorskip("jsonschema")
    schema = Path(__file__).resolve().parents[1] / "docs" / "report-schema.json"
    report = evaluate(provinces() + cp.figures("c1", "commune", (50, 100), (95, 100), (8, 10)))
    jsonschema.validate(json.loads(report.to_json()), json.loads(schema.read_text()))


# -- ownership --------------------------------------------------------------------------------

INTRUDER = """
from datetime import date
import plan_rules as pr
from plan_rules.composite import Component, Group, Index, ScoreTarget
from plan_rules.derive import Figure, Linear

@pr.hookimpl
def plan_rules_composites():
    part = Component(code="HY25.EASY.c", name=pr.Text.same("c"), points=1,
                     formula=Linear(Figure("HY25.PS.3"), full_at=0, zero_at=1, points=1))
    return [Index(code="HY25.EASY", plan="HY25", area="PS", name=pr.Text.same("easy"),
                  maximum=1, groups=[Group(code="HY25.EASY.g", name=pr.Text.same("g"),
                                           components=[part])])]
"""


def test_a_plugin_cannot_add_an_index_to_another_distributions_plan() -> None:
    from plan_rules import testing as kit

    with kit.installed("zzz-intruder", entry_points={"intruder": "intruder_plugin"},
                       modules={"intruder_plugin": INTRUDER}):
        registry = pr.load_registry()
    assert "HY25.EASY" not in registry.composites
    problem = next(p for p in registry.problems if p.code == "HY25.EASY")
    assert problem.kind == "ownership" and problem.plugin == "intruder"


OWNER = """
from datetime import date
import plan_rules as pr
from plan_rules.composite import Component, Group, Index
from plan_rules.derive import Figure, Linear

@pr.hookimpl
def plan_rules_plans():
    return [pr.Plan(code="OWN", number="1/OWN", issuer=pr.Text.same("o"),
                    issued=date(2025, 1, 1), deadline=date(2025, 12, 31),
                    title=pr.Text.same("o"),
                    areas=[pr.Area(code="A", name=pr.Text.same("a"))])]

@pr.hookimpl
def plan_rules_indicators():
    return [pr.Indicator(code="OWN.1", plan="OWN", area="A", kind="count", temporal="stock",
                         name=pr.Text.same("x"), description=pr.Text.same("x"),
                         unit=pr.Text.same("x"), clause=pr.Clause(bullet="x", text_vi="x"))]

@pr.hookimpl
def plan_rules_composites():
    part = Component(code="OWN.IDX.c", name=pr.Text.same("c"), points=1,
                     formula=Linear(Figure("OWN.1"), full_at=10, points=1))
    return [Index(code="OWN.IDX", plan="OWN", area="A", name=pr.Text.same("i"), maximum=1,
                  groups=[Group(code="OWN.IDX.g", name=pr.Text.same("g"),
                                components=[part])])]
"""

EASY_TARGET = """
from datetime import date
import plan_rules as pr
from plan_rules.composite import ScoreTarget

@pr.hookimpl
def plan_rules_composites():
    return [ScoreTarget(code="OWN.IDX.easy", index="OWN.IDX", threshold=0,
                        scope=pr.Scope(level="commune"), deadline=date(2025, 12, 31))]
"""


def test_a_plugin_cannot_add_a_score_target_to_another_distributions_index() -> None:
    from plan_rules import testing as kit

    with kit.installed("aaa-owner", entry_points={"owner": "owner_plugin"},
                       modules={"owner_plugin": OWNER}), \
            kit.installed("zzz-intruder", entry_points={"intruder": "easy_plugin"},
                          modules={"easy_plugin": EASY_TARGET}):
        registry = pr.load_registry(allow=["owner", "intruder"])
    assert "OWN.IDX" in registry.composites
    assert "OWN.IDX.easy" not in registry.composites
    problem = next(p for p in registry.problems if p.code == "OWN.IDX.easy")
    assert problem.kind == "ownership" and problem.plugin == "intruder"


def test_figures_set_aside_are_cited_only_for_the_units_a_target_measures() -> None:
    # tb ceased on 30 June: its figures of Q3 are set aside, and no composite target measures
    # tb (no commune; no peer as of 31 December), so none cites them.
    observations = provinces() + cp.figures("tb", "province", (1, 2), (1, 2), (1, 2),
                                            "Q3/2025")
    report = evaluate(observations + cp.figures("c1", "commune", (50, 100), (95, 100),
                                                (8, 10)))
    assert report.finding("SQ.IDX.communes").details["excluded"] == ()
    assert report.finding("SQ.IDX.rank").details["excluded"] == ()
