"""Missing components of an index, after the coverage rules of plain targets: a unit missing
a component has no score and makes its targets ``incomplete`` (the default), or the component
scores 0, or the unit is re-weighted over the components it has — declared per index.

The index is the composite tests' (``tests/composite_plugin.py``): 30 points, online
submitted 10 (full at 50%), digital share 5 (a ratio of both rates' counts), on time 10
(bands 50% → 5, 90% → 10), satisfied 5 (linear to 100%).
"""

from __future__ import annotations

from datetime import date
from fractions import Fraction
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import composite_plugin as cp
import plan_rules as pr
from plan_rules.composite import MissingComponents, score
from plan_rules.derive import Values
from plan_rules.partials import evaluate_in_chunks
from plan_rules.words import MISSING_COMPONENT_WORDS, SCORE_WORDS
from test_composite import Given, write_csv

AS_OF = date(2025, 12, 31)
INCOMPLETE, ZERO, REWEIGHT = (MissingComponents.INCOMPLETE, MissingComponents.ZERO,
                              MissingComponents.REWEIGHT)
SATISFIED_POINTS = "SQ.IDX.handling.satisfied"
DERIVED = {"SQ.DIGITAL": cp.DIGITAL}


def index(rule: MissingComponents | str) -> Any:
    return attrs.evolve(cp.INDEX, missing=rule)


def registry(rule: MissingComponents | str, *, at_most: int = 2) -> pr.Registry:
    return cp.registry([cp.DIGITAL, index(rule), cp.SCORE, attrs.evolve(cp.RANK,
                                                                         at_most=at_most)])


def evaluate(observations: list[pr.Observation], rule: MissingComponents | str, *,
             at_most: int = 2) -> pr.Report:
    return pr.evaluate(observations, registry=registry(rule, at_most=at_most), as_of=AS_OF,
                       entities=cp.ENTITIES)


def without(observations: list[pr.Observation], unit: str,
            *indicators: str) -> list[pr.Observation]:
    return [o for o in observations if not (o.entity == unit and o.indicator in indicators)]


def partial_unit() -> Given:
    """25% online, 60% on time (each of 100 dossiers), no satisfaction figure."""
    return Given({cp.ONLINE: Fraction(1, 4), cp.ONTIME: Fraction(3, 5)},
                 {cp.ONLINE: (25, 100), cp.ONTIME: (60, 100)})


# -- a unit's score under each rule ---------------------------------------------------------

# online 5 (25% of the 50% full-score rate), digital 5 × 85/200 = 17/8, on time 5 (60% is
# in the 50% band): 97/8 points of the 25 the three components are worth.
PRESENT = Fraction(97, 8)


def test_under_incomplete_a_unit_missing_a_component_has_no_score() -> None:
    s = score(index(INCOMPLETE), "c1", partial_unit(), DERIVED)
    assert (s.total, s.missing, s.reweighted_over) == (None, (SATISFIED_POINTS,), ())


def test_incomplete_is_the_default_and_no_score_its_earlier_name() -> None:
    assert cp.INDEX.missing is INCOMPLETE
    assert index("no_score").missing is INCOMPLETE
    with pytest.raises(ValueError):
        index("nothing")


def test_under_zero_the_missing_component_scores_0() -> None:
    s = score(index(ZERO), "c1", partial_unit(), DERIVED)
    assert (s.total, s.missing, s.reweighted_over) == (PRESENT, (SATISFIED_POINTS,), ())


def test_under_reweight_the_present_points_are_scaled_to_the_maximum_exactly() -> None:
    s = score(index(REWEIGHT), "c1", partial_unit(), DERIVED)
    # 97/8 × 30 / 25.
    assert s.total == Fraction(291, 20)
    assert s.reweighted_over == ("SQ.IDX.online.submitted", "SQ.IDX.online.digital",
                                 "SQ.IDX.handling.ontime")
    assert (s.present_points, s.present_maximum) == (PRESENT, Fraction(25))


