"""``plan-rules evaluate --per-territory LEVEL``: a plan applied to every entity of a level in
the entities file, each judged on its own units, as a ministry monitors every province."""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path

import pytest

from cli_support import run

ENTITIES = """code,name,level,groups,parent,valid_from,valid_to
vn,Việt Nam,country,,,,
p1,Province 1,province,,vn,,
p2,Province 2,province,,vn,,
p1-a,Commune 1a,commune,,p1,,
p1-b,Commune 1b,commune,,p1,,
p2-a,Commune 2a,commune,,p2,,
"""

#: Online dossiers (HY25.PS.3) per commune for Q1/2025: p1 pools 150/200, p2 90/100.
FIGURES = """indicator,entity,level,period,numerator,denominator
HY25.PS.3,p1-a,commune,Q1/2025,100,120
HY25.PS.3,p1-b,commune,Q1/2025,50,80
HY25.PS.3,p2-a,commune,Q1/2025,90,100
"""


@pytest.fixture
def national(tmp_path: Path) -> Path:
    (tmp_path / "figures.csv").write_text(FIGURES, encoding="utf-8")
    (tmp_path / "entities.csv").write_text(ENTITIES, encoding="utf-8")
    return tmp_path


def findings(capsys: pytest.CaptureFixture[str], folder: Path) -> dict[str, dict[str, object]]:
    code, out, err = run(capsys, "evaluate", str(folder), "--as-of", "2025-03-31",
                         "--plan", "HY25", "--per-territory", "province", "-f", "json")
    assert code == 0, err
    return {f["code"]: f for f in json.loads(out)["findings"]}


def test_each_province_gets_the_plan_judged_on_its_own_units(
        capsys: pytest.CaptureFixture[str], national: Path) -> None:
    found = findings(capsys, national)
    p1, p2 = found["HY25.p1.PS.3.province"], found["HY25.p2.PS.3.province"]
    assert (p1["plan"], p2["plan"]) == ("HY25.p1", "HY25.p2")
    assert Fraction(str(p1["observed"])) == Fraction(150, 200)
    assert Fraction(str(p2["observed"])) == Fraction(90, 100)
    # The template is not judged itself: its targets are the instances'.
    assert not any(c.startswith("HY25.PS.") for c, f in found.items() if f["kind"] == "target")
    # Its checks run once, over every figure.
    assert any(c.startswith("HY25.PS.C") for c, f in found.items() if f["kind"] == "check")
    assert {f["plan"] for f in found.values() if f["kind"] == "target"} == {"HY25.p1",
                                                                              "HY25.p2"}


def test_per_territory_needs_the_plan_to_apply(capsys: pytest.CaptureFixture[str],
                                               national: Path) -> None:
    code, _, err = run(capsys, "evaluate", str(national), "--as-of", "2025-03-31",
                       "--per-territory", "province")
    assert code == 2 and "--per-territory needs --plan CODE" in err


def test_a_level_no_entity_has_is_an_error_naming_it(capsys: pytest.CaptureFixture[str],
                                                     national: Path) -> None:
    code, _, err = run(capsys, "evaluate", str(national), "--as-of", "2025-03-31",
                       "--plan", "HY25", "--per-territory", "district")
    assert code == 2 and "no entity of level 'district'" in err


def test_per_territory_with_workers_is_refused_not_ignored(
        capsys: pytest.CaptureFixture[str], national: Path) -> None:
    code, _, err = run(capsys, "evaluate", str(national / "figures.csv"), "--entities",
                       str(national / "entities.csv"), "--as-of", "2025-03-31", "--plan",
                       "HY25", "--per-territory", "province", "--workers", "2")
    assert code == 2 and "--per-territory with --workers is not supported" in err
