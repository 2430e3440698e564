"""Plan 200/KH-UBND as shipped: every row of TARGETS.md is an indicator with its targets, every
clause quotes the published text, every threshold and scope is the one the plan states, and the
engine reaches the verdicts the plan's wording implies on figures just below, at and above each
threshold. The example data set regenerates byte for byte.
"""

from __future__ import annotations

import importlib.util
import inspect
import re
import sys
import unicodedata
from collections.abc import Iterator, Mapping, Sequence, Set
from datetime import date
from fractions import Fraction
from pathlib import Path
from types import ModuleType

import attrs
import pytest

import plan_rules
from plan_rules import (
    Aggregation,
    Comparator,
    Entity,
    Kind,
    Observation,
    Period,
    Registry,
    Report,
    Temporal,
    Text,
    Verdict,
)
from plan_rules_plan200 import (
    digital_economy,
    infrastructure,
    internal_it,
    plan,
    public_services,
    security_training,
)

REPO = Path(__file__).resolve().parents[1]
SEED = Path(__file__).resolve().parents[2] / "shared" / "seeds" / "000_bfa1439a584d873e.txt"
EXAMPLE = REPO / "examples" / "hung-yen-2025"
YEAR_END = date(2025, 12, 31)
DISTRICT_END = date(2025, 6, 30)

AREA_MODULES: tuple[ModuleType, ...] = (
    infrastructure, internal_it, public_services, digital_economy, security_training,
)

# indicator: (bullet, kind, temporal) — the rows of shared/plan-200/TARGETS.md.
INDICATORS: dict[str, tuple[str, Kind, Temporal]] = {
    "HY25.INF.1": ("B2", Kind.RATE, Temporal.STOCK),
    "HY25.INF.2": ("B2", Kind.MILESTONE, Temporal.STOCK),
    "HY25.INF.3": ("B5", Kind.MILESTONE, Temporal.STOCK),
    "HY25.INF.4": ("B5", Kind.MILESTONE, Temporal.STOCK),
    "HY25.IIT.0": ("B1", Kind.MILESTONE, Temporal.STOCK),
    "HY25.IIT.1": ("B3", Kind.RATE, Temporal.FLOW),
    "HY25.IIT.2": ("B3", Kind.RATE, Temporal.FLOW),
    "HY25.IIT.3": ("B3", Kind.RATE, Temporal.FLOW),
    "HY25.IIT.4": ("B3", Kind.MILESTONE, Temporal.STOCK),
    "HY25.IIT.5": ("B3", Kind.COUNT, Temporal.STOCK),
    "HY25.IIT.6": ("B3", Kind.RATE, Temporal.FLOW),
    "HY25.PS.1": ("B4", Kind.RATE, Temporal.STOCK),
    "HY25.PS.2": ("B4", Kind.RATE, Temporal.STOCK),
    "HY25.PS.3": ("B4", Kind.RATE, Temporal.FLOW),
    "HY25.PS.4": ("B4", Kind.RATE, Temporal.FLOW),
    "HY25.PS.5": ("B4", Kind.RATE, Temporal.STOCK),
    "HY25.PS.6": ("B4", Kind.RATE, Temporal.FLOW),
    "HY25.PS.7": ("B4", Kind.RATE, Temporal.FLOW),
    "HY25.PS.8": ("B4", Kind.RATE, Temporal.STOCK),
    "HY25.PS.9": ("B4", Kind.RATE, Temporal.STOCK),
    "HY25.DE.1": ("B6", Kind.RATE, Temporal.STOCK),
    "HY25.DE.2": ("B6", Kind.RATE, Temporal.STOCK),
    "HY25.DE.3": ("B6", Kind.RATE, Temporal.STOCK),
    "HY25.DE.4": ("B6", Kind.RATE, Temporal.STOCK),
    "HY25.DE.5": ("B6", Kind.RATE, Temporal.STOCK),
    "HY25.DE.6": ("B6", Kind.RATE, Temporal.STOCK),
    "HY25.DE.7": ("B6", Kind.RATE, Temporal.STOCK),
    "HY25.DE.8": ("B6", Kind.RATE, Temporal.STOCK),
    "HY25.DE.9": ("B6", Kind.RATE, Temporal.STOCK),
    "HY25.DE.10": ("B6", Kind.RATE, Temporal.STOCK),
    "HY25.SEC.1": ("B7", Kind.RATE, Temporal.STOCK),
    "HY25.SEC.2": ("B7", Kind.RATE, Temporal.STOCK),
    "HY25.SEC.3": ("B7", Kind.RATE, Temporal.STOCK),
}

GE, GT = Comparator.GE, Comparator.GT
EACH, POOLED, MEAN, REPORTED = (Aggregation.EACH, Aggregation.POOLED, Aggregation.MEAN,
                                Aggregation.REPORTED)
ALL = Fraction(1)

