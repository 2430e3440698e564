"""Every physical row of a hostile CSV file is an observation the report uses or a row an
issue names, counted from the row numbers the generator wrote.

The generator writes the file itself, record by record, and keeps the number of the physical
line each record starts on (a quoted cell may span lines; ``\\x85``, ``\\u2028`` and other
characters that are not CSV line breaks do not end one). The count does not ask the library
which rows it read: a row is accounted for when an issue of the report names it (listed in
full, or inside the row ranges of a summary past ``max_issues``), or when a finding cites the
observation read from it. Rows of nothing but blanks give nothing and need no account.
Both CSV engines are held to it.
"""

from __future__ import annotations

import importlib.util
import os
import re
from collections.abc import Sequence
from datetime import date
from pathlib import Path

import attrs
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

import plan_rules as pr
from plan_rules import _arrow
from plan_rules.figures import FigureTable

AS_OF = date(2025, 12, 31)
COLUMNS = ("indicator", "entity", "level", "period", "numerator", "denominator", "value",
           "reported_on", "source", "note")
ENGINES = ["python"] + (["pyarrow"] if importlib.util.find_spec("pyarrow") else [])
#: What ends a physical line of a CSV file, and nothing else does.
_BREAK = re.compile(r"\r\n|\r|\n")


@attrs.frozen
class Raw:
    """A line written as it is, not through a CSV writer (a row of another separator)."""

    text: str


@attrs.frozen
class Open:
    """A row whose last cell opens a quote that its line never closes (written with the
    file's own separator)."""

    cells: tuple[str, ...]


Row = list[str] | Raw | Open


@attrs.frozen
class Written:
    """A file as the generator wrote it: its bytes and where each record starts."""

    data: bytes
    header: int  # the header's line
    records: tuple[int, ...]  # the first physical line of each record that gives something
    blank: tuple[int, ...]  # records of nothing but blanks


def _cell(text: str, delimiter: str) -> str:
    """A cell as CSV writes it: quoted when it holds the delimiter, a quote or a line break
    (any line break: Python's CSV writer quotes only those of its own line terminator)."""
    if any(c in text for c in (delimiter, '"', "\r", "\n")):
        return '"' + text.replace('"', '""') + '"'
    return text


def write_csv(rows: Sequence[Row], *, order: Sequence[str] = COLUMNS, delimiter: str = ",",
              newline: str = "\n", encoding: str = "utf-8", hint: bool = False) -> Written:
    """Write ``rows`` under a header of ``order`` and number their physical lines."""
    parts = [f"sep={delimiter}{newline}"] if hint else []
    header = len(parts) + 1
    parts.append(delimiter.join(_cell(c, delimiter) for c in order) + newline)
    line = header + 1
    records: list[int] = []
    blank: list[int] = []
    for row in rows:
        if isinstance(row, Raw):
            cells, text = [row.text], row.text
        elif isinstance(row, Open):
            cells = list(row.cells)
            text = delimiter.join(_cell(c, delimiter) for c in cells[:-1]) + delimiter + '"'
            text += cells[-1]
        else:
            cells, text = row, delimiter.join(_cell(c, delimiter) for c in row)
        text += newline
        parts.append(text)
        (blank if "".join(cells).strip() == "" else records).append(line)
        line += len(_BREAK.findall(text))
    return Written(data="".join(parts).encode(encoding), header=header,
                   records=tuple(records), blank=tuple(blank))


def cited(report: pr.Report) -> set[int]:
    """Positions of the observations that findings cite: used, set aside or excluded."""
    out: set[int] = set()
    for f in report.findings:
        out.update(f.observations)
        for key in ("excluded", "history"):
            out.update(f.details.get(key, ()))
        for e in f.entities:
            out.update(e.observations)
    return out


def unaccounted(written: Written, file: str, report: pr.Report) -> list[int]:
    """The records the generator wrote that the report neither uses nor names.

    An error on the file as a whole (no row, or the header's) refuses every row, and says so:
    it names them all."""
    if any(i.file == file and i.severity == "error" and (i.row is None or i.row <= written.header)
           for i in report.issues):
        return []
    named = {i.row for i in report.issues if i.file == file and i.row is not None}
    used = {report.source(i)[1] for i in cited(report) if report.source(i)[0] == file}
    return [r for r in written.records if r not in named and r not in used
            and not any(s.names_row(file, r) for s in report.issue_summaries)]


def evaluate(path: Path, registry: pr.Registry, engine: str, max_issues: int) -> pr.Report:
    read = pr.read_observations(path, registry=registry, engine=engine)
    return pr.evaluate(read.observations, registry=registry, issues=read.issues, as_of=AS_OF,
                       max_issues=max_issues)


