"""Careless and hostile plugins: what they hand back is checked, named and never trusted.

A plugin is someone else's code. A hook returning the wrong type, ``sys.exit`` anywhere in a
plugin, a code claimed by two plugins, a target slipped into another distribution's plan, a
check that mutates what it is shown, a finding citing an observation that does not exist, a
writer returning nothing: each is reported by the plugin's name and never crashes, passes a
gate, or changes what the official plan says. Each check's duration is recorded outside the
part of the report that equality uses.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import attrs
import pytest

import plan_rules as pr
import sample_plugin
from plan_rules import builtin, cli
from plan_rules import testing as kit
from plan_rules.testing import Contributions

AS_OF = date(2025, 12, 31)
SCHEMA = Path(__file__).parents[1] / "docs" / "report-schema.json"

HOOKS = ("plan_rules_plans", "plan_rules_indicators", "plan_rules_targets",
         "plan_rules_checks", "plan_rules_writers", "plan_rules_progress_methods")


class _Hooks:
    """A plugin object whose hooks return whatever a test gives them."""

    def __init__(self, name: str, **hooks: Callable[..., Any]) -> None:
        self.name = name
        for hook, function in hooks.items():
            setattr(self, hook, pr.hookimpl(function))


def _load(*plugins: object, strict: bool = False) -> pr.Registry:
    return pr.load_registry(plugins=[sample_plugin, *plugins], entry_points=False,
                            strict=strict)


def _check(code: str, run: Callable[[pr.CheckContext], Any]) -> pr.Check:
    return pr.Check(code=code, name=pr.Text.same(code), indicators=(), run=run,
                    description="A check made by a test.")


def _checks(name: str, *checks: pr.Check) -> Contributions:
    return Contributions(name=name, checks=list(checks))


def _obs(indicator: str = "T1.A.1", entity: str = "xa-1", numerator: int = 7,
         denominator: int = 10) -> pr.Observation:
    return pr.Observation(indicator=indicator, entity=entity, level="commune",
                          period=pr.Period.parse("Q4/2025"), numerator=numerator,
                          denominator=denominator, file="f.csv", row=2)


# -- 1. a hook returning the wrong type -------------------------------------------------------


@pytest.mark.parametrize("hook", HOOKS)
@pytest.mark.parametrize("returned", ["HY25", {"code": "x"}, None, 42],
                         ids=["str", "dict", "None", "int"])
def test_a_hook_returning_the_wrong_type_is_a_problem_naming_the_plugin(
        hook: str, returned: object) -> None:
    registry = _load(_Hooks("careless", **{hook: lambda: returned}))
    problem = next(p for p in registry.problems if p.plugin == "careless")
    assert problem.kind == "contribution"
    assert hook.removeprefix("plan_rules_") in problem.message
    assert type(returned).__name__ in problem.message
    assert "T1" in registry.plans and len(registry.targets) == len(sample_plugin.TARGETS)


def test_wrong_items_in_a_hooks_result_are_skipped_and_the_good_ones_kept() -> None:
    extra = sample_plugin.target("T1.A.1.extra", "T1.A.1", 1)
    registry = _load(_Hooks("careless", plan_rules_targets=lambda: ["junk", extra, 3]))
    assert "T1.A.1.extra" in registry.targets
    found = [p for p in registry.problems if p.plugin == "careless"]
    assert len(found) == 2 and all(p.kind == "contribution" for p in found)
    assert "'junk'" in found[0].message and "Target" in found[0].message


def test_a_wrong_contribution_is_fatal_in_strict_mode() -> None:
    with pytest.raises(pr.PluginLoadError, match="careless"):
        _load(_Hooks("careless", plan_rules_plans=lambda: "HY25"), strict=True)


FIGURES = ("indicator,entity,level,period,numerator,denominator,value,reported_on,source,note\n"
           "T1.A.1,xa-1,commune,Q4/2025,70,100,,,,\n")


@pytest.fixture
def figures(tmp_path: Path) -> Path:
    path = tmp_path / "figures.csv"
    path.write_text(FIGURES, encoding="utf-8")
    return path


def _cli(monkeypatch: pytest.MonkeyPatch, registry: pr.Registry | None,
         *argv: str) -> int:
    if registry is not None:
        monkeypatch.setattr(cli, "load_registry", lambda strict=None: registry)
    return cli.main([*argv, "--lang", "en"])


def test_plugins_command_lists_a_wrong_contribution(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    source = "import plan_rules as pr\n\n@pr.hookimpl\ndef plan_rules_targets():\n" \
             "    return 'HY25.PS.3.province'\n"
    with kit.installed("plan-rules-careless", entry_points={"careless": "careless_plugin"},
                       modules={"careless_plugin": source}):
        code = _cli(monkeypatch, None, "plugins")
    out = capsys.readouterr().out
    assert code == cli.EXIT_OK
    assert "PROBLEM careless" in out and "str" in out
    assert "plan200-public-services" in out


# -- 2. sys.exit in plugin code ---------------------------------------------------------------


def test_sys_exit_at_import_is_a_load_error_naming_the_plugin() -> None:
    with kit.installed("plan-rules-quitter", entry_points={"quitter": "quitter_plugin"},
                       modules={"quitter_plugin": "import sys\nsys.exit(0)\n"}):
        registry = pr.load_registry()
    problem = next(p for p in registry.problems if p.plugin == "quitter")
    assert "SystemExit" in problem.message
    assert registry.plugin("quitter") is None and "HY25" in registry.plans


def test_sys_exit_at_import_is_fatal_in_strict_mode() -> None:
    with kit.installed("plan-rules-quitter", entry_points={"quitter": "quitter_plugin"},
                       modules={"quitter_plugin": "import sys\nsys.exit(0)\n"}), \
            pytest.raises(pr.PluginLoadError, match="quitter") as info:
        pr.load_registry(strict=True)
    assert isinstance(info.value.__cause__, SystemExit)


def _exit(*args: object) -> Any:
    raise SystemExit(0)


def test_sys_exit_in_a_hook_is_a_load_error_naming_the_plugin() -> None:
    registry = _load(_Hooks("quitter", plan_rules_targets=_exit))
    problem = next(p for p in registry.problems if p.plugin == "quitter")
    assert "SystemExit" in problem.message and "targets" in problem.message
    assert "T1" in registry.plans


def test_sys_exit_in_a_check_is_an_error_finding_naming_the_plugin() -> None:
    registry = _load(_checks("quitter", _check("quit.check", _exit)))
    report = pr.evaluate([], registry=registry, as_of=AS_OF)
    finding = report.finding("quit.check")
    assert finding.verdict is pr.Verdict.ERROR and finding.plugin == "quitter"
    assert "SystemExit" in finding.message.en


def test_sys_exit_in_a_check_is_a_check_error_in_strict_mode() -> None:
    registry = _load(_checks("quitter", _check("quit.check", _exit)))
    with pytest.raises(pr.CheckError, match=r"quit\.check") as info:
        pr.evaluate([], registry=registry, as_of=AS_OF, strict=True)
    assert isinstance(info.value.__cause__, SystemExit)


def test_sys_exit_in_a_progress_method_is_an_assessment_naming_the_plugin() -> None:
    method = pr.ProgressMethod(code="quit", version="1", name=pr.Text.same("Quit"),
                               assess=_exit, description="Exits.")
    registry = _load(Contributions(name="quitter", progress_methods=[method]))
    report = pr.evaluate([], registry=registry, as_of=AS_OF)
    assessment = report.finding("T1.A.1.pooled").assessments[0]
    assert assessment.grade == "error" and assessment.plugin == "quitter"
    assert "SystemExit" in assessment.message.en


def test_cli_gate_fails_when_a_plugin_exits_at_import(
        monkeypatch: pytest.MonkeyPatch, figures: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    with kit.installed("plan-rules-quitter", entry_points={"quitter": "quitter_plugin"},
                       modules={"quitter_plugin": "import sys\nsys.exit(0)\n"}):
        code = _cli(monkeypatch, None, "evaluate", str(figures), "--as-of", "2025-12-31",
                    "--fail-on", "not_met")
    captured = capsys.readouterr()
    assert code == cli.EXIT_FAIL_ON
    assert "quitter" in captured.out and "quitter" in captured.err


def _cancel(*args: object) -> Any:
    raise asyncio.CancelledError("cancelled")


def test_a_base_exception_at_import_is_a_load_error_naming_the_plugin() -> None:
    with kit.installed("plan-rules-canceller", entry_points={"canceller": "canceller_plugin"},
                       modules={"canceller_plugin": "import asyncio\n"
                                                    "raise asyncio.CancelledError()\n"}):
        registry = pr.load_registry()
    problem = next(p for p in registry.problems if p.plugin == "canceller")
    assert "CancelledError" in problem.message and "HY25" in registry.plans


def test_a_base_exception_in_a_hook_is_a_load_error_naming_the_plugin() -> None:
    registry = _load(_Hooks("canceller", plan_rules_targets=_cancel))
    problem = next(p for p in registry.problems if p.plugin == "canceller")
    assert "CancelledError" in problem.message and "T1" in registry.plans


def test_a_base_exception_in_a_check_is_an_error_finding_naming_the_plugin() -> None:
    registry = _load(_checks("canceller", _check("cancel.check", _cancel)))
    finding = pr.evaluate([], registry=registry, as_of=AS_OF).finding("cancel.check")
    assert finding.verdict is pr.Verdict.ERROR and finding.plugin == "canceller"
    assert "CancelledError" in finding.message.en


def test_ctrl_c_in_a_check_is_let_through() -> None:
    def interrupt(*args: object) -> Any:
        raise KeyboardInterrupt

    registry = _load(_checks("stopper", _check("stop.check", interrupt)))
    with pytest.raises(KeyboardInterrupt):
        pr.evaluate([], registry=registry, as_of=AS_OF)


def test_cli_exits_2_not_1_when_a_base_exception_escapes(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(cli, "cmd_plugins", _cancel)
    code = _cli(monkeypatch, None, "plugins")
    err = capsys.readouterr().err
    assert code == cli.EXIT_ERROR and "CancelledError" in err and "Traceback" not in err


# -- 3. codes claimed twice, targets in another distribution's plan ------------------------


HIJACK = """
from datetime import date
import plan_rules as pr