# target: (comparator, threshold, aggregation, level, group) — TARGETS.md's "op, threshold"
# and "scope / aggregation" columns as the plugins encode them.
TARGETS: dict[str, tuple[Comparator, Fraction, Aggregation, str | None, str | None]] = {
    "HY25.INF.1.province": (GE, ALL, POOLED, "department", None),
    "HY25.INF.1.district": (GE, ALL, POOLED, "district", None),
    "HY25.INF.1.commune": (GE, ALL, POOLED, "commune", None),
    "HY25.INF.2.province": (GE, ALL, REPORTED, "province", None),
    "HY25.INF.3.province": (GE, ALL, REPORTED, "province", None),
    "HY25.INF.4.province": (GE, ALL, REPORTED, "province", None),
    "HY25.IIT.0.province": (GE, ALL, REPORTED, "province", None),
    "HY25.IIT.1.province": (GE, ALL, EACH, "department", None),
    "HY25.IIT.1.district": (GE, ALL, EACH, "district", None),
    "HY25.IIT.1.commune": (GE, ALL, EACH, "commune", None),
    "HY25.IIT.2.province": (GE, Fraction(9, 10), POOLED, "department", None),
    "HY25.IIT.2.district": (GE, Fraction(8, 10), POOLED, "district", None),
    "HY25.IIT.2.commune": (GE, Fraction(6, 10), POOLED, "commune", None),
    "HY25.IIT.3.province": (GE, ALL, REPORTED, "province", None),
    "HY25.IIT.4.province": (GE, ALL, REPORTED, "province", None),
    "HY25.IIT.5.province": (GE, Fraction(130), REPORTED, "province", None),
    "HY25.IIT.6.province": (GE, Fraction(1, 2), REPORTED, "province", None),
    "HY25.PS.1.province": (GE, ALL, REPORTED, "province", None),
    "HY25.PS.2.overall": (GE, Fraction(90, 100), MEAN, None, "departments_and_localities"),
    "HY25.PS.2.departments": (GE, Fraction(80, 100), MEAN, None, "departments"),
    "HY25.PS.2.localities": (GE, Fraction(95, 100), MEAN, None, "localities"),
    "HY25.PS.3.province": (GE, Fraction(65, 100), REPORTED, "province", None),
    "HY25.PS.4.province": (GE, Fraction(90, 100), REPORTED, "province", None),
    "HY25.PS.5.province": (GE, ALL, REPORTED, "province", None),
    "HY25.PS.6.province": (GE, ALL, REPORTED, "province", None),
    "HY25.PS.7.province": (GE, ALL, REPORTED, "province", None),
    "HY25.PS.8.province": (GE, Fraction(60, 100), REPORTED, "province", None),
    "HY25.PS.9.province": (GE, ALL, EACH, "department", None),
    "HY25.PS.9.district": (GE, ALL, EACH, "district", None),
    "HY25.PS.9.commune": (GE, ALL, EACH, "commune", None),
    "HY25.DE.1.province": (GT, Fraction(1, 2), REPORTED, "province", None),
    "HY25.DE.2.province": (GE, ALL, REPORTED, "province", None),
    "HY25.DE.3.province": (GE, Fraction(80, 100), REPORTED, "province", None),
    "HY25.DE.4.province": (GT, Fraction(1, 2), REPORTED, "province", None),
    "HY25.DE.5.province": (GE, ALL, REPORTED, "province", None),
    "HY25.DE.6.province": (GE, ALL, REPORTED, "province", None),
    "HY25.DE.7.province": (GE, ALL, REPORTED, "province", None),
    "HY25.DE.8.province": (GE, ALL, REPORTED, "province", None),
    "HY25.DE.9.province": (GE, ALL, REPORTED, "province", None),
    "HY25.DE.10.province": (GE, ALL, REPORTED, "province", None),
    "HY25.SEC.1.province": (GE, ALL, EACH, "department", None),
    "HY25.SEC.1.district": (GE, ALL, EACH, "district", None),
    "HY25.SEC.1.commune": (GE, ALL, EACH, "commune", None),
    "HY25.SEC.2.province": (GE, ALL, REPORTED, "province", None),
    "HY25.SEC.3.province": (GE, Fraction(30, 100), REPORTED, "province", None),
}

CHECKS = {
    "HY25.IIT.C1": ("HY25.IIT.1",),
    "HY25.PS.C1": ("HY25.PS.3",),
    "HY25.PS.C2": ("HY25.PS.2",),
    "HY25.PS.C3": ("HY25.PS.1", "HY25.PS.2"),
}

AREA_ENTRY_POINTS = {
    "plan200-infrastructure": "INF",
    "plan200-internal-it": "IIT",
    "plan200-public-services": "PS",
    "plan200-digital-economy": "DE",
    "plan200-security-training": "SEC",
}


@pytest.fixture(scope="module")
def registry() -> Registry:
    """The plan and its five areas, loaded as explicit plugins (no entry points)."""
    return plan_rules.load_registry(plugins=[plan, *AREA_MODULES], entry_points=False,
                                    strict=True)


@pytest.fixture(scope="module")
def seed_text() -> str:
    if not SEED.exists():
        pytest.skip(f"the plan's text is not available at {SEED}")
    return unicodedata.normalize("NFC", SEED.read_text(encoding="utf-8"))


