"""The plugin host: discovery from installed distributions, attribution, and failures by name."""

from __future__ import annotations

import importlib
import textwrap
import types
from datetime import date
from pathlib import Path

import pytest

import plan_rules as pr
import sample_plugin
from plan_rules import builtin


def install_fake_distribution(root: Path, dist: str, version: str,
                              modules: dict[str, str], entry_points: dict[str, str]) -> None:
    """Write a ``*.dist-info`` folder and its modules, as pip would leave them."""
    info = root / f"{dist.replace('-', '_')}-{version}.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {dist}\nVersion: {version}\n")
    lines = "\n".join(f"{name} = {target}" for name, target in entry_points.items())
    (info / "entry_points.txt").write_text(f"[plan_rules]\n{lines}\n")
    for name, source in modules.items():
        (root / f"{name}.py").write_text(textwrap.dedent(source))


GOOD_PLUGIN = """
    import plan_rules as pr

    @pr.hookimpl
    def plan_rules_checks():
        def run(ctx):
            yield pr.Finding(code="fake.check", verdict="met",
                             message=pr.Text.same("fine"))
        return [pr.Check(code="fake.check", name=pr.Text.same("Fake"), indicators=(),
                         run=run)]
"""


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.syspath_prepend(str(tmp_path))
    importlib.invalidate_caches()
    return tmp_path


def test_plugin_from_an_installed_distribution_is_discovered_and_attributed(
        site: Path) -> None:
    install_fake_distribution(site, "fake-plugin", "1.2.3", {"fake_plugin_mod": GOOD_PLUGIN},
                              {"fake": "fake_plugin_mod"})
    registry = pr.load_registry()
    info = registry.plugin("fake")
    assert info is not None
    assert (info.distribution, info.version) == ("fake-plugin", "1.2.3")
    assert info.contributions == {"checks": ("fake.check",)}
    assert registry.checks["fake.check"].plugin == "fake"


def test_entry_points_are_loaded_in_sorted_order(site: Path) -> None:
    install_fake_distribution(site, "zz-dist", "1.0", {"zz_mod": GOOD_PLUGIN},
                              {"aaa-first": "zz_mod"})
    names = [p.name for p in pr.load_registry().plugins]
    assert names == sorted(names)
    assert "aaa-first" in names


def test_plugin_that_fails_to_import_is_reported_by_name_and_skipped(site: Path) -> None:
    install_fake_distribution(site, "broken-dist", "0.1",
                              {"broken_mod": "raise RuntimeError('boom at import')"},
                              {"broken": "broken_mod"})
    registry = pr.load_registry()
    problem = next(p for p in registry.problems if p.plugin == "broken")
    assert "broken-dist" in problem.message and "boom at import" in problem.message
    assert registry.plugin("broken") is None
    assert registry.plugin("builtin") is not None


def test_plugin_that_fails_to_import_is_fatal_in_strict_mode(site: Path) -> None:
    install_fake_distribution(site, "broken-dist", "0.1",
                              {"broken_mod2": "raise RuntimeError('boom')"},
                              {"broken2": "broken_mod2"})
    with pytest.raises(pr.PluginLoadError, match="broken2") as info:
        pr.load_registry(strict=True)
    assert isinstance(info.value.__cause__, RuntimeError)


def _plugin(name: str, **hooks: object) -> types.SimpleNamespace:
    return types.SimpleNamespace(__name__=name, **hooks)


def test_duplicate_code_names_both_plugins_and_keeps_neither() -> None:
    again = _plugin("second", plan_rules_plans=pr.hookimpl(lambda: [sample_plugin.PLAN]))
    registry = pr.load_registry(plugins=[sample_plugin, again], entry_points=False)
    problem = next(p for p in registry.problems if p.kind == "duplicate")
    assert "sample_plugin" in problem.message and "second" in problem.message
    assert problem.code == "T1"
    assert "T1" not in registry.plans


def test_duplicate_code_is_fatal_in_strict_mode() -> None:
    again = _plugin("second", plan_rules_plans=pr.hookimpl(lambda: [sample_plugin.PLAN]))
    with pytest.raises(pr.DuplicateCodeError) as info:
        pr.load_registry(plugins=[sample_plugin, again], entry_points=False, strict=True)
    assert info.value.plugins == ("sample_plugin", "second")


def test_target_naming_an_unknown_indicator_is_rejected_at_load() -> None:
    stray = sample_plugin.target("T1.A.9.x", "T1.A.9", 1)
    extra = _plugin("extra", plan_rules_targets=pr.hookimpl(lambda: [stray]))
    registry = pr.load_registry(plugins=[sample_plugin, extra], entry_points=False)
    assert "T1.A.9.x" not in registry.targets
    problem = next(p for p in registry.problems if p.code == "T1.A.9.x")
    assert "T1.A.9" in problem.message and problem.plugin == "extra"