@pr.hookimpl
def plan_rules_targets():
    return [pr.Target(code={code!r}, indicator="HY25.PS.3", comparator=">=", threshold=0,
                      scope=pr.Scope(level="province"), aggregation="reported",
                      deadline=date(2025, 12, 31))]
"""


def test_a_code_claimed_by_two_plugins_is_evaluated_for_neither() -> None:
    with kit.installed("aaa-hijack", entry_points={"aaa": "hijack_plugin"},
                       modules={"hijack_plugin": HIJACK.format(code="HY25.PS.3.province")}):
        registry = pr.load_registry()
    assert "HY25.PS.3.province" not in registry.targets
    problem = next(p for p in registry.problems if p.code == "HY25.PS.3.province")
    assert problem.kind == "duplicate"
    assert "'aaa'" in problem.message and "'plan200-public-services'" in problem.message


def test_a_code_claimed_by_two_plugins_is_a_problem_for_each() -> None:
    again = _Hooks("second", plan_rules_plans=lambda: [sample_plugin.PLAN])
    registry = _load(again)
    named = {p.plugin for p in registry.problems if p.code == "T1" and p.kind == "duplicate"}
    assert named == {"sample_plugin", "second"}
    assert "T1" not in registry.plans and not registry.targets


def test_a_plugin_cannot_add_a_target_to_another_distributions_plan() -> None:
    with kit.installed("zzz-intruder", entry_points={"intruder": "intruder_plugin"},
                       modules={"intruder_plugin": HIJACK.format(code="HY25.PS.3.easy")}):
        registry = pr.load_registry()
    assert "HY25.PS.3.easy" not in registry.targets
    problem = next(p for p in registry.problems if p.code == "HY25.PS.3.easy")
    assert problem.kind == "ownership" and problem.plugin == "intruder"
    assert "HY25" in problem.message and "open_to_others" in problem.message


INDICATOR_INTRUDER = """
import plan_rules as pr