# -- the catalogue --------------------------------------------------------------------------

def test_the_plan_is_200_kh_ubnd_of_hung_yen(registry: Registry) -> None:
    p = registry.plans["HY25"]
    assert p.number == "200/KH-UBND"
    assert p.issuer.vi == "Ủy ban nhân dân tỉnh Hưng Yên"
    assert (p.issued, p.deadline) == (date(2024, 12, 31), date(2025, 12, 31))
    assert [a.code for a in p.areas] == ["INF", "IIT", "PS", "DE", "SEC"]


def test_every_targets_md_row_is_an_indicator(registry: Registry) -> None:
    assert set(registry.indicators) == set(INDICATORS)


def test_loading_reports_no_problem(registry: Registry) -> None:
    assert registry.problems == ()


@pytest.mark.parametrize("code", sorted(INDICATORS))
def test_indicator_has_its_bullet_kind_and_temporal_nature(registry: Registry,
                                                           code: str) -> None:
    ind = registry.indicators[code]
    assert (ind.clause.bullet, ind.kind, ind.temporal) == INDICATORS[code]
    assert ind.plan == "HY25"
    assert code == f"HY25.{ind.area}.{code.rsplit('.', 1)[1]}"
    assert ind.clause.section == "Về mục tiêu cụ thể"


@pytest.mark.parametrize("code", sorted(INDICATORS))
def test_indicator_has_at_least_one_target(registry: Registry, code: str) -> None:
    assert registry.targets_for(code)


@pytest.mark.parametrize("code", sorted(INDICATORS))
def test_clause_quotes_the_published_text_exactly(registry: Registry, seed_text: str,
                                                  code: str) -> None:
    quote = registry.indicators[code].clause.text_vi
    assert unicodedata.is_normalized("NFC", quote)
    assert quote in seed_text


@pytest.mark.parametrize("code", sorted(INDICATORS))
def test_clause_shows_the_threshold_the_targets_use(registry: Registry, code: str) -> None:
    """The quoted clause contains each of its targets' thresholds, written as the plan does."""
    ind = registry.indicators[code]
    if ind.kind is Kind.MILESTONE:
        return
    for t in registry.targets_for(code):
        written = f"{t.threshold}" if ind.kind is Kind.COUNT else f"{t.threshold * 100}%"
        assert written in ind.clause.text_vi, (t.code, written)


def test_targets_are_exactly_the_table(registry: Registry) -> None:
    assert set(registry.targets) == set(TARGETS)


@pytest.mark.parametrize("code", sorted(TARGETS))
def test_target_comparator_threshold_and_scope(registry: Registry, code: str) -> None:
    t = registry.targets[code]
    comparator, threshold, aggregation, level, group = TARGETS[code]
    assert (t.comparator, t.threshold, t.aggregation) == (comparator, threshold, aggregation)
    assert (t.scope.level, t.scope.group, t.scope.entity) == (level, group, None)
    assert t.deadline == YEAR_END
    assert t.code.startswith(t.indicator + ".")
    assert t.window_start is None and t.valid_from is None


def test_de1_and_de4_are_strictly_above_half(registry: Registry) -> None:
    strict = {c for c, t in registry.targets.items() if t.comparator is Comparator.GT}
    assert strict == {"HY25.DE.1.province", "HY25.DE.4.province"}


def test_district_targets_end_on_30_june_2025_and_only_they_do(registry: Registry) -> None:
    ending = {c: t.valid_to for c, t in registry.targets.items() if t.valid_to is not None}
    district = {c for c, t in registry.targets.items() if t.scope.level == "district"}
    assert district == {"HY25.INF.1.district", "HY25.IIT.1.district", "HY25.IIT.2.district",
                        "HY25.PS.9.district", "HY25.SEC.1.district"}
    assert ending == dict.fromkeys(district, DISTRICT_END)


def test_ps2_has_three_mean_targets(registry: Registry) -> None:
    ps2 = registry.targets_for("HY25.PS.2")
    assert {t.code for t in ps2} == {"HY25.PS.2.overall", "HY25.PS.2.departments",
                                     "HY25.PS.2.localities"}
    assert {t.aggregation for t in ps2} == {Aggregation.MEAN}


def test_iit5_is_a_count_of_at_least_130(registry: Registry) -> None:
    (t,) = registry.targets_for("HY25.IIT.5")
    assert registry.indicators["HY25.IIT.5"].kind is Kind.COUNT
    assert (t.comparator, t.threshold) == (Comparator.GE, Fraction(130))
    assert t.threshold.denominator == 1


def test_milestones_are_done_for_the_province(registry: Registry) -> None:
    milestones = {c for c, i in registry.indicators.items() if i.kind is Kind.MILESTONE}
    assert milestones == {"HY25.INF.2", "HY25.INF.3", "HY25.INF.4", "HY25.IIT.0",
                          "HY25.IIT.4"}
    for code in milestones:
        (t,) = registry.targets_for(code)
        assert (t.comparator, t.threshold, t.aggregation, t.scope.level) == (
            Comparator.GE, Fraction(1), Aggregation.REPORTED, "province")


