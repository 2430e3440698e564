"""Coverage: every target says which units in its scope were expected, which reported and
which sent nothing, and its rule for missing units (require_all, skip_missing, min_coverage)
decides whether the reporters are judged or the target is ``incomplete``."""

from __future__ import annotations

import json
from datetime import date
from fractions import Fraction
from pathlib import Path

import attrs
import pytest

import plan_rules as pr
import sample_plugin
from cli_support import run
from plan_rules import cli
from plan_rules.formats import target_rows
from plan_rules.html import render_html
from plan_rules.partials import evaluate_in_chunks
from plan_rules.testing import Contributions

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "hung-yen-2025"
AS_OF = date(2025, 12, 31)
V = pr.Verdict


def communes(n: int, *names: str) -> list[pr.Entity]:
    codes = [*names, *(f"xa-{i:02d}" for i in range(n - len(names)))]
    return [pr.Entity(code=c, level="commune", name=f"Xã {c}") for c in codes]


def obs(entity: str, numerator: int, denominator: int, indicator: str = "T1.A.1",
        period: str = "Q4/2025") -> pr.Observation:
    return pr.Observation(indicator=indicator, entity=entity, level="commune",
                          period=pr.Period.parse(period), numerator=numerator,
                          denominator=denominator, file="figures.csv")


def registry_with(*targets: pr.Target) -> pr.Registry:
    return pr.load_registry(plugins=[sample_plugin, Contributions(name="coverage",
                                                                  targets=list(targets))],
                            entry_points=False)


def judged(target: pr.Target, units: list[pr.Entity],
           figures: list[pr.Observation]) -> pr.Finding:
    report = pr.evaluate(figures, registry=registry_with(target), entities=units, as_of=AS_OF)
    return report.finding(target.code)


def pooled(threshold: Fraction | int, missing: str | None = None,
           aggregation: str = "pooled") -> pr.Target:
    return attrs.evolve(sample_plugin.target("T1.A.1.cov", "T1.A.1", threshold,
                                             aggregation=aggregation), missing=missing)


# -- the issue's cases -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def example() -> tuple[pr.Registry, pr.ReadResult, pr.ReadResult]:
    full = pr.load_registry()
    return (full, pr.read_entities(EXAMPLE / "entities.csv"),
            pr.read_observations(EXAMPLE / "figures.csv", registry=full))


def test_18_of_20_communes_silent_make_the_100_percent_pooled_target_incomplete_naming_them(
        example: tuple[pr.Registry, pr.ReadResult, pr.ReadResult]) -> None:
    full, entities, read = example
    levels = {e.code: e.level for e in entities.entities}
    senders = sorted({o.entity for o in read.observations
                      if o.indicator == "HY25.INF.1" and levels.get(o.entity) == "commune"
                      and o.period.end > date(2025, 6, 30)})
    assert len(senders) == 20
    kept, silent = senders[:2], senders[2:]
    figures = [o for o in read.observations if not (o.indicator == "HY25.INF.1"
                                                     and o.entity in silent)]
    report = pr.evaluate(figures, registry=full, as_of=AS_OF, entities=entities.entities)
    finding = report.finding("HY25.INF.1.commune")
    assert finding.verdict is V.INCOMPLETE
    assert finding.coverage is not None
    assert (finding.coverage.expected, finding.coverage.reported) == (20, 2)
    assert [m.code for m in finding.coverage.missing] == silent
    assert all(code in finding.message.en and code in finding.message.vi for code in silent)
    assert all(code not in [m.code for m in finding.coverage.missing] for code in kept)


def test_an_each_target_with_one_silent_unit_is_incomplete_and_its_headline_names_it() -> None:
    units = communes(40, "xa-quynh-phu")
    figures = [obs(e.code, 9, 10) for e in units if e.code != "xa-quynh-phu"]
    finding = judged(pooled(Fraction(6, 10), aggregation="each"), units, figures)
    assert finding.verdict is V.INCOMPLETE
    assert "39 of 40 units meet, 1 sent nothing (xa-quynh-phu)." in finding.message.en
    assert "39/40 đơn vị đạt, 1 đơn vị không gửi số liệu (xa-quynh-phu)." in finding.message.vi


def test_the_figure_of_an_each_target_is_labelled_as_its_worst_unit() -> None:
    units = communes(3)
    figures = [obs("xa-00", 9, 10), obs("xa-01", 0, 10), obs("xa-02", 8, 10)]
    finding = judged(pooled(Fraction(6, 10), aggregation="each"), units, figures)
    assert finding.observed == 0
    assert "worst unit 0% (xa-01)" in finding.message.en
    assert "đơn vị kém nhất 0% (xa-01)" in finding.message.vi


