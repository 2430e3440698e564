"""Reading by chunks: any cut of a figures file, read chunk by chunk and merged in any grouping
and order, gives what reading it whole gives — the same observations, issues and row numbers,
every data row accounted for — and so the same report."""

from __future__ import annotations

import csv
import io
import itertools
import json
import os
import pickle
import random
import re
import subprocess
import sys
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import plan_rules as pr
import plan_rules.chunks as chunks_module
from plan_rules.chunks import (
    Chunk,
    Partial,
    merge,
    merge_all,
    plan_chunks,
    read_chunk,
    read_in_chunks,
)

ROOT = Path(__file__).resolve().parents[1]
AS_OF = date(2025, 12, 31)

PROPERTY = settings(max_examples=50, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow])

HEADERS = [
    ["indicator", "entity", "level", "period", "numerator", "denominator", "value",
     "reported_on", "source", "note"],
    ["Chỉ tiêu", "Đơn vị", "Cấp", "Kỳ báo cáo", "Tử số", "Mẫu số", "Giá trị", "Ngày báo cáo",
     "Nguồn", "Ghi chú"],
    ["period", "entity", "indicator", "value", "numerator", "denominator", "note", "junk"],
    ["indicator", "entity", "period", "value", "value"],  # a column twice: a warning
    ["indicator", "level", "value"],  # columns missing: no row can be read
]

# Cells that read well, and cells that do not: bad numbers, unknown indicators, impossible
# periods and dates, counts that cannot stand together; notes with line ends, delimiters and
# quotes, which a cut can fall inside.
CELLS = {
    "indicator": ["T1.A.1", "T1.A.2", "T1.A.3", "T1.A.4", "t1.a.1", "T9.Z.9", ""],
    "entity": ["c1", "c2", "hy", "xã-tân-hưng", " c3 ", ""],
    "level": ["commune", "Cấp xã", "province", "district", "tỉnh", ""],
    "period": ["Q1/2025", "Quý IV/2025", "2025", "T6/2025", "Q5/2025", "46022", ""],
    "numerator": ["65", "1.234", "412", "9", "12a", "-5", ""],
    "denominator": ["100", "2.000", "700", "5", "0", ""],
    "value": ["", "87,5%", "0,95", "131", "done", "hoàn thành", "abc", "1e309"],
    "reported_on": ["", "10/04/2025", "2025-12-31", "31/02/2025"],
    "source": ["", "QĐ 12/QĐ-UBND"],
    "note": ["", "ghi chú", "dòng một\ndòng hai", "a,b;c\td", 'he said "x"', "\r\n\r\n",
             "\n\n\nT1.A.1,c9,commune,Q1/2025,1,2", "\uffff", "a\rb", "\r"],
    "junk": ["", "x"],
}

#: Lines written as they are, not through a CSV writer: blank lines, stray delimiters,
#: unbalanced quotes, rows too long, noise.
RAW = ["", "   ", ",,,", ";;;", "\t\t", '"unclosed, quote', 'a,"b""c",d', "x" * 300,
       "T1.A.1,c1,commune,Q1/2025,1,2,3,4,5,6,7,8", "=1+1;@SUM(A1);+cmd", "\ufeff",
       "T1.A.1;c1;commune;Q1/2025;1;2", "T1.A.1\tc1\tcommune\tQ1/2025\t3\t4",
       "T1.A.1,c5,commune,Q1/2025,1,2\rT1.A.1,c6,commune,Q2/2025,3,4\r"]  # old Mac line ends


_ENTITIES = st.sampled_from(["c1", "c2", "c3", "c4", "xã-tân-hưng"])
_QUARTERS = st.sampled_from(["Q1/2025", "Q2/2025", "Q3/2025", "Q4/2025", "T6/2025", "2025"])
_NOTES = st.sampled_from(CELLS["note"])

