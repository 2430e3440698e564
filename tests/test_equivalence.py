"""Reports byte for byte: the example's, in every format and language at two dates, and (slow)
the JSON report of a 232,000-row national slice, held to the SHA-256 digests recorded in
``tests/golden/reports.json``.

A refactor keeps every digest. A change of behaviour, or of the library's version (which the
JSON report names), records new ones in a commit of its own::

    PLAN_RULES_UPDATE_GOLDEN=1 python -m pytest tests/test_equivalence.py -m "slow or not slow"

Only the Plan 200/KH-UBND plugins are loaded, so another plan installed beside them (the
example plugin, in CI) does not change the reports.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import sys
from datetime import date
from pathlib import Path

import pytest

from plan_rules import cli

ROOT = Path(__file__).parent.parent
#: Relative, from the repository's root: a report names the files it read as it was given them.
EXAMPLE = Path("examples") / "hung-yen-2025"
GOLDEN = Path(__file__).parent / "golden" / "reports.json"
UPDATE = bool(os.environ.get("PLAN_RULES_UPDATE_GOLDEN"))
PLAN_200 = ("builtin,plan200,plan200-infrastructure,plan200-internal-it,plan200-public-services,"
            "plan200-digital-economy,plan200-security-training")
AS_OF = (date(2025, 12, 31), date(2025, 6, 30))
#: The engines installed: each gives the same reports.
ENGINES = ["python"] + (["pyarrow"] if importlib.util.find_spec("pyarrow") else [])
CASES = [(fmt, lang, day) for day in AS_OF for fmt in ("text", "markdown", "csv", "html")
         for lang in ("en", "vi")] + [("json", "en", day) for day in AS_OF]


@pytest.fixture(autouse=True)
def plan_200_only(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PLAN_RULES_PLUGINS", PLAN_200)
    monkeypatch.delenv("PLAN_RULES_BLOCK_PLUGINS", raising=False)
    monkeypatch.delenv("PLAN_RULES_LANG", raising=False)


def digest_of(capsys: pytest.CaptureFixture[str], out: Path, *args: str) -> str:
    code = cli.main([*args, "--output", str(out)])
    assert code == cli.EXIT_OK, capsys.readouterr().err
    return hashlib.sha256(out.read_bytes()).hexdigest()


def held(name: str, digest: str) -> None:
    """``digest`` is the one recorded for ``name`` (or is recorded, when updating)."""
    recorded = json.loads(GOLDEN.read_text(encoding="utf-8")) if GOLDEN.exists() else {}
    if UPDATE:
        recorded[name] = digest
        GOLDEN.parent.mkdir(exist_ok=True)
        GOLDEN.write_text(json.dumps(recorded, indent=2, sort_keys=True) + "\n",
                          encoding="utf-8")
        return
    assert name in recorded, f"no digest recorded for {name}: see this module's docstring"
    assert digest == recorded[name], (
        f"the {name} report changed; a refactor must keep it byte for byte (see this module's "
        "docstring to record a change of behaviour)")


@pytest.mark.parametrize(("fmt", "lang", "day"), CASES)
def test_the_example_report_is_byte_for_byte_as_recorded(
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
        fmt: str, lang: str, day: date) -> None:
    monkeypatch.chdir(ROOT)
    digest = digest_of(capsys, tmp_path / f"report.{fmt}", "evaluate", str(EXAMPLE),
                       "--as-of", day.isoformat(), "--format", fmt, "--lang", lang)
    held(f"example {day.isoformat()} {fmt} {lang}", digest)


@pytest.mark.skipif(importlib.util.find_spec("pyarrow") is None,
                    reason="pyarrow is not installed")
@pytest.mark.parametrize("day", AS_OF)
def test_the_example_report_of_the_pyarrow_engine_is_the_recorded_one(
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
        day: date) -> None:
    # Read, validated and put in series on pyarrow: the pure engine's report, byte for byte.
    monkeypatch.chdir(ROOT)
    digest = digest_of(capsys, tmp_path / "report.json", "evaluate", str(EXAMPLE),
                       "--as-of", day.isoformat(), "--format", "json", "--lang", "en",
                       "--engine", "pyarrow")
    held(f"example {day.isoformat()} json en", digest)


@pytest.mark.slow
@pytest.mark.parametrize("engine", ENGINES)
def test_the_national_slice_report_is_byte_for_byte_as_recorded(
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
        tmp_path: Path, engine: str) -> None:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import generate
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    national = tmp_path / "national.csv"
    generate.generate(national, seed=2025, months=3)
    lines = national.read_text(encoding="utf-8").splitlines(keepends=True)
    (tmp_path / "slice.csv").write_text("".join(lines[:232_001]), encoding="utf-8")
    (tmp_path / "slice-entities.csv").write_bytes(generate.entities_path(national).read_bytes())
    monkeypatch.chdir(tmp_path)  # the report names "slice.csv", wherever the test runs
    digest = digest_of(capsys, tmp_path / "report.json", "evaluate", "slice.csv",
                       "--entities", "slice-entities.csv", "--as-of", "2025-12-31",
                       "--format", "json", "--engine", engine)
    held("national slice 232000 2025-12-31 json", digest)
