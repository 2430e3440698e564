"""Hostile delimited text: a quote left open, rows saved with another separator than their
header, a field named twice, a few bytes that are not UTF-8, headers and lines too long to be
tables. Each physical row is used or named by an issue, the pyarrow engine and reading by
chunks give the pure reader's result, and the command line exits 1 (data errors) or 2 (a file
that cannot be read), never with a traceback.

The expensive cases (a 200 MB line, a million columns) are marked ``slow`` and run in a
subprocess under an address-space limit: ``pytest -m slow tests/test_hostile_csv.py``.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import plan_rules as pr
from plan_rules import cli, columnar, readers
from plan_rules.chunks import read_in_chunks

HEADER = "indicator,entity,level,period,numerator,denominator,value,reported_on,source,note\n"
ROW = "T1.A.1,c{n},commune,Q1/2025,{n},100,,,,\n"


def rows(*numbers: int) -> str:
    return "".join(ROW.format(n=n) for n in numbers)


def write(tmp_path: Path, content: str | bytes, name: str = "f.csv") -> Path:
    path = tmp_path / name
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8", newline="")
    else:
        path.write_bytes(content)
    return path


def read(path: Path, registry: pr.Registry) -> pr.ReadResult:
    return pr.read_observations(path, registry=registry)


def named(result: pr.ReadResult) -> list[tuple[str, int | None, str | None, str]]:
    return [(i.code, i.row, i.field, i.severity) for i in result.issues]


def every_row_accounted(result: pr.ReadResult, lines: range) -> bool:
    """Each physical line of ``lines`` is an observation or named by an issue, counted from
    the line numbers the test wrote rather than from the reader's bookkeeping."""
    file_level = any(i.code in readers.FILE_ISSUES and i.severity == "error"
                     for i in result.issues)
    seen = {o.row for o in result.observations} | {i.row for i in result.issues}
    return file_level or all(n in seen for n in lines)


# -- 1. a quote left open ---------------------------------------------------------------------

#: The issue's reproducer, with the sample plan's codes.
UNCLOSED = HEADER + 'T1.A.1,c1,commune,Q4/2025,70,100,,,,"x\n' + rows(2)


def test_a_quote_open_to_the_end_of_the_file_is_an_error_on_its_row(
        tmp_path: Path, registry: pr.Registry) -> None:
    result = read(write(tmp_path, UNCLOSED), registry)
    assert named(result) == [("unclosed_quote", 2, "note", "error")]
    issue = result.issues[0]
    assert "row 3" in issue.message.en and "dòng 3" in issue.message.vi
    assert issue.text == 'T1.A.1,c1,commune,Q4/2025,70,100,,,,"x'


def test_the_rows_an_open_quote_swallowed_are_read_as_rows_of_their_own(
        tmp_path: Path, registry: pr.Registry) -> None:
    result = read(write(tmp_path, UNCLOSED), registry)
    assert [(o.row, o.entity) for o in result.observations] == [(3, "c2")]
    assert result.accounted and every_row_accounted(result, range(2, 4))


def test_a_quote_that_closes_rows_later_is_an_error_when_it_swallowed_rows(
        tmp_path: Path, registry: pr.Registry) -> None:
    text = (HEADER + 'T1.A.1,c1,commune,Q1/2025,1,100,,,,"x\n' + rows(2, 3)
            + 'T1.A.1,c4,commune,Q1/2025,4,100,,,,"a note"\n' + rows(5))
    result = read(write(tmp_path, text), registry)
    assert named(result) == [("unclosed_quote", 2, "note", "error")]
    assert "rows 3–5" in result.issues[0].message.en
    assert [o.row for o in result.observations] == [3, 4, 5, 6]
    assert result.observations[2].note == "a note"


def test_a_stray_quote_opening_a_row_is_named_when_the_next_row_closes_it(
        tmp_path: Path, registry: pr.Registry) -> None:
    text = HEADER + '"' + rows(1) + '"' + rows(2) + rows(3)
    result = read(write(tmp_path, text), registry)
    assert named(result) == [("unclosed_quote", 2, "indicator", "error"),
                             ("unclosed_quote", 3, "indicator", "error")]
    assert [o.row for o in result.observations] == [4]


