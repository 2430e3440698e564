"""Targets applied per territory: a plan template instantiated once per province
(:func:`plan_rules.per_territory`), and a national plan's ``each`` / ``pooled`` / ``mean``
targets over the provinces, each province's figure its roll-up (``Target.roll_up``).

The fixture is national-shaped and small: a country ``vn``, three provinces under it, their
communes under them. ``p2`` reports its own province-wide figure, ``p1`` and ``p3`` do not
(rolled up from their communes); ``p2-c3`` sends nothing; one row is the country's own.
"""

from __future__ import annotations

import csv
import importlib.util
import random
import re
from collections.abc import Sequence
from datetime import date
from fractions import Fraction
from pathlib import Path
from typing import Any

import attrs
import pytest

import plan_rules as pr
from plan_rules import builtin
from plan_rules.registry import select_plans

AS_OF = date(2025, 12, 31)
DEADLINE = date(2025, 12, 31)
RATE = "N25.A.1"
PROVINCES = ("p1", "p2", "p3")


def _plan(code: str, territory: str | None) -> pr.Plan:
    return pr.Plan(code=code, number=f"1/KH-{code}", issuer=pr.Text.same("Ministry"),
                   issued=date(2024, 12, 31), deadline=DEADLINE,
                   title=pr.Text(vi=f"Kế hoạch {code}", en=f"Plan {code}"),
                   areas=[pr.Area(code="A", name=pr.Text(vi="Lĩnh vực A", en="Area A"))],
                   territory=territory, note=pr.Text.same("what the template's figures cover"))


def _target(code: str, threshold: Fraction, level: str, aggregation: str,
            **kw: Any) -> pr.Target:
    return pr.Target(code=code, indicator=RATE, comparator=">=", threshold=threshold,
                     scope=pr.Scope(level=level), aggregation=aggregation, deadline=DEADLINE,
                     **kw)


class Template:
    """The template ``N25`` (one rate, a province-wide, a pooled and an each commune target,
    and a check) and the national plan ``VN25`` over the country ``vn``, whose targets read
    N25's indicator for every province at once."""

    __name__ = "per_territory_plans"

    def __init__(self) -> None:
        self.check_calls = 0

    @pr.hookimpl
    def plan_rules_plans(self) -> list[pr.Plan]:
        return [_plan("N25", None), _plan("VN25", "vn")]

    @pr.hookimpl
    def plan_rules_indicators(self) -> list[pr.Indicator]:
        counts = pr.Text(vi="hồ sơ", en="dossiers")
        return [pr.Indicator(code=RATE, plan="N25", area="A", kind="rate", temporal="flow",
                             name=pr.Text(vi="Hồ sơ trực tuyến", en="Dossiers online"),
                             description=pr.Text.same("-"), unit=counts,
                             clause=pr.Clause(bullet="1", text_vi="80% hồ sơ"),
                             numerator=counts, denominator=counts)]

    @pr.hookimpl
    def plan_rules_targets(self) -> list[pr.Target]:
        eighty = Fraction(4, 5)
        return [
            _target("N25.A.1.province", eighty, "province", "reported"),
            _target("N25.A.1.commune", Fraction(3, 5), "commune", "pooled"),
            _target("N25.A.1.each", Fraction(3, 5), "commune", "each"),
            _target("VN25.A.1.provinces", eighty, "province", "each", roll_up=True,
                    plan="VN25"),
            _target("VN25.A.1.pooled", eighty, "province", "pooled", roll_up=True,
                    plan="VN25"),
            _target("VN25.A.1.mean", eighty, "province", "mean", roll_up=True, plan="VN25"),
            _target("VN25.A.1.own", eighty, "province", "each", plan="VN25"),
        ]

    @pr.hookimpl
    def plan_rules_checks(self) -> list[pr.Check]:
        def rows_seen(ctx: pr.CheckContext) -> list[pr.Finding]:
            self.check_calls += 1
            return []

        return [pr.Check(code="N25.A.C1", name=pr.Text.same("sees the figures once"),
                         indicators=(RATE,), run=rows_seen)]


