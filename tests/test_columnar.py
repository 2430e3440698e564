"""The pyarrow reader gives exactly what the pure reader gives.

Hypothesis writes figures files as people save them and as they damage them (Vietnamese
numbers and headers, unknown and lower-case codes, duplicate rows, blank rows, byte-order
marks, semicolons, tabs, CRLF, quoting, formulas, huge numbers, ragged rows, other
encodings); ``plan_rules.columnar.read_observations`` must return a ReadResult equal to the
pure reader's, and the reports evaluated from both must be equal. Files pyarrow cannot read
exactly as the pure reader does are handed to the pure reader whole.
"""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from collections.abc import Callable
from datetime import date
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

import plan_rules as pr
from plan_rules import cli, readers, strategies
from plan_rules.numbers import format_percent
from plan_rules.readers import columnar
from test_figures_readers import columns

needs_pyarrow = pytest.mark.skipif(not columnar.available(),
                                   reason="pyarrow is not installed (the columnar extra)")

HEADER = ["indicator", "entity", "level", "period", "numerator", "denominator", "value",
          "reported_on", "source", "note"]

CLEAN = (
    "indicator,entity,level,period,numerator,denominator,value,reported_on,source,note\n"
    "T1.A.1,xa-a,commune,Q1/2025,65,100,,,,\n"
    "T1.A.1,xa-b,commune,Q1/2025,40,100,,,,\n"
    "T1.A.2,xa-a,commune,Q1/2025,7,8,,,,\n"
    "T1.A.3,tinh,province,Q1/2025,,,130,,,\n"
    "T1.A.4,tinh,province,Q1/2025,,,done,,QĐ 12/QĐ-UBND,\n"
    "T1.A.1,xa-c,,2025,1,3,,,,\n"
)


def both(path: Path, registry: pr.Registry, **kwargs: Any) -> pr.ReadResult | None:
    """Read with both readers; assert the results are equal, field by field (or that both
    raise the same error: None)."""
    try:
        pure = readers.read_observations(path, registry=registry, **kwargs)
    except Exception as exc:
        with pytest.raises(type(exc)) as info:
            columnar.read_observations(path, registry=registry, **kwargs)
        assert str(info.value) == str(exc)
        return None
    fast = columnar.read_observations(path, registry=registry, **kwargs)
    assert fast.issues == pure.issues
    assert fast.observations == pure.observations
    assert columns(fast.figures) == columns(pure.figures)  # code for code
    assert (fast.rows, fast.blank_rows, fast.unaccounted) == (
        pure.rows, pure.blank_rows, pure.unaccounted)
    assert fast == pure
    return pure


