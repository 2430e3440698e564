"""Readers under hostile input: no crash, and every row used or reported.

Hypothesis writes random and damaged files (random bytes, truncated valid files, wrong
encodings, huge numbers, NaN/inf text, formulas, mixed separators); reading one either fails
whole with a ReadError naming the file, or accounts for every data row.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import plan_rules as pr

VALID = (
    "indicator,entity,level,period,numerator,denominator,value,reported_on,source,note\n"
    "T1.A.1,xa-a,commune,Q1/2025,65,100,,05/04/2025,,\n"
    "T1.A.3,tinh,province,Q1/2025,,,130,,,\n"
    "T1.A.4,tinh,province,Q1/2025,,,done,,QĐ 12/QĐ-UBND,\n"
    "T1.A.2,tinh,province,T6/2025,,,\"87,5%\",,,\n"
)

NASTY_CELLS = st.sampled_from([
    "", " ", "nan", "inf", "-inf", "∞", "1e309", "9" * 400, "-5", "=1+1", "+cmd", "@SUM(A1)",
    "87,5%", "1.234,5", "1,234.5", "Q5/2025", "T13/2025", "31/02/2025", "\x00", "\ufeff",
    "done", "chưa", "Cấp xã", "\"", "a;b", "a,b", "\t", "\r", "0/0",
])


def _read(tmp: Path, name: str, data: bytes, registry: pr.Registry) -> None:
    path = tmp / name
    path.write_bytes(data)
    try:
        read = pr.read_observations(path, registry=registry)
    except pr.ReadError as exc:
        assert exc.file == str(path)
        return
    assert read.unaccounted == ()
    rows_with_error = {i.row for i in read.issues if i.row is not None
                       and i.severity == "error"}
    used_rows = {o.row for o in read.observations}
    assert not (rows_with_error & used_rows)
    # The report built on it accounts for every observation as well.
    report = pr.evaluate(read.observations, registry=registry, issues=read.issues,
                         as_of=date(2025, 12, 31))
    assert report.conservation().holds


FUZZ = settings(max_examples=60, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture])


@FUZZ
@given(data=st.binary(max_size=2000),
       suffix=st.sampled_from([".csv", ".json", ".xlsx", ".tsv"]))
def test_random_bytes_never_crash_a_reader(registry: pr.Registry, tmp_path: Path,
                                           data: bytes, suffix: str) -> None:
    _read(tmp_path, f"random{suffix}", data, registry)


@FUZZ
@given(cut=st.integers(0, len(VALID.encode())),
       encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1258", "latin-1"]))
def test_truncated_or_re_encoded_files_never_crash_a_reader(
        registry: pr.Registry, tmp_path: Path, cut: int, encoding: str) -> None:
    data = VALID.encode(encoding, errors="replace")
    _read(tmp_path, "cut.csv", data[:cut], registry)


@FUZZ
@given(cells=st.lists(st.lists(NASTY_CELLS, min_size=1, max_size=12), min_size=1,
                      max_size=8),
       separator=st.sampled_from([",", ";", "\t"]))
def test_hostile_cells_are_used_or_reported(registry: pr.Registry, tmp_path: Path,
                                            cells: list[list[str]], separator: str) -> None:
    lines = [VALID.splitlines()[0].replace(",", separator)]
    lines += [separator.join(row) for row in cells]
    _read(tmp_path, "hostile.csv", "\n".join(lines).encode("utf-8"), registry)


@FUZZ
@given(records=st.lists(st.dictionaries(
    st.sampled_from(["indicator", "entity", "level", "period", "numerator", "denominator",
                     "value", "chỉ tiêu", "junk"]),
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), NASTY_CELLS,
              st.lists(st.integers(), max_size=2))), max_size=6))
def test_hostile_json_records_are_used_or_reported(registry: pr.Registry, tmp_path: Path,
                                                   records: list[dict[str, object]]) -> None:
    import json

    _read(tmp_path, "hostile.json",
          json.dumps(records, allow_nan=True).encode("utf-8"), registry)


@pytest.mark.parametrize("text", ["", "\n\n\n", "indicator\n", VALID.splitlines()[0] + "\n"])
def test_empty_and_header_only_files_are_explained(registry: pr.Registry, tmp_path: Path,
                                                   text: str) -> None:
    _read(tmp_path, "empty.csv", text.encode(), registry)


# -- hostile JSON, written as text ------------------------------------------------------------

#: Number literals no figure can be, and a few that are: each written as the file has it.
JSON_NUMBERS = st.sampled_from([
    "130", "87.5", "1.3e2", "-5", "0", "1" * 5000, "1e5000", "-1e1000000", "1e99999999",
    "1e-99999999", "1e" + "9" * 500, "0." + "0" * 400 + "1", "1e18", "999999999999999999",
    "NaN", "Infinity", "-Infinity", "5e-324", "1.7976931348623157e308",
])
JSON_TEXTS = st.sampled_from([
    '"x"', '"ghi chú"', r'"\ud800"', r'"a\udfffb"', r'"\ud83d\ude00"', '""', "null", "true",
    r'"\u0000"', '"=1+1"',
])
JSON_KEYS = st.sampled_from(["indicator", "entity", "level", "period", "numerator",
                             "denominator", "value", "note", "source", "tử số", "giá trị",
                             "chỉ tiêu", "junk", r"\ud800", ""])


@st.composite
def json_values(draw: st.DrawFn) -> str:
    kind = draw(st.sampled_from(["number", "text", "nested", "deep"]))
    if kind == "number":
        return draw(JSON_NUMBERS)
    if kind == "text":
        return draw(JSON_TEXTS)
    depth = draw(st.integers(1, 40)) if kind == "nested" else draw(st.sampled_from(
        [1_000, 5_000, 50_000]))
    return "[" * depth + draw(JSON_NUMBERS) + "]" * depth


@st.composite
def json_records(draw: st.DrawFn) -> str:
    """One record as JSON text: a valid figure, a figure with hostile fields or repeated
    keys, or something that is not an object at all."""
    kind = draw(st.sampled_from(["valid", "hostile", "not an object"]))
    if kind == "not an object":
        return draw(st.one_of(json_values(), st.just("[]"), st.just("{}")))
    pairs = [('"indicator"', '"T1.A.3"'), ('"entity"', '"tinh"'),
             ('"level"', '"province"'), ('"period"', '"2025"'),
             ('"value"', str(draw(st.integers(0, 1000))))]
    if kind == "hostile":
        pairs += [(f'"{draw(JSON_KEYS)}"', draw(json_values()))
                  for _ in range(draw(st.integers(1, 4)))]
        pairs = draw(st.permutations(pairs))
    return "{" + ", ".join(f"{k}: {v}" for k, v in pairs) + "}"


def _utf8(text: str | None) -> None:
    """Raises if ``text`` cannot be written as UTF-8 (a lone surrogate)."""
    (text or "").encode("utf-8")


@FUZZ
@given(records=st.lists(json_records(), max_size=8), wrapped=st.booleans())
def test_hostile_json_files_account_for_every_record_they_hold(
        registry: pr.Registry, tmp_path: Path, records: list[str], wrapped: bool) -> None:
    listed = "[" + ", ".join(records) + "]"
    text = '{"observations": ' + listed + "}" if wrapped else listed
    path = tmp_path / "hostile.json"
    path.write_text(text, encoding="utf-8")
    try:
        read = pr.read_observations(path, registry=registry)
    except pr.ReadError as exc:
        assert exc.file == str(path)
        return
    for issue in read.issues:
        for part in (issue.field, issue.text, issue.message.vi, issue.message.en):
            _utf8(part)
    if any(i.code == "bad_json" for i in read.issues):
        return  # the whole file is named
    # Counted from what was written, not from the reader's own row bookkeeping.
    named = {o.row for o in read.observations} | {i.row for i in read.issues}
    assert set(range(1, len(records) + 1)) <= named
    errors = {i.row for i in read.issues if i.severity == "error"}
    assert not errors & {o.row for o in read.observations}
    report = pr.evaluate(read.observations, registry=registry, issues=read.issues,
                         as_of=date(2025, 12, 31))
    assert report.conservation().holds
    json.loads(report.to_json())


# -- .xlsx: sheets written cell by cell, with what Excel never writes -------------------------

_STRINGS = ("T1.A.3", "tinh", "province", "Q1/2025")
_XML_TEXT = NASTY_CELLS.filter(lambda t: all(c in "\t\n\r" or ord(c) >= 32 for c in t))
_XLSX_CELL = st.one_of(
    st.none(),
    st.tuples(st.just("inlineStr"), _XML_TEXT | st.sampled_from(_STRINGS)),
    st.tuples(st.just("n"), st.sampled_from(
        ["65", "100", "130", "-5", "0.875", "46022", "NaN", "INF", "-INF", "1e999", "1_0",
         "abc", "", "9" * 5000])),
    st.tuples(st.just("s"), st.integers(-3, 6).map(str)),
    st.tuples(st.just("b"), st.sampled_from(["0", "1", "2"])),
)
_GOOD_XLSX_ROWS = st.sampled_from([
    [("s", "0"), ("s", "1"), ("s", "2"), ("s", "3"), None, None, ("n", "130")],
    [("inlineStr", "T1.A.1"), ("inlineStr", "xa-a"), ("inlineStr", "commune"),
     ("inlineStr", "Q1/2025"), ("n", "65"), ("n", "100")],
])


def _xlsx_written_text(kind: str, value: str) -> str:
    """The text a cell shows, as the generator knows it (not as the reader reads it)."""
    if kind == "s" and value.isdigit() and int(value) < len(_STRINGS):
        return _STRINGS[int(value)]
    return value


@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(rows=st.lists(st.tuples(st.integers(1, 3) | st.just(100_000),
                               _GOOD_XLSX_ROWS | st.lists(_XLSX_CELL, max_size=12)),
                     min_size=1, max_size=8),
       dimension=st.sampled_from([None, "A1:J5", "A1:XFD1048576", "C3:D4"]))
def test_hostile_xlsx_sheets_account_for_every_row_they_hold(
        registry: pr.Registry, tmp_path: Path,
        rows: list[tuple[int, list[tuple[str, str] | None]]], dimension: str | None) -> None:
    import time

    from xlsx_support import HEADER, column, parts, raw_cell, row_xml, sheet_xml, text_cell
    from xlsx_support import write_workbook as write_xlsx

    xml, written, number = [row_xml(1, HEADER)], set(), 1
    for step, cells in rows:
        number += step
        parts_of_row = []
        for n, cell in enumerate(cells, start=1):
            if cell is None:
                continue
            kind, value = cell
            ref = f"{column(n)}{number}"
            parts_of_row.append(text_cell(ref, value) if kind == "inlineStr"
                                else raw_cell(ref, value, kind))
        xml.append(f'<row r="{number}">{"".join(parts_of_row)}</row>')
        if any(c is not None and _xlsx_written_text(*c).strip() for c in cells):
            written.add(number)
    path = write_xlsx(tmp_path / "hostile.xlsx",
                      parts(sheet_xml(xml, dimension), _STRINGS))
    start = time.perf_counter()
    read = pr.read_observations(path, registry=registry)  # no ReadError: every row is valid XML
    assert time.perf_counter() - start < 20
    used = {o.row for o in read.observations}
    named = {i.row for i in read.issues}
    assert written <= used | named
    assert not ({i.row for i in read.issues if i.severity == "error"} & used)
    assert read.unaccounted == ()
