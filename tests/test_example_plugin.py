"""The example third-party plugin, installed as a stranger's plugin would be
(``pip install ./plugins/plan-rules-example``), is found through its entry point, conforms,
and works beside the bundled plugins."""

from __future__ import annotations

import importlib.metadata
from datetime import date
from fractions import Fraction
from pathlib import Path

import pytest

import plan_rules
from cli_support import run
from plan_rules.testing import check_plugin

PLUGIN = "example-province-2026"
DATA = Path(__file__).resolve().parents[1] / "plugins" / "plan-rules-example" / "data"

try:
    DISTRIBUTION = importlib.metadata.distribution("plan-rules-example")
except importlib.metadata.PackageNotFoundError:
    pytest.skip("the example plugin is not installed: pip install ./plugins/plan-rules-example "
                "(.ci/run does)", allow_module_level=True)


def test_the_example_plugin_declares_its_entry_point() -> None:
    (entry,) = [ep for ep in DISTRIBUTION.entry_points if ep.group == "plan_rules"]
    assert (entry.name, entry.value) == (PLUGIN, "plan_rules_example.plugin")


def test_the_example_plugin_is_found_and_attributed_like_any_plugin() -> None:
    registry = plan_rules.load_registry()
    info = registry.plugin(PLUGIN)
    assert info is not None
    assert (info.distribution, info.version) == ("plan-rules-example", DISTRIBUTION.version)
    assert {i.plugin for code, i in registry.indicators.items() if code.startswith("EX26.")} \
        == {PLUGIN}


def test_the_example_plugin_loads_beside_the_bundled_plugins_without_problems() -> None:
    registry = plan_rules.load_registry()
    assert [p for p in registry.problems if p.plugin == PLUGIN] == []


def test_the_example_plugin_conforms() -> None:
    check_plugin(PLUGIN, max_examples=30)


def test_the_example_figures_evaluate_with_every_plugin_loaded() -> None:
    registry = plan_rules.load_registry()
    read = plan_rules.read_observations(DATA / "figures.csv", registry=registry)
    units = plan_rules.read_entities(DATA / "entities.csv").entities
    report = plan_rules.evaluate(read.observations, registry=registry, entities=units,
                                 as_of=date(2026, 12, 31))
    assert report.finding("EX26.PS.1.province").verdict is plan_rules.Verdict.MET
    assert report.finding("EX26.DATA.C1").plugin == PLUGIN
    # The example's score index, beside the bundled plans: 69⅔ points, the lowest commune.
    assert report.finding("EX26.SQI.80").observed == Fraction(209, 3)
    assert report.finding("EX26.SQI.pilot").verdict is plan_rules.Verdict.MET


def test_the_example_plan_alone_is_evaluated_with_the_built_in_text_writer(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    # The third party's plugin named alone: the writers are no plan, and stay.
    monkeypatch.setenv("PLAN_RULES_PLUGINS", PLUGIN)
    code, out, err = run(capsys, "evaluate", str(DATA), "--as-of", "2026-12-31",
                         "--format", "text", "--lang", "en")
    assert (code, err) == (0, "")
    assert "EX26.PS.1.province" in out and "HY25." not in out


def _plans_evaluated(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                     *plans: str) -> set[str | None]:
    out = tmp_path / "report.json"
    chosen = [arg for plan in plans for arg in ("--plan", plan)]
    code, _, err = run(capsys, "evaluate", str(DATA), "--as-of", "2026-12-31", *chosen,
                       "-o", str(out))
    assert code == 0, err
    report = plan_rules.Report.from_json(out.read_text(encoding="utf-8"))
    return {f.plan for f in report.target_findings()}


def test_plan_chooses_the_plan_evaluated(capsys: pytest.CaptureFixture[str],
                                         tmp_path: Path) -> None:
    assert _plans_evaluated(capsys, tmp_path, "EX26") == {"EX26"}


def test_plan_is_repeatable(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert _plans_evaluated(capsys, tmp_path, "EX26", "HY25") == {"EX26", "HY25"}


def test_the_indicator_list_heads_each_plans_area_ps_with_its_own_name(
        capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "indicators", "--lang", "en")
    assert code == 0
    assert "EX26 · PS — Online public services" in out.splitlines()
    assert "HY25 · PS — Information and public services for citizens and businesses" \
        in out.splitlines()