#: Figures that read well (and, repeated, make duplicates the engine names).
GOOD = st.one_of(
    st.builds(lambda e, q, n, d, note: {
        "indicator": "T1.A.1", "entity": e, "level": "commune", "period": q,
        "numerator": str(n), "denominator": str(n + d), "note": note},
        _ENTITIES, _QUARTERS, st.integers(0, 900), st.integers(0, 300), _NOTES),
    st.builds(lambda q, v: {"indicator": "T1.A.2", "entity": "hy", "level": "province",
                            "period": q, "value": v},
              _QUARTERS, st.sampled_from(["87,5%", "100%", "95", "0,95"])),
    st.builds(lambda v: {"indicator": "T1.A.3", "entity": "hy", "level": "province",
                         "period": "2025", "value": v}, st.sampled_from(["131", "1.200", "90"])),
    st.just({"indicator": "T1.A.4", "entity": "hy", "level": "province", "period": "2025",
             "value": "hoàn thành", "source": "QĐ 12/QĐ-UBND"}),
)


@dataclass
class Figures:
    """A generated figures file and the first line of each data record written through the
    CSV writer (records every reader must account for)."""

    data: bytes
    records: list[int]
    description: str


@st.composite
def figure_files(draw: st.DrawFn, *, raw_lines: bool = True) -> Figures:
    header = draw(st.sampled_from(HEADERS[:1] * 3 + HEADERS))
    delimiter = draw(st.sampled_from([",", ";", "\t"]))
    terminator = draw(st.sampled_from(["\n", "\r\n"]))
    encoding = draw(st.sampled_from(["utf-8", "utf-8", "utf-8", "utf-8-sig", "cp1258"]))
    text, line = "", 1
    records: list[int] = []

    def add(piece: str) -> None:
        nonlocal text, line
        text += piece
        line += len(re.findall(r"\r\n|\r|\n", piece))

    add(terminator * draw(st.integers(0, 2)))
    if draw(st.booleans()):
        add(f"sep={delimiter}{terminator}")
    add(_csv_line(header, delimiter, terminator))
    kinds = st.sampled_from(["good"] * 5 + ["row", "row", "same", "blank"]
                            + (["raw"] if raw_lines else []))
    previous: list[str] | None = None
    size = draw(st.integers(0, 50))  # evenly spread: Hypothesis favours short lists
    for kind in draw(st.lists(kinds, min_size=size, max_size=size)):
        if kind == "raw":
            add(draw(st.sampled_from(RAW)) + terminator)
            continue
        if kind == "blank":
            add(terminator)
            continue
        if kind == "same" and previous is not None:
            cells = previous  # a duplicate figure
        elif kind == "good":
            figure = draw(GOOD)
            cells = [figure.get(_key(h), "") for h in header]
        else:
            cells = [draw(st.sampled_from(CELLS.get(_key(h), [""]))) for h in header]
        previous = cells
        if any(c.strip() for c in cells):
            records.append(line)
        add(_csv_line(cells, delimiter, terminator))
    if text.endswith(terminator) and draw(st.booleans()):
        text = text[: -len(terminator)]
    data = text.encode(encoding, errors="replace")
    return Figures(data=data, records=records,
                   description=f"{encoding}, {delimiter!r}, {terminator!r}")


def _csv_line(cells: list[str], delimiter: str, terminator: str) -> str:
    """One record as a spreadsheet writes it: a cell holding a CR or LF is quoted."""
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\r\n").writerow(cells)
    return out.getvalue()[:-2] + terminator


def _key(header: str) -> str:
    return pr.readers.header_key(header)


