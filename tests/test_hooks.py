"""One specification per hook: a plugin implementing only that hook is loaded, its
contributions are stamped with its name, and the host uses them.

tests/test_docs_hooks.py fails when a hook has no test here named ``test_<hook>_hook…``
(``plan_rules_`` left off).
"""

from __future__ import annotations

import types
from collections.abc import Iterator
from datetime import date
from fractions import Fraction
from typing import Any

import plan_rules
import sample_plugin
from plan_rules import (
    Check,
    CheckContext,
    Finding,
    Observation,
    Period,
    Text,
    Verdict,
    Writer,
    hookimpl,
)
from plan_rules.model import Progress, ProgressAssessment, ProgressInput, ProgressMethod
from plan_rules.testing import Contributions

PLAN = sample_plugin.PLAN
COUNT = sample_plugin.indicator("T1.A.3", kind="count", temporal="stock")
TARGET = sample_plugin.target("T1.A.3.province", "T1.A.3", 130, aggregation="reported",
                              level="province")
FIGURE = Observation(indicator="T1.A.3", entity="tinh", level="province",
                     period=Period.parse("Q4/2025"), value=Fraction(131))

PLAN_PLUGIN = Contributions(name="the-plan", plans=[PLAN])
DATA_PLUGIN = Contributions(name="the-data", indicators=[COUNT], targets=[TARGET])


def only(hook: str, *contributions: Any) -> types.SimpleNamespace:
    """A plugin named ``only-<hook>`` that implements ``hook`` and nothing else."""
    name = "only-" + hook.removeprefix("plan_rules_")
    return types.SimpleNamespace(name=name, **{hook: hookimpl(lambda: list(contributions))})


def load(*plugins: object) -> plan_rules.Registry:
    return plan_rules.load_registry(list(plugins), entry_points=False, strict=True)


def test_plans_hook_contributes_plans_stamped_with_the_plugin() -> None:
    registry = load(only("plan_rules_plans", PLAN))
    assert registry.plans["T1"].plugin == "only-plans"
    assert registry.plugin("only-plans").hooks == ("plan_rules_plans",)  # type: ignore[union-attr]


def test_indicators_hook_contributes_indicators_of_a_known_plan() -> None:
    registry = load(PLAN_PLUGIN, only("plan_rules_indicators", COUNT))
    assert registry.indicators["T1.A.3"].plugin == "only-indicators"


def test_targets_hook_contributes_targets_that_are_evaluated() -> None:
    registry = load(PLAN_PLUGIN, Contributions(name="ind", indicators=[COUNT]),
                    only("plan_rules_targets", TARGET))
    report = plan_rules.evaluate([FIGURE], registry=registry, as_of=date(2025, 12, 31))
    assert registry.targets["T1.A.3.province"].plugin == "only-targets"
    assert report.finding("T1.A.3.province").verdict is Verdict.MET


def count_figures(ctx: CheckContext) -> Iterator[Finding]:
    """Counts the figures of T1.A.3."""
    n = len(ctx.observations("T1.A.3"))
    yield Finding(code="T1.A.C1", verdict=Verdict.MET, message=Text(vi=f"{n} số liệu",
                                                                   en=f"{n} figures"))


def test_checks_hook_contributes_checks_that_run() -> None:
    check = Check(code="T1.A.C1", name=Text(vi="Đếm", en="Count"), indicators=("T1.A.3",),
                  run=count_figures)
    registry = load(PLAN_PLUGIN, DATA_PLUGIN, only("plan_rules_checks", check))
    report = plan_rules.evaluate([FIGURE], registry=registry, as_of=date(2025, 12, 31))
    finding = report.finding("T1.A.C1")
    assert (finding.plugin, finding.message.en) == ("only-checks", "1 figures")


def test_writers_hook_contributes_writers_that_render_reports() -> None:
    writer = Writer(name="codes", description="finding codes", suffix=".txt",
                    render=lambda report, lang: " ".join(f.code for f in report.findings))
    registry = load(PLAN_PLUGIN, DATA_PLUGIN, only("plan_rules_writers", writer))
    report = plan_rules.evaluate([FIGURE], registry=registry, as_of=date(2025, 12, 31))
    assert registry.writers["codes"].plugin == "only-writers"
    assert registry.writers["codes"].render(report, "en") == "T1.A.3.province"


def latest_only(inp: ProgressInput) -> ProgressAssessment:
    """Achieved when the latest figure meets the target; nothing else is judged."""
    met = inp.latest is not None and inp.target.comparator.holds(inp.latest.value,
                                                                 inp.target.threshold)
    status = Progress.ACHIEVED if met else Progress.INSUFFICIENT_DATA
    return ProgressAssessment(method="latest", method_version="1", status=status,
                              message=Text(vi=status.value, en=status.value))


def test_progress_methods_hook_contributes_methods_that_assess_targets() -> None:
    method = ProgressMethod(code="latest", version="1", name=Text(vi="Mới nhất", en="Latest"),
                            assess=latest_only)
    registry = load(PLAN_PLUGIN, DATA_PLUGIN, only("plan_rules_progress_methods", method))
    report = plan_rules.evaluate([FIGURE], registry=registry, as_of=date(2025, 12, 31))
    (assessment,) = report.finding("T1.A.3.province").assessments
    assert (assessment.method, assessment.plugin, assessment.status) == (
        "latest", "only-progress_methods", Progress.ACHIEVED)