def test_secret_items_are_excluded_where_the_plan_says_so(registry: Registry) -> None:
    excluding = {c for c, i in registry.indicators.items() if i.excludes is not None}
    assert excluding == {"HY25.IIT.1", "HY25.IIT.2", "HY25.IIT.3"}


def test_every_rate_says_what_it_counts(registry: Registry) -> None:
    for ind in registry.indicators.values():
        if ind.kind is Kind.RATE:
            assert ind.numerator is not None and ind.denominator is not None, ind.code


def test_ps3_states_its_denominator_is_not_the_national_rate(registry: Registry) -> None:
    ind = registry.indicators["HY25.PS.3"]
    assert ind.denominator is not None
    assert "not all dossiers" in ind.denominator.en
    assert "national monitoring system" in ind.description.en
    assert "Hệ thống theo dõi, đánh giá cấp quốc gia" in ind.description.vi


def test_de2_quotes_the_doubled_word_and_explains_it(registry: Registry) -> None:
    ind = registry.indicators["HY25.DE.2"]
    assert "trên trên" in ind.clause.text_vi
    assert "doubled" in ind.description.en and "cut short" in ind.description.en
    assert "lặp chữ" in ind.description.vi


def test_sec2_quotes_the_typo_as_published_and_notes_it(registry: Registry) -> None:
    ind = registry.indicators["HY25.SEC.2"]
    assert "cảnh bảo" in ind.clause.text_vi
    assert "typo" in ind.description.en and "lỗi chính tả" in ind.description.vi


def test_ps2_description_says_how_localities_change_on_1_july(registry: Registry) -> None:
    ind = registry.indicators["HY25.PS.2"]
    assert "1/7/2025" in ind.description.en and "1/7/2025" in ind.description.vi
    assert "departments_and_localities" in ind.description.en


def test_checks_read_the_indicators_they_name(registry: Registry) -> None:
    assert {c: chk.indicators for c, chk in registry.checks.items()} == CHECKS


@pytest.mark.parametrize("code", sorted(CHECKS))
def test_check_is_documented_with_what_why_and_example(registry: Registry,
                                                       code: str) -> None:
    doc = registry.checks[code].description
    for part in ("What it checks:", "Why it matters:", "Example:"):
        assert part in doc, (code, part)


def test_every_text_exists_in_both_languages(registry: Registry) -> None:
    for ind in registry.indicators.values():
        for text in (ind.name, ind.description, ind.unit):
            assert text.vi.strip() and text.en.strip() and text.vi != text.en, ind.code


# -- plugins through entry points -----------------------------------------------------------

def _installed() -> Registry:
    reg = plan_rules.load_registry()
    if "plan200" not in {p.name for p in reg.plugins}:
        pytest.skip("plan-rules is not installed with its entry points (pip install -e .)")
    return reg


def test_the_plan_and_its_areas_load_through_entry_points() -> None:
    reg = _installed()
    assert set(AREA_ENTRY_POINTS) | {"plan200"} <= {p.name for p in reg.plugins}
    assert set(INDICATORS) <= set(reg.indicators)
    assert set(TARGETS) <= set(reg.targets)
    assert reg.indicators["HY25.PS.3"].plugin == "plan200-public-services"


@pytest.mark.parametrize("plugin", sorted(AREA_ENTRY_POINTS))
def test_blocking_an_area_removes_exactly_its_contributions(plugin: str) -> None:
    full = _installed()
    area = AREA_ENTRY_POINTS[plugin]
    blocked = plan_rules.load_registry(block=[plugin])
    assert set(full.indicators) - set(blocked.indicators) == {
        c for c, i in full.indicators.items() if i.area == area and i.plan == "HY25"}
    assert set(blocked.indicators) <= set(full.indicators)
    removed_targets = set(full.targets) - set(blocked.targets)
    assert removed_targets == {c for c, t in full.targets.items()
                               if full.indicators[t.indicator].area == area
                               and t.code.startswith("HY25.")}
    assert "HY25" in blocked.plans
    assert blocked.problems == ()


# -- verdicts -------------------------------------------------------------------------------

PROVINCE = Entity(code="hung-yen", level="province")
DEPARTMENT = Entity(code="so-tu-phap", level="department", parent="hung-yen",
                    groups={"departments", "departments_and_localities"})
DISTRICT = Entity(code="huyen-kim-dong", level="district", valid_to=DISTRICT_END,
                  parent="hung-yen", groups={"localities", "departments_and_localities"})
COMMUNE = Entity(code="xa-nghia-dan", level="commune", parent="hung-yen")
NEW_COMMUNE = Entity(code="phuong-pho-hien", level="commune", valid_from=date(2025, 7, 1),
                     parent="hung-yen",
                     groups={"localities", "departments_and_localities"})


def _entity_for(level: str | None, group: str | None) -> Entity:
    if group == "localities":
        return NEW_COMMUNE  # the localities that still exist at the deadline
    if group is not None or level == "department":
        return DEPARTMENT
    return {"province": PROVINCE, "district": DISTRICT, "commune": COMMUNE}[level or ""]