def test_reweight_scales_over_the_components_present_whichever_they_are() -> None:
    # Without the on-time rate, neither the on-time band nor the digital share (it reads the
    # on-time counts) has a figure: 5 online + 4 satisfied of 15, scaled to 30.
    unit = Given({cp.ONLINE: Fraction(1, 4), cp.SATISFIED: Fraction(4, 5)},
                 {cp.ONLINE: (25, 100)})
    s = score(index(REWEIGHT), "c1", unit, DERIVED)
    assert (s.total, s.present_maximum) == (Fraction(18), Fraction(15))
    assert s.reweighted_over == ("SQ.IDX.online.submitted", SATISFIED_POINTS)


def test_a_unit_with_every_component_is_scored_alike_under_every_rule() -> None:
    unit = Given({cp.ONLINE: Fraction(1, 4), cp.ONTIME: Fraction(3, 5),
                  cp.SATISFIED: Fraction(4, 5)}, {cp.ONLINE: (25, 100), cp.ONTIME: (60, 100)})
    scores = {rule: score(index(rule), "c1", unit, DERIVED) for rule in MissingComponents}
    assert {s.total for s in scores.values()} == {PRESENT + 4}
    assert all(s.reweighted_over == () for s in scores.values())


@pytest.mark.parametrize("rule", list(MissingComponents))
def test_a_unit_without_any_component_has_no_score_under_every_rule(
        rule: MissingComponents) -> None:
    assert score(index(rule), "c1", Given({}), DERIVED).total is None


_SHARE = st.fractions(min_value=0, max_value=1, max_denominator=200)


class Drawn(Values):
    def __init__(self, figures: dict[str, Fraction | None]) -> None:
        self.figures = figures

    def figure(self, code: str) -> Fraction | None:
        return self.figures.get(code)

    def counts(self, code: str) -> tuple[int, int] | None:
        x = self.figures.get(code)
        return None if x is None else (x.numerator, x.denominator)


@settings(max_examples=80, deadline=None)
@given(online=st.none() | _SHARE, ontime=st.none() | _SHARE, satisfied=st.none() | _SHARE)
def test_a_reweighted_score_is_the_zero_score_scaled_and_stays_within_the_maximum(
        online: Fraction | None, ontime: Fraction | None,
        satisfied: Fraction | None) -> None:
    unit = Drawn({cp.ONLINE: online, cp.ONTIME: ontime, cp.SATISFIED: satisfied})
    zero = score(index(ZERO), "u", unit, DERIVED)
    again = score(index(REWEIGHT), "u", unit, DERIVED)
    assert (zero.total is None) == (again.total is None)
    if again.total is not None and zero.total is not None:
        assert again.total == zero.total * 30 / zero.present_maximum
        assert zero.total <= again.total <= 30


# -- score targets --------------------------------------------------------------------------


def communes() -> list[pr.Observation]:
    return (cp.figures("c1", "commune", (25, 100), (60, 100), (8, 10))
            + cp.figures("c2", "commune", (50, 100), (95, 100), (8, 10)))


def test_a_score_target_with_a_unit_missing_a_component_is_incomplete_naming_both() -> None:
    observations = without(communes(), "c1", cp.SATISFIED)
    finding = evaluate(observations, INCOMPLETE).finding("SQ.IDX.communes")
    assert finding.verdict is pr.Verdict.INCOMPLETE
    assert [(e.entity, e.verdict, e.observed) for e in finding.entities] == [
        ("c1", pr.Verdict.INCOMPLETE, None), ("c2", pr.Verdict.MET, Fraction(221, 8))]
    assert finding.gap is None
    assert "1 without a score: c1 lacks SQ.IDX.handling.satisfied" in finding.message.en
    assert "1 đơn vị chưa có điểm: c1 thiếu SQ.IDX.handling.satisfied" in finding.message.vi
    c = finding.coverage
    assert c is not None
    assert (c.expected, c.reported, [(m.code, m.verdict) for m in c.missing],
            c.rule.describe()) == (2, 1, [("c1", pr.Verdict.NO_DATA)], "require_all")