def write(tmp_path: Path, data: bytes, name: str = "figures.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def report(read: pr.ReadResult, registry: pr.Registry) -> dict[str, object]:
    return pr.evaluate(read.observations, registry=registry, issues=read.issues,
                       as_of=AS_OF).to_dict()


# -- the properties ----------------------------------------------------------------------------


@PROPERTY
@given(figures=figure_files(), n=st.integers(1, 8))
def test_merged_chunks_read_and_evaluate_as_the_whole_file(
        registry: pr.Registry, tmp_path: Path, figures: Figures, n: int) -> None:
    path = write(tmp_path, figures.data)
    whole = pr.read_observations(path, registry=registry)
    chunks = plan_chunks(path, n)
    assert 1 <= len(chunks) <= n
    merged = merge_all(read_chunk(c, registry=registry) for c in chunks)
    read = merged.to_read_result(registry=registry)
    assert read == whole
    assert report(read, registry) == report(whole, registry)


@PROPERTY
@given(figures=figure_files(raw_lines=False), n=st.integers(1, 8))
def test_every_data_row_is_an_observation_or_named_by_an_issue(
        registry: pr.Registry, tmp_path: Path, figures: Figures, n: int) -> None:
    path = write(tmp_path, figures.data)
    read = read_in_chunks(path, n, registry=registry)
    assert read.unaccounted == ()
    assert read.rows == len(figures.records)
    if any(i.code in pr.readers.FILE_ISSUES for i in read.issues):
        assert read.observations == ()
        return
    made = {o.row for o in read.observations}
    named = {i.row for i in read.issues}
    assert [line for line in figures.records if line not in made and line not in named] == []
    assert made <= set(figures.records)
    errors = {i.row for i in read.issues if i.severity == "error"}
    assert not made & errors


@PROPERTY
@given(figures=figure_files(), n=st.integers(2, 8), data=st.data())
def test_merge_is_associative_and_commutative(
        registry: pr.Registry, tmp_path: Path, figures: Figures, n: int,
        data: st.DataObject) -> None:
    path = write(tmp_path, figures.data)
    partials = [read_chunk(c, registry=registry) for c in plan_chunks(path, n)]
    in_order = merge_all(partials)
    shuffled = data.draw(st.permutations(partials))
    assert _tree(shuffled, data) == in_order
    if len(partials) >= 3:
        a, b, c = partials[0], merge_all(partials[1:-1]), partials[-1]
        assert merge(merge(a, b), c) == merge(a, merge(b, c)) == in_order
        assert merge(c, merge(a, b)) == in_order


def _tree(partials: list[Partial], data: st.DataObject) -> Partial:
    """Merge in a random binary tree."""
    if len(partials) == 1:
        return partials[0]
    cut = data.draw(st.integers(1, len(partials) - 1))
    return merge(_tree(partials[:cut], data), _tree(partials[cut:], data))


@PROPERTY
@given(figures=figure_files(), n=st.integers(1, 8))
def test_partials_survive_pickling(registry: pr.Registry, tmp_path: Path, figures: Figures,
                                   n: int) -> None:
    path = write(tmp_path, figures.data)
    partials = [read_chunk(c, registry=registry) for c in plan_chunks(path, n)]
    back = [pickle.loads(pickle.dumps(p, protocol=pickle.HIGHEST_PROTOCOL)) for p in partials]
    assert back == partials
    assert merge_all(back).to_read_result(registry=registry) == \
        merge_all(partials).to_read_result(registry=registry)


# -- cuts ---------------------------------------------------------------------------------------

CLEAN = (
    "indicator,entity,level,period,numerator,denominator,value,reported_on,source,note\n"
    + "".join(f"T1.A.1,c{i},commune,Q1/2025,{i},{i + 10},,,,\n" for i in range(200))
)


def test_chunks_end_at_line_ends_and_cover_the_file(tmp_path: Path) -> None:
    path = write(tmp_path, CLEAN.encode())
    data = path.read_bytes()
    chunks = plan_chunks(path, 8)
    assert len(chunks) == 8
    assert [c.index for c in chunks] == list(range(8))
    assert {c.count for c in chunks} == {8}
    assert chunks[0].start == 0 and chunks[-1].end == len(data)
    assert all(a.end == b.start for a, b in itertools.pairwise(chunks))
    assert all(data[c.start - 1:c.start] == b"\n" for c in chunks[1:])
    assert data[:chunks[0].head] == CLEAN.splitlines(keepends=True)[0].encode()
    sizes = [c.end - max(c.start, c.head) for c in chunks]
    assert max(sizes) - min(sizes) <= 2 * max(len(x) for x in CLEAN.splitlines(keepends=True))


@pytest.mark.parametrize(("name", "data"), [
    ("f.json", b"[]"),
    ("f.xlsx", b"not really a workbook"),
    ("f.csv", "indicator,entity,period\nT1.A.1,c1,2025\n".encode("utf-16")),
    ("f.csv", b""),
    ("f.csv", b"\n\n   \n"),
    ("f.csv", b"indicator,entity,period"),  # a header and no line end
    ("f.csv", b"indicator,entity,period\rT1.A.1,c1,2025\n" * 3),  # header ends with a CR
])
def test_files_that_cannot_be_cut_are_one_chunk_read_whole(
        registry: pr.Registry, tmp_path: Path, name: str, data: bytes) -> None:
    path = write(tmp_path, data, name)
    chunks = plan_chunks(path, 4)
    assert len(chunks) == 1 and chunks[0].whole
    try:
        whole = pr.read_observations(path, registry=registry)
    except pr.ReadError:
        with pytest.raises(pr.ReadError):
            read_chunk(chunks[0], registry=registry)
        return
    assert read_in_chunks(path, 4, registry=registry) == whole


def test_a_missing_file_fails_as_the_whole_file_reader_fails(
        registry: pr.Registry, tmp_path: Path) -> None:
    path = tmp_path / "missing.csv"
    chunks = plan_chunks(path, 4)
    assert len(chunks) == 1
    with pytest.raises(pr.ReadError) as caught:
        read_chunk(chunks[0], registry=registry)
    assert caught.value.file == str(path)


def test_n_must_be_positive(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="n must be 1 or more"):
        plan_chunks(write(tmp_path, CLEAN.encode()), 0)


def test_a_cut_inside_a_quoted_field_is_read_again_not_lost_or_invented(
        registry: pr.Registry, tmp_path: Path) -> None:
    # Notes that span many lines, some of which read like figures: a cut inside one must
    # neither end the record early nor turn its lines into rows. (A line with the header's
    # number of cells would make the quote one left open: see test_hostile_csv.)
    fake = "\n".join(f"T1.A.1,fake{i},commune,Q1/2025,1,2" for i in range(30))
    rows = [f'T1.A.1,c{i},commune,Q1/2025,{i},{i + 10},,,,"{fake}"\n' for i in range(12)]
    path = write(tmp_path, (CLEAN.splitlines(keepends=True)[0] + "".join(rows)).encode())
    whole = pr.read_observations(path, registry=registry)
    assert [o.entity for o in whole.observations] == [f"c{i}" for i in range(12)]
    partials = [read_chunk(c, registry=registry) for c in plan_chunks(path, 5)]
    assert any(r.open_end for p in partials for r in p.results)  # the cuts did fall inside
    assert merge_all(partials).to_read_result(registry=registry) == whole


def test_a_utf8_file_with_a_few_bad_bytes_reads_as_the_whole_file(
        registry: pr.Registry, tmp_path: Path) -> None:
    text = CLEAN.replace(",,,\n", ",,,ghi chú\n", 150)
    data = (text.encode("utf-8") + "T1.A.1,cx,commune,Q1/2025,1,2,,,,café\n".encode("cp1258"))
    path = write(tmp_path, data)
    whole = pr.read_observations(path, registry=registry)
    assert [i.code for i in whole.issues] == ["bad_encoding"]
    for n in range(2, 9):
        assert read_in_chunks(path, n, registry=registry) == whole


def test_a_file_that_is_not_utf8_is_read_with_the_same_warning(
        registry: pr.Registry, tmp_path: Path) -> None:
    text = CLEAN.replace(",,,\n", ",,,ghi chú\n", 150)
    path = write(tmp_path, text.encode("cp1258"))
    whole = pr.read_observations(path, registry=registry)
    assert [i.code for i in whole.issues] == ["encoding"]
    for n in range(2, 9):
        assert read_in_chunks(path, n, registry=registry) == whole


def test_a_file_changed_after_it_was_cut_is_refused(registry: pr.Registry,
                                                    tmp_path: Path) -> None:
    path = write(tmp_path, CLEAN.encode())
    chunks = plan_chunks(path, 4)
    path.write_bytes(CLEAN.encode() + b"T1.A.1,c9,commune,Q1/2025,1,2,,,,\n")
    with pytest.raises(pr.ReadError, match="changed since it was cut"):
        read_chunk(chunks[2], registry=registry)


def test_rows_keep_the_whole_file_numbers(registry: pr.Registry, tmp_path: Path) -> None:
    text = "\r\n\r\n" + CLEAN.replace("\n", "\r\n").replace(",,,\r\n", ',,,"a\r\nb"\r\n', 7)
    path = write(tmp_path, text.encode())
    whole = pr.read_observations(path, registry=registry)
    for n in (2, 3, 8):
        partials = [read_chunk(c, registry=registry) for c in plan_chunks(path, n)]
        rows = [o.row for p in partials for o in p.observations]
        assert rows == [o.row for o in whole.observations]
        assert partials[0].results[0].first_line == 4  # after two blank lines and the header
        assert all(o.row >= p.results[0].first_line for p in partials for o in p.observations)


def test_line_ends_split_between_blocks_are_counted_once(
        registry: pr.Registry, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A chunk counts the line ends before it a block at a time: a CR LF split between two
    # blocks is one line end, a lone CR is one too.
    monkeypatch.setattr(chunks_module, "_BLOCK", 3)
    text = CLEAN.replace("\n", "\r\n").replace(",,,\r\n", ',,,"x\ry"\r\n', 20)
    text = text.replace(",,,\r\n", ",,,\r", 5)
    path = write(tmp_path, text.encode())
    whole = pr.read_observations(path, registry=registry)
    for n in (3, 7):
        assert read_in_chunks(path, n, registry=registry) == whole


# -- merging -----------------------------------------------------------------------------------


def test_merging_refuses_what_does_not_belong_together(registry: pr.Registry,
                                                       tmp_path: Path) -> None:
    a = write(tmp_path, CLEAN.encode(), "a.csv")
    b = write(tmp_path, CLEAN.encode(), "b.csv")
    pa = [read_chunk(c, registry=registry) for c in plan_chunks(a, 3)]
    pb = [read_chunk(c, registry=registry) for c in plan_chunks(b, 3)]
    with pytest.raises(ValueError, match="different files"):
        merge(pa[0], pb[1])
    with pytest.raises(ValueError, match="different files"):
        merge(pa[0], read_chunk(plan_chunks(a, 2)[1], registry=registry))
    with pytest.raises(ValueError, match="chunk 1 is in two partials"):
        merge(merge(pa[0], pa[1]), pa[1])
    with pytest.raises(ValueError, match="at least one"):
        merge_all([])
    incomplete = merge(pa[0], pa[2])
    assert not incomplete.complete
    with pytest.raises(ValueError, match="chunks 1 of 3 are missing"):
        incomplete.to_read_result(registry=registry)


def test_a_partial_shows_what_its_chunks_read(registry: pr.Registry, tmp_path: Path) -> None:
    path = write(tmp_path, CLEAN.encode())
    partials = [read_chunk(c, registry=registry) for c in plan_chunks(path, 4)]
    merged = merge_all(reversed(partials))
    assert merged.complete and merged.indices == (0, 1, 2, 3)
    assert merged.rows == 200 and merged.blank_rows == 0
    assert len(merged.observations) == 200 and merged.issues == ()
    assert partials[0].merge(partials[1]) == merge(partials[1], partials[0])


def test_chunks_read_in_other_processes(tmp_path: Path) -> None:
    # The installed plugins, loaded by each process: the registry itself cannot be sent.
    figures = ROOT / "examples" / "hung-yen-2025" / "figures.csv"
    registry = pr.load_registry()
    with ProcessPoolExecutor(max_workers=2) as pool:
        read = read_in_chunks(figures, 4, mapper=pool.map)
    assert read == pr.read_observations(figures, registry=registry)


def test_chunk_objects_are_plain_data() -> None:
    chunk = Chunk(path="f.csv", index=1, count=3, start=10, end=20, head=5, size=30)
    assert pickle.loads(pickle.dumps(chunk)) == chunk
    assert not chunk.whole


# -- the Dask example --------------------------------------------------------------------------


#: What a finding cites by position (the partials' compact figures, not the file's rows).
_PROVENANCE = {"observations", "details"}


def _findings(report: dict[str, Any]) -> list[dict[str, Any]]:
    """The JSON report's findings without their provenance (units' results included)."""
    out = []
    for f in report["findings"]:
        fields = {k: v for k, v in f.items() if k not in _PROVENANCE | {"entities"}}
        fields["entities"] = [{k: v for k, v in r.items() if k not in {"observations",
                                                                       "periods"}}
                              for r in f.get("entities") or ()]
        out.append(fields)
    return out


@pytest.mark.parametrize(("scheduler", "fan_in"), [("processes", "2"), ("threads", "0")])
def test_the_dask_example_gives_the_findings_the_command_line_gives(
        tmp_path: Path, scheduler: str, fan_in: str) -> None:
    pytest.importorskip("dask")
    example = ROOT / "examples" / "hung-yen-2025"
    figures, entities = example / "figures.csv", example / "entities.csv"
    out = tmp_path / "dask.json"
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    subprocess.run(
        [sys.executable, str(ROOT / "examples" / "dask" / "evaluate_with_dask.py"),
         str(figures), "--entities", str(entities), "--as-of", "2025-12-31", "--chunks", "5",
         "--scheduler", scheduler, "--workers", "2", "--fan-in", fan_in, "--output", str(out)],
        check=True, env=env, timeout=300)
    plain = subprocess.run(
        [sys.executable, "-m", "plan_rules", "evaluate", str(figures), "--entities",
         str(entities), "--as-of", "2025-12-31", "--format", "json"],
        check=True, env=env, capture_output=True, text=True, timeout=300)
    assert _findings(json.loads(out.read_text(encoding="utf-8"))) == _findings(
        json.loads(plain.stdout))


def test_the_command_line_in_workers_gives_the_findings_of_one_pass(tmp_path: Path) -> None:
    example = ROOT / "examples" / "hung-yen-2025"
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    reports = [json.loads(subprocess.run(
        [sys.executable, "-m", "plan_rules", "evaluate", str(example / "figures.csv"),
         "--entities", str(example / "entities.csv"), "--as-of", "2025-12-31", "--format",
         "json", *extra], check=True, env=env, capture_output=True, text=True,
        timeout=300).stdout) for extra in ((), ("--workers", "2"))]
    assert _findings(reports[1]) == _findings(reports[0])


def test_random_cuts_of_the_example_read_as_the_whole(registry: pr.Registry) -> None:
    figures = ROOT / "examples" / "hung-yen-2025" / "figures.csv"
    whole = pr.read_observations(figures, registry=registry)
    rng = random.Random(7)
    for n in rng.sample(range(2, 60), 5):
        assert read_in_chunks(figures, n, registry=registry) == whole


def test_the_command_line_refuses_fewer_than_one_worker(tmp_path: Path) -> None:
    example = ROOT / "examples" / "hung-yen-2025"
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    done = subprocess.run(
        [sys.executable, "-m", "plan_rules", "evaluate", str(example / "figures.csv"),
         "--workers", "0"], env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 2
    assert "--workers takes a whole number ≥ 1" in done.stderr