def obs(indicator: str, entity: Entity, period: str, numerator: int | None = None,
        denominator: int | None = None, value: Fraction | int | None = None,
        source: str | None = None) -> Observation:
    return Observation(indicator=indicator, entity=entity.code, level=entity.level,
                       period=Period.parse(period), numerator=numerator,
                       denominator=denominator, value=value, source=source)


def evaluate(registry: Registry, observations: Sequence[Observation],
             entities: Sequence[Entity], as_of: date = YEAR_END) -> Report:
    return plan_rules.evaluate(observations, registry=registry, as_of=as_of,
                               entities=entities)


def verdict(report: Report, code: str) -> Verdict:
    return report.finding(code).verdict


def _cases() -> list[tuple[str, str, int, Verdict]]:
    """(target, position, offset in thousandths or units, expected verdict)."""
    cases = []
    for code, (comparator, threshold, _, _, _) in sorted(TARGETS.items()):
        ind = code.rsplit(".", 1)[0]
        kind = INDICATORS[ind][1]
        if kind is Kind.MILESTONE:
            continue
        at_verdict = Verdict.MET if comparator is Comparator.GE else Verdict.NOT_MET
        cases.append((code, "below", -1, Verdict.NOT_MET))
        cases.append((code, "at", 0, at_verdict))
        if kind is Kind.COUNT or threshold < 1:
            cases.append((code, "above", 1, Verdict.MET))
    return cases


@pytest.mark.parametrize(("code", "position", "offset", "expected"), _cases(),
                         ids=[f"{c}-{p}" for c, p, _, _ in _cases()])
def test_verdict_just_below_at_and_above_the_threshold(
        registry: Registry, code: str, position: str, offset: int, expected: Verdict) -> None:
    t = registry.targets[code]
    entity = _entity_for(t.scope.level, t.scope.group)
    period = "Q3/2025" if entity.valid_from else "Q1/2025"
    if registry.indicators[t.indicator].kind is Kind.COUNT:
        o = obs(t.indicator, entity, period, value=int(t.threshold) + offset)
    else:
        numerator = t.threshold * 1000 + offset
        assert numerator.denominator == 1
        o = obs(t.indicator, entity, period, numerator=int(numerator), denominator=1000)
    assert verdict(evaluate(registry, [o], [entity]), code) is expected


@pytest.mark.parametrize("code", sorted(c for c, (_, kind, _) in INDICATORS.items()
                                        if kind is Kind.MILESTONE))
def test_milestone_is_met_only_when_done_with_evidence(registry: Registry, code: str) -> None:
    target = f"{code}.province"
    done = obs(code, PROVINCE, "Q3/2025", value=1, source="Quyết định số 1/QĐ-UBND")
    not_done = obs(code, PROVINCE, "Q3/2025", value=0)
    no_evidence = obs(code, PROVINCE, "Q3/2025", value=1)
    assert verdict(evaluate(registry, [done], [PROVINCE]), target) is Verdict.MET
    assert verdict(evaluate(registry, [not_done], [PROVINCE]), target) is Verdict.NOT_MET
    assert verdict(evaluate(registry, [no_evidence], [PROVINCE]), target) is Verdict.INVALID


def test_de1_exactly_half_as_a_percentage_is_not_met(registry: Registry) -> None:
    report = evaluate(registry, [obs("HY25.DE.1", PROVINCE, "Q3/2025", value=Fraction(1, 2))],
                      [PROVINCE])
    assert verdict(report, "HY25.DE.1.province") is Verdict.NOT_MET


def test_ps2_departments_target_is_a_mean_not_a_pooled_ratio(registry: Registry) -> None:
    big = Entity(code="so-y-te", level="department",
                 groups={"departments", "departments_and_localities"})
    figures = [obs("HY25.PS.2", DEPARTMENT, "Q3/2025", 10, 10),
               obs("HY25.PS.2", big, "Q3/2025", 600, 1000)]
    finding = evaluate(registry, figures, [DEPARTMENT, big]).finding("HY25.PS.2.departments")
    assert finding.observed == Fraction(4, 5)
    assert finding.verdict is Verdict.MET
    assert finding.statistics is not None
    assert finding.statistics.pooled == Fraction(610, 1010)


def test_iit2_district_figure_for_q3_2025_is_not_applicable(registry: Registry) -> None:
    report = evaluate(registry, [obs("HY25.IIT.2", DISTRICT, "Q3/2025", 10, 100)], [DISTRICT])
    assert verdict(report, "HY25.IIT.2.district") is Verdict.NOT_APPLICABLE


def test_iit2_district_target_measures_the_first_half_only(registry: Registry) -> None:
    figures = [obs("HY25.IIT.2", DISTRICT, "Q2/2025", 80, 100),
               obs("HY25.IIT.2", DISTRICT, "Q3/2025", 10, 100)]
    finding = evaluate(registry, figures, [DISTRICT]).finding("HY25.IIT.2.district")
    assert finding.verdict is Verdict.MET
    assert finding.observed == Fraction(4, 5)


