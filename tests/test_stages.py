"""The evaluation's stages import only the stages before them, and no module of the library
takes part in an import cycle: a newcomer changing one stage opens that module and its tests,
and nothing it imports can import it back."""

from __future__ import annotations

import ast
from pathlib import Path

import plan_rules

PACKAGE = Path(plan_rules.__file__).parent

#: The data flow, in order (see docs/pipeline.md).
STAGES = ("figures", "resolve", "validate", "window", "combine", "compare", "aggregate",
          "history", "checks", "account", "report", "engine")


def _file(module: str) -> Path:
    """The file of a library module named as :func:`_modules` names them: ``readers.csv`` is
    ``readers/csv.py``, and ``readers`` the package's ``readers/__init__.py``."""
    path = PACKAGE.joinpath(*module.split("."))
    return path / "__init__.py" if path.is_dir() else path.with_suffix(".py")


def _modules() -> list[str]:
    """The library's modules: ``model`` for ``model.py``, ``readers.csv`` for
    ``readers/csv.py``, ``readers`` for ``readers/__init__.py``."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(PACKAGE).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        if parts and all(p.isidentifier() for p in parts):
            found.append(".".join(parts))
    return found


def _is_module(parts: list[str]) -> bool:
    return bool(parts) and (PACKAGE.joinpath(*parts).with_suffix(".py").exists()
                            or (PACKAGE.joinpath(*parts) / "__init__.py").exists())


def _imports(module: str) -> set[str]:
    """The library's modules that ``module`` imports when it runs (anywhere in it), leaving
    out imports only a type checker reads.

    Relative imports resolve as Python resolves them: inside the readers package ``from .x
    import`` is ``readers.x`` and ``from ..model import`` is ``model``; ``from . import x`` is
    the module ``x`` when there is one. Importing ``readers.x`` from outside the package also
    runs the package's ``__init__``, so it imports ``readers`` too."""
    path = _file(module)
    here = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()

    def add(parts: list[str]) -> None:
        found.add(".".join(parts))
        for n in range(1, len(parts)):  # the packages a module outside them runs first
            if parts[:n] != here[:n]:
                found.add(".".join(parts[:n]))

    def visit(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test):
                continue
            if isinstance(child, ast.ImportFrom) and child.level >= 1:
                base = here[:len(here) + 1 - child.level]  # each dot past the first: up one
                target = base + (child.module.split(".") if child.module else [])
                named = [[*target, a.name] for a in child.names]
                submodules = [parts for parts in named if _is_module(parts)]
                for parts in submodules or ([target] if _is_module(target) else []):
                    add(parts)
            visit(child)

    visit(tree)
    return found - {module}


def test_no_stage_imports_a_later_one() -> None:
    later = {stage: set(STAGES[k + 1:]) for k, stage in enumerate(STAGES)}
    wrong = {stage: sorted(_imports(stage) & later[stage]) for stage in STAGES
             if _imports(stage) & later[stage]}
    assert wrong == {}


def test_no_module_is_part_of_an_import_cycle() -> None:
    modules = _modules()
    graph = {m: _imports(m) for m in modules}
    cycles = []
    for start in modules:
        # Depth-first from each module: reaching it again is a cycle through it.
        seen, todo = set(), list(graph[start])
        while todo:
            m = todo.pop()
            if m == start:
                cycles.append(start)
                break
            if m not in seen:
                seen.add(m)
                todo.extend(graph[m])
    assert sorted(cycles) == []
