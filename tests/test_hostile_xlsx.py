"""Hostile ``.xlsx`` files: XML attacks, zip bombs, lying sizes and dimensions, cells that are
not what they claim. Each is refused as a ReadError naming the file (and the part), or read
with the bad cell named as a data issue, within bounded time and memory.

The real bombs (inflating to GiB) are under the ``slow`` marker and run in a child process
with an address-space limit; the cheap versions here use lowered limits.
"""

from __future__ import annotations

import time
import tracemalloc
import zipfile
from fractions import Fraction
from pathlib import Path

import pytest

import plan_rules as pr
from plan_rules.cli import main
from xlsx_support import (
    HEADER,
    SHEET,
    lie_about_size,
    parts,
    raw_cell,
    row_xml,
    sheet_xml,
    text_cell,
    workbook,
    write_workbook,
)

pytest.importorskip("openpyxl")

from plan_rules.xlsx import XlsxLimits, xlsx_rows

GOOD = ["T1.A.3", "tinh", "province", "Q1/2025", None, None, 130]


def _read(path: Path, registry: pr.Registry) -> pr.ReadResult:
    return pr.read_observations(path, registry=registry)


def _issue(read: pr.ReadResult, row: int) -> pr.DataIssue:
    (issue,) = [i for i in read.issues if i.row == row]
    return issue


# -- XML attacks ---------------------------------------------------------------------------

LAUGHS = ('<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol0 "lol">'
          + "".join(f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10}">' for n in range(1, 10))
          + "]>\n")


def test_openpyxl_parses_through_defusedxml() -> None:
    import openpyxl

    assert openpyxl.DEFUSEDXML is True


def test_entity_expansion_in_the_sheet_is_refused_naming_file_and_part(
        tmp_path: Path, registry: pr.Registry) -> None:
    xml = sheet_xml([row_xml(1, HEADER), row_xml(2, ["&lol9;", "tinh"])])
    xml = LAUGHS + xml.split("\n", 1)[1]
    path = write_workbook(tmp_path / "laughs.xlsx", parts(xml))
    with pytest.raises(pr.ReadError, match=r"DTD") as info:
        _read(path, registry)
    assert info.value.file == str(path)
    assert SHEET in str(info.value)


def test_an_external_entity_in_the_workbook_part_is_refused_not_fetched(
        tmp_path: Path, registry: pr.Registry) -> None:
    files = parts(sheet_xml([row_xml(1, HEADER)]))
    secret = tmp_path / "secret.txt"
    secret.write_text("the secret", encoding="utf-8")
    files["xl/workbook.xml"] = (
        f'<?xml version="1.0"?><!DOCTYPE w [<!ENTITY e SYSTEM "file://{secret}">]>'.encode()
        + files["xl/workbook.xml"].replace(b'name="Sheet1"', b'name="&e;"'))
    path = write_workbook(tmp_path / "xxe.xlsx", files)
    with pytest.raises(pr.ReadError, match=r"xl/workbook.xml") as info:
        _read(path, registry)
    assert info.value.file == str(path)
    assert "the secret" not in str(info.value)


def test_an_entity_declaration_after_a_long_prolog_is_still_refused(
        tmp_path: Path, registry: pr.Registry) -> None:
    # Past the prolog scan, defusedxml is what refuses it.
    xml = sheet_xml([row_xml(1, HEADER), row_xml(2, ["&lol9;", "tinh"])])
    xml = ('<?xml version="1.0"?>\n<!--' + "x" * 200_000 + "-->" + LAUGHS.split("\n", 1)[1]
           + xml.split("\n", 1)[1])
    path = write_workbook(tmp_path / "laughs.xlsx", parts(xml))
    with pytest.raises(pr.ReadError, match=r"Entit") as info:
        _read(path, registry)
    assert info.value.file == str(path)


# -- zip bombs and lying sizes -------------------------------------------------------------