def test_iit2_commune_target_adds_old_and_new_communes_over_the_year(
        registry: Registry) -> None:
    figures = [obs("HY25.IIT.2", COMMUNE, "Q2/2025", 50, 100),
               obs("HY25.IIT.2", NEW_COMMUNE, "Q3/2025", 70, 100)]
    finding = evaluate(registry, figures, [COMMUNE, NEW_COMMUNE]).finding("HY25.IIT.2.commune")
    assert finding.observed == Fraction(3, 5)
    assert finding.verdict is Verdict.MET


def test_ps2_localities_are_the_districts_before_1_july(registry: Registry) -> None:
    figures = [obs("HY25.PS.2", DISTRICT, "Q2/2025", 96, 100)]
    report = evaluate(registry, figures, [DISTRICT, NEW_COMMUNE], as_of=DISTRICT_END)
    finding = report.finding("HY25.PS.2.localities")
    assert finding.verdict is Verdict.MET
    assert [r.entity for r in finding.entities] == [DISTRICT.code]


def test_ps2_localities_are_the_new_communes_after_1_july(registry: Registry) -> None:
    figures = [obs("HY25.PS.2", DISTRICT, "Q2/2025", 80, 100),
               obs("HY25.PS.2", NEW_COMMUNE, "Q3/2025", 96, 100)]
    finding = evaluate(registry, figures, [DISTRICT, NEW_COMMUNE]).finding(
        "HY25.PS.2.localities")
    assert finding.observed == Fraction(24, 25)
    assert finding.verdict is Verdict.MET


def test_ps3_province_figure_is_pooled_from_units_when_the_province_gives_none(
        registry: Registry) -> None:
    figures = [obs("HY25.PS.3", DEPARTMENT, "Q1/2025", 90, 100),
               obs("HY25.PS.3", COMMUNE, "Q1/2025", 40, 100)]
    finding = evaluate(registry, figures, [PROVINCE, DEPARTMENT, COMMUNE]).finding(
        "HY25.PS.3.province")
    assert finding.observed == Fraction(13, 20)
    assert finding.verdict is Verdict.MET


# -- checks ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("check", "indicator"), [
    ("HY25.IIT.C1", "HY25.IIT.1"), ("HY25.PS.C1", "HY25.PS.3"), ("HY25.PS.C2", "HY25.PS.2")])
def test_part_within_whole_check_names_the_violating_figure(
        registry: Registry, check: str, indicator: str) -> None:
    good = obs(indicator, DEPARTMENT, "Q1/2025", 1275, 1290)
    bad = obs(indicator, DEPARTMENT, "Q2/2025", 1290, 1275)
    assert verdict(evaluate(registry, [good], [DEPARTMENT]), check) is Verdict.MET
    finding = evaluate(registry, [good, bad], [DEPARTMENT]).finding(check)
    assert finding.verdict is Verdict.NOT_MET
    assert finding.observations == (1,)
    assert "1290 > 1275" in finding.message.en and "1290 > 1275" in finding.message.vi


@pytest.mark.parametrize("check", sorted(CHECKS))
def test_check_without_figures_to_compare_has_no_data(registry: Registry, check: str) -> None:
    assert verdict(evaluate(registry, [], []), check) is Verdict.NO_DATA


def test_eligible_procedures_within_all_procedures_of_the_same_unit_and_period(
        registry: Registry) -> None:
    figures = [
        obs("HY25.PS.1", DEPARTMENT, "Q3/2025", 150, 158),
        obs("HY25.PS.2", DEPARTMENT, "Q3/2025", 120, 163),
        obs("HY25.PS.1", DEPARTMENT, "Q2/2025", 150, 158),
        obs("HY25.PS.2", DEPARTMENT, "Q2/2025", 120, 150),
        obs("HY25.PS.2", DEPARTMENT, "Q1/2025", 120, 170),  # no PS-1 figure to compare with
    ]
    finding = evaluate(registry, figures, [DEPARTMENT]).finding("HY25.PS.C3")
    assert finding.verdict is Verdict.NOT_MET
    assert finding.observations == (0, 1)
    assert "PS-2 163 > PS-1 158" in finding.message.en


def test_eligible_within_all_procedures_holds_when_every_pair_is_consistent(
        registry: Registry) -> None:
    figures = [obs("HY25.PS.1", DEPARTMENT, "Q3/2025", 150, 158),
               obs("HY25.PS.2", DEPARTMENT, "Q3/2025", 120, 158)]
    finding = evaluate(registry, figures, [DEPARTMENT]).finding("HY25.PS.C3")
    assert finding.verdict is Verdict.MET
    assert finding.observations == (0, 1)


def test_checks_are_plain_functions_of_the_context(registry: Registry) -> None:
    for chk in registry.checks.values():
        assert list(inspect.signature(chk.run).parameters) == ["ctx"]


# -- the example data set -------------------------------------------------------------------

def _load_maker() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_example", EXAMPLE / "make_example.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("make_example", module)
    spec.loader.exec_module(module)
    return module


