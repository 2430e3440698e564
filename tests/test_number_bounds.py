"""Numbers beyond what any figure can be are refused with ``bad_number`` in every reader:
typed text in CSV (both engines) and ``.xlsx``, numbers a spreadsheet or a JSON file stores."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

import plan_rules as pr

HEADER = "indicator,entity,level,period,numerator,denominator,value,reported_on,source,note\n"
GOOD = "T1.A.3,tinh,province,2025,,,130,,,\n"


def errors(result: pr.ReadResult) -> list[tuple[str, int | None, str | None]]:
    return [(i.code, i.row, i.field) for i in result.issues if i.severity == "error"]


@pytest.mark.parametrize("engine", ["python", "pyarrow"])
@pytest.mark.parametrize(("row", "field"), [
    ("T1.A.1,xa-a,commune,Q1/2025,1000000000000000000,1000000000000000001,,,,",
     "numerator"),
    ("T1.A.3,tinh,province,2025,,,1000000000000000000,,,", "value"),
    ("T1.A.3,tinh,province,2025,,,\"0,0000000000000000000000000000001\",,,", "value"),
    ("T1.A.2,tinh,province,2025,,,1000000000000000000000%,,,", "value"),
    ("T1.A.3,tinh,province,2025,,,1e99999999,,,", "value"),
])
def test_a_csv_number_beyond_any_figure_is_bad_number(tmp_path: Path, registry: pr.Registry,
                                                      engine: str, row: str,
                                                      field: str) -> None:
    if engine == "pyarrow":
        pytest.importorskip("pyarrow")
    path = tmp_path / "f.csv"
    path.write_text(HEADER + GOOD + row + "\n", encoding="utf-8")
    started = time.monotonic()
    result = pr.read_observations(path, registry=registry, engine=engine)
    assert time.monotonic() - started < 5
    assert errors(result)[:1] == [("bad_number", 3, field)]
    assert [o.row for o in result.observations] == [2] and result.accounted


def test_eighteen_digit_counts_are_read_alike_by_both_engines(tmp_path: Path,
                                                              registry: pr.Registry) -> None:
    pytest.importorskip("pyarrow")
    path = tmp_path / "f.csv"
    path.write_text(HEADER + "T1.A.1,xa-a,commune,Q1/2025,999999999999999998,"
                    "999999999999999999,,,,\n", encoding="utf-8")
    python = pr.read_observations(path, registry=registry)
    arrow = pr.read_observations(path, registry=registry, engine="pyarrow")
    assert python.issues == arrow.issues == ()
    assert python.observations == arrow.observations
    assert python.observations[0].numerator == 999999999999999998


@pytest.mark.parametrize(("cells", "field"), [
    ({"value": 1e300}, "value"),
    ({"indicator": "T1.A.2", "value": 1e-40}, "value"),
    ({"indicator": "T1.A.1", "numerator": 10**20, "denominator": 100}, "numerator"),
    ({"value": "1000000000000000000"}, "value"),
])
def test_an_xlsx_number_beyond_any_figure_is_bad_number(
        tmp_path: Path, registry: pr.Registry, cells: dict[str, object], field: str) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    columns = HEADER.strip().split(",")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(columns)
    ws.append(["T1.A.3", "tinh", "province", "2025", None, None, 130])
    base = {"indicator": "T1.A.3", "entity": "tinh", "level": "province", "period": "2025",
            **cells}
    ws.append([base.get(c) for c in columns])
    path = tmp_path / "f.xlsx"
    wb.save(path)
    result = pr.read_observations(path, registry=registry)
    assert errors(result) == [("bad_number", 3, field)]
    assert [o.row for o in result.observations] == [2] and result.accounted