def test_a_part_larger_than_the_limit_is_refused_before_it_is_inflated(tmp_path: Path) -> None:
    path = workbook(tmp_path / "big.xlsx", [GOOD] * 200)
    with pytest.raises(pr.ReadError, match=f"{SHEET}.*inflates to") as info:
        xlsx_rows(path, limits=XlsxLimits(member_bytes=10_000))
    assert info.value.file == str(path)


def test_a_part_that_compresses_absurdly_well_is_refused_as_a_zip_bomb(tmp_path: Path) -> None:
    rows = [row_xml(1, HEADER), "<row/>" * 100_000]
    path = write_workbook(tmp_path / "bomb.xlsx", parts(sheet_xml(rows)))
    with pytest.raises(pr.ReadError, match=f"{SHEET}.*zip bomb") as info:
        xlsx_rows(path, limits=XlsxLimits(ratio_from=100_000))
    assert info.value.file == str(path)


def test_a_part_that_inflates_past_its_declared_size_is_not_inflated_whole(
        tmp_path: Path, registry: pr.Registry) -> None:
    files = parts(sheet_xml([row_xml(1, HEADER), row_xml(2, GOOD)]))
    honest = len(files["xl/workbook.xml"])
    files["xl/workbook.xml"] += b" " * (64 << 20)  # 64 MiB of blanks: 64 KiB compressed
    path = write_workbook(tmp_path / "liar.xlsx", files)
    lie_about_size(path, "xl/workbook.xml", honest)
    tracemalloc.start()
    try:
        with pytest.raises(pr.ReadError, match=r"xl/workbook.xml") as info:
            _read(path, registry)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert info.value.file == str(path)
    assert peak < 16 << 20


