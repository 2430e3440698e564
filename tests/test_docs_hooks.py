"""Every hook is documented and tested: the reference is generated from the hookspecs and
current, the tutorial shows every hook, and each hook has a specification in tests/."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from plan_rules import _docgen, hookspecs

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = ROOT / "docs" / "hooks.md"
TUTORIAL = ROOT / "docs" / "writing-plugins.md"

HOOKS = sorted(name for name in vars(hookspecs) if name.startswith("plan_rules_"))


def test_the_hooks_are_found() -> None:
    assert {d.name for d in _docgen.hook_docs()} == set(HOOKS)


def test_every_hook_is_documented() -> None:
    assert _docgen.problems() == []


def test_an_undocumented_hook_is_caught() -> None:
    bare = _docgen.HookDoc(name="plan_rules_things", signature="plan_rules_things(when: date)",
                           summary="", params=(("what", "a thing"),), returns="",
                           parameters=("when",))
    assert _docgen.problems([bare]) == [
        "plan_rules_things: no docstring summary",
        "plan_rules_things: no ':return:' saying what the result means",
        "plan_rules_things: parameter 'when' has no ':param when:'",
        "plan_rules_things: ':param what:' names no parameter",
    ]


def test_the_hook_reference_is_current() -> None:
    assert REFERENCE.read_text(encoding="utf-8") == _docgen.hook_reference(), (
        "docs/hooks.md is stale: run `python -m plan_rules._docgen`")


@pytest.mark.parametrize("hook", HOOKS)
def test_the_reference_has_a_section_headed_by_the_exact_signature(hook: str) -> None:
    (doc,) = [d for d in _docgen.hook_docs() if d.name == hook]
    assert f"## `{doc.signature}`" in REFERENCE.read_text(encoding="utf-8")


@pytest.mark.parametrize("hook", HOOKS)
def test_the_tutorial_shows_the_hook(hook: str) -> None:
    assert f"def {hook}(" in TUTORIAL.read_text(encoding="utf-8")


def defined_tests(tree: ast.Module) -> set[str]:
    return {node.name for node in ast.walk(tree)
            if isinstance(node, ast.FunctionDef) and node.name.startswith("test_")}


TEST_NAMES = set().union(*(defined_tests(ast.parse(p.read_text(encoding="utf-8")))
                           for p in Path(__file__).parent.glob("test_*.py")))


@pytest.mark.parametrize("hook", HOOKS)
def test_every_hook_has_a_test(hook: str) -> None:
    # A hook's specification is a test named for it: plan_rules_targets → test_targets_hook….
    prefix = "test_" + hook.removeprefix("plan_rules_") + "_hook"
    assert any(name.startswith(prefix) for name in TEST_NAMES), (
        f"no test named {prefix}… specifies {hook}: add one to tests/test_hooks.py")


def test_the_docs_generator_reports_a_stale_file(tmp_path: Path) -> None:
    stale = tmp_path / "hooks.md"
    stale.write_text("# Hook reference\n", encoding="utf-8")
    assert _docgen.main(["--check", "--output", str(stale)]) == 1
    assert _docgen.main(["--output", str(stale)]) == 0
    assert _docgen.main(["--check", "--output", str(stale)]) == 0


def test_the_docs_generator_ships_the_report_schema_as_documented(tmp_path: Path) -> None:
    hooks, schema, shipped = (tmp_path / n for n in ("hooks.md", "schema.json", "report.json"))
    hooks.write_text(_docgen.hook_reference(), encoding="utf-8")
    schema.write_text('{"title": "changed by hand"}\n', encoding="utf-8")
    shipped.write_text('{"title": "as it was"}\n', encoding="utf-8")
    paths = ["--output", str(hooks), "--schema", str(schema), "--shipped-schema", str(shipped)]
    assert _docgen.main(["--check", *paths]) == 1
    assert _docgen.main(paths) == 0
    assert shipped.read_text(encoding="utf-8") == schema.read_text(encoding="utf-8")