def entities() -> list[pr.Entity]:
    out = [pr.Entity(code="vn", level="country", name="Việt Nam")]
    out += [pr.Entity(code=p, level="province", name=f"Tỉnh {p}", parent="vn")
            for p in PROVINCES]
    for p, n in (("p1", 2), ("p2", 3), ("p3", 1)):
        out += [pr.Entity(code=f"{p}-c{k}", level="commune", name=f"Xã {p}-{k}", parent=p)
                for k in range(1, n + 1)]
    return out


#: (unit, period, numerator, denominator).
ROWS: tuple[tuple[str, str, int, int], ...] = (
    ("p1-c1", "Q1/2025", 30, 40),
    ("p1-c1", "Q2/2025", 20, 60),
    ("p1-c2", "Q1/2025", 45, 50),
    ("p2", "Q1/2025", 85, 100),
    ("p2", "Q2/2025", 85, 100),
    ("p2-c1", "Q1/2025", 10, 100),
    ("p2-c2", "Q1/2025", 50, 50),
    ("p3-c1", "Q1/2025", 72, 90),
    ("vn", "Q1/2025", 1, 1000),
)


def observations(rows: Sequence[tuple[str, str, int, int]] = ROWS) -> list[pr.Observation]:
    return [pr.Observation(indicator=RATE, entity=u, period=pr.Period.parse(p), numerator=n,
                           denominator=d) for u, p, n, d in rows]


@pytest.fixture()
def plugin() -> Template:
    return Template()


@pytest.fixture()
def base(plugin: Template) -> pr.Registry:
    return pr.load_registry(plugins=[plugin, builtin], entry_points=False, strict=True)


@pytest.fixture()
def registry(base: pr.Registry) -> pr.Registry:
    return pr.per_territory(base, "N25", ["p3", "p1", "p2", "p1"])


def run(registry: pr.Registry, rows: Sequence[tuple[str, str, int, int]] = ROWS,
        **kw: Any) -> pr.Report:
    return pr.evaluate(observations(rows), registry=registry, as_of=AS_OF,
                       entities=entities(), **kw)


def of(finding: pr.Finding, code: str) -> pr.EntityResult:
    return next(r for r in finding.entities if r.entity == code)


def entity_of(report: pr.Report, i: int) -> str:
    table = report.observations
    assert isinstance(table, pr.FigureTable)
    return table.observation(i).entity


def stats(finding: pr.Finding) -> pr.Statistics:
    assert finding.statistics is not None
    return finding.statistics


def own_units(province: str) -> tuple[int, int]:
    """The pooled counts of ``province``'s own communes, summed from the rows by hand."""
    rows = [r for r in ROWS if r[0].startswith(f"{province}-")]
    return sum(r[2] for r in rows), sum(r[3] for r in rows)


# -- the API ---------------------------------------------------------------------------------


def test_one_plan_per_territory_with_its_territory_and_namespaced_codes(
        registry: pr.Registry) -> None:
    instances = [c for c in registry.plans if c.startswith("N25.")]
    assert instances == ["N25.p1", "N25.p2", "N25.p3"]
    for p in PROVINCES:
        plan = registry.plans[f"N25.{p}"]
        assert plan.territory == p
        assert plan.note is None
        assert plan.areas == registry.plans["N25"].areas
        assert plan.title.en == f"Plan N25 — territory {p}"
    template = [c for c in registry.targets if c.startswith("N25.A.")]
    assert template == []  # the template's targets moved into its instances
    made = sorted(c for c in registry.targets if c.startswith("N25.p"))
    assert made == sorted(f"N25.{p}.A.1.{w}" for p in PROVINCES
                          for w in ("province", "commune", "each"))
    assert all(registry.targets[c].plan == c[:6] for c in made)
    assert len(set(made)) == 9


def test_the_template_stays_with_its_indicators_and_checks_shared(
        base: pr.Registry, registry: pr.Registry) -> None:
    assert registry.plans["N25"] == base.plans["N25"]
    assert registry.indicators == base.indicators
    assert registry.checks == base.checks
    assert registry.composites == base.composites
    # The national plan's targets are not the template's: they stay as they were.
    assert {c: t for c, t in registry.targets.items() if c.startswith("VN25.")} == \
        {c: t for c, t in base.targets.items() if c.startswith("VN25.")}