# -- the generator ------------------------------------------------------------------------

GOOD = st.one_of(
    st.builds(lambda e, q, d, n: ["T1.A.1", e, "commune", f"Q{q}/2025", str(min(n, d)), str(d),
                                  "", "", "", ""],
              st.sampled_from(["xa-a", "xa-b", "Xã Tân Hưng"]), st.integers(1, 4),
              st.integers(0, 200), st.integers(0, 200)),
    st.just(["T1.A.2", "tinh", "province", "T6/2025", "", "", "87,5%", "", "", ""]),
    st.just(["T1.A.3", "tinh", "province", "Q4/2025", "", "", "131", "", "", ""]),
    st.just(["T1.A.4", "tinh", "province", "2025", "", "", "done", "", "QĐ 12/QĐ-UBND", ""]),
)
NASTY = st.sampled_from([
    "", " ", "nan", "inf", "1e309", "1e99999999", "9" * 400, "-5", "=1+1", "+cmd", "@SUM(A1)",
    "87,5%", "1.234,5", "Q5/2025", "Q1/2027", "T13/2025", "31/02/2025", "\x00", "\ufeff",
    "done", "chưa", "Cấp xã", '"', 'a"b', "a;b", "a,b", "\t", "\r", "\n", "line\nbreak",
    "\r\n", "\x85", "\u2028", "\x1c", "\x1b[2J", "0/0", "T1.A.9", "t1.a.1", "district",
])


def _nasty_row(cells: list[str], good: list[str], swap: list[tuple[int, int]]) -> list[str]:
    row = list(good)
    for at, pick in swap:
        row[at % len(row)] = cells[pick % len(cells)]
    return row


HOSTILE = st.builds(_nasty_row, st.lists(NASTY, min_size=1, max_size=4), GOOD,
                    st.lists(st.tuples(st.integers(0, 9), st.integers(0, 3)), max_size=4))
RAGGED = st.builds(lambda row, n: row[:n] if n < len(row) else row + ["x"] * (n - len(row)),
                   GOOD, st.integers(0, 14))
NOTE = st.builds(lambda row, note: [*row[:9], note], GOOD,
                 st.sampled_from(["dòng một\ndòng hai", "a\r\nb\r\nc", "x\ry", "\n\n"]))
OTHER_SEPARATOR = st.builds(lambda row, sep: Raw(sep.join(row)), GOOD, st.sampled_from([";", "\t"]))
OPEN = st.builds(lambda row, note: Open((*row[:9], note)), GOOD,
                 st.sampled_from(["x", "ghi chú chưa đóng", ""]))
BLANK = st.sampled_from([[], [""] * 10, [" "] * 10, ["\t", " "]])
ROW = st.one_of(GOOD, GOOD, HOSTILE, HOSTILE, RAGGED, NOTE, OTHER_SEPARATOR, OPEN, BLANK)


@st.composite
def files(draw: st.DrawFn) -> tuple[list[Row], dict[str, object]]:
    rows: list[Row] = draw(st.lists(ROW, max_size=25))
    burst: bool = draw(st.booleans())
    # A burst of one figure repeated: enough duplicates to pass a small max_issues.
    if rows and burst:
        copy = draw(st.sampled_from(rows))
        rows += [copy] * draw(st.integers(1, 30))
        rows = draw(st.permutations(rows))
    options: dict[str, object] = {
        "order": draw(st.permutations(COLUMNS)),
        "delimiter": draw(st.sampled_from([",", ";", "\t"])),
        "newline": draw(st.sampled_from(["\n", "\r\n", "\r"])),
        "encoding": draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16"])),
        "hint": draw(st.booleans()),
    }
    return rows, options


def _reorder(rows: Sequence[Row], order: Sequence[str]) -> list[Row]:
    """Rows written in the generator's column order (a permuted header)."""
    at = [COLUMNS.index(c) for c in order]
    return [Open(tuple(r.cells[i] for i in at)) if isinstance(r, Open) else
            r if isinstance(r, Raw) or len(r) != len(COLUMNS) else [r[i] for i in at]
            for r in rows]


#: Examples per run: 50 in CI; ``ROWS_EXAMPLES=2000 pytest tests/test_rows_accounted.py`` for a
#: longer search by hand.
PROPERTY = settings(max_examples=int(os.environ.get("ROWS_EXAMPLES", "50")), deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow])