def test_the_reports_label_an_each_targets_figure_as_the_worst_unit() -> None:
    units = communes(2)
    report = pr.evaluate([obs("xa-00", 9, 10), obs("xa-01", 7, 10)],
                         registry=registry_with(pooled(Fraction(6, 10), aggregation="each")),
                         entities=units, as_of=AS_OF)
    row = next(r for r in target_rows(report, "en") if r.finding.code == "T1.A.1.cov")
    assert row.observed_label == "worst_unit"
    assert "<dt>Worst unit</dt><dd>70%</dd>" in render_html(report, "en")
    assert "<dt>Đơn vị kém nhất</dt>" in render_html(report, "vi")


# -- the rules ---------------------------------------------------------------------------------


def test_a_pooled_target_below_100_percent_skips_missing_units_and_shows_its_coverage() -> None:
    units = communes(3)
    finding = judged(pooled(Fraction(65, 100)), units, [obs("xa-00", 9, 10)])
    assert finding.verdict is V.MET and finding.observed == Fraction(9, 10)
    assert finding.coverage == pr.Coverage(
        expected=3, reported=1, rule=pr.MissingUnits.parse("skip_missing"),
        missing=[pr.MissingUnit(code="xa-01", name="Xã xa-01"),
                 pr.MissingUnit(code="xa-02", name="Xã xa-02")])
    assert "1 of 3 units reported, 2 sent nothing (xa-01, xa-02)." in finding.message.en
    assert "Judged on the units that reported (skip_missing)." in finding.message.en
    assert "1/3 đơn vị đã báo cáo, 2 đơn vị không gửi số liệu (xa-01, xa-02)." \
        in finding.message.vi


def test_a_target_that_requires_all_units_is_incomplete_with_one_missing() -> None:
    units = communes(3)
    figures = [obs("xa-00", 9, 10), obs("xa-01", 9, 10)]
    finding = judged(pooled(Fraction(65, 100), missing="require_all"), units, figures)
    assert finding.verdict is V.INCOMPLETE
    assert finding.observed == Fraction(9, 10)  # the reporters' figure, shown
    assert finding.gap is None and finding.gap_units is None


def test_below_its_min_coverage_a_target_is_incomplete() -> None:
    units = communes(4)
    figures = [obs("xa-00", 9, 10), obs("xa-01", 9, 10)]
    finding = judged(pooled(Fraction(65, 100), missing="min_coverage=3/4"), units, figures)
    assert finding.verdict is V.INCOMPLETE
    assert "At least 75% of the units must report (min_coverage=3/4)." in finding.message.en
    assert "Cần ít nhất 75% số đơn vị báo cáo (min_coverage=3/4)." in finding.message.vi


def test_at_its_min_coverage_a_target_judges_the_units_that_reported() -> None:
    units = communes(4)
    figures = [obs(f"xa-0{i}", 9, 10) for i in range(3)]
    finding = judged(pooled(Fraction(65, 100), missing="min_coverage=3/4"), units, figures)
    assert finding.verdict is V.MET
    assert finding.coverage is not None and finding.coverage.share == Fraction(3, 4)


def test_a_target_no_unit_reported_for_has_no_data_not_an_incomplete_figure() -> None:
    units = communes(3)
    finding = judged(pooled(1), units, [])
    assert finding.verdict is V.NO_DATA
    assert finding.coverage is not None and finding.coverage.reported == 0
    assert len(finding.coverage.missing) == 3


def test_a_unit_that_did_not_exist_during_the_window_is_not_expected() -> None:
    units = [*communes(1), pr.Entity(code="xa-new", level="commune",
                                     valid_from=date(2026, 1, 1))]
    finding = judged(pooled(1), units, [obs("xa-00", 10, 10)])
    assert finding.verdict is V.MET
    assert finding.coverage == pr.Coverage(expected=1, reported=1,
                                           rule=pr.MissingUnits.parse("require_all"))


@pytest.mark.parametrize(("target", "rule"), [
    (pooled(Fraction(6, 10), aggregation="each"), "require_all"),
    (pooled(1), "require_all"),
    (pooled(Fraction(65, 100)), "skip_missing"),
    (pooled(1, aggregation="mean"), "require_all"),
    (pooled(Fraction(65, 100), aggregation="mean"), "skip_missing"),
])
def test_a_target_without_a_declared_rule_takes_the_default_of_its_aggregation(
        target: pr.Target, rule: str) -> None:
    assert target.missing_rule(pr.Kind.RATE).describe() == rule


def test_a_count_of_one_is_not_a_100_percent_target() -> None:
    assert pooled(1).missing_rule(pr.Kind.COUNT).describe() == "skip_missing"


def test_a_rule_for_missing_units_reads_from_its_text_exactly() -> None:
    assert pr.MissingUnits.parse("min_coverage=90%") == pr.MissingUnits(
        strategy="min_coverage", min_coverage=Fraction(9, 10))
    assert pr.MissingUnits.parse("min_coverage=2/3").min_coverage == Fraction(2, 3)