def test_a_quoted_note_with_line_breaks_is_still_one_cell(
        tmp_path: Path, registry: pr.Registry) -> None:
    text = HEADER + 'T1.A.1,c1,commune,Q1/2025,1,100,,,,"line one\nline two, and more"\n'
    result = read(write(tmp_path, text + rows(2)), registry)
    assert result.issues == ()
    assert [(o.row, o.note) for o in result.observations] == [
        (2, "line one\nline two, and more"), (4, None)]


NOTE_FIRST = "note,indicator,entity,level,period,numerator,denominator,value,reported_on,source\n"


def test_a_note_of_several_lines_in_the_first_column_is_still_one_cell(
        tmp_path: Path, registry: pr.Registry) -> None:
    # The line that closes the note holds the rest of its row: not a row the quote swallowed.
    text = NOTE_FIRST + '"dòng một\ndòng hai",T1.A.1,c1,commune,Q1/2025,1,100,,,\n'
    result = read(write(tmp_path, text + '"\n\n",T1.A.1,c2,commune,Q1/2025,2,100,,,\n'),
                  registry)
    assert result.issues == ()
    assert [(o.row, o.entity, o.note) for o in result.observations] == [
        (2, "c1", "dòng một\ndòng hai"), (4, "c2", None)]  # a note of blanks is no note


def test_an_open_quote_closed_by_the_quote_of_a_later_rows_note_is_an_error(
        tmp_path: Path, registry: pr.Registry) -> None:
    # The quote opening row 3's note reads as the end of row 2's open one, text after it.
    text = (HEADER + 'T1.A.1,c1,commune,Q1/2025,1,100,,,,"x\n'
            + 'T1.A.1,c2,commune,Q1/2025,2,100,,,x,"dòng một\ndòng hai"\n' + rows(4))
    result = read(write(tmp_path, text), registry)
    assert ("unclosed_quote", 2, "note", "error") in named(result)
    assert [(o.row, o.entity, o.note) for o in result.observations] == [
        (3, "c2", "dòng một\ndòng hai"), (5, "c4", None)]


def test_an_open_quote_closed_where_a_later_rows_note_of_several_lines_opens_is_an_error(
        tmp_path: Path, registry: pr.Registry) -> None:
    # Row 4's note opens at the end of its line; row 2's open quote took that for its end.
    text = (HEADER + 'T1.A.1,c1,commune,Q1/2025,1,100,,,,"x\n\n'
            + 'T1.A.1,c3,commune,Q1/2025,3,100,,,,"\n\n"\n' + rows(7))
    result = read(write(tmp_path, text), registry)
    assert ("unclosed_quote", 2, "note", "error") in named(result)
    assert [(o.row, o.entity) for o in result.observations] == [(4, "c3"), (7, "c7")]


def test_an_open_quote_on_the_last_line_is_an_error(tmp_path: Path,
                                                     registry: pr.Registry) -> None:
    text = HEADER + rows(1) + 'T1.A.1,c2,commune,Q1/2025,2,100,,,,"x'
    result = read(write(tmp_path, text), registry)
    assert named(result) == [("unclosed_quote", 3, "note", "error")]
    assert [o.row for o in result.observations] == [2]


def test_an_open_quote_longer_than_a_cell_can_be_costs_only_its_row(
        tmp_path: Path, registry: pr.Registry) -> None:
    # 131,072 characters (csv.field_size_limit()) are reached long before the end.
    text = HEADER + 'T1.A.1,c0,commune,Q1/2025,0,100,,,,"x\n' + rows(*range(1, 5001))
    result = read(write(tmp_path, text), registry)
    assert named(result) == [("unclosed_quote", 2, "note", "error")]
    assert [o.row for o in result.observations] == list(range(3, 5003))


def test_a_quote_open_in_the_header_to_the_end_is_a_read_error(
        tmp_path: Path, registry: pr.Registry) -> None:
    path = write(tmp_path, HEADER.replace("note", '"note') + rows(1, 2))
    with pytest.raises(pr.ReadError, match="line 1: a quote opened here is never closed") as e:
        read(path, registry)
    assert e.value.file == str(path)


def test_validate_exits_1_on_the_reproducer_of_an_open_quote(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, (
        HEADER + 'HY25.PS.3,hung-yen,province,Q4/2025,70,100,,,,"x\n'
        "HY25.SEC.2,hung-yen,province,2025,10,10,,,,\n"), "q.csv")
    code = cli.main(["validate", str(path), "-f", "json"])
    issues = json.loads(capsys.readouterr().out)["issues"]
    assert code == cli.EXIT_FAIL_ON
    assert ("unclosed_quote", 2) in {(i["code"], i["row"]) for i in issues}


