"""Roll-up: a unit that gave no figure of its own takes its descendants', by the indicator's
rule — rates: the pooled counts; stocks: each unit's latest, then summed; counts: summed;
milestones: done when every unit is — each unit on its own, marked ``derived`` with the units
it came from.
"""

from __future__ import annotations

import csv
import sys
from datetime import date
from fractions import Fraction
from pathlib import Path

import pytest

import plan_rules as pr
import sample_plugin

AS_OF = date(2025, 12, 31)
JUNE_30, JULY_1 = date(2025, 6, 30), date(2025, 7, 1)


class _Extra:
    """The sample plan's rate flow and a count flow, each with a province-wide target."""

    __name__ = "rollup_targets"

    @pr.hookimpl
    def plan_rules_indicators(self) -> list[pr.Indicator]:
        return [sample_plugin.indicator("T1.A.5", kind="count", temporal="flow")]

    @pr.hookimpl
    def plan_rules_targets(self) -> list[pr.Target]:
        return [sample_plugin.target(f"{code}.province", code, threshold,
                                     aggregation="reported", level="province")
                for code, threshold in (("T1.A.1", Fraction(1, 2)), ("T1.A.5", 10))]


@pytest.fixture(scope="module")
def reg() -> pr.Registry:
    from plan_rules import builtin

    return pr.load_registry(plugins=[sample_plugin, _Extra(), builtin], entry_points=False)


def unit(code: str, parent: str | None, level: str = "commune", **kw: object) -> pr.Entity:
    return pr.Entity(code=code, level=level, parent=parent, **kw)  # type: ignore[arg-type]


PROVINCES = [unit("p1", None, "province"), unit("p2", None, "province")]
UNITS = [unit("u1", "p1"), unit("u2", "p1"), unit("v1", "p2", "department")]


def obs(indicator: str, entity: str, period: str, num: int | None = None,
        den: int | None = None, value: Fraction | int | None = None,
        source: str | None = None) -> pr.Observation:
    return pr.Observation(indicator=indicator, entity=entity, period=pr.Period.parse(period),
                          numerator=num, denominator=den, value=value, source=source)


def run(reg: pr.Registry, figures: list[pr.Observation],
        entities: list[pr.Entity] | None = None) -> pr.Report:
    return pr.evaluate(figures, registry=reg, as_of=AS_OF,
                       entities=PROVINCES + UNITS if entities is None else entities)


def of(finding: pr.Finding, code: str) -> pr.EntityResult:
    return next(r for r in finding.entities if r.entity == code)


def test_a_rate_is_the_ratio_of_its_units_summed_counts(reg: pr.Registry) -> None:
    finding = run(reg, [obs("T1.A.1", "u1", "Q1/2025", 1, 10),
                        obs("T1.A.1", "u1", "Q2/2025", 9, 10),
                        obs("T1.A.1", "u2", "Q1/2025", 2, 80)]).finding("T1.A.1.province")
    p1 = of(finding, "p1")
    assert (p1.numerator, p1.denominator, p1.observed) == (12, 100, Fraction(3, 25))


def test_a_province_pools_only_its_own_units(reg: pr.Registry) -> None:
    finding = run(reg, [obs("T1.A.1", "u1", "Q1/2025", 3, 4),
                        obs("T1.A.1", "v1", "Q1/2025", 0, 100)]).finding("T1.A.1.province")
    assert (of(finding, "p1").numerator, of(finding, "p1").denominator) == (3, 4)
    assert (of(finding, "p2").numerator, of(finding, "p2").denominator) == (0, 100)


def test_a_stock_rate_is_each_units_latest_counts_then_pooled(reg: pr.Registry) -> None:
    finding = run(reg, [obs("T1.A.2", "u1", "Q1/2025", 1, 2),
                        obs("T1.A.2", "u1", "Q3/2025", 3, 4),
                        obs("T1.A.2", "u2", "Q2/2025", 1, 4)],
                  PROVINCES[:1] + UNITS[:2]).finding("T1.A.2.province")
    assert finding.observed == Fraction(4, 8)


def test_a_stock_count_is_each_units_latest_then_summed(reg: pr.Registry) -> None:
    finding = run(reg, [obs("T1.A.3", "u1", "Q1/2025", value=50),
                        obs("T1.A.3", "u1", "Q3/2025", value=70),
                        obs("T1.A.3", "u2", "Q2/2025", value=60)],
                  PROVINCES[:1] + UNITS[:2]).finding("T1.A.3.province")
    assert finding.observed == 130
    assert finding.verdict is pr.Verdict.MET


def test_a_flow_count_is_the_sum_of_every_units_periods(reg: pr.Registry) -> None:
    finding = run(reg, [obs("T1.A.5", "u1", "Q1/2025", value=5),
                        obs("T1.A.5", "u1", "Q3/2025", value=7),
                        obs("T1.A.5", "u2", "Q2/2025", value=4)],
                  PROVINCES[:1] + UNITS[:2]).finding("T1.A.5.province")
    assert finding.observed == 16


@pytest.mark.parametrize(("second", "verdict"), [(1, pr.Verdict.MET),
                                                 (0, pr.Verdict.NOT_MET)])