def test_no_duplicate_code_problem(base: pr.Registry, registry: pr.Registry) -> None:
    assert registry.problems == base.problems == ()


def test_instantiating_a_territory_twice_is_refused(registry: pr.Registry) -> None:
    # The instance N25.p1 exists already: its code is not made twice.
    with pytest.raises(pr.DuplicateCodeError, match=r"N25\.p1"):
        pr.per_territory(registry, "N25", ["p1"])


def test_territory_codes_must_fit_a_code_and_a_plan_must_exist(base: pr.Registry) -> None:
    with pytest.raises(pr.UnknownReferenceError, match="NOPE"):
        pr.per_territory(base, "NOPE", ["p1"])
    with pytest.raises(pr.ModelError, match="no territory"):
        pr.per_territory(base, "N25", [])
    with pytest.raises(pr.ModelError, match="cannot be part of a code"):
        pr.per_territory(base, "N25", ["Hưng Yên"])
    with pytest.raises(pr.ModelError, match="cannot be part of a code"):
        pr.per_territory(base, "N25", ["p1", 7])  # type: ignore[list-item]
    # A territory code starting with a digit (a statistics office's "01") fits: it is never
    # a code's first word.
    made = pr.per_territory(base, "N25", ["01"])
    assert "N25.01.A.1.province" in made.targets


def test_a_made_code_someone_already_has_is_refused(base: pr.Registry) -> None:
    taken = attrs.evolve(base, targets={
        **base.targets,
        "N25.p1.A.1.province": attrs.evolve(base.targets["VN25.A.1.own"],
                                            code="N25.p1.A.1.province")})
    with pytest.raises(pr.DuplicateCodeError, match=r"N25\.p1\.A\.1\.province"):
        pr.per_territory(taken, "N25", ["p1"])


# -- one plan per province -------------------------------------------------------------------


def test_each_province_has_its_own_verdicts(registry: pr.Registry) -> None:
    report = run(registry)
    verdicts = {f.code: f.verdict for f in report.findings if f.code.startswith("N25.p")}
    assert verdicts == {
        "N25.p1.A.1.province": pr.Verdict.NOT_MET,  # 95/150, rolled up
        "N25.p1.A.1.commune": pr.Verdict.MET,       # 95/150 >= 60%
        "N25.p1.A.1.each": pr.Verdict.NOT_MET,      # p1-c1 50%
        "N25.p2.A.1.province": pr.Verdict.MET,      # its own 170/200
        "N25.p2.A.1.commune": pr.Verdict.NOT_MET,   # 60/150, p2-c3 silent
        "N25.p2.A.1.each": pr.Verdict.NOT_MET,      # p2-c1 10%
        "N25.p3.A.1.province": pr.Verdict.MET,      # 72/90, rolled up
        "N25.p3.A.1.commune": pr.Verdict.MET,
        "N25.p3.A.1.each": pr.Verdict.MET,
    }
    assert all(f.plan == f.code[:6] for f in report.findings if f.code.startswith("N25.p"))


def test_a_provinces_rolled_up_figure_is_the_pooled_counts_of_its_own_units_only(
        registry: pr.Registry) -> None:
    report = run(registry)
    for p in ("p1", "p3"):
        finding = report.finding(f"N25.{p}.A.1.province")
        num, den = own_units(p)
        assert finding.observed == Fraction(num, den)
        assert (stats(finding).numerator, stats(finding).denominator) == (num, den)
        assert finding.details["derived"] is True
        assert finding.details["derived_from"] == {
            p: tuple(sorted({r[0] for r in ROWS if r[0].startswith(f"{p}-")}))}
        # Its communes' own rows, and no other province's.
        used = {entity_of(report, i) for i in finding.observations}
        assert used == {u for u in (r[0] for r in ROWS) if u.startswith(f"{p}-")}
    assert report.finding("N25.p1.A.1.province").observed == Fraction(95, 150)
    assert report.finding("N25.p3.A.1.province").observed == Fraction(4, 5)