@pr.hookimpl
def plan_rules_indicators():
    return [pr.Indicator(code="HY25.PS.99", plan="HY25", area="PS", kind="count",
                         temporal="stock", name=pr.Text.same("x"),
                         description=pr.Text.same("x"), unit=pr.Text.same("x"),
                         clause=pr.Clause(bullet="x", text_vi="x"))]
"""


def test_a_plugin_cannot_add_an_indicator_to_another_distributions_plan() -> None:
    with kit.installed("zzz-intruder", entry_points={"intruder": "intruder_plugin"},
                       modules={"intruder_plugin": INDICATOR_INTRUDER}):
        registry = pr.load_registry()
    assert "HY25.PS.99" not in registry.indicators
    assert any(p.code == "HY25.PS.99" and p.kind == "ownership" for p in registry.problems)


OPEN_PLAN = """
from datetime import date
import plan_rules as pr

@pr.hookimpl
def plan_rules_plans():
    return [pr.Plan(code="OPEN", number="1/KH", issuer=pr.Text.same("x"),
                    issued=date(2025, 1, 1), deadline=date(2025, 12, 31),
                    title=pr.Text.same("x"), areas=[pr.Area(code="A", name=pr.Text.same("A"))],
                    open_to_others={open})]

@pr.hookimpl
def plan_rules_indicators():
    return [pr.Indicator(code="OPEN.A.1", plan="OPEN", area="A", kind="count",
                         temporal="stock", name=pr.Text.same("x"),
                         description=pr.Text.same("x"), unit=pr.Text.same("x"),
                         clause=pr.Clause(bullet="x", text_vi="x"))]