def test_a_milestone_is_done_only_when_every_unit_is(reg: pr.Registry, second: int,
                                                     verdict: pr.Verdict) -> None:
    finding = run(reg, [obs("T1.A.4", "u1", "Q3/2025", value=1, source="QĐ 1"),
                        obs("T1.A.4", "u2", "Q3/2025", value=second, source="QĐ 2")],
                  PROVINCES[:1] + UNITS[:2]).finding("T1.A.4.province")
    assert finding.verdict is verdict


def test_a_rolled_up_figure_is_marked_derived_with_the_units_it_came_from(
        reg: pr.Registry) -> None:
    finding = run(reg, [obs("T1.A.1", "u2", "Q1/2025", 1, 2),
                        obs("T1.A.1", "u1", "Q1/2025", 1, 2),
                        obs("T1.A.1", "v1", "Q1/2025", 1, 2)]).finding("T1.A.1.province")
    assert finding.details["derived"] is True
    assert finding.details["derived_from"] == {"p1": ("u1", "u2"), "p2": ("v1",)}
    assert finding.statistics.reported is None
    assert "pooled" in finding.message.en


def test_a_unit_that_gave_its_own_figure_is_not_rolled_up(reg: pr.Registry) -> None:
    finding = run(reg, [obs("T1.A.1", "p1", "Q1/2025", 9, 10),
                        obs("T1.A.1", "u1", "Q1/2025", 1, 10)],
                  PROVINCES[:1] + UNITS[:2]).finding("T1.A.1.province")
    assert finding.observed == Fraction(9, 10)
    assert "derived" not in finding.details


def test_a_unit_that_moved_counts_under_the_parent_of_each_figures_dates(
        reg: pr.Registry) -> None:
    moved = [unit("w", "p1", valid_to=JUNE_30), unit("w", "p2", valid_from=JULY_1)]
    finding = run(reg, [obs("T1.A.1", "w", "Q1/2025", 1, 10),
                        obs("T1.A.1", "w", "Q3/2025", 7, 10)],
                  PROVINCES + moved).finding("T1.A.1.province")
    assert (of(finding, "p1").numerator, of(finding, "p1").denominator) == (1, 10)
    assert (of(finding, "p2").numerator, of(finding, "p2").denominator) == (7, 10)


def test_a_percentage_cannot_be_pooled_into_a_province_figure(reg: pr.Registry) -> None:
    report = run(reg, [obs("T1.A.1", "u1", "Q1/2025", 1, 2),
                       obs("T1.A.1", "u2", "Q1/2025", value=Fraction(1, 2))],
                 PROVINCES[:1] + UNITS[:2])
    assert report.finding("T1.A.1.province").verdict is pr.Verdict.INVALID
    assert [(i.code, i.observation) for i in report.issues
            if i.code == "counts_needed"] == [("counts_needed", 1)]


def test_a_parent_cycle_rolls_nothing_up_and_ends(reg: pr.Registry) -> None:
    looped = [unit("p1", "u1", "province"), unit("u1", "p1")]
    report = run(reg, [obs("T1.A.1", "u1", "Q1/2025", 1, 2)], looped)
    assert report.finding("T1.A.1.province").verdict is pr.Verdict.NO_DATA
    assert [i.code for i in report.issues if i.code == "parent_cycle"] == ["parent_cycle"] * 2


def test_without_units_placed_a_province_wide_figure_pools_every_unit(
        reg: pr.Registry) -> None:
    # No entities: nothing says where a unit lies, the figures are taken as the scope's.
    figure = pr.Observation(indicator="T1.A.1", entity="u1", level="commune",
                            period=pr.Period.parse("Q1/2025"), numerator=1, denominator=4)
    finding = pr.evaluate([figure], registry=reg, as_of=AS_OF).finding("T1.A.1.province")
    assert finding.observed == Fraction(1, 4)
    assert finding.details["derived"] is True


# -- the national file ---------------------------------------------------------------------------

def test_each_province_of_a_national_file_is_the_pooled_counts_of_its_own_units(
        tmp_path: Path) -> None:
    sys.path.insert(0, str(Path(__file__).parents[1] / "benchmarks"))
    try:
        import generate
    finally:
        sys.path.pop(0)
    entities_file = tmp_path / "national-entities.csv"
    generate.write_entities(entities_file)
    rows, sums = [], {}
    for n, (code, level) in enumerate(generate.units()):
        num, den = n % 7, 10 + n % 5
        rows.append(pr.Observation(indicator="HY25.PS.3", entity=code, level=level,
                                   period=pr.Period.parse("03/2025"), numerator=num,
                                   denominator=den))
        province = code[:3]
        a, b = sums.get(province, (0, 0))
        sums[province] = (a + num, b + den)
    entities = pr.read_entities(entities_file)
    assert entities.issues == ()
    with entities_file.open(encoding="utf-8") as handle:
        assert sum(1 for row in csv.DictReader(handle) if row["level"] == "province") == 34
    report = pr.evaluate(rows, as_of=AS_OF, entities=entities.entities, plans=["HY25"])
    finding = report.finding("HY25.PS.3.province")
    rolled = {r.entity: (r.numerator, r.denominator) for r in finding.entities}
    assert rolled == sums
    assert len(finding.details["derived_from"]) == 34