def test_a_province_that_reported_its_own_figure_is_judged_on_it(
        registry: pr.Registry) -> None:
    finding = run(registry).finding("N25.p2.A.1.province")
    assert finding.observed == Fraction(170, 200)
    assert stats(finding).reported == Fraction(17, 20)
    assert "derived" not in finding.details


def test_the_commune_targets_of_a_province_see_its_communes_only(
        registry: pr.Registry) -> None:
    report = run(registry)
    pooled = report.finding("N25.p2.A.1.commune")
    assert pooled.observed == Fraction(60, 150)
    assert pooled.coverage is not None
    assert (pooled.coverage.expected, pooled.coverage.reported) == (3, 2)
    assert [m.code for m in pooled.coverage.missing] == ["p2-c3"]
    each = report.finding("N25.p1.A.1.each")
    assert {r.entity for r in each.entities} == {"p1-c1", "p1-c2"}
    assert each.observed == Fraction(1, 2)


def test_areas_and_summaries_stay_separate_per_province(registry: pr.Registry) -> None:
    report = run(registry)
    assert {"N25.p1", "N25.p2", "N25.p3"} <= set(report.areas)
    assert report.areas["N25.p1"] == {"A": pr.Text(vi="Lĩnh vực A", en="Area A")}
    data = report.to_dict()
    plans = {f["plan"] for f in data["findings"] if f["code"].startswith("N25.p")}
    assert plans == {"N25.p1", "N25.p2", "N25.p3"}
    summary = report.summary().targets
    assert summary["N25.p1"] == {"A": {"met": 1, "not_met": 2}}
    assert summary["N25.p2"] == {"A": {"met": 1, "not_met": 2}}
    assert summary["N25.p3"] == {"A": {"met": 3}}
    assert "N25" not in summary  # the template has no targets of its own left


def test_figures_are_named_outside_territory_only_outside_every_plan(
        registry: pr.Registry) -> None:
    # The template keeps to no territory, and the national plan to the country: every row
    # lies within a plan reading the indicator.
    assert [i for i in run(registry).issues if i.code == "outside_territory"] == []
    # Two provinces' plans alone: p3's row and the country's own are outside both, each
    # named once; p1's and p2's are within one of them, and not named for the other.
    report = run(registry, plans=["N25.p1", "N25.p2"])
    outside = [i for i in report.issues if i.code == "outside_territory"]
    assert sorted(i.entity or "" for i in outside) == ["p3-c1", "vn"]
    assert "(p1, p2)" in outside[0].message.en
    assert report.finding("N25.p2.A.1.province").observed == Fraction(17, 20)
    assert report.conservation().lost == ()


def test_checks_are_shared_and_run_once(plugin: Template, registry: pr.Registry) -> None:
    run(registry)
    assert plugin.check_calls == 1


def test_selecting_one_instance_keeps_its_targets_and_the_template_checks(
        registry: pr.Registry) -> None:
    one = select_plans(registry, ["N25.p3"])
    assert sorted(one.targets) == ["N25.p3.A.1.commune", "N25.p3.A.1.each",
                                   "N25.p3.A.1.province"]
    assert "N25.A.C1" in one.checks  # the template's check reads what the instance reads
    report = run(registry, plans=["N25.p3"])
    assert {f.code for f in report.findings if f.kind == "target"} == set(one.targets)


# -- a national plan: each province, rolled up -----------------------------------------------


def test_each_province_over_the_country_uses_each_provinces_roll_up(
        registry: pr.Registry) -> None:
    report = run(registry)
    each = report.finding("VN25.A.1.provinces")
    figures = {r.entity: (r.numerator, r.denominator, r.verdict) for r in each.entities}
    assert figures == {
        "p1": (95, 150, pr.Verdict.NOT_MET),
        "p2": (170, 200, pr.Verdict.MET),  # its own figure, not its communes' 60/150
        "p3": (72, 90, pr.Verdict.MET),
    }
    assert each.verdict is pr.Verdict.NOT_MET
    assert each.observed == Fraction(19, 30)  # the worst province, p1
    assert each.details["derived_from"] == {"p1": ("p1-c1", "p1-c2"), "p3": ("p3-c1",)}
    assert each.coverage is not None
    assert (each.coverage.expected, each.coverage.reported, each.coverage.missing) == \
        (3, 3, ())
    # Each province's figure is the one its own plan's province-wide target judges.
    for p in PROVINCES:
        mine = report.finding(f"N25.{p}.A.1.province")
        assert of(each, p).observed == mine.observed