def test_example_regenerates_byte_for_byte(tmp_path: Path) -> None:
    _load_maker().main(tmp_path)
    for name in ("entities.csv", "figures.csv"):
        assert (tmp_path / name).read_bytes() == (EXAMPLE / name).read_bytes(), name


@pytest.fixture(scope="module")
def example_report(registry: Registry) -> Report:
    full = plan_rules.load_registry()
    entities = plan_rules.read_entities(EXAMPLE / "entities.csv")
    assert entities.issues == ()
    read = plan_rules.read_observations(EXAMPLE / "figures.csv", registry=full)
    return plan_rules.evaluate(read.observations, registry=full, as_of=YEAR_END,
                               entities=entities.entities, issues=read.issues)


def test_example_has_figures_for_every_indicator(example_report: Report) -> None:
    assert {o.indicator for o in example_report.observations} >= set(INDICATORS)


def test_example_deliberate_problems_are_all_caught(example_report: Report) -> None:
    issues = {i.code for i in example_report.issues}
    assert {"bad_period", "milestone_without_evidence", "numerator_exceeds_denominator",
            "duplicate"} <= issues
    for code in ("HY25.IIT.C1", "HY25.PS.C1", "HY25.PS.C2", "HY25.PS.C3", "core.validity"):
        assert verdict(example_report, code) is Verdict.NOT_MET, code


# The verdicts README.md describes for the example, as of 31/12/2025.
EXAMPLE_VERDICTS = {
    "HY25.INF.1.province": Verdict.MET,
    "HY25.INF.1.district": Verdict.NOT_MET,
    "HY25.INF.1.commune": Verdict.MET,
    "HY25.INF.2.province": Verdict.MET,
    "HY25.INF.3.province": Verdict.NOT_MET,
    "HY25.INF.4.province": Verdict.INVALID,
    "HY25.IIT.0.province": Verdict.MET,
    "HY25.IIT.1.province": Verdict.NOT_MET,
    "HY25.IIT.1.district": Verdict.MET,
    "HY25.IIT.1.commune": Verdict.INCOMPLETE,
    "HY25.IIT.2.province": Verdict.MET,
    "HY25.IIT.2.district": Verdict.MET,
    "HY25.IIT.2.commune": Verdict.NOT_MET,
    "HY25.IIT.3.province": Verdict.NOT_MET,
    "HY25.IIT.4.province": Verdict.MET,
    "HY25.IIT.5.province": Verdict.MET,
    "HY25.IIT.6.province": Verdict.MET,
    "HY25.PS.1.province": Verdict.NOT_MET,
    "HY25.PS.2.overall": Verdict.MET,
    "HY25.PS.2.departments": Verdict.MET,
    "HY25.PS.2.localities": Verdict.NOT_MET,
    "HY25.PS.3.province": Verdict.NOT_MET,
    "HY25.PS.4.province": Verdict.MET,
    "HY25.PS.5.province": Verdict.NOT_MET,
    "HY25.PS.6.province": Verdict.MET,
    "HY25.PS.7.province": Verdict.NOT_MET,
    "HY25.PS.8.province": Verdict.MET,
    "HY25.PS.9.province": Verdict.NOT_MET,
    "HY25.PS.9.district": Verdict.MET,
    "HY25.PS.9.commune": Verdict.MET,
    "HY25.DE.1.province": Verdict.NOT_MET,
    "HY25.DE.2.province": Verdict.MET,
    "HY25.DE.3.province": Verdict.NOT_MET,
    "HY25.DE.4.province": Verdict.MET,
    "HY25.DE.5.province": Verdict.MET,
    "HY25.DE.6.province": Verdict.NOT_MET,
    "HY25.DE.7.province": Verdict.MET,
    "HY25.DE.8.province": Verdict.NOT_MET,
    "HY25.DE.9.province": Verdict.MET,
    "HY25.DE.10.province": Verdict.NOT_MET,
    "HY25.SEC.1.province": Verdict.NOT_MET,
    "HY25.SEC.1.district": Verdict.MET,
    "HY25.SEC.1.commune": Verdict.MET,
    "HY25.SEC.2.province": Verdict.MET,
    "HY25.SEC.3.province": Verdict.MET,
}


def test_example_verdicts_are_the_ones_the_readme_describes(example_report: Report) -> None:
    assert set(EXAMPLE_VERDICTS) == set(TARGETS)
    got = {code: verdict(example_report, code) for code in EXAMPLE_VERDICTS}
    assert got == EXAMPLE_VERDICTS


def test_example_exact_thresholds_are_met_and_strict_one_is_not(
        example_report: Report) -> None:
    assert example_report.finding("HY25.IIT.2.province").observed == Fraction(9, 10)
    assert example_report.finding("HY25.IIT.5.province").observed == 130
    assert example_report.finding("HY25.PS.8.province").observed == Fraction(3, 5)
    assert example_report.finding("HY25.DE.1.province").observed == Fraction(1, 2)


# -- words ----------------------------------------------------------------------------------

#: The level codes, which Vietnamese prose names in Vietnamese ("cấp xã", never "cấp commune");
#: a code to be typed in a file is marked as one: `departments`.
_LEVEL_CODE = re.compile(r"(?<![\w`])(?:province|department|district|commune)s?(?![\w`])")