@PROPERTY
@pytest.mark.parametrize("engine", ENGINES)
@given(generated=files(), max_issues=st.sampled_from([1, 2, 3, 100]))
def test_every_row_of_a_hostile_csv_file_is_used_or_named(
        registry: pr.Registry, tmp_path: Path, engine: str,
        generated: tuple[list[Row], dict[str, object]], max_issues: int) -> None:
    rows, options = generated
    order = options["order"]
    assert isinstance(order, list | tuple)
    written = write_csv(_reorder(rows, order), **options)  # type: ignore[arg-type]
    path = tmp_path / "hostile.csv"
    path.write_bytes(written.data)
    report = evaluate(path, registry, engine, max_issues)
    event("issues summarised" if report.issue_summaries else "issues all listed")
    assert unaccounted(written, str(path), report) == []


# -- the harness itself -------------------------------------------------------------------

BURST = [["T1.A.1", "xa-a", "commune", "Q1/2025", "65", "100", "", "", "", ""]] * 30


@pytest.mark.parametrize("engine", ENGINES)
def test_rows_named_only_inside_a_summary_count_as_named(registry: pr.Registry,
                                                         tmp_path: Path, engine: str) -> None:
    written = write_csv(BURST)
    path = tmp_path / "burst.csv"
    path.write_bytes(written.data)
    report = evaluate(path, registry, engine, max_issues=2)
    listed = {i.row for i in report.issues}
    only_in_summary = [r for r in written.records if r not in listed]
    assert report.issue_summaries and len(only_in_summary) == 28
    assert unaccounted(written, str(path), report) == []


def test_the_harness_finds_a_row_that_nothing_names(registry: pr.Registry,
                                                    tmp_path: Path) -> None:
    written = write_csv(BURST)
    path = tmp_path / "burst.csv"
    path.write_bytes(written.data)
    report = evaluate(path, registry, "python", max_issues=2)
    (summary,) = report.issue_summaries
    # Rows 2 to 30 are duplicates of row 31: 2 and 3 listed, 4 to 30 in the summary.
    dropped = attrs.evolve(report, issues=report.issues[1:],
                           issue_summaries=(attrs.evolve(summary, rows=()),))
    assert unaccounted(written, str(path), dropped) == [2, *range(4, 31)]


def test_the_generator_numbers_lines_as_a_csv_file_has_them() -> None:
    written = write_csv([["a", "b"], ["dòng một\ndòng hai", "x"], [], ["\u2028", "\x85"],
                         Raw("c;d"), [" ", ""]], newline="\r\n", hint=True)
    # sep= on line 1, the header on 2; the note spans lines 4 and 5; U+2028 and U+0085
    # are blanks within a line, not line breaks.
    assert written.records == (3, 4, 8)
    assert written.blank == (6, 7, 9)


@pytest.mark.parametrize("engine", ENGINES)
def test_rows_swallowed_by_an_unclosed_quote_are_named(registry: pr.Registry, tmp_path: Path,
                                                       engine: str) -> None:
    rows: list[Row] = [
        ["T1.A.3", "tinh", "province", "Q4/2025", "", "", "131", "", "", ""],
        Raw('T1.A.1,xa-a,commune,Q1/2025,1,2,,,,"x'),
        ["T1.A.1", "xa-b", "commune", "Q2/2025", "1", "2", "", "", "", ""],
        ["T1.A.1", "xa-a", "commune", "Q3/2025", "1", "2", "", "", "", ""],
    ]
    written = write_csv(rows)
    path = tmp_path / "quote.csv"
    path.write_bytes(written.data)
    assert unaccounted(written, str(path), evaluate(path, registry, engine, 100)) == []


# -- two engines, one answer --------------------------------------------------------------


@PROPERTY
@pytest.mark.skipif(len(ENGINES) < 2, reason="pyarrow is not installed")
@given(generated=files(), max_issues=st.sampled_from([1, 100]))
def test_both_engines_give_the_same_report_on_a_hostile_csv_file(
        registry: pr.Registry, tmp_path: Path,
        generated: tuple[list[Row], dict[str, object]], max_issues: int) -> None:
    # Duplicates, open quotes, other separators, percentage-only rates, blocked figures:
    # whatever one engine reads, the report the other gives is the same, byte for byte.
    rows, options = generated
    order = options["order"]
    assert isinstance(order, list | tuple)
    path = tmp_path / "hostile.csv"
    path.write_bytes(write_csv(_reorder(rows, order), **options).data)  # type: ignore[arg-type]
    python, arrow = (evaluate(path, registry, engine, max_issues).to_json()
                     for engine in ("python", "pyarrow"))
    assert arrow == python
    # And the pyarrow engine's table is validated and split into series on pyarrow too.
    read = pr.read_observations(path, registry=registry, engine="pyarrow")
    assert isinstance(read.observations, FigureTable)
    assert _arrow.columns_of(read.observations) is not None