def test_pooled_and_mean_over_provinces_use_the_roll_ups(registry: pr.Registry) -> None:
    report = run(registry)
    pooled = report.finding("VN25.A.1.pooled")
    assert pooled.observed == Fraction(95 + 170 + 72, 150 + 200 + 90)
    assert pooled.verdict is pr.Verdict.NOT_MET
    mean = report.finding("VN25.A.1.mean")
    assert mean.observed == (Fraction(95, 150) + Fraction(170, 200) + Fraction(72, 90)) / 3
    assert mean.observed == Fraction(137, 180)


def test_without_roll_up_a_provinces_figure_is_its_own_only(registry: pr.Registry) -> None:
    own = run(registry).finding("VN25.A.1.own")
    assert [r.entity for r in own.entities if r.observed is not None] == ["p2"]
    assert own.verdict is pr.Verdict.INCOMPLETE  # each: require_all, p1 and p3 silent
    assert own.coverage is not None
    assert [m.code for m in own.coverage.missing] == ["p1", "p3"]


def test_a_province_with_nothing_below_it_is_missing_from_each(
        registry: pr.Registry) -> None:
    rows = [r for r in ROWS if not r[0].startswith("p3")]
    each = run(registry, rows).finding("VN25.A.1.provinces")
    assert each.coverage is not None
    assert (each.coverage.expected, each.coverage.reported) == (3, 2)
    assert [m.code for m in each.coverage.missing] == ["p3"]
    assert each.verdict is pr.Verdict.NOT_MET  # p1 fails, whoever else is missing


def test_a_blocked_commune_figure_keeps_its_province_from_a_roll_up(
        registry: pr.Registry) -> None:
    rows = [*ROWS, ("p3-c1", "Q3/2025", 95, 90)]  # numerator above denominator: blocked
    each = run(registry, rows).finding("VN25.A.1.provinces")
    assert "p3" not in each.details["derived_from"]
    assert of(each, "p3").verdict is pr.Verdict.INVALID
    assert each.verdict is pr.Verdict.NOT_MET


def test_percentages_cannot_be_rolled_up_into_a_province(registry: pr.Registry) -> None:
    figures = [*observations([r for r in ROWS if not r[0].startswith("p3")]),
               pr.Observation(indicator=RATE, entity="p3-c1",
                              period=pr.Period.parse("Q1/2025"), value=Fraction(4, 5))]
    only = pr.Observation(indicator=RATE, entity="p1-c2", period=pr.Period.parse("Q2/2025"),
                          value=Fraction(1, 2))
    report = pr.evaluate([*figures, only], registry=registry, as_of=AS_OF,
                         entities=entities())
    each = report.finding("VN25.A.1.provinces")
    # p1-c2's flow is counts in Q1 and a percentage in Q2; p3-c1 gives a percentage only.
    assert of(each, "p1").verdict is pr.Verdict.INVALID
    assert of(each, "p3").verdict is pr.Verdict.INVALID
    assert of(each, "p2").verdict is pr.Verdict.MET
    assert each.verdict is pr.Verdict.INVALID
    named = sorted({i.entity or "" for i in report.issues if i.code == "counts_needed"})
    assert named == ["p1-c2", "p3-c1"]


# -- order --------------------------------------------------------------------------------------


def _said(report: pr.Report) -> list[tuple[object, ...]]:
    """What a report concludes, without the figures' positions."""
    out: list[tuple[object, ...]] = []
    for f in sorted(report.findings, key=lambda f: f.code):
        out.append((f.code, f.plan, f.verdict, f.observed, f.coverage,
                    tuple((r.entity, r.verdict, r.observed, r.numerator, r.denominator,
                           r.periods) for r in f.entities),
                    f.details.get("derived_from"),
                    sorted(entity_of(report, i) for i in f.observations)))
    return out