def test_a_unit_that_sent_nothing_beside_one_scored_makes_the_target_incomplete() -> None:
    observations = [o for o in communes() if o.entity == "c2"]
    for rule in MissingComponents:
        finding = evaluate(observations, rule).finding("SQ.IDX.communes")
        assert finding.verdict is pr.Verdict.INCOMPLETE, rule
        assert finding.entities[0].verdict is pr.Verdict.NO_DATA
        assert "c1 sent nothing" in finding.message.en
        assert "c1 không gửi số liệu" in finding.message.vi


def test_a_score_target_none_of_whose_units_has_a_figure_is_no_data() -> None:
    provinces = cp.figures("hy", "province", (50, 100), (90, 100), (9, 10))
    for rule in MissingComponents:
        finding = evaluate(provinces, rule).finding("SQ.IDX.communes")
        assert finding.verdict is pr.Verdict.NO_DATA, rule
        assert finding.coverage is not None
        assert (finding.coverage.expected, finding.coverage.reported) == (2, 0)


def test_a_unit_short_of_the_threshold_makes_the_target_not_met_even_with_one_missing() -> None:
    observations = without(cp.figures("c1", "commune", (10, 100), (40, 100), (1, 10))
                           + cp.figures("c2", "commune", (50, 100), (95, 100), (8, 10)),
                           "c2", cp.SATISFIED)
    finding = evaluate(observations, INCOMPLETE).finding("SQ.IDX.communes")
    assert finding.verdict is pr.Verdict.NOT_MET
    assert "c2 lacks SQ.IDX.handling.satisfied" in finding.message.en


def test_under_zero_a_score_target_judges_the_unit_on_0_for_the_missing_component() -> None:
    observations = without(communes(), "c1", cp.SATISFIED)
    finding = evaluate(observations, ZERO).finding("SQ.IDX.communes")
    assert [(e.entity, e.verdict, e.observed, e.gap) for e in finding.entities] == [
        ("c1", pr.Verdict.NOT_MET, PRESENT, 20 - PRESENT),
        ("c2", pr.Verdict.MET, Fraction(221, 8), None)]
    assert finding.coverage is not None and finding.coverage.complete
    assert "scored 0 where a component has no figure: c1 (SQ.IDX.handling.satisfied)" \
        in finding.message.en
    unit = finding.details["units"][0]
    assert (unit["score"], unit["missing"], unit["reweighted"]) == (
        PRESENT, [SATISFIED_POINTS], None)
    assert finding.details["missing_components"] == "zero"
    # The breakdown shows the 0 points the score counted, and that no figure came.
    parts = {c["code"]: c for g in unit["groups"] for c in g["components"]}
    assert (parts[SATISFIED_POINTS]["points"], parts[SATISFIED_POINTS]["no_figure"]) == (0, True)
    assert all(not c["no_figure"] for k, c in parts.items() if k != SATISFIED_POINTS)
    # Under the default rule the same component has no points: the unit has no score.
    default = evaluate(observations, INCOMPLETE).finding("SQ.IDX.communes").details["units"][0]
    parts = {c["code"]: c for g in default["groups"] for c in g["components"]}
    assert (parts[SATISFIED_POINTS]["points"], parts[SATISFIED_POINTS]["no_figure"]) == (
        None, True)


def test_under_reweight_the_breakdown_says_over_which_components_and_from_what() -> None:
    observations = without(communes(), "c1", cp.SATISFIED)
    finding = evaluate(observations, REWEIGHT).finding("SQ.IDX.communes")
    assert [(e.entity, e.observed) for e in finding.entities] == [
        ("c1", Fraction(291, 20)), ("c2", Fraction(221, 8))]
    c1, c2 = finding.details["units"]
    assert c1["reweighted"] == {
        "over": ["SQ.IDX.online.submitted", "SQ.IDX.online.digital", "SQ.IDX.handling.ontime"],
        "points": PRESENT, "maximum": Fraction(25)}
    assert c2["reweighted"] is None
    # The group subtotals are the points before scaling.
    assert [g["points"] for g in c1["groups"]] == [Fraction(57, 8), Fraction(5)]
    assert "re-weighted, leaving out the components without a figure: c1 " \
           "(SQ.IDX.handling.satisfied)" in finding.message.en
    again = pr.Report.from_json(evaluate(observations, REWEIGHT).to_json())
    assert again.finding("SQ.IDX.communes").details["units"][0]["reweighted"] == c1["reweighted"]