"""

OPEN_TARGET = """
from datetime import date
import plan_rules as pr

@pr.hookimpl
def plan_rules_targets():
    return [pr.Target(code="OPEN.A.1.extra", indicator="OPEN.A.1", comparator=">=",
                      threshold=3, scope=pr.Scope(level="province"),
                      aggregation="reported", deadline=date(2025, 12, 31))]
"""


@pytest.mark.parametrize("is_open", [True, False])
def test_only_a_plan_open_to_others_takes_targets_from_other_distributions(
        is_open: bool) -> None:
    with kit.installed("open-plan", entry_points={"open-plan": "open_plan_plugin"},
                       modules={"open_plan_plugin": OPEN_PLAN.format(open=is_open)}), \
            kit.installed("other-dist", entry_points={"other": "open_target_plugin"},
                          modules={"open_target_plugin": OPEN_TARGET}):
        registry = pr.load_registry()
    assert ("OPEN.A.1.extra" in registry.targets) is is_open


def test_entry_points_of_one_distribution_share_their_plans() -> None:
    with kit.installed("one-dist", entry_points={"one-plan": "one_plan_plugin",
                                                 "one-targets": "one_target_plugin"},
                       modules={"one_plan_plugin": OPEN_PLAN.format(open=False),
                                "one_target_plugin": OPEN_TARGET}):
        registry = pr.load_registry()
    assert registry.targets["OPEN.A.1.extra"].plugin == "one-targets"
    assert not [p for p in registry.problems if p.plugin.startswith("one-")]


def test_a_plan_is_closed_to_others_by_default() -> None:
    assert sample_plugin.PLAN.open_to_others is False


@pytest.fixture
def hijacked() -> pr.Registry:
    """The test plan with one target code claimed again by a second plugin."""
    again = sample_plugin.target("T1.A.1.pooled", "T1.A.1", 0)
    return _load(builtin, _Hooks("hijack", plan_rules_targets=lambda: [again]))


@pytest.mark.parametrize("fail_on", ["not_met", "issues", "not_met,issues"])
def test_fail_on_fails_when_load_errors_removed_targets(
        monkeypatch: pytest.MonkeyPatch, figures: Path, hijacked: pr.Registry,
        fail_on: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert "T1.A.1.pooled" not in hijacked.targets
    code = _cli(monkeypatch, hijacked, "evaluate", str(figures), "--as-of", "2025-12-31",
                "--fail-on", fail_on, "-f", "json")
    assert code == cli.EXIT_FAIL_ON
    assert "hijack" in capsys.readouterr().err


def test_the_same_gate_passes_without_the_load_error(
        monkeypatch: pytest.MonkeyPatch, figures: Path) -> None:
    # The control of the test above: these figures alone fail no gate.
    clean = _load(builtin)
    assert _cli(monkeypatch, clean, "evaluate", str(figures), "--as-of", "2025-12-31",
                "--fail-on", "issues", "-f", "json") == cli.EXIT_OK


def test_the_report_carries_the_load_errors(hijacked: pr.Registry) -> None:
    report = pr.evaluate([_obs()], registry=hijacked, as_of=AS_OF)
    assert {p.plugin for p in report.problems} >= {"sample_plugin", "hijack"}
    assert report.to_dict()["problems"]


# -- 4. checks see read-only views ------------------------------------------------------------


def _emptier(ctx: pr.CheckContext) -> Iterator[pr.Finding]:
    ctx.registry.targets.clear()  # type: ignore[attr-defined]
    yield from ()


def test_a_check_cannot_empty_the_registrys_targets() -> None:
    registry = _load(_checks("vandal", _check("vandal.check", _emptier)))
    first = pr.evaluate([], registry=registry, as_of=AS_OF)
    second = pr.evaluate([], registry=registry, as_of=AS_OF)
    assert first.finding("vandal.check").verdict is pr.Verdict.ERROR
    assert len(second.target_findings()) == len(sample_plugin.TARGETS)


@pytest.mark.parametrize("field", ["plans", "indicators", "targets", "checks", "writers",
                                   "progress_methods"])
def test_the_registrys_mappings_cannot_be_changed(field: str) -> None:
    registry = _load(builtin)
    with pytest.raises(TypeError):
        getattr(registry, field)["x"] = None


def test_a_plugins_contributions_cannot_be_changed() -> None:
    info = _load().plugin("sample_plugin")
    assert info is not None
    with pytest.raises(TypeError):
        info.contributions["targets"] = ()  # type: ignore[index]


def test_a_registry_built_from_dicts_is_read_only_too() -> None:
    registry = attrs.evolve(_load(), targets={})
    with pytest.raises(TypeError):
        registry.targets["x"] = None  # type: ignore[index]


def test_a_check_cannot_change_the_observations_the_next_check_sees() -> None:
    seen: list[int] = []

    def thief(ctx: pr.CheckContext) -> Iterator[pr.Finding]:
        ctx.observations("T1.A.1").clear()  # type: ignore[attr-defined]
        yield from ()

    def counter(ctx: pr.CheckContext) -> Iterator[pr.Finding]:
        seen.append(len(ctx.observations("T1.A.1")))
        yield from ()

    registry = _load(_checks("thief", _check("a.thief", thief), _check("b.counter", counter)))
    report = pr.evaluate([_obs()], registry=registry, as_of=AS_OF)
    assert report.finding("a.thief").verdict is pr.Verdict.ERROR
    assert seen == [1]


def test_a_check_cannot_change_the_entities() -> None:
    def vandal(ctx: pr.CheckContext) -> Iterator[pr.Finding]:
        ctx.entities["xa-1"] = None  # type: ignore[index]
        yield from ()

    registry = _load(_checks("vandal", _check("vandal.check", vandal)))
    entity = pr.Entity(code="xa-1", level="commune")
    report = pr.evaluate([_obs()], registry=registry, as_of=AS_OF, entities=[entity])
    assert report.finding("vandal.check").verdict is pr.Verdict.ERROR


# -- 5. what checks and writers hand back ------------------------------------------------------


def _citing(**fields: Any) -> Callable[[pr.CheckContext], Iterator[pr.Finding]]:
    def run(ctx: pr.CheckContext) -> Iterator[pr.Finding]:
        yield pr.Finding(code="cite.check", verdict="met", message=pr.Text.same("ok"),
                         **fields)
    return run


def _entity_citing(index: int) -> pr.EntityResult:
    return pr.EntityResult(entity="xa-1", level="commune", verdict=pr.Verdict.MET,
                           observations=(index,))


@pytest.mark.parametrize("fields", [
    {"observations": (-1,)},
    {"observations": (10**9,)},
    {"observations": (True,)},
    {"entities": (_entity_citing(1),)},
    {"details": {"excluded": (-1,)}},
    {"details": {"history": ("0",)}},
], ids=["minus-one", "billion", "bool", "entity-out-of-range", "excluded", "history-text"])
def test_a_finding_citing_a_missing_observation_is_an_error_naming_plugin_and_check(
        fields: dict[str, Any]) -> None:
    registry = _load(_checks("liar", _check("cite.check", _citing(**fields))))
    report = pr.evaluate([_obs()], registry=registry, as_of=AS_OF)
    finding = report.finding("cite.check")
    assert finding.verdict is pr.Verdict.ERROR and finding.plugin == "liar"
    assert "cite.check" in finding.message.en and "liar" in finding.message.en
    assert "observation" in finding.message.en
    assert report.conservation().given == 1


def test_a_finding_citing_a_real_observation_is_kept() -> None:
    registry = _load(_checks("honest", _check("cite.check", _citing(observations=(0,)))))
    report = pr.evaluate([_obs()], registry=registry, as_of=AS_OF)
    assert report.finding("cite.check").verdict is pr.Verdict.MET


@pytest.mark.parametrize("returned", [None, 42, ["text"]], ids=["None", "int", "list"])
def test_a_writer_returning_the_wrong_type_is_a_write_error(
        monkeypatch: pytest.MonkeyPatch, figures: Path, returned: object,
        capsys: pytest.CaptureFixture[str]) -> None:
    writer = pr.Writer(name="broken", description="broken", suffix=".txt",
                       render=lambda report, lang: returned)
    registry = _load(builtin, Contributions(name="bad-writer", writers=[writer]))
    code = _cli(monkeypatch, registry, "evaluate", str(figures), "--as-of", "2025-12-31",
                "-f", "broken")
    err = capsys.readouterr().err
    assert code == cli.EXIT_ERROR
    assert "'broken'" in err and "'bad-writer'" in err and type(returned).__name__ in err
    assert "Traceback" not in err


def test_a_writer_calling_sys_exit_is_a_write_error(
        monkeypatch: pytest.MonkeyPatch, figures: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    writer = pr.Writer(name="quit", description="quits", suffix=".txt", render=_exit)
    registry = _load(builtin, Contributions(name="quitter", writers=[writer]))
    code = _cli(monkeypatch, registry, "evaluate", str(figures), "--as-of", "2025-12-31",
                "-f", "quit")
    assert code == cli.EXIT_ERROR
    assert "'quitter'" in capsys.readouterr().err


# -- 6. each check's duration ------------------------------------------------------------------


def _slow(ctx: pr.CheckContext) -> Iterator[pr.Finding]:
    time.sleep(0.05)
    yield pr.Finding(code="slow.check", verdict="met", message=pr.Text.same("slow"))


def test_each_checks_duration_is_recorded_in_the_run_metadata() -> None:
    registry = _load(builtin, _checks("sluggish", _check("slow.check", _slow)))
    report = pr.evaluate([], registry=registry, as_of=AS_OF)
    timings = {t.code: t for t in report.run.checks}
    assert set(timings) == set(registry.checks)
    assert timings["slow.check"].plugin == "sluggish"
    assert timings["slow.check"].nanoseconds >= 50_000_000
    assert isinstance(timings["slow.check"].nanoseconds, int)


def test_two_runs_of_the_same_data_compare_equal_whatever_their_timings() -> None:
    registry = _load(builtin, _checks("sluggish", _check("slow.check", _slow)))
    first = pr.evaluate([_obs()], registry=registry, as_of=AS_OF)
    second = pr.evaluate([_obs()], registry=registry, as_of=AS_OF)
    assert first.run != second.run
    assert first == second


def test_the_run_metadata_is_written_to_json_when_asked_and_read_back() -> None:
    registry = _load(builtin, _checks("sluggish", _check("slow.check", _slow)))
    report = pr.evaluate([], registry=registry, as_of=AS_OF)
    data = json.loads(report.to_json(run=True))
    assert {c["code"] for c in data["run"]["checks"]} == set(registry.checks)
    assert pr.Report.from_dict(data).run == report.run


def test_the_run_metadata_matches_the_documented_schema() -> None:
    jsonschema = pytest.importorskip("jsonschema")
    registry = _load(builtin, _checks("sluggish", _check("slow.check", _slow)))
    report = pr.evaluate([_obs()], registry=registry, as_of=AS_OF)
    jsonschema.validate(json.loads(report.to_json(run=True)), json.loads(SCHEMA.read_text()))


def test_the_json_of_two_runs_of_the_same_data_is_the_same_by_default() -> None:
    registry = _load(builtin, _checks("sluggish", _check("slow.check", _slow)))
    first = pr.evaluate([_obs()], registry=registry, as_of=AS_OF)
    second = pr.evaluate([_obs()], registry=registry, as_of=AS_OF)
    assert "run" not in first.to_dict()
    assert first.to_json() == second.to_json()


def test_timings_are_printed_when_asked(
        monkeypatch: pytest.MonkeyPatch, figures: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    registry = _load(builtin, _checks("sluggish", _check("slow.check", _slow)))
    _cli(monkeypatch, registry, "evaluate", str(figures), "--as-of", "2025-12-31",
         "-f", "json", "--timings")
    captured = capsys.readouterr()
    assert "slow.check" in captured.err and "sluggish" in captured.err
    assert "nanoseconds" not in captured.out and "took" not in captured.out


def test_a_slow_check_is_named_on_stderr_unasked(
        monkeypatch: pytest.MonkeyPatch, figures: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(cli, "SLOW_CHECK_NS", 40_000_000)
    registry = _load(builtin, _checks("sluggish", _check("slow.check", _slow)))
    _cli(monkeypatch, registry, "evaluate", str(figures), "--as-of", "2025-12-31",
         "-f", "json")
    err = capsys.readouterr().err
    assert "slow.check" in err and "core.validity" not in err


def test_a_finding_citing_through_a_one_shot_iterator_is_an_error() -> None:
    registry = _load(_checks("liar", _check("cite.check", _citing(
        details={"excluded": iter([0])}))))
    report = pr.evaluate([_obs()], registry=registry, as_of=AS_OF)
    assert report.finding("cite.check").verdict is pr.Verdict.ERROR


# -- what the command line shows of a plugin -----------------------------------------------

ESCAPES = "\x1b[2J\x1b]0;pwned\x07"


def test_plugins_command_shows_a_plugins_error_message_without_escapes(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    with kit.installed("plan-rules-noisy", entry_points={"noisy": "noisy_plugin"},
                       modules={"noisy_plugin": f"raise ValueError({ESCAPES!r})\n"}):
        code = _cli(monkeypatch, None, "plugins")
    out = capsys.readouterr().out
    assert code == cli.EXIT_OK and "noisy" in out
    assert "\x1b" not in out and "\x07" not in out and "\\x1b[2J" in out


@pytest.mark.parametrize("command", [("indicators",), ("explain", "T1.A.1")])
def test_indicators_and_explain_show_a_plugins_names_without_escapes(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
        command: tuple[str, ...]) -> None:
    noisy = [attrs.evolve(i, name=pr.Text(vi=f"Tên{ESCAPES}", en=f"Name{ESCAPES}"))
             if i.code == "T1.A.1" else i for i in sample_plugin.INDICATORS]
    registry = pr.load_registry(plugins=[Contributions(
        name="noisy", plans=[sample_plugin.PLAN], indicators=noisy,
        targets=sample_plugin.TARGETS)], entry_points=False)
    code = _cli(monkeypatch, registry, *command)
    out = capsys.readouterr().out
    assert code == cli.EXIT_OK and "Name" in out
    assert "\x1b" not in out and "\x07" not in out and "\\x1b[2J" in out