@pytest.mark.parametrize("seed", range(5))
def test_shuffling_the_rows_changes_nothing(registry: pr.Registry, seed: int) -> None:
    rows = list(ROWS)
    random.Random(seed).shuffle(rows)
    assert _said(run(registry, rows)) == _said(run(registry))


@pytest.mark.parametrize("seed", range(3))
def test_the_order_of_territories_and_entities_changes_nothing(
        base: pr.Registry, seed: int) -> None:
    places = list(PROVINCES)
    random.Random(seed).shuffle(places)
    units = entities()
    random.Random(seed).shuffle(units)
    shuffled = pr.evaluate(observations(), registry=pr.per_territory(base, "N25", places),
                           as_of=AS_OF, entities=units)
    assert _said(shuffled) == _said(run(pr.per_territory(base, "N25", sorted(PROVINCES))))


# -- the national file -----------------------------------------------------------------------


def _generator() -> Any:
    spec = importlib.util.spec_from_file_location(
        "national_generate", Path(__file__).resolve().parents[1] / "benchmarks" / "generate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def national(tmp_path_factory: pytest.TempPathFactory) -> tuple[pr.Report, list[list[str]],
                                                                 pr.Registry]:
    """Two months of the national file, two communes and a department per province, with
    Plan 200 instantiated for each of the 34 provinces and a national plan over ``vn``."""
    gen = _generator()
    path = tmp_path_factory.mktemp("national") / "national.csv"
    gen.generate(path, months=2, communes=68, departments=34)
    entities = pr.read_entities(gen.entities_path(path)).entities
    figures = pr.read_observations(path)
    base = pr.load_registry()
    registry = pr.per_territory(base, "HY25", gen.provinces())
    country = attrs.evolve(base.plans["HY25"], code="VN", territory=gen.COUNTRY, note=None)
    each = pr.Target(code="VN.PS.3.provinces", indicator="HY25.PS.3", comparator=">=",
                     threshold=Fraction(4, 5), scope=pr.Scope(level="province"),
                     aggregation="each", deadline=DEADLINE, roll_up=True, plan="VN")
    registry = attrs.evolve(registry, plans={**registry.plans, "VN": country},
                            targets={**registry.targets, each.code: each})
    report = pr.evaluate(figures.observations, registry=registry, entities=entities,
                         as_of=AS_OF, progress_methods=[])
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))[1:]
    return report, rows, base


def _pooled_by_hand(rows: list[list[str]], indicator: pr.Indicator,
                    province: str) -> tuple[int, int]:
    """The counts of ``province``'s own units for ``indicator``, from the file's rows: a
    flow summed over the months, a stock each unit's latest month."""
    mine = [r for r in rows if r[0] == indicator.code and r[1].startswith(f"{province}-")]
    if indicator.snapshot:
        latest: dict[str, list[str]] = {}
        for r in mine:
            if r[1] not in latest or pr.Period.parse(r[3]).end > \
                    pr.Period.parse(latest[r[1]][3]).end:
                latest[r[1]] = r
        mine = list(latest.values())
    return sum(int(r[4]) for r in mine), sum(int(r[5]) for r in mine)


def test_the_national_file_gives_each_province_its_own_verdicts(
        national: tuple[pr.Report, list[list[str]], pr.Registry]) -> None:
    report, _, base = national
    template = sorted(c for c, t in base.targets.items()
                      if (t.plan or base.indicators[t.indicator].plan) == "HY25")
    by_province: dict[str, dict[str, pr.Verdict]] = {}
    for f in report.target_findings():
        if f.plan is not None and f.plan.startswith("HY25.p"):
            by_province.setdefault(f.plan[5:], {})[f.code[len(f.plan):]] = f.verdict
    assert sorted(by_province) == [f"p{p:02d}" for p in range(34)]
    assert all(sorted(k for k in v) == sorted(c[4:] for c in template)
               for v in by_province.values())
    # Random figures near the thresholds: the provinces do not all come out alike.
    assert len({tuple(sorted(v.items())) for v in by_province.values()}) > 1
    assert set(report.summary().targets) >= {f"HY25.p{p:02d}" for p in range(34)}