@pytest.mark.parametrize("rule", [ZERO, REWEIGHT])
def test_a_blocked_figure_is_never_scored_around(rule: MissingComponents) -> None:
    # More dossiers online than in all: the row is blocked, and the unit invalid, not scored
    # on the other components.
    blocked = [attrs.evolve(o, numerator=120) if o.indicator == cp.ONLINE else o
               for o in cp.figures("c1", "commune", (50, 100), (95, 100), (8, 10))
               ] + cp.figures("c2", "commune", (50, 100), (95, 100), (8, 10))
    finding = evaluate(blocked, rule).finding("SQ.IDX.communes")
    assert (finding.entities[0].entity, finding.entities[0].verdict,
            finding.entities[0].observed) == ("c1", pr.Verdict.INVALID, None)
    assert finding.coverage is not None
    assert [(m.code, m.verdict) for m in finding.coverage.missing] == [
        ("c1", pr.Verdict.INVALID)]
    assert "c1 blocked by data issues" in finding.message.en


# -- rank targets ---------------------------------------------------------------------------


def provinces() -> list[pr.Observation]:
    # hy: 10 + 5 × 140/200 + 10 + 9/2 = 28; hn: 8 + 5 × 130/200 + 10 + 9/2 = 103/4;
    # hp: 10 + 5 × 159/200 + 10 (+ 5 satisfied when it reports it) = 959/40 (+ 5).
    return (cp.figures("hy", "province", (50, 100), (90, 100), (9, 10))
            + cp.figures("hn", "province", (40, 100), (90, 100), (9, 10))
            + cp.figures("hp", "province", (60, 100), (99, 100), None))


def ranking(finding: pr.Finding) -> list[tuple[str, int, Fraction]]:
    return [(r["entity"], r["rank"], r["score"]) for r in finding.details["ranking"]]


def test_under_incomplete_a_peer_missing_a_component_is_not_ranked() -> None:
    finding = evaluate(provinces(), INCOMPLETE).finding("SQ.IDX.rank")
    assert ranking(finding) == [("hy", 1, Fraction(28)), ("hn", 2, Fraction(103, 4))]
    assert finding.details["unranked"] == ["hp"]
    # Rank 1 of the top 2: hp, whatever it scores, cannot push hy out.
    assert finding.verdict is pr.Verdict.MET
    c = finding.coverage
    assert c is not None
    assert (c.expected, c.reported, [m.code for m in c.missing]) == (3, 2, ["hp"])
    assert "not ranked: hp lacks SQ.IDX.handling.satisfied" in finding.message.en
    assert "chưa xếp hạng: hp thiếu SQ.IDX.handling.satisfied" in finding.message.vi


def test_a_rank_an_unscored_peer_could_take_is_incomplete() -> None:
    finding = evaluate(provinces(), INCOMPLETE, at_most=1).finding("SQ.IDX.rank")
    assert finding.verdict is pr.Verdict.INCOMPLETE
    assert (finding.entities[0].verdict, finding.entities[0].observed, finding.gap) == (
        pr.Verdict.INCOMPLETE, Fraction(1), None)
    assert SCORE_WORDS["may_change"].text.en in finding.message.en
    assert SCORE_WORDS["may_change"].text.vi in finding.message.vi


def test_a_rank_outside_the_wanted_ones_is_not_met_whatever_the_unscored_peers_score() -> None:
    observations = without(provinces() + cp.figures("hp", "province", (60, 100), (99, 100),
                                                    (10, 10)), "hn", cp.SATISFIED)
    # hp reports its satisfaction after all (33 - 5 × 159/200 … = 1159/40 points), hn not.
    finding = evaluate(observations, INCOMPLETE, at_most=1).finding("SQ.IDX.rank")
    assert ranking(finding) == [("hp", 1, Fraction(1159, 40)), ("hy", 2, Fraction(28))]
    assert (finding.verdict, finding.gap) == (pr.Verdict.NOT_MET, Fraction(1))