# -- 2. rows saved with another separator -----------------------------------------------------

SEMICOLON_HEADER = HEADER.replace(",", ";")


def test_a_semicolon_header_over_comma_rows_is_an_error_on_every_row(
        tmp_path: Path, registry: pr.Registry) -> None:
    result = read(write(tmp_path, SEMICOLON_HEADER + rows(1, 2)), registry)
    assert named(result) == [("separator_mismatch", 2, None, "error"),
                             ("separator_mismatch", 3, None, "error")]
    issue = result.issues[0]
    assert "commas (,)" in issue.message.en and "semicolons (;)" in issue.message.en
    assert "dấu phẩy" in issue.message.vi and issue.text == ROW.format(n=1).rstrip("\n")


def test_a_row_with_another_separator_among_good_rows_is_an_error(
        tmp_path: Path, registry: pr.Registry) -> None:
    text = HEADER + rows(1) + "T1.A.1;c2;commune;Q1/2025;2;100;;;;\n" + rows(3)
    result = read(write(tmp_path, text), registry)
    assert named(result) == [("separator_mismatch", 3, None, "error")]
    assert [o.row for o in result.observations] == [2, 4]


def test_a_row_split_by_commas_in_its_note_as_far_as_the_period_is_an_error(
        tmp_path: Path, registry: pr.Registry) -> None:
    text = HEADER + rows(1) + "T1.A.2;hy;province;Q4/2025;;;87,5%;;;a, b, c\n"
    result = read(write(tmp_path, text), registry)
    assert named(result) == [("separator_mismatch", 3, None, "error")]


def test_a_short_row_with_a_decimal_comma_keeps_its_cells(
        tmp_path: Path, registry: pr.Registry) -> None:
    text = SEMICOLON_HEADER + "T1.A.2;hy;province;Q4/2025;;;87,5%\n"
    result = read(write(tmp_path, text), registry)
    assert result.issues == ()
    assert [o.value for o in result.observations] == [Fraction(7, 8)]


def test_validate_exits_1_on_rows_with_another_separator(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, SEMICOLON_HEADER + "HY25.SEC.2,hung-yen,province,2025,10,10,,,,\n")
    assert cli.main(["validate", str(path)]) == cli.EXIT_FAIL_ON
    assert "separator_mismatch" in capsys.readouterr().out


# -- 3. a field named twice -------------------------------------------------------------------


@pytest.mark.parametrize("second", ["numerator", "tử số"])
def test_a_field_named_twice_is_one_file_level_error_naming_both_columns(
        tmp_path: Path, registry: pr.Registry, second: str) -> None:
    text = HEADER.replace("denominator", f"{second},denominator")
    result = read(write(tmp_path, text + "T1.A.1,c1,commune,Q1/2025,1,99,100,,,,,\n"), registry)
    assert named(result) == [("duplicate_column", 1, "numerator", "error")]
    issue = result.issues[0]
    assert issue.text == f"numerator | {second}"
    assert "columns 5 ('numerator') and 6" in issue.message.en
    assert "cột 5 ('numerator') và cột 6" in issue.message.vi


def test_no_row_of_a_file_naming_a_field_twice_is_read_and_each_is_counted(
        tmp_path: Path, registry: pr.Registry) -> None:
    text = HEADER.replace("denominator", "tử số,denominator") + "".join(
        f"T1.A.1,c{n},commune,Q1/2025,{n},{n},100,,,,\n" for n in range(3))
    result = read(write(tmp_path, text), registry)
    assert result.observations == () and result.rows == 3
    assert result.accounted and every_row_accounted(result, range(2, 5))


# -- 4. a few bytes that are not UTF-8 --------------------------------------------------------

#: A UTF-8 file whose non-ASCII lines are all UTF-8 but one, pasted from a Windows-1258 file.
MIXED = (HEADER.encode()
         + "T1.A.4,hy,province,2025,,,hoàn thành,,QĐ 12/QĐ-UBND,\n".encode()
         + "T1.A.1,c1,commune,Q1/2025,1,100,,,,ghi chú\n".encode()
         + "T1.A.1,c2,commune,Q1/2025,2,100,,,,café\n".encode("cp1258")
         + "T1.A.1,c3,commune,Q1/2025,3,100,,,,ghi chú\n".encode())