def test_the_national_file_rolls_each_province_up_from_its_own_units_only(
        national: tuple[pr.Report, list[list[str]], pr.Registry]) -> None:
    report, rows, base = national
    rolled = [t for t in base.targets.values()
              if t.aggregation is pr.Aggregation.REPORTED and t.scope.level == "province"
              and base.indicators[t.indicator].kind is pr.Kind.RATE
              and base.indicators[t.indicator].plan == "HY25" and t.valid_to is None]
    assert rolled
    findings = {f.code: f for f in report.findings}
    for target in rolled:
        indicator = base.indicators[target.indicator]
        for p in range(34):
            province = f"p{p:02d}"
            finding = findings[target.code.replace("HY25.", f"HY25.{province}.", 1)]
            num, den = _pooled_by_hand(rows, indicator, province)
            assert (stats(finding).numerator, stats(finding).denominator) == \
                (num, den), (finding.code, province)
            assert finding.observed == Fraction(num, den)
            assert set(finding.details["derived_from"]) == {province}
            assert all(u.startswith(f"{province}-")
                       for u in finding.details["derived_from"][province])


def test_the_national_plan_judges_each_province_on_its_roll_up(
        national: tuple[pr.Report, list[list[str]], pr.Registry]) -> None:
    report, rows, base = national
    each = report.finding("VN.PS.3.provinces")
    assert len(each.entities) == 34
    for r in each.entities:
        num, den = _pooled_by_hand(rows, base.indicators["HY25.PS.3"], r.entity)
        assert (r.numerator, r.denominator) == (num, den)
        assert r.observed == report.finding(f"HY25.{r.entity}.PS.3.province").observed
    worst = min(Fraction(r.numerator or 0, r.denominator or 1) for r in each.entities)
    assert each.observed == worst
    assert each.coverage is not None and each.coverage.reported == 34


def test_the_guides_worked_example_runs() -> None:
    guide = (Path(__file__).resolve().parents[1] / "docs" / "guide.md").read_text("utf-8")
    section = guide.split("## One plan per province", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"^```python\n(.*?)^```$", section, re.S | re.M)
    assert len(blocks) == 1
    exec(compile(blocks[0], "docs/guide.md: One plan per province", "exec"), {})


def test_a_target_naming_an_unknown_plan_is_rejected() -> None:
    class Stray:
        __name__ = "stray_target"

        @pr.hookimpl
        def plan_rules_targets(self) -> list[pr.Target]:
            return [_target("N25.A.1.stray", Fraction(1, 2), "province", "reported",
                            plan="NOPE")]

    registry = pr.load_registry(plugins=[Template(), Stray(), builtin], entry_points=False)
    assert "N25.A.1.stray" not in registry.targets
    [problem] = [p for p in registry.problems if p.code == "N25.A.1.stray"]
    assert problem.kind == "reference" and "'NOPE'" in problem.message
    with pytest.raises(pr.UnknownReferenceError, match="NOPE"):
        pr.load_registry(plugins=[Template(), Stray(), builtin], entry_points=False,
                         strict=True)


def test_a_target_scoped_to_the_templates_territory_is_scoped_to_each_instances(
        base: pr.Registry) -> None:
    whole = _target("N25.A.1.whole", Fraction(4, 5), "province", "reported")
    whole = attrs.evolve(whole, scope=pr.Scope(entity="vn"))
    template = attrs.evolve(base, plans={**base.plans, "N25": attrs.evolve(
        base.plans["N25"], territory="vn")}, targets={**base.targets, whole.code: whole})
    made = pr.per_territory(template, "N25", ["p1", "p3"])
    assert made.targets["N25.p1.A.1.whole"].scope == pr.Scope(entity="p1")
    assert made.targets["N25.p3.A.1.whole"].scope == pr.Scope(entity="p3")
    assert made.targets["N25.p1.A.1.province"].scope == pr.Scope(level="province")
    report = run(made, plans=["N25.p1", "N25.p3"])
    assert report.finding("N25.p1.A.1.whole").observed == Fraction(95, 150)
    assert report.finding("N25.p3.A.1.whole").observed == Fraction(4, 5)