@pytest.mark.parametrize("text", ["min_coverage", "min_coverage=0", "min_coverage=5/4",
                                  "skip_missing=1/2", "all"])
def test_a_rule_for_missing_units_refuses_what_it_cannot_mean(text: str) -> None:
    with pytest.raises((ValueError, TypeError)):
        pr.MissingUnits.parse(text)


# -- the gate, the JSON and the chunked path ---------------------------------------------------

ENTITIES = """code,name,level,groups,parent,valid_from,valid_to
hy,Tỉnh Hưng Yên,province,,,,
c1,Xã Tân Hưng,commune,,hy,,
c2,Phường Hiến Nam,commune,,hy,,
c3,Xã Quỳnh Phụ,commune,,hy,,
"""

FIGURES = """indicator,entity,level,period,numerator,denominator,value,reported_on,source,note
T1.A.1,c1,commune,Q4/2025,90,100,,,,
T1.A.1,c2,commune,Q4/2025,95,100,,,,
T1.A.2,hy,province,Q4/2025,,,100%,,,
T1.A.3,hy,province,Q4/2025,,,131,,,
T1.A.4,hy,province,Q4/2025,,,done,,QĐ 12/QĐ-UBND,
"""


def test_fail_on_not_met_fails_on_an_incomplete_target(
        capsys: pytest.CaptureFixture[str], tmp_path: Path,
        cli_on_sample_plan: pr.Registry) -> None:
    (tmp_path / "figures.csv").write_text(FIGURES, encoding="utf-8")
    (tmp_path / "entities.csv").write_text(ENTITIES, encoding="utf-8")
    code, out, err = run(capsys, "evaluate", str(tmp_path), "--as-of", "2025-12-31",
                         "--format", "json", "--fail-on", "not_met")
    verdicts = {f.code: f.verdict for f in pr.Report.from_json(out).target_findings()}
    assert verdicts["T1.A.1.each"] is V.INCOMPLETE  # c3 sent nothing
    assert V.NOT_MET not in verdicts.values()
    assert code == cli.EXIT_FAIL_ON, err


def test_coverage_round_trips_through_json() -> None:
    units = communes(4)
    report = pr.evaluate([obs("xa-00", 9, 10), obs("xa-01", 9, 10)],
                         registry=registry_with(pooled(Fraction(65, 100),
                                                       missing="min_coverage=3/4")),
                         entities=units, as_of=AS_OF)
    again = pr.Report.from_json(report.to_json())
    assert again.finding("T1.A.1.cov").coverage == report.finding("T1.A.1.cov").coverage
    assert again.finding("T1.A.1.cov").verdict is V.INCOMPLETE
    assert json.loads(report.to_json())["schema_version"] == "2.1"


def test_a_2_0_report_is_read_with_no_coverage_and_written_as_2_1() -> None:
    report = pr.evaluate([obs("xa-00", 9, 10)], registry=registry_with(pooled(1)),
                         entities=communes(1), as_of=AS_OF)
    old = json.loads(report.to_json())
    old["schema_version"] = "2.0"
    for f in old["findings"]:
        del f["coverage"]
    again = pr.Report.from_dict(old)
    assert all(f.coverage is None for f in again.findings)
    assert again.schema_version == "2.1"


def test_the_chunked_path_gives_the_coverage_of_one_pass(registry: pr.Registry,
                                                         tmp_path: Path) -> None:
    path = tmp_path / "figures.csv"
    path.write_text(FIGURES, encoding="utf-8")
    entities = pr.read_entities(_written(tmp_path / "entities.csv", ENTITIES)).entities
    read = pr.read_observations(path, registry=registry)
    one = pr.evaluate(read.observations, registry=registry, entities=entities,
                      issues=read.issues, as_of=AS_OF)
    chunked = evaluate_in_chunks(path, 3, as_of=AS_OF, entities=entities,
                                 registry=registry).report
    assert [(f.code, f.verdict, f.coverage, f.message) for f in chunked.target_findings()] == \
        [(f.code, f.verdict, f.coverage, f.message) for f in one.target_findings()]
    assert chunked.finding("T1.A.1.each").verdict is V.INCOMPLETE


def _written(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_explain_says_a_targets_rule_for_missing_units(
        capsys: pytest.CaptureFixture[str], cli_on_sample_plan: pr.Registry) -> None:
    code, out, _ = run(capsys, "explain", "T1.A.1.each", "--lang", "en")
    assert code == cli.EXIT_OK
    assert "Missing units  require_all (default) — every unit in scope must report" in out
    _, vi, _ = run(capsys, "explain", "T1.A.1.pooled", "--lang", "vi")
    assert "skip_missing (mặc định) — đánh giá trên các đơn vị đã báo cáo" in vi