def test_a_line_with_bytes_that_are_not_utf8_is_named_on_its_row(
        tmp_path: Path, registry: pr.Registry) -> None:
    result = read(write(tmp_path, MIXED), registry)
    assert named(result) == [("bad_encoding", 4, "note", "error")]
    issue = result.issues[0]
    assert issue.text == "caf\\xe9"
    issue.text.encode("utf-8")  # no surrogate left for a writer to choke on


def test_the_utf8_lines_of_a_file_with_a_few_bad_bytes_stay_as_written(
        tmp_path: Path, registry: pr.Registry) -> None:
    result = read(write(tmp_path, MIXED), registry)
    assert [(o.row, o.value, o.source, o.note) for o in result.observations] == [
        (2, 1, "QĐ 12/QĐ-UBND", None), (3, None, None, "ghi chú"), (5, None, None, "ghi chú")]


def test_bytes_that_are_not_utf8_in_the_header_are_named_and_shown(
        tmp_path: Path, registry: pr.Registry) -> None:
    data = (HEADER.replace("note", "ghi chú").encode("cp1258")
            + "T1.A.1,c1,commune,Q1/2025,1,100,,,,ghi chú\n".encode() * 2)
    result = read(write(tmp_path, data), registry)
    assert named(result)[0] == ("bad_encoding", 1, "column 10", "error")
    assert result.issues[0].text == "ghi ch\\xfa"
    assert "the header of column 10" in result.issues[0].message.en
    assert "tiêu đề cột 10" in result.issues[0].message.vi
    assert all("\udcfa" not in (i.text or "") for i in result.issues)
    assert len(result.observations) == 2


def test_a_file_mostly_not_utf8_is_read_as_windows_1258(tmp_path: Path,
                                                         registry: pr.Registry) -> None:
    data = (HEADER + rows(1) + "T1.A.1,c2,commune,Q1/2025,2,100,,,,ghi chú\n"
            + "T1.A.1,c3,commune,Q1/2025,3,100,,,,café\n").encode("cp1258")
    result = read(write(tmp_path, data), registry)
    assert [i.code for i in result.issues] == ["encoding"]
    assert [o.note for o in result.observations] == [None, "ghi chú", "café"]


# -- 5. headers and lines too long to be tables -----------------------------------------------


def test_a_header_of_100000_columns_is_a_read_error_within_seconds(
        tmp_path: Path, registry: pr.Registry) -> None:
    path = write(tmp_path, ",".join(f"c{n}" for n in range(100_000)) + "\n" + rows(1))
    began = time.perf_counter()
    with pytest.raises(pr.ReadError, match="the header has 100,000 columns") as e:
        read(path, registry)
    assert time.perf_counter() - began < 5
    assert e.value.file == str(path)


def test_a_header_with_many_blank_cells_at_its_end_is_read(tmp_path: Path,
                                                            registry: pr.Registry) -> None:
    path = write(tmp_path, HEADER.rstrip("\n") + "," * 5000 + "\n" + rows(1))
    assert [o.row for o in read(path, registry).observations] == [2]


def test_a_line_longer_than_any_table_has_is_a_read_error(tmp_path: Path,
                                                           registry: pr.Registry) -> None:
    path = write(tmp_path, HEADER + rows(1) + "x" * (readers.MAX_LINE + 1) + "\n" + rows(2))
    with pytest.raises(pr.ReadError, match=r"line 3: a line of more than 2,097,152") as e:
        read(path, registry)
    assert e.value.file == str(path)


def test_validate_exits_2_with_a_message_on_a_header_of_too_many_columns(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, ",".join(f"c{n}" for n in range(100_000)) + "\n")
    assert cli.main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert "100,000 columns" in err and "Traceback" not in err


# -- every engine, every case -----------------------------------------------------------------