def test_a_unit_of_the_scope_missing_a_component_makes_the_rank_target_incomplete() -> None:
    observations = without(provinces() + cp.figures("hp", "province", (60, 100), (99, 100),
                                                    (10, 10)), "hy", cp.SATISFIED)
    finding = evaluate(observations, INCOMPLETE).finding("SQ.IDX.rank")
    assert (finding.verdict, finding.observed) == (pr.Verdict.INCOMPLETE, None)
    assert [(e.entity, e.verdict) for e in finding.entities] == [
        ("hy", pr.Verdict.INCOMPLETE)]
    assert "hy lacks SQ.IDX.handling.satisfied" in finding.message.en


def test_under_zero_a_peer_missing_a_component_ranks_on_0_there() -> None:
    finding = evaluate(provinces(), ZERO, at_most=1).finding("SQ.IDX.rank")
    assert ranking(finding) == [("hy", 1, Fraction(28)), ("hn", 2, Fraction(103, 4)),
                                ("hp", 3, Fraction(959, 40))]
    assert finding.details["unranked"] == []
    assert finding.verdict is pr.Verdict.MET
    assert finding.coverage is not None and finding.coverage.complete


def test_under_reweight_a_peer_missing_a_component_ranks_on_its_scaled_score() -> None:
    finding = evaluate(provinces(), REWEIGHT, at_most=1).finding("SQ.IDX.rank")
    # hp: 959/40 of 25, scaled to 30.
    assert ranking(finding) == [("hp", 1, Fraction(2877, 100)), ("hy", 2, Fraction(28)),
                                ("hn", 3, Fraction(103, 4))]
    assert (finding.verdict, finding.gap) == (pr.Verdict.NOT_MET, Fraction(1))
    assert finding.details["points_to_rank"] == {"hy": Fraction(77, 100)}
    hp = next(u for u in finding.details["units"] if u["entity"] == "hp")
    assert hp["reweighted"]["over"] == ["SQ.IDX.online.submitted", "SQ.IDX.online.digital",
                                        "SQ.IDX.handling.ontime"]


@pytest.mark.parametrize("rule", list(MissingComponents))
def test_a_peer_that_sent_nothing_is_not_ranked_under_every_rule(
        rule: MissingComponents) -> None:
    observations = [o for o in provinces() if o.entity != "hp"]
    finding = evaluate(observations, rule, at_most=1).finding("SQ.IDX.rank")
    assert finding.details["unranked"] == ["hp"]
    assert finding.verdict is pr.Verdict.INCOMPLETE
    assert "hp sent nothing" in finding.message.en


def test_a_rank_target_whose_unit_sent_nothing_is_no_data() -> None:
    observations = [o for o in provinces() if o.entity != "hy"]
    finding = evaluate(observations, INCOMPLETE).finding("SQ.IDX.rank")
    assert finding.verdict is pr.Verdict.NO_DATA


# -- explain --------------------------------------------------------------------------------