def test_rate_threshold_above_one_is_rejected_at_load() -> None:
    bad = sample_plugin.target("T1.A.1.bad", "T1.A.1", 90)  # 90, not 90%
    extra = _plugin("extra", plan_rules_targets=pr.hookimpl(lambda: [bad]))
    registry = pr.load_registry(plugins=[sample_plugin, extra], entry_points=False)
    assert "T1.A.1.bad" not in registry.targets
    assert any("fraction of one" in p.message for p in registry.problems)


def test_misspelt_hook_is_reported_not_ignored() -> None:
    typo = _plugin("typo", plan_rules_indicator=pr.hookimpl(lambda: []))
    registry = pr.load_registry(plugins=[typo], entry_points=False)
    assert registry.plugin("typo") is None
    assert "plan_rules_indicator" in registry.problems[0].message


def test_hook_that_raises_is_reported_by_plugin_name() -> None:
    def explode() -> list[pr.Plan]:
        raise ValueError("no plans today")
    bad = _plugin("exploding", plan_rules_plans=pr.hookimpl(explode))
    registry = pr.load_registry(plugins=[sample_plugin, bad], entry_points=False)
    assert registry.problems[0].plugin == "exploding"
    assert "no plans today" in registry.problems[0].message
    assert "T1" in registry.plans


def test_block_by_api_and_by_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    assert pr.load_registry(block=["builtin"]).plugin("builtin") is None
    monkeypatch.setenv("PLAN_RULES_BLOCK_PLUGINS", "builtin")
    assert pr.load_registry().plugin("builtin") is None


def test_allow_list_by_api_and_by_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    assert [p.name for p in pr.load_registry(allow=["builtin"]).plugins] == ["builtin"]
    monkeypatch.setenv("PLAN_RULES_PLUGINS", "builtin")
    assert [p.name for p in pr.load_registry().plugins] == ["builtin"]


def test_an_allow_list_that_leaves_out_the_built_in_plugin_keeps_it(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # The built-in writers and checks are no plan: naming a plan's plugin alone keeps them.
    monkeypatch.setenv("PLAN_RULES_PLUGINS", "plan200")
    reg = pr.load_registry()
    assert {p.name for p in reg.plugins} == {"builtin", "plan200"}
    assert {"text", "json"} <= set(reg.writers)


def test_blocking_the_built_in_plugin_still_removes_it() -> None:
    reg = pr.load_registry(allow=["plan200"], block=["builtin"])
    assert [p.name for p in reg.plugins] == ["plan200"]


def _raising_check(ctx: pr.CheckContext) -> list[pr.Finding]:
    raise ZeroDivisionError("division by nothing")


RAISING = _plugin("raising", plan_rules_checks=pr.hookimpl(lambda: [
    pr.Check(code="bad.check", name=pr.Text.same("Bad"), indicators=(), run=_raising_check)]))


def test_check_that_raises_becomes_an_error_finding_and_the_run_goes_on() -> None:
    registry = pr.load_registry(plugins=[sample_plugin, builtin, RAISING], entry_points=False)
    report = pr.evaluate([], registry=registry, as_of=date(2025, 12, 31))
    finding = report.finding("bad.check")
    assert finding.verdict is pr.Verdict.ERROR
    assert finding.plugin == "raising"
    assert "bad.check" in finding.message.en and "raising" in finding.message.en
    assert "ZeroDivisionError" in finding.message.en
    assert report.finding("T1.A.1.pooled").verdict is pr.Verdict.NO_DATA
    assert report.finding("core.validity").verdict is pr.Verdict.MET


def test_check_that_raises_is_re_raised_in_strict_mode() -> None:
    registry = pr.load_registry(plugins=[sample_plugin, RAISING], entry_points=False)
    with pytest.raises(pr.CheckError, match=r"bad\.check") as info:
        pr.evaluate([], registry=registry, as_of=date(2025, 12, 31), strict=True)
    assert isinstance(info.value.__cause__, ZeroDivisionError)


def test_check_that_yields_garbage_is_an_error_finding() -> None:
    garbage = _plugin("garbage", plan_rules_checks=pr.hookimpl(lambda: [
        pr.Check(code="junk.check", name=pr.Text.same("Junk"), indicators=(),
                 run=lambda ctx: ["not a finding"])]))
    registry = pr.load_registry(plugins=[garbage], entry_points=False)
    report = pr.evaluate([], registry=registry, as_of=date(2025, 12, 31))
    assert report.finding("junk.check").verdict is pr.Verdict.ERROR
    assert "must yield Finding" in report.finding("junk.check").message.en


def test_contributions_are_stamped_with_their_plugin(registry: pr.Registry) -> None:
    assert {i.plugin for i in registry.indicators.values()} == {"sample_plugin"}
    assert registry.writers["text"].plugin == "plan_rules.builtin"