HOSTILE = {
    "open quote to the end": UNCLOSED.encode(),
    "open quote over rows": (HEADER + 'T1.A.1,c1,commune,Q1/2025,1,100,,,,"x\n' + rows(2, 3)
                             + 'T1.A.1,c4,commune,Q1/2025,4,100,,,,"a note"\n'
                             + rows(5)).encode(),
    "open quote on the last line": (HEADER + rows(1) + 'T1.A.1,c2,commune,Q1/2025,2,100,,,,"x'
                                    ).encode(),
    "open quote past the cell limit": (HEADER + 'T1.A.1,c0,commune,Q1/2025,0,100,,,,"x\n'
                                       + rows(*range(1, 3001))).encode(),
    "stray quotes opening rows": (HEADER + '"' + rows(1) + '"' + rows(2) + rows(3)).encode(),
    "semicolon header, comma rows": (SEMICOLON_HEADER + rows(1, 2)).encode(),
    "a row with another separator": (HEADER + rows(1) + "T1.A.1;c2;commune;Q1/2025;2;100;;;;\n"
                                     + rows(3)).encode(),
    "a row split as far as the period": (HEADER + rows(1)
                                         + "T1.A.2;hy;province;Q4/2025;;;87,5%;;;a, b, c\n"
                                         ).encode(),
    "a field and its alias": (HEADER.replace("denominator", "tử số,denominator")
                              + "T1.A.1,c1,commune,Q1/2025,1,1,100,,,,\n").encode(),
    "a few bytes not UTF-8": MIXED,
    "100,000 columns": (",".join(f"c{n}" for n in range(100_000)) + "\n" + rows(1)).encode(),
    "a line too long": (HEADER + rows(1) + "x" * (readers.MAX_LINE + 1) + "\n").encode(),
}


def _outcome(read_it: object) -> object:
    try:
        return read_it()  # type: ignore[operator]
    except pr.ReadError as exc:
        return ("ReadError", str(exc), exc.file)


@pytest.mark.skipif(not columnar.available(), reason="needs pyarrow")
@pytest.mark.parametrize("name", list(HOSTILE))
def test_the_pyarrow_engine_reads_hostile_text_as_the_pure_reader(
        tmp_path: Path, registry: pr.Registry, name: str) -> None:
    path = write(tmp_path, HOSTILE[name])
    pure = _outcome(lambda: read(path, registry))
    fast = _outcome(lambda: pr.read_observations(path, registry=registry, engine="pyarrow"))
    assert fast == pure


@pytest.mark.parametrize("name", list(HOSTILE))
def test_reading_hostile_text_by_chunks_gives_the_whole_file_result(
        tmp_path: Path, registry: pr.Registry, name: str) -> None:
    path = write(tmp_path, HOSTILE[name])
    whole = _outcome(lambda: read(path, registry))
    for n in (2, 3, 5):
        assert _outcome(lambda n=n: read_in_chunks(path, n, registry=registry)) == whole


@pytest.mark.parametrize("name", list(HOSTILE))
def test_every_physical_row_of_hostile_text_is_used_or_named(
        tmp_path: Path, registry: pr.Registry, name: str) -> None:
    data = HOSTILE[name]
    result = _outcome(lambda: read(write(tmp_path, data), registry))
    if isinstance(result, tuple):
        return  # a ReadError: the whole file refused, naming it
    assert isinstance(result, pr.ReadResult)
    lines = data.count(b"\n") + (0 if data.endswith(b"\n") else 1)
    assert result.accounted
    assert every_row_accounted(result, range(2, lines + 1))


#: Pieces of hostile text: quotes alone, doubled and around cells, separators, line ends,
#: whole rows, bytes that are not UTF-8.
PIECES = st.sampled_from([b'"', b'""', b",", b";", b"\t", b"\n", b"\r\n", b"x", b"\xe9",
                          ROW.format(n=1).encode(), ROW.format(n=2).encode().rstrip(b"\n"),
                          "ghi chú".encode(), b'"a note"'])


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(pieces=st.lists(PIECES, max_size=40))
def test_any_text_of_quotes_and_separators_is_used_or_named_alike_by_every_reader(
        tmp_path: Path, registry: pr.Registry, pieces: list[bytes]) -> None:
    path = write(tmp_path, HEADER.encode() + b"".join(pieces))
    whole = _outcome(lambda: read(path, registry))
    if isinstance(whole, pr.ReadResult):
        assert whole.accounted
        for issue in whole.issues:  # no surrogate left for a writer to choke on
            f"{issue.text}{issue.message.en}{issue.message.vi}".encode()
    if columnar.available():
        assert _outcome(lambda: pr.read_observations(path, registry=registry,
                                                     engine="pyarrow")) == whole
    assert _outcome(lambda: read_in_chunks(path, 3, registry=registry)) == whole


# -- the expensive reproducers, bounded -------------------------------------------------------