def test_a_part_declaring_more_than_the_limit_is_refused_by_the_cli(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = workbook(tmp_path / "bomb.xlsx", [GOOD])
    lie_about_size(path, SHEET, 3 << 30)
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert SHEET in err and "Traceback" not in err


# -- the sheet as it is, not as it declares itself -----------------------------------------


def test_a_declared_dimension_of_the_whole_grid_pads_no_row(tmp_path: Path) -> None:
    path = workbook(tmp_path / "wide.xlsx", [GOOD] * 3, dimension="A1:XFD1048576")
    rows, _ = xlsx_rows(path)
    assert [len(cells) for _, cells in rows] == [10, 7, 7, 7]


def test_a_sheet_with_its_last_row_at_the_bottom_of_the_grid_is_read_in_seconds(
        tmp_path: Path, registry: pr.Registry) -> None:
    # 2 KiB on disk; openpyxl padded each of its million rows to 16,384 cells (an hour).
    xml = [row_xml(1, HEADER), row_xml(2, GOOD), row_xml(1_048_576, ["", "", "", "", "x"])]
    path = write_workbook(tmp_path / "tall.xlsx",
                          parts(sheet_xml(xml, dimension="A1:XFD1048576")))
    start = time.perf_counter()
    read = _read(path, registry)
    assert time.perf_counter() - start < 30
    assert [o.row for o in read.observations] == [2]
    assert read.blank_rows == 1_048_576 - 3
    assert read.unaccounted == ()


def test_rows_beyond_a_declared_dimension_are_read_not_dropped(
        tmp_path: Path, registry: pr.Registry) -> None:
    path = workbook(tmp_path / "short.xlsx", [GOOD] * 4, dimension="A1:J2")
    read = _read(path, registry)
    assert [o.row for o in read.observations] == [2, 3, 4, 5]


def test_rows_keep_the_numbers_the_sheet_gives_them(tmp_path: Path,
                                                    registry: pr.Registry) -> None:
    xml = [row_xml(3, HEADER), row_xml(5, GOOD)]
    path = write_workbook(tmp_path / "low.xlsx", parts(sheet_xml(xml, dimension="A3:J5")))
    read = _read(path, registry)
    assert [o.row for o in read.observations] == [5]


def test_a_row_out_of_order_is_a_read_error_naming_the_row(tmp_path: Path,
                                                           registry: pr.Registry) -> None:
    xml = [row_xml(1, HEADER), row_xml(5, GOOD), row_xml(3, GOOD)]
    path = write_workbook(tmp_path / "order.xlsx", parts(sheet_xml(xml)))
    with pytest.raises(pr.ReadError, match=r"row 6.*'3' after row 5") as info:
        _read(path, registry)
    assert info.value.file == str(path)


def test_a_cell_written_twice_is_a_read_error_not_a_silent_choice(
        tmp_path: Path, registry: pr.Registry) -> None:
    row = '<row r="2">' + text_cell("A2", "T1.A.3") + text_cell("A2", "T1.A.4") + "</row>"
    path = write_workbook(tmp_path / "twice.xlsx", parts(sheet_xml([row_xml(1, HEADER), row])))
    with pytest.raises(pr.ReadError, match=r"row 2.*'A2' out of its place"):
        _read(path, registry)


def test_more_cells_than_the_limit_counting_gaps_is_a_read_error(tmp_path: Path) -> None:
    path = workbook(tmp_path / "many.xlsx", [GOOD] * 10)
    with pytest.raises(pr.ReadError, match=r"row 6.*more than 40 cells"):
        list(xlsx_rows(path, limits=XlsxLimits(cells=40))[0])


def test_a_cell_of_too_many_xml_elements_is_a_read_error(tmp_path: Path) -> None:
    cell = '<c r="J2" t="inlineStr"><is>' + "<r><t>x</t></r>" * 50 + "</is></c>"
    row = '<row r="2">' + text_cell("A2", "T1.A.3") + cell + "</row>"
    path = write_workbook(tmp_path / "deep.xlsx", parts(sheet_xml([row_xml(1, HEADER), row])))
    with pytest.raises(pr.ReadError, match=r"row 2.*more than 60 XML elements"):
        list(xlsx_rows(path, limits=XlsxLimits(cell_elements=60))[0])


def test_a_text_longer_than_the_limit_is_refused_before_it_is_parsed(tmp_path: Path) -> None:
    path = workbook(tmp_path / "long.xlsx", [["T1.A.3", "x" * 100_000]])
    with pytest.raises(pr.ReadError, match=rf"{SHEET}.*a text of more than 50,000 bytes"):
        list(xlsx_rows(path, limits=XlsxLimits(text_bytes=50_000))[0])


def test_a_text_as_long_as_a_cell_may_hold_is_read(tmp_path: Path) -> None:
    path = workbook(tmp_path / "long.xlsx", [["T1.A.3", "ư" * 32_767]])
    rows = dict(xlsx_rows(path)[0])
    assert rows[2][1] == "ư" * 32_767


# -- cells that are not what they claim ----------------------------------------------------


def _with_cells(tmp_path: Path, cells: str, strings: tuple[str, ...] = ()) -> Path:
    row = f'<row r="2">{cells}</row>'
    xml = sheet_xml([row_xml(1, HEADER), row, row_xml(3, GOOD)])
    return write_workbook(tmp_path / "cells.xlsx", parts(xml, strings))


@pytest.mark.parametrize("index", ["-1", "3", "99", "1.5", "x"])
def test_a_shared_string_that_does_not_exist_is_an_issue_on_its_cell(
        tmp_path: Path, registry: pr.Registry, index: str) -> None:
    cells = (raw_cell("A2", "0", "s") + raw_cell("B2", "1", "s") + text_cell("C2", "province")
             + text_cell("D2", "Q1/2025") + raw_cell("G2", index, "s"))
    path = _with_cells(tmp_path, cells, ("T1.A.3", "tinh", "the last string"))
    read = _read(path, registry)
    issue = _issue(read, 2)
    assert (issue.code, issue.field, issue.text, issue.severity) == (
        "bad_cell", "value", index, "error")
    assert issue.expected == "an index into the string table, 0 to 2"
    assert issue.file == str(path) and issue.message.vi and issue.message.en
    assert [o.row for o in read.observations] == [3]


@pytest.mark.parametrize("number", ["NaN", "INF", "-INF", "nan", "inf", "1e999", "-1E400",
                                    "1_000", "12abc", "0x10", "9" * 5000])
def test_a_number_cell_that_is_no_finite_number_is_a_bad_number_and_the_rest_is_read(
        tmp_path: Path, registry: pr.Registry, number: str) -> None:
    cells = (text_cell("A2", "T1.A.1") + text_cell("B2", "c1") + text_cell("C2", "commune")
             + text_cell("D2", "Q1/2025") + raw_cell("E2", number) + raw_cell("F2", "100"))
    read = _read(_with_cells(tmp_path, cells), registry)
    issue = _issue(read, 2)
    assert (issue.code, issue.field, issue.text) == ("bad_number", "numerator", number)
    assert issue.expected == "a finite number"
    assert [o.row for o in read.observations] == [3]


def test_a_boolean_cell_that_is_not_0_or_1_is_an_issue(tmp_path: Path,
                                                       registry: pr.Registry) -> None:
    cells = text_cell("A2", "T1.A.4") + raw_cell("G2", "yes", "b")
    read = _read(_with_cells(tmp_path, cells), registry)
    assert (_issue(read, 2).code, _issue(read, 2).field) == ("bad_cell", "value")


def test_a_number_with_a_style_the_workbook_lacks_is_an_issue(tmp_path: Path,
                                                              registry: pr.Registry) -> None:
    cells = (text_cell("A2", "T1.A.3") + text_cell("B2", "tinh") + text_cell("D2", "Q1/2025")
             + '<c r="G2" s="7"><v>130</v></c>')
    read = _read(_with_cells(tmp_path, cells), registry)
    assert (_issue(read, 2).code, _issue(read, 2).field) == ("bad_cell", "value")


@pytest.mark.parametrize("serial", ["1e300", "-5000000"])
def test_a_date_cell_whose_day_number_is_no_date_is_an_issue_not_a_warning(
        tmp_path: Path, registry: pr.Registry, serial: str) -> None:
    import warnings
    from datetime import date

    import openpyxl

    book = openpyxl.Workbook()
    book.active.append(list(HEADER))
    book.active.append(["T1.A.3", "tinh", "province", "Q1/2025", None, None, 130,
                        date(2025, 4, 10)])
    book.save(tmp_path / "dates.xlsx")
    with zipfile.ZipFile(tmp_path / "dates.xlsx") as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    files[SHEET] = files[SHEET].replace(b"<v>45757</v>", f"<v>{serial}</v>".encode())
    path = write_workbook(tmp_path / "dates.xlsx", files)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        read = _read(path, registry)
    issue = _issue(read, 2)
    assert (issue.code, issue.field, issue.text, issue.expected) == (
        "bad_cell", "reported_on", serial, "a date")


def test_a_bad_cell_in_an_unnamed_column_is_named_by_its_column(tmp_path: Path,
                                                                 registry: pr.Registry) -> None:
    cells = text_cell("A2", "T1.A.3") + raw_cell("L2", "NaN")
    read = _read(_with_cells(tmp_path, cells), registry)
    assert _issue(read, 2).field == "column 12"


def test_an_ordinary_workbook_reads_as_before(tmp_path: Path, registry: pr.Registry) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    book.active.append(list(HEADER))
    book.active.append(["T1.A.2", "hy", "province", "Q3/2025", None, None, 0.875])
    book.active.append(["T1.A.3", "hy", "province", 2025, None, None, 131, None, None, "x"])
    book.active["G2"].number_format = "0.0%"
    book.save(tmp_path / "plain.xlsx")
    read = _read(tmp_path / "plain.xlsx", registry)
    assert read.issues == ()
    assert [(o.row, o.value, o.note) for o in read.observations] == [
        (2, Fraction(7, 8), None), (3, 131, "x")]


# -- the real bombs: run by hand (pytest -m slow), in a child with an address-space limit --

# The child's own high-water mark (VmHWM): on Linux, ru_maxrss carries the parent's across
# exec, so after a test that made pytest large it would report pytest's size.
_CHILD = """
import json, re, sys, time
from pathlib import Path
from plan_rules.cli import main
start = time.perf_counter()
code = main(["validate", sys.argv[1]])
hwm = re.search(r"VmHWM:\\s+(\\d+) kB", Path("/proc/self/status").read_text())
print(json.dumps({"code": code, "seconds": round(time.perf_counter() - start, 2),
                  "peak_mib": int(hwm[1]) // 1024}))
"""


def _validate_bounded(path: Path, memory: int = 1 << 30) -> dict[str, int | float]:
    """``plan-rules validate path`` in a child that cannot map more than ``memory`` bytes:
    its exit code, seconds and peak resident memory (printed for the reliability table)."""
    import json
    import resource
    import subprocess
    import sys

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))

    done = subprocess.run([sys.executable, "-c", _CHILD, str(path)], capture_output=True,
                          text=True, timeout=600, preexec_fn=limit, check=False)
    assert "Traceback" not in done.stderr, done.stderr
    result: dict[str, int | float] = json.loads(done.stdout.splitlines()[-1])
    print(path.name, result, done.stderr.strip()[:300])
    return result


