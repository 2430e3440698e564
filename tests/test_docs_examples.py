"""The documentation's code is real: the examples of docs/testing.md run as tests, the
tutorial's code blocks are copied from the example plugin, and every strategy is documented."""

from __future__ import annotations

import re
import types
from collections.abc import Callable
from pathlib import Path

import pytest

from plan_rules import strategies as prs

ROOT = Path(__file__).resolve().parents[1]
TESTING = ROOT / "docs" / "testing.md"
TUTORIAL = ROOT / "docs" / "writing-plugins.md"
EXAMPLE = ROOT / "plugins" / "plan-rules-example"

_BLOCK = re.compile(r"^```(?P<lang>\w+)\n(?P<body>.*?)^```$", re.S | re.M)


def blocks(path: Path, lang: str) -> list[str]:
    return [m["body"] for m in _BLOCK.finditer(path.read_text(encoding="utf-8"))
            if m["lang"] == lang]


def doc_tests() -> list[tuple[str, Callable[[], None]]]:
    """Every ``test_*`` function of every Python block of docs/testing.md."""
    found = []
    for number, source in enumerate(blocks(TESTING, "python"), start=1):
        module = types.ModuleType(f"docs_testing_block_{number}")
        exec(compile(source, f"{TESTING}:block {number}", "exec"), module.__dict__)
        found += [(f"block{number}.{name}", fn) for name, fn in vars(module).items()
                  if name.startswith("test_") and callable(fn)]
    return found


DOC_TESTS = doc_tests()


def test_the_testing_guide_has_examples_to_run() -> None:
    assert len(DOC_TESTS) >= 6


@pytest.mark.parametrize("test", [fn for _, fn in DOC_TESTS], ids=[n for n, _ in DOC_TESTS])
def test_each_example_of_the_testing_guide_passes(test: Callable[[], None]) -> None:
    test()


def test_every_strategy_is_in_the_testing_guide() -> None:
    text = TESTING.read_text(encoding="utf-8")
    undocumented = [name for name in prs.__all__
                    if name[0].islower() and f"`{name}(" not in text and f" {name}(" not in text]
    assert undocumented == []


def excerpts() -> list[tuple[str, str]]:
    """(file, chunk) for each ``# file:`` block of the tutorial, split at ``# …`` lines."""
    out = []
    for lang in ("python", "toml", "text"):
        for body in blocks(TUTORIAL, lang):
            first, _, rest = body.partition("\n")
            if first.startswith("# file: "):
                out += [(first.removeprefix("# file: "), chunk)
                        for chunk in re.split(r"^# …\n", rest, flags=re.M)]
    return out


EXCERPTS = excerpts()


def test_the_tutorial_shows_every_file_of_the_example_plugin() -> None:
    shown = {path for path, _ in EXCERPTS}
    sources = {str(p.relative_to(EXAMPLE)) for p in EXAMPLE.glob("src/**/*.py")
               if p.name != "__init__.py"}
    assert sources | {"pyproject.toml"} <= shown


@pytest.mark.parametrize(("path", "chunk"), EXCERPTS, ids=[p for p, _ in EXCERPTS])
def test_the_tutorial_code_is_copied_from_the_example_plugin(path: str, chunk: str) -> None:
    assert chunk.strip("\n") in (EXAMPLE / path).read_text(encoding="utf-8"), (
        f"docs/writing-plugins.md shows code that {path} no longer has: copy it again")