_LIMITED = """
import resource, sys, time
resource.setrlimit(resource.RLIMIT_AS, ({limit}, {limit}))
import plan_rules as pr
began = time.perf_counter()
try:
    pr.read_observations(sys.argv[1], engine=sys.argv[2])
except pr.ReadError as exc:
    print("ReadError", str(exc)[:200])
# VmHWM, not ru_maxrss: on Linux the latter keeps the forking parent's high-water mark.
status = open("/proc/self/status").read().split("VmHWM:")[1].split()[0]
print(f"seconds={{time.perf_counter() - began:.2f}} peak_kib={{status}}")
"""


#: Address space allowed: the 200 MB file's bytes and its text, and the interpreter (pyarrow
#: reserves more address space than it uses).
_LIMIT = {"python": 1 << 30, "pyarrow": 2 << 30}


def _run_limited(path: Path, engine: str, limit: int) -> str:
    done = subprocess.run([sys.executable, "-c", _LIMITED.format(limit=limit), str(path), engine],
                          capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    print(done.stdout)
    return done.stdout


@pytest.mark.slow
@pytest.mark.parametrize("engine", ["python", "pyarrow"])
def test_a_200_mb_single_line_is_a_read_error_in_bounded_memory(tmp_path: Path,
                                                                 engine: str) -> None:
    if engine == "pyarrow" and not columnar.available():
        pytest.skip("needs pyarrow")
    path = tmp_path / "line.csv"
    with path.open("w", encoding="ascii") as out:
        out.write("indicator,entity," + "x" * (200 << 20))
    out_text = _run_limited(path, engine, _LIMIT[engine])
    assert "ReadError" in out_text and "a line of more than" in out_text


@pytest.mark.slow
@pytest.mark.parametrize("engine", ["python", "pyarrow"])
def test_a_200_mb_header_of_short_columns_is_a_read_error_in_bounded_memory(
        tmp_path: Path, engine: str) -> None:
    if engine == "pyarrow" and not columnar.available():
        pytest.skip("needs pyarrow")
    path = tmp_path / "header.csv"
    with path.open("w", encoding="ascii") as out:
        out.write("c," * (100 << 20) + "\n" + rows(1))
    out_text = _run_limited(path, engine, _LIMIT[engine])
    assert "ReadError" in out_text and "a line of more than" in out_text


@pytest.mark.slow
@pytest.mark.parametrize("engine", ["python", "pyarrow"])
def test_a_million_column_header_is_a_read_error_in_bounded_memory(tmp_path: Path,
                                                                   engine: str) -> None:
    if engine == "pyarrow" and not columnar.available():
        pytest.skip("needs pyarrow")
    path = tmp_path / "columns.csv"
    path.write_text(",".join("c" for _ in range(1_000_000)) + "\n" + rows(1), encoding="ascii")
    out_text = _run_limited(path, engine, _LIMIT[engine])
    assert "ReadError" in out_text and "the header has 1,000,000 columns" in out_text


# -- a row with text in it is never "not filled" ----------------------------------------------


@pytest.mark.parametrize("engine", ["python", "pyarrow"])
@pytest.mark.parametrize("line", ["T1.A.1|c1|commune|Q1/2025|70|100||||",
                                  "T1.A.1 c1 commune Q1/2025 70 100", "a stray line of text"])
def test_a_row_whose_text_names_no_figure_is_an_error_not_a_row_left_unfilled(
        tmp_path: Path, registry: pr.Registry, engine: str, line: str) -> None:
    if engine == "pyarrow":
        pytest.importorskip("pyarrow")
    path = write(tmp_path, HEADER + line + "\n" + rows(3))
    result = pr.read_observations(path, registry=registry, engine=engine)
    assert ("missing_field", 2, "entity", "error") in named(result)
    assert "not_filled" not in {i.code for i in result.issues}
    assert [o.row for o in result.observations] == [3]


def test_validate_exits_1_on_a_row_saved_with_pipes(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], registry: pr.Registry,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cli, "load_registry", lambda strict=None: registry)
    path = write(tmp_path, HEADER + "T1.A.1|c1|commune|Q1/2025|70|100||||\n")
    assert cli.main(["validate", str(path)]) == 1


def test_a_row_of_the_template_left_unfilled_is_still_a_warning(
        tmp_path: Path, registry: pr.Registry) -> None:
    result = read(write(tmp_path, HEADER + "T1.A.1,c1,commune,Q1/2025,,,,,,\n"), registry)
    assert named(result) == [("not_filled", 2, "value", "warning")]