def parsed_by_pyarrow(path: Path, registry: pr.Registry) -> bool:
    """Whether the columnar reader parses the file itself rather than handing it over."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pacsv

    return columnar._parse(path, registry, pa, pc, pacsv) is not None


def report_dict(read: pr.ReadResult, registry: pr.Registry) -> dict[str, Any]:
    report = pr.evaluate(read.observations, registry=registry, issues=read.issues,
                         as_of=date(2025, 12, 31))
    return report.to_dict()


# -- without pyarrow --------------------------------------------------------------------------


def test_importing_plan_rules_does_not_import_pyarrow() -> None:
    code = ("import sys, plan_rules, plan_rules.columnar; "
            "assert 'pyarrow' not in sys.modules, 'pyarrow was imported'")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_without_pyarrow_the_error_names_the_extra(monkeypatch: pytest.MonkeyPatch,
                                                   tmp_path: Path,
                                                   registry: pr.Registry) -> None:
    path = tmp_path / "figures.csv"
    path.write_text(CLEAN, encoding="utf-8")
    for name in ("pyarrow", "pyarrow.compute", "pyarrow.csv"):
        monkeypatch.setitem(sys.modules, name, None)  # None: "import pyarrow" fails
    assert not columnar.available()
    with pytest.raises(ImportError, match=r"pip install 'plan-rules\[columnar\]'") as info:
        columnar.read_observations(path, registry=registry)
    assert info.value.name == "pyarrow"
    with pytest.raises(ImportError, match=r"plan-rules\[columnar\]"):
        pr.read_observations(path, registry=registry, engine="pyarrow")
    # The pure reader needs nothing.
    assert len(pr.read_observations(path, registry=registry).observations) == 6


def test_an_unknown_engine_is_refused(tmp_path: Path, registry: pr.Registry) -> None:
    path = tmp_path / "figures.csv"
    path.write_text(CLEAN, encoding="utf-8")
    with pytest.raises(ValueError, match="engine"):
        pr.read_observations(path, registry=registry, engine="polars")


# -- examples ---------------------------------------------------------------------------------


@needs_pyarrow
def test_the_shipped_example_reads_and_evaluates_the_same() -> None:
    example = Path(__file__).parent.parent / "examples" / "hung-yen-2025"
    registry = pr.load_registry()
    read = both(example / "figures.csv", registry)
    assert read is not None
    assert parsed_by_pyarrow(example / "figures.csv", registry)
    entities = pr.read_entities(example / "entities.csv").entities
    reports = [pr.evaluate(r.observations, registry=registry, entities=entities,
                           issues=r.issues, as_of=date(2025, 12, 31)).to_dict()
               for r in (read, columnar.read_observations(example / "figures.csv",
                                                          registry=registry))]
    assert reports[0] == reports[1]


@needs_pyarrow
def test_plain_counts_take_the_shortcut_and_the_rest_the_row_parser(
        tmp_path: Path, registry: pr.Registry) -> None:
    path = tmp_path / "figures.csv"
    path.write_text(CLEAN, encoding="utf-8")
    read = both(path, registry)
    assert read is not None
    assert parsed_by_pyarrow(path, registry)
    assert [o.row for o in read.observations] == [2, 3, 4, 5, 6, 7]
    assert read.observations[5].period == pr.Period.parse("2025")
    assert read.observations[5].level is None
    assert read.observations[3].value == 130


@needs_pyarrow
def test_pyarrow_and_plain_engine_agree_through_the_public_api(
        tmp_path: Path, registry: pr.Registry) -> None:
    path = tmp_path / "figures.csv"
    path.write_text(CLEAN, encoding="utf-8")
    assert (pr.read_observations(path, registry=registry, engine="pyarrow")
            == pr.read_observations(path, registry=registry))


ROW = "T1.A.1,xa-a,commune,Q1/2025,65,100,,,,"

#: (name, file bytes, whether pyarrow parses it itself).
FILES: list[tuple[str, bytes, bool]] = [
    ("byte-order mark", ("\ufeff" + CLEAN).encode(), True),
    ("crlf", CLEAN.replace("\n", "\r\n").encode(), True),
    ("semicolons, Vietnamese headers and numbers", (
        "Chỉ tiêu;Đơn vị;Cấp;Kỳ báo cáo;Tử số;Mẫu số;Giá trị;Ngày báo cáo;Nguồn;Ghi chú\n"
        "T1.A.1;c1;Cấp xã;Quý I/2025;1.234;2.000;;10/04/2025;;\n"
        "T1.A.1;c2;commune;Q1/2025;412;700;;;;\n"
        "T1.A.2;hy;tỉnh;Quý IV/2025;;;87,5%;31/12/2025;;\n"
        "T1.A.2;hy;province;Q4/2025;;;0,95;;;\n").encode(), True),
    ("tabs", CLEAN.replace(",", "\t").encode(), True),
    ("blank lines and blank rows", (
        CLEAN.replace("\nT1.A.2", "\n\n,,,,,,,,,\n  , ,,,,,,,,\nT1.A.2") + "\n\n\n").encode(),
     True),
    ("blank lines, crlf", (CLEAN.replace("\n", "\r\n") + "\r\n\r\n").encode(), True),
    ("no newline at the end", CLEAN.rstrip("\n").encode(), True),
    ("quoted cells", (
        '"indicator","entity","level","period","numerator","denominator","value",'
        '"reported_on","source","note"\n'
        '"T1.A.1","xa-a","commune","Q1/2025","65","100","","","",""\n'
        'T1.A.2,xa-a,commune,Q1/2025,,,"87,5%",,"QĐ ""12"", 2025",\n').encode(), True),
    ("a quoted line break", (CLEAN + 'T1.A.1,xa-d,commune,Q1/2025,1,2,,,"two\nlines",\n'
                             + ROW + "\n").encode(), False),
    ("a quote inside a cell", (CLEAN + 'T1.A.1,xa"d,commune,Q1/2025,1,2,,,,\n').encode(),
     False),
    ("text after a closing quote", (CLEAN + '"T1.A.1"x,xa-d,commune,Q1/2025,1,2,,,,\n')
     .encode(), False),
    ("an unclosed quote", (CLEAN + '"T1.A.1,xa-d,commune,Q1/2025,1,2,,,,\n').encode(), False),
    ("a row with more cells", (CLEAN + ROW + ",extra\n" + ROW + "\n").encode(), False),
    ("a row with fewer cells", (CLEAN + "T1.A.1,xa-a,commune\n" + ROW + "\n").encode(),
     False),
    ("a split decimal comma", (CLEAN + "T1.A.2,hy,province,Q1/2025,,,87,5,,,\n").encode(),
     False),
    ("a bare carriage return", (CLEAN + ROW + "\r" + ROW + "\n").encode(), False),
    ("a bare carriage return in quotes", (CLEAN + '"T1.A.1\r",xa,commune,Q1/2025,1,2,,,,\n')
     .encode(), False),
    ("Windows-1258", CLEAN.encode("cp1258"), False),
    ("UTF-16", CLEAN.encode("utf-16"), False),
    ("a NUL byte", (CLEAN + "T1.A.1,xa\x00,commune,Q1/2025,1,2,,,,\n").encode(), False),
    ("a sep= line", ("sep=;\n" + CLEAN.replace(",", ";")).encode(), False),
    ("a blank first line", ("\n" + CLEAN).encode(), False),
    ("header only", CLEAN.splitlines(keepends=True)[0].encode(), False),
    ("header and a blank line", (CLEAN.splitlines(keepends=True)[0] + "\n").encode(), True),
    ("an empty header cell at the end", CLEAN.replace("\n", ",\n").encode(), True),
    ("a cell beyond Python's csv field limit", (CLEAN + ROW.replace(",,,", f",,{'x' * 140_000},")
                                                + "\n").encode(), False),
    ("a byte-order mark starting the second line", (
        CLEAN.replace("\nT1.A.1,xa-a", "\n\ufeffT1.A.1,xa-a")).encode(), False),
    ("a byte-order mark alone on the second line", (
        CLEAN.replace("\nT1.A.1,xa-a", "\n\ufeff\nT1.A.1,xa-a")).encode(), False),
    ("a byte-order mark on a later line", (CLEAN + "\ufeff" + ROW + "\n").encode(), True),
    ("a header cell beyond it", (CLEAN.replace("note", "n" * 140_000)).encode(), False),
    ("empty", b"", False),
    ("no period column", CLEAN.replace("period", "when").encode(), False),
    ("unknown, repeated and explanatory columns", (
        "indicator,entity,indicator_name,level,period,numerator,indicator_name,denominator,junk\n"
        "T1.A.1,xa-a,Tỷ lệ,commune,Q1/2025,65,66,100,x\n"
        "T1.A.1,xa-b,,commune,Q1/2025,1,,2,\n").encode(), True),
    ("a field given twice", (
        "indicator,entity,level,period,numerator,tử số,denominator\n"
        "T1.A.1,xa-a,commune,Q1/2025,65,66,100\n").encode(), False),
    ("no level, value, source or note column", (
        b"indicator,entity,period,numerator,denominator\n"
        b"T1.A.1,xa-a,Q1/2025,65,100\nT1.A.1,xa-b,Q2/2025,66,100\n"), True),
    ("what the shortcut leaves to the row parser", (
        CLEAN
        + "t1.a.1,xa-a,commune,Q1/2025,1,2,,,,\n"  # a code in another case
        + "T1.A.1, xa-a,commune,Q1/2025,1,2,,,,\n"  # a space before the entity
        + "T1.A.1,xã-a,commune,Q1/2025,1,2,,,,\n"  # a non-ASCII entity
        + "T1.A.1,xa-a,Cấp xã,Q1/2025,1,2,,,,\n"  # a level alias
        + "T1.A.1,xa-a,Commune,Q1/2025,1,2,,,,\n"
        + "T1.A.1,xa-a,district,Q5/2025,1,2,,,,\n"  # no such quarter
        + "T1.A.1,xa-a,commune, Q1/2025 ,1,2,,,,\n"  # spaces the period parser ignores
        + "T1.A.1,xa-a,commune,Q1/2025, 65,100,,,,\n"
        + "T1.A.1,xa-a,commune,Q1/2025,1.234,2.000,,,,\n"
        + "T1.A.1,xa-a,commune,Q1/2025,-5,10,,,,\n"
        + "T1.A.1,xa-a,commune,Q1/2025,=1+1,10,,,,\n"
        + "T1.A.1,xa-a,commune,Q1/2025,١٢,10,,,,\n"  # digits, but not ASCII ones
        + f"T1.A.1,xa-a,commune,Q1/2025,{'9' * 19},{'9' * 19},,,,\n"
        + f"T1.A.1,xa-a,commune,Q1/2025,{'9' * 400},1,,,,\n"
        + "T1.A.1,xa-a,commune,Q1/2025,007,0,,,,\n"
        + "T1.A.1,xa-a,commune,Q1/2025,1,2, ,,,\n"  # a space in value
        + "T1.A.1,xa-a,commune,Q1/2025,1,2,,2025-04-05,,\n"
        + "T1.A.3,tinh,province,Q1/2025,1,2,,,,\n"  # counts for a count indicator
        + "X.Y,xa-a,commune,Q1/2025,1,2,,,,\n"  # an unknown code
        + "T1.A.1,,commune,Q1/2025,1,2,,,,\n"
        + "T1.A.1,xa-a,commune,,1,2,,,,\n"
        + "T1.A.1,xa-a,commune,Q1/2025,,,,,,\n"
        + CLEAN.splitlines()[1] + "\n").encode(), True),  # a duplicate
]


@needs_pyarrow
@pytest.mark.parametrize(("name", "content", "by_pyarrow"), FILES, ids=[f[0] for f in FILES])
def test_files_read_the_same_either_way(tmp_path: Path, registry: pr.Registry, name: str,
                                        content: bytes, by_pyarrow: bool) -> None:
    path = tmp_path / "figures.csv"
    path.write_bytes(content)
    read = both(path, registry)
    assert parsed_by_pyarrow(path, registry) is by_pyarrow
    if read is not None:  # else both raised the same error
        assert report_dict(read, registry) == report_dict(
            columnar.read_observations(path, registry=registry), registry)


@needs_pyarrow
def test_many_blocks_and_chunks_read_the_same(monkeypatch: pytest.MonkeyPatch,
                                              tmp_path: Path, registry: pr.Registry) -> None:
    # pyarrow parses blocks of 4 KiB in parallel, each with its own dictionaries, and rows
    # are assembled 7 at a time: block starts must not lose a byte-order mark, positions
    # must carry over.
    monkeypatch.setattr(columnar, "_BLOCK", 1 << 12)
    monkeypatch.setattr(columnar, "_CHUNK", 7)
    lines = [",".join(HEADER)]
    for n in range(3000):
        lines.append(("\ufeff" if n % 5 == 1 else "")
                     + f"T1.A.{1 + n % 3},xa-{n % 97},commune,{1 + n % 12:02d}/2025,"
                       f"{n % 11},{n % 13},,,,")
        if n % 101 == 0:
            lines.append("")
    path = tmp_path / "figures.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert parsed_by_pyarrow(path, registry)
    read = both(path, registry)
    assert read is not None and read.blank_rows == 30 and len(read.observations) > 1000


@needs_pyarrow
@pytest.mark.parametrize("suffix", [".json", ".tsv", ".txt", ".xlsx"])
def test_other_suffixes_read_the_same(tmp_path: Path, registry: pr.Registry,
                                      suffix: str) -> None:
    path = tmp_path / f"figures{suffix}"
    if suffix == ".json":
        path.write_text('[{"indicator": "T1.A.1", "entity": "xa-a", "period": "Q1/2025", '
                        '"numerator": 1, "denominator": 2}]', encoding="utf-8")
    elif suffix == ".xlsx":
        pytest.importorskip("openpyxl")
        from openpyxl import Workbook

        book = Workbook()
        sheet = book.active
        assert sheet is not None
        for line in CLEAN.splitlines():
            sheet.append(line.split(","))
        book.save(path)
    else:
        path.write_text(CLEAN.replace(",", "\t"), encoding="utf-8")
    both(path, registry)


@needs_pyarrow
def test_a_missing_file_is_the_same_read_error(tmp_path: Path, registry: pr.Registry) -> None:
    path = tmp_path / "absent.csv"
    with pytest.raises(pr.ReadError) as pure:
        readers.read_observations(path, registry=registry)
    with pytest.raises(pr.ReadError) as fast:
        columnar.read_observations(path, registry=registry)
    assert str(fast.value) == str(pure.value)


@needs_pyarrow
def test_progress_is_reported_at_the_same_rows(tmp_path: Path, registry: pr.Registry) -> None:
    lines = [",".join(HEADER)]
    for n in range(23_000):
        if n % 997 == 5:
            lines.append("")  # blank lines shift the rows that progress names
        if n % 3001 == 7:
            lines.append(",,,,,,,,,")
        kind = n % 50
        if kind == 0:
            lines.append(f"T1.A.3,tinh{n},province,Q1/2025,,,{n},,,")
        else:
            lines.append(f"T1.A.1,xa-{n % 700},commune,{1 + n % 12:02d}/2025,{n % 90},90,,,,")
    path = tmp_path / "figures.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    calls: dict[str, list[tuple[int, int]]] = {"pure": [], "fast": []}

    def recorder(name: str) -> Callable[[int, int], None]:
        return lambda done, total: calls[name].append((done, total))

    pure = readers.read_observations(path, registry=registry, progress=recorder("pure"))
    fast = columnar.read_observations(path, registry=registry, progress=recorder("fast"))
    assert fast == pure
    assert parsed_by_pyarrow(path, registry)
    assert len(calls["pure"]) > 4
    assert calls["fast"] == calls["pure"]


@needs_pyarrow
def test_the_command_line_reads_with_pyarrow_when_asked(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    example = Path(__file__).parent.parent / "examples" / "hung-yen-2025"
    outputs = []
    for extra in ([], ["--engine", "pyarrow"]):
        code = cli.main(["evaluate", str(example), "--as-of", "2025-12-31", "--format",
                         "json", "--lang", "en", *extra])
        outputs.append((code, capsys.readouterr().out))
    assert outputs[0][0] == outputs[1][0]
    assert outputs[0][1] == outputs[1][1]
    assert cli.main(["validate", str(example), "--engine", "pyarrow", "--lang", "en"]) in (0, 1)


# -- property: any file, the same result ----------------------------------------------------

CODES = st.sampled_from(["T1.A.1", "T1.A.2", "T1.A.3", "T1.A.4", "t1.a.1", "T1.A.1 ", "X.Y",
                         ""])
ENTITIES = st.sampled_from(["xa-a", "xa-b", "tinh", "xã-á", " xa-a", "xa a", "XA-A", ""])
LEVELS = st.sampled_from(["commune", "province", "district", "department", "", "Cấp xã",
                          "COMMUNE", "tỉnh", "ward"])
PERIODS = st.sampled_from(["Q1/2025", "Q2/2025", "T6/2025", "06/2025", "2025", "Quý III/2025",
                           "6 tháng đầu năm 2025", " Q1/2025", "Q5/2025", "31/02/2025", "",
                           "2025-01-01/2025-09-30", "46022"])
COUNTS = st.one_of(
    st.integers(0, 10_000).map(str),
    st.sampled_from(["0", "007", "1.234", "1,234", "-5", " 65", "65 ", "", "=1+1", "9" * 18,
                     "9" * 19, "9" * 400, "1e3", "nan", "١٢", "²"]))
VALUES = st.sampled_from(["", "87,5%", "87.5%", "0,95", "130", "1.234", "done", "chưa",
                          "Hoàn thành", "x", "-1", "inf", "@SUM(A1)", " "])
DATES = st.sampled_from(["", "05/04/2025", "2025-04-05", "31/02/2025", "46022",
                         "ngày 31 tháng 12 năm 2025"])
SOURCES = st.sampled_from(["", "", "", "", "", "QĐ 12/QĐ-UBND", "a, b", 'say "hi"', "=cmd"])
NASTY = st.sampled_from(["", " ", "\ufeff", "\t", "a;b", "a,b", '"', "\x00", "\r", "\n",
                         "9" * 40, "Cấp xã"])


@st.composite
def _hostile_row(draw: st.DrawFn) -> list[str]:
    row = [draw(CODES), draw(ENTITIES), draw(LEVELS), draw(PERIODS), draw(COUNTS),
           draw(COUNTS), draw(VALUES), draw(DATES), draw(SOURCES), draw(SOURCES)]
    if draw(st.integers(0, 19)) == 0:
        row[draw(st.integers(0, 9))] = draw(NASTY)
    return row


def _value_text(value: Fraction, kind: pr.Kind) -> str:
    if kind is pr.Kind.MILESTONE:
        return "hoàn thành" if value else "chưa"
    if kind is pr.Kind.RATE:
        return format_percent(value, digits=3, lang="vi")
    return str(value.numerator) if value.denominator == 1 else f"{float(value):.2f}"


@st.composite
def _valid_rows(draw: st.DrawFn, registry: pr.Registry) -> list[list[str]]:
    """Observations drawn by plan_rules.strategies, as rows."""
    rows = []
    for o in draw(strategies.observations_for(registry, clean=False, max_size=12)):
        kind = registry.indicators[o.indicator].kind
        rows.append([o.indicator, o.entity, o.level or "", o.period.label,
                     "" if o.numerator is None else str(o.numerator),
                     "" if o.denominator is None else str(o.denominator),
                     "" if o.value is None else _value_text(o.value, kind), "", "", ""])
    return rows


def _render(draw: st.DrawFn, header: list[str], rows: list[list[str]]) -> bytes:
    delimiter = draw(st.sampled_from([",", ";", "\t"]))
    quoting = draw(st.sampled_from(["minimal", "minimal", "all", "none"]))
    out = io.StringIO()
    if quoting == "none":  # joined as they are: a cell holding the delimiter makes it ragged
        for row in [header, *rows]:
            out.write(delimiter.join(row) + "\n")
    else:
        writer = csv.writer(out, delimiter=delimiter, lineterminator="\n",
                            quoting=csv.QUOTE_ALL if quoting == "all" else csv.QUOTE_MINIMAL)
        writer.writerows([header, *rows])
    lines = out.getvalue().split("\n")
    for _ in range(draw(st.integers(0, 3))):  # blank lines anywhere after the header
        blank = draw(st.sampled_from(["", "", "", "", delimiter * 9, " "]))
        lines.insert(draw(st.integers(1, len(lines))), blank)
    text = "\n".join(lines)
    if draw(st.booleans()):
        text = text.replace("\n", "\r\n")
    if draw(st.booleans()):
        text = "\ufeff" + text
    encoding = draw(st.sampled_from(["utf-8"] * 18 + ["cp1258", "utf-16"]))
    return text.encode(encoding, errors="replace")


@st.composite
def figures_files(draw: st.DrawFn, registry: pr.Registry) -> bytes:
    rows = draw(_valid_rows(registry)) + draw(st.lists(_hostile_row(), min_size=1,
                                                          max_size=12))
    rows = draw(st.permutations(rows))
    if rows and draw(st.booleans()):
        rows.append(list(draw(st.sampled_from(rows))))  # a duplicate
    header = list(HEADER)
    if draw(st.booleans()):
        header = ["Chỉ tiêu", "Đơn vị", "Cấp", "Kỳ báo cáo", "Tử số", "Mẫu số", "Giá trị",
                  "Ngày báo cáo", "Nguồn", "Ghi chú"]
    order = draw(st.permutations(range(len(header))))
    if draw(st.integers(0, 4)) == 0:  # a column dropped (a required one, rarely), or one added
        order = ([i for i in order if i != draw(st.sampled_from([2, 4, 6, 7, 8, 9, 9, 0]))]
                 if draw(st.booleans()) else [*order, 0])
    return _render(draw, [header[i] for i in order],
                   [[row[i] for i in order] for row in rows])


@needs_pyarrow
@settings(max_examples=50, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_any_figures_file_reads_and_evaluates_the_same(tmp_path: Path, registry: pr.Registry,
                                                        data: st.DataObject) -> None:
    path = tmp_path / "figures.csv"
    path.write_bytes(data.draw(figures_files(registry)))
    event("parsed by pyarrow" if parsed_by_pyarrow(path, registry) else "handed over")
    read = both(path, registry)
    if read is None:
        event("both readers raised the same error")
        return
    assert report_dict(read, registry) == report_dict(
        columnar.read_observations(path, registry=registry), registry)


@needs_pyarrow
@settings(max_examples=50, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cells=st.lists(st.lists(NASTY | COUNTS | VALUES, min_size=1, max_size=12),
                      min_size=1, max_size=8),
       separator=st.sampled_from([",", ";", "\t"]))
def test_hostile_cells_read_the_same(tmp_path: Path, registry: pr.Registry,
                                     cells: list[list[str]], separator: str) -> None:
    lines = [separator.join(HEADER)] + [separator.join(row) for row in cells]
    path = tmp_path / "hostile.csv"
    path.write_bytes("\n".join(lines).encode("utf-8"))
    both(path, registry)


@needs_pyarrow
@settings(max_examples=50, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=600))
def test_random_bytes_read_the_same(tmp_path: Path, registry: pr.Registry,
                                    data: bytes) -> None:
    path = tmp_path / "random.csv"
    path.write_bytes(CLEAN.encode() + data)
    both(path, registry)