def _bomb(path: Path, member: str, gib: float, *, declare: int | None = None) -> Path:
    """A workbook whose ``member`` inflates to ``gib`` GiB of blank rows (``declare``: the
    uncompressed size it says it has instead)."""
    files = parts(sheet_xml([row_xml(1, HEADER), row_xml(2, GOOD)]))
    end = files[member].find(b"</sheetData>") if member == SHEET else len(files[member])
    head, tail = files[member][:end], files[member][end:]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            if name != member:
                archive.writestr(name, data)
                continue
            with archive.open(name, "w", force_zip64=True) as out:
                out.write(head)
                filler = (b"<row/>" if member == SHEET else b" ") * (1 << 20)
                for _ in range(int(gib * (1 << 30)) // len(filler)):
                    out.write(filler)
                out.write(tail)
    if declare is not None:
        lie_about_size(path, member, declare)
    return path


@pytest.mark.slow
def test_a_sheet_inflating_to_gib_is_refused_before_it_is_inflated(tmp_path: Path) -> None:
    path = _bomb(tmp_path / "bomb.xlsx", SHEET, 3)
    result = _validate_bounded(path)
    assert result["code"] == 2 and result["seconds"] < 10 and result["peak_mib"] < 200


@pytest.mark.slow
def test_a_sheet_inflating_to_gib_but_declaring_kib_is_refused_within_bounds(
        tmp_path: Path) -> None:
    path = _bomb(tmp_path / "liar.xlsx", SHEET, 1, declare=10_000)
    result = _validate_bounded(path)
    assert result["code"] == 2 and result["seconds"] < 10 and result["peak_mib"] < 200


@pytest.mark.slow
def test_a_whole_read_part_inflating_to_gib_but_declaring_bytes_is_refused_within_bounds(
        tmp_path: Path) -> None:
    path = _bomb(tmp_path / "liar.xlsx", "xl/workbook.xml", 1, declare=300)
    result = _validate_bounded(path)
    assert result["code"] == 2 and result["seconds"] < 10 and result["peak_mib"] < 200


@pytest.mark.slow
def test_the_2_kib_sheet_declaring_the_whole_grid_validates_in_seconds(tmp_path: Path) -> None:
    xml = [row_xml(1, HEADER), row_xml(2, GOOD), row_xml(1_048_576, ["", "", "", "", "x"])]
    path = write_workbook(tmp_path / "tall.xlsx",
                          parts(sheet_xml(xml, dimension="A1:XFD1048576")))
    result = _validate_bounded(path)
    assert result["code"] == 1 and result["seconds"] < 30 and result["peak_mib"] < 300


@pytest.mark.slow
def test_a_billion_laughs_sheet_is_refused_within_bounds(tmp_path: Path) -> None:
    xml = sheet_xml([row_xml(1, HEADER), row_xml(2, ["&lol9;", "tinh"])])
    path = write_workbook(tmp_path / "laughs.xlsx", parts(LAUGHS + xml.split("\n", 1)[1]))
    result = _validate_bounded(path)
    assert result["code"] == 2 and result["seconds"] < 10 and result["peak_mib"] < 200