@pytest.mark.parametrize("rule", list(MissingComponents))
@pytest.mark.parametrize("lang", ["vi", "en"])
def test_explain_says_the_rule_for_missing_components_in_words(
        rule: MissingComponents, lang: str, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    from plan_rules import cli

    rules = registry(rule)
    monkeypatch.setattr(cli, "load_registry", lambda strict=None: rules)
    assert cli.main(["explain", "SQ.IDX", "--lang", lang]) == 0
    out = capsys.readouterr().out
    assert f"{rule.value} — {MISSING_COMPONENT_WORDS[rule.value].text.get(lang)}" in out


def test_every_score_word_has_both_languages_and_a_meaning() -> None:
    assert all(w.text.vi and w.text.en and w.doc for w in SCORE_WORDS.values())


# -- one pass and chunks --------------------------------------------------------------------


def findings(report: pr.Report) -> list[tuple[Any, ...]]:
    return [(f.code, f.verdict, f.observed, f.gap, f.message, f.coverage,
             [(u["entity"], u["score"], u["missing"], u["reweighted"])
              for u in f.details.get("units", ())], f.details.get("ranking"),
             f.details.get("unranked"))
            for f in report.findings if f.code.startswith("SQ.IDX")]


@pytest.mark.parametrize("rule", list(MissingComponents))
def test_chunks_give_the_findings_of_one_pass_with_components_missing(
        rule: MissingComponents, tmp_path: Path) -> None:
    # c1 sends two flows month by month and no satisfaction figure; c2 sends nothing.
    observations = without(provinces(), "hn", cp.ONTIME) + [
        o for month in range(1, 10)
        for o in cp.figures("c1", "commune", (10 * month, 100), (5 * month, 50), None,
                            f"{month:02}/2025")]
    path = write_csv(tmp_path / "figures.csv", observations)
    rules = registry(rule, at_most=1)
    whole = pr.evaluate(pr.read_observations(path).observations, registry=rules, as_of=AS_OF,
                        entities=cp.ENTITIES)
    for n in (2, 3, 5):
        chunked = evaluate_in_chunks(path, n, as_of=AS_OF, entities=cp.ENTITIES,
                                     registry=rules)
        assert findings(chunked.report) == findings(whole)
    # 10 online (450/900) + 5/2 digital (675/1350) + 5 on time (225/450) of 25: none, 35/2
    # (short of 20: not met, whatever c2 would score), or 21 (met; c2 missing: incomplete).
    finding = whole.finding("SQ.IDX.communes")
    assert (finding.entities[0].observed, finding.verdict) == {
        INCOMPLETE: (None, pr.Verdict.INCOMPLETE), ZERO: (Fraction(35, 2), pr.Verdict.NOT_MET),
        REWEIGHT: (Fraction(21), pr.Verdict.INCOMPLETE)}[rule]


_ROWS = st.lists(st.tuples(st.sampled_from(["c1", "c2", "hy", "hn", "hp"]),
                           st.integers(1, 12),
                           st.sets(st.sampled_from([cp.ONLINE, cp.ONTIME, cp.SATISFIED]),
                                   min_size=1),
                           st.integers(0, 40)),
                 min_size=1, max_size=20, unique_by=lambda r: (r[0], r[1]))


@settings(max_examples=10, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(rows=_ROWS, rule=st.sampled_from(list(MissingComponents)), n=st.integers(2, 4))
def test_chunks_always_give_the_findings_of_one_pass_under_every_rule(
        rows: list[tuple[str, int, set[str], int]], rule: MissingComponents, n: int,
        tmp_path_factory: pytest.TempPathFactory) -> None:
    levels = {"c1": "commune", "c2": "commune"}
    observations = [
        pr.Observation(indicator=code, entity=unit, level=levels.get(unit, "province"),
                       period=pr.Period.parse(f"{month:02}/2025"), numerator=k,
                       denominator=40)
        for unit, month, codes, k in rows for code in sorted(codes)]
    path = write_csv(tmp_path_factory.mktemp("figures") / "figures.csv", observations)
    rules = registry(rule, at_most=1)
    whole = pr.evaluate(pr.read_observations(path).observations, registry=rules, as_of=AS_OF,
                        entities=cp.ENTITIES)
    chunked = evaluate_in_chunks(path, n, as_of=AS_OF, entities=cp.ENTITIES, registry=rules)
    assert findings(chunked.report) == findings(whole)


# -- the docs -------------------------------------------------------------------------------


def test_the_tutorial_example_of_missing_components_runs() -> None:
    import re
    import types

    text = (Path(__file__).resolve().parents[1] / "docs" / "writing-plugins.md").read_text(
        encoding="utf-8")

    def block(first_line: str) -> str:
        (source,) = [m[1] for m in re.finditer(rf"^```python\n({first_line}\n.*?)^```$",
                                               text, re.S | re.M)]
        return source

    # The second example continues the first, in the same module.
    module = types.ModuleType("missing_components_example")
    for first_line in ("# score-index example",
                       "# missing-components example: run after the example above"):
        exec(compile(block(first_line), "docs/writing-plugins.md", "exec"), module.__dict__)
    assert module.incomplete.finding("SQI.IDX.80").verdict is pr.Verdict.INCOMPLETE