def _vietnamese_texts(value: object, seen: set[int]) -> Iterator[tuple[str, str]]:
    """Every Vietnamese text reachable from ``value`` (attrs classes, mappings, sequences),
    with where it was found."""
    if id(value) in seen or isinstance(value, str | bytes | int | Fraction | date):
        return
    seen.add(id(value))
    if isinstance(value, Text):
        yield "", value.vi
    elif attrs.has(type(value)):
        for field in attrs.fields(type(value)):
            for where, vi in _vietnamese_texts(getattr(value, field.name), seen):
                yield f".{field.name}{where}", vi
    elif isinstance(value, Mapping):
        for key, item in value.items():
            for where, vi in _vietnamese_texts(item, seen):
                yield f"[{key}]{where}", vi
    elif isinstance(value, Sequence | Set):
        for n, item in enumerate(value):
            for where, vi in _vietnamese_texts(item, seen):
                yield f"[{n}]{where}", vi


def test_no_vietnamese_text_of_the_registry_names_a_level_by_its_code() -> None:
    reg = _installed()
    parts = {"plans": reg.plans, "indicators": reg.indicators, "targets": reg.targets,
             "checks": reg.checks, "writers": reg.writers,
             "progress methods": reg.progress_methods}
    found = [(f"{name}{where}", vi) for name, part in parts.items()
             for where, vi in _vietnamese_texts(part, set()) if _LEVEL_CODE.search(vi)]
    assert found == []


def test_no_vietnamese_text_of_an_evaluation_names_a_level_by_its_code() -> None:
    reg = _installed()
    read = plan_rules.read_observations(EXAMPLE / "figures.csv", registry=reg)
    entities = plan_rules.read_entities(EXAMPLE / "entities.csv")
    # A commune's figure for a province-wide indicator: no target uses it, and the issue
    # that says so names the commune's level.
    stray = obs("HY25.DE.1", COMMUNE, "Q2/2025", 1, 2)
    report = plan_rules.evaluate([*read.observations, stray], registry=reg, as_of=YEAR_END,
                                 entities=[*entities.entities, COMMUNE], issues=read.issues)
    assert "unused" in {i.code for i in report.issues}
    texts = [(f.code, f.message.vi) for f in report.findings]
    texts += [(i.code, i.message.vi) for i in report.issues]
    assert [t for t in texts if _LEVEL_CODE.search(t[1])] == []


def test_iit5_says_all_130_listed_types_are_read_as_a_count_of_at_least_130(
        registry: Registry) -> None:
    text = registry.indicators["HY25.IIT.5"].description
    assert "all 130 listed types" in text.en
    assert "read as a count of at least 130" in text.en
    assert "because the figures report how many types are provided, not which" in text.en
    assert "đạt từ 130 trở lên" in text.vi
    assert "tối thiểu" not in text.vi  # the plan does not use the word


def test_de4_counts_adults_issued_a_certificate(registry: Registry) -> None:
    ind = registry.indicators["HY25.DE.4"]
    assert "được cấp" in ind.name.vi
    assert "issued" in ind.name.en and "holding" not in ind.name.en + ind.description.en


def test_ps6_is_where_the_rules_require_the_result_as_a_written_document(
        registry: Registry) -> None:
    ind = registry.indicators["HY25.PS.6"]
    for text in (ind.name.en, ind.description.en):
        assert "where the rules require the result as a written document" in text


def test_iit6_counts_monitoring_and_inspection_exercises(registry: Registry) -> None:
    ind = registry.indicators["HY25.IIT.6"]
    assert ind.unit.en == "monitoring and inspection exercises"
    assert "Monitoring and inspection exercises" in ind.name.en

@pytest.mark.parametrize("code", ["HY25.PS.2.localities", "HY25.PS.2.overall"])
def test_a_figure_set_aside_does_not_hide_a_new_commune_that_sent_nothing(
        registry: Registry, code: str) -> None:
    # The district's Q2 figure no longer counts in the year-end snapshot; the commune that
    # took over on 1 July sent nothing: the target has no data, it is not "not applicable".
    groups = ("localities", "departments_and_localities")
    entities = [plan_rules.Entity(code="huyen-a", level="district", groups=groups,
                                  valid_to=date(2025, 6, 30)),
                plan_rules.Entity(code="xa-moi", level="commune", groups=groups,
                                  valid_from=date(2025, 7, 1))]
    report = plan_rules.evaluate(
        [plan_rules.Observation(indicator="HY25.PS.2", entity="huyen-a", level="district",
                                period=plan_rules.Period.parse("Q2/2025"), numerator=90,
                                denominator=100)],
        registry=registry, as_of=date(2025, 12, 31), entities=entities)
    finding = report.finding(code)
    assert finding.verdict is Verdict.NO_DATA
    assert {(r.entity, r.verdict) for r in finding.entities} == {
        ("huyen-a", Verdict.NOT_APPLICABLE), ("xa-moi", Verdict.NO_DATA)}
