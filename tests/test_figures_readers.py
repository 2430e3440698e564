"""Every reader fills a figure table: the observations it gave before, in row order, and
the columns :meth:`FigureTable.from_observations` would build from them, code for code."""

from __future__ import annotations

import codecs
import csv
import json
import pickle
import random
from datetime import date
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import plan_rules as pr
from plan_rules import chunks
from plan_rules.figures import Codes, FigureTable
from plan_rules.readers import columnar, source
from plan_rules.readers import rows as row_parser
from xlsx_support import workbook

needs_pyarrow = pytest.mark.skipif(not columnar.available(),
                                   reason="pyarrow is not installed (the columnar extra)")

HEADER = ("indicator", "entity", "level", "period", "numerator", "denominator", "value",
          "reported_on", "source", "note")

#: Plain rows, rows read in full (a count, a milestone with evidence, a dated rate, a note,
#: an unknown level), a row with an issue and a blank row, mixed.
ROWS: list[tuple[str, ...]] = [
    ("T1.A.1", "xa-a", "commune", "Q1/2025", "65", "100", "", "", "", ""),
    ("T1.A.3", "tinh", "province", "Q1/2025", "", "", "130", "", "", ""),
    ("T1.A.1", "xa-b", "commune", "Q1/2025", "40", "100", "", "", "", ""),
    ("T1.A.4", "tinh", "province", "Q1/2025", "", "", "done", "", "QĐ 12", ""),
    ("T1.A.2", "xa-a", "", "Q2/2025", "7", "8", "", "", "", ""),
    ("T1.A.1", "xa-c", "commune", "Q9/2025", "1", "2", "", "", "", ""),  # an issue
    ("", "", "", "", "", "", "", "", "", ""),  # blank
    ("T1.A.1", "xa-a", "commune", "Q1/2025", "3", "4", "", "31/03/2025", "", "late"),
    ("T1.A.2", "xa-b", "Ward", "Q2/2025", "5", "9", "", "", "", ""),
    ("T1.A.1", "xa-b", "commune", "Q2/2025", "41", "100", "", "", "", ""),
]

Q1, Q2 = pr.Period.parse("Q1/2025"), pr.Period.parse("Q2/2025")


def expected(file: str, json: bool = False) -> list[pr.Observation]:
    """The observations of :data:`ROWS` read from ``file``, as the readers gave them
    before they filled tables. ``json``: a record's row is its place in the list, from 1
    (the blank record left out)."""

    def obs(line: int, **kw: Any) -> pr.Observation:
        row = line - (2 if line > 8 else 1) if json else line
        return pr.Observation(file=file, row=row, **kw)

    return [
        obs(2, indicator="T1.A.1", entity="xa-a", level="commune", period=Q1, numerator=65,
            denominator=100),
        obs(3, indicator="T1.A.3", entity="tinh", level="province", period=Q1,
            value=Fraction(130)),
        obs(4, indicator="T1.A.1", entity="xa-b", level="commune", period=Q1, numerator=40,
            denominator=100),
        obs(5, indicator="T1.A.4", entity="tinh", level="province", period=Q1,
            value=Fraction(1), source="QĐ 12"),
        obs(6, indicator="T1.A.2", entity="xa-a", level=None, period=Q2, numerator=7,
            denominator=8),
        obs(9, indicator="T1.A.1", entity="xa-a", level="commune", period=Q1, numerator=3,
            denominator=4, reported_on=date(2025, 3, 31), note="late"),
        obs(10, indicator="T1.A.2", entity="xa-b", level="Ward", period=Q2, numerator=5,
            denominator=9),
        obs(11, indicator="T1.A.1", entity="xa-b", level="commune", period=Q2, numerator=41,
            denominator=100),
    ]


def columns(table: FigureTable) -> dict[str, Any]:
    """Every column and dictionary of a table, as plain lists (not the engine it asks the
    stages for, which tells which reader made it)."""
    found = {name: getattr(table, name) for name in FigureTable.__slots__ if name != "engine"}
    return {name: list(c.values if isinstance(c, Codes) else c) for name, c in found.items()}


def write_csv(path: Path, rows: list[tuple[str, ...]], delimiter: str = ",") -> Path:
    lines = [delimiter.join(HEADER)] + [delimiter.join(r) for r in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def assert_table_of(read: pr.ReadResult, observations: list[pr.Observation]) -> None:
    """The read's figures are a table equal, column for column, to the one built from
    ``observations``."""
    table = read.figures
    assert isinstance(table, FigureTable) and read.observations is table
    assert list(table) == observations
    assert columns(table) == columns(FigureTable.from_observations(observations))


@pytest.mark.parametrize("suffix,delimiter", [(".csv", ","), (".csv", ";"), (".tsv", "\t")])
def test_the_pure_reader_fills_the_table_of_its_observations(
        tmp_path: Path, registry: pr.Registry, suffix: str, delimiter: str) -> None:
    path = write_csv(tmp_path / f"figures{suffix}", ROWS, delimiter)
    read = pr.read_observations(path, registry=registry)
    assert_table_of(read, expected(str(path)))
    assert [i.row for i in read.issues if i.severity == "error"] == [7]


def test_the_json_reader_fills_the_table_of_its_observations(
        tmp_path: Path, registry: pr.Registry) -> None:
    path = tmp_path / "figures.json"
    records = [{k: v for k, v in zip(HEADER, r, strict=True) if v} for r in ROWS]
    path.write_text(json.dumps([r for r in records if r]), encoding="utf-8")
    read = pr.read_observations(path, registry=registry)
    assert_table_of(read, expected(str(path), json=True))


def test_the_xlsx_reader_fills_the_table_of_its_observations(
        tmp_path: Path, registry: pr.Registry) -> None:
    path = workbook(tmp_path / "figures.xlsx", [[c or None for c in r] for r in ROWS])
    read = pr.read_observations(path, registry=registry)
    assert_table_of(read, expected(str(path)))


def test_a_header_without_the_optional_columns_still_takes_plain_rows(
        tmp_path: Path, registry: pr.Registry) -> None:
    path = tmp_path / "figures.csv"
    path.write_text("indicator,entity,period,numerator,denominator\n"
                    "T1.A.1,xa-a,Q1/2025,65,100\nT1.A.1,xa-b,Q1/2025,40,100\n",
                    encoding="utf-8")
    read = pr.read_observations(path, registry=registry)
    assert_table_of(read, [
        pr.Observation(indicator="T1.A.1", entity=e, level=None, period=Q1, numerator=n,
                       denominator=100, file=str(path), row=row)
        for row, e, n in ((2, "xa-a", 65), (3, "xa-b", 40))])


def test_two_period_texts_of_one_period_share_its_code(tmp_path: Path,
                                                       registry: pr.Registry) -> None:
    rows = [("T1.A.1", "xa-a", "commune", text, "1", "2", "", "", "", "")
            for text in ("Q1/2025", "Quý I/2025", "Q1/2025")]
    read = pr.read_observations(write_csv(tmp_path / "f.csv", rows), registry=registry)
    assert list(read.figures.period) == [0, 0, 0] and read.figures.periods.values == [Q1]


def test_counts_past_the_remembered_ones_read_the_same(
        tmp_path: Path, registry: pr.Registry, monkeypatch: pytest.MonkeyPatch) -> None:
    rows = [("T1.A.1", f"xa-{n}", "commune", "Q1/2025", str(n), str(n + 7), "", "", "", "")
            for n in range(40)]
    path = write_csv(tmp_path / "f.csv", rows)
    remembered = pr.read_observations(path, registry=registry)
    monkeypatch.setattr(row_parser, "_COUNTS_KEPT", 3)
    forgotten = pr.read_observations(path, registry=registry)
    assert list(forgotten.figures.numerator) == list(range(40))
    assert columns(forgotten.figures) == columns(remembered.figures)


def test_more_rows_than_a_flush_keep_their_order(
        tmp_path: Path, registry: pr.Registry, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(row_parser, "_FLUSH", 4)
    path = write_csv(tmp_path / "f.csv", ROWS * 3)
    read = pr.read_observations(path, registry=registry)
    rows = [o.row for o in read.observations]
    assert rows == sorted(rows) and len(rows) == 24
    assert columns(read.figures) == columns(FigureTable.from_observations(list(read.figures)))


def test_a_read_result_puts_other_observations_into_a_table() -> None:
    given = expected("f.csv")
    read = pr.ReadResult(observations=tuple(given), issues=(), rows=len(given))
    assert isinstance(read.observations, FigureTable) and read.figures == tuple(given)
    assert pr.ReadResult(observations=(), issues=(), rows=0).observations == ()


def test_entities_read_no_figures(tmp_path: Path) -> None:
    path = tmp_path / "units.csv"
    path.write_text("code,level\nxa-a,commune\n", encoding="utf-8")
    read = pr.read_entities(path)
    assert read.observations == () and len(read.figures) == 0


# -- pyarrow ------------------------------------------------------------------------------------


def generated(path: Path, seed: int, n: int = 3000) -> Path:
    """A file of mostly plain rows, with rows read in full and rows with issues among them."""
    rng = random.Random(seed)
    rows = []
    for k in range(n):
        kind = rng.random()
        entity = f"xa-{rng.randrange(60)}"
        period = rng.choice(["Q1/2025", "Q2/2025", "06/2025", "2025", "Quý I/2025"])
        if kind < 0.8:
            rows.append(("T1.A.1" if k % 2 else "T1.A.2", entity,
                         rng.choice(["commune", "", "department"]), period,
                         str(rng.randrange(100)), str(100 + rng.randrange(50)), "", "", "", ""))
        elif kind < 0.9:
            rows.append(("T1.A.3", entity, "commune", period, "", "", str(rng.randrange(9)),
                         "", "", rng.choice(["", "a note"])))
        elif kind < 0.95:
            rows.append(("T1.A.1", entity, "Xã", period, "1", "2", "", "01/04/2025", "s", ""))
        else:
            rows.append(("T1.A.1", entity, "commune", "Q7/2025", "1", "2", "", "", "", ""))
    return write_csv(path, rows)


@needs_pyarrow
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_pyarrow_reader_fills_the_pure_readers_table(
        tmp_path: Path, registry: pr.Registry, seed: int) -> None:
    path = generated(tmp_path / "f.csv", seed)
    pure = pr.read_observations(path, registry=registry)
    fast = columnar.read_observations(path, registry=registry)
    assert columnar._parse(path, registry, *columnar._pyarrow()) is not None
    assert isinstance(fast.observations, FigureTable)
    assert columns(fast.figures) == columns(pure.figures)
    assert fast == pure


@needs_pyarrow
def test_the_pyarrow_reader_with_no_plain_row_gives_the_rows_read_in_full(
        tmp_path: Path, registry: pr.Registry) -> None:
    path = write_csv(tmp_path / "f.csv", [r for r in ROWS if r[6] or r[7] or not r[0]])
    fast = columnar.read_observations(path, registry=registry)
    assert columns(fast.figures) == columns(pr.read_observations(path,
                                                                 registry=registry).figures)
    assert len(fast.figures) == 3


# -- chunks -------------------------------------------------------------------------------------


@pytest.mark.parametrize("n", [1, 2, 5])
def test_chunks_join_into_the_whole_files_table(tmp_path: Path, registry: pr.Registry,
                                                n: int) -> None:
    path = generated(tmp_path / "f.csv", 7, 400)
    whole = pr.read_observations(path, registry=registry)
    joined = chunks.read_in_chunks(path, n, registry=registry)
    assert columns(joined.figures) == columns(whole.figures)
    assert joined == whole


def test_a_chunk_is_pickled_with_its_table(tmp_path: Path, registry: pr.Registry) -> None:
    path = generated(tmp_path / "f.csv", 8, 400)
    partial = chunks.read_chunk(chunks.plan_chunks(path, 3)[1], registry=registry)
    back = pickle.loads(pickle.dumps(partial, protocol=pickle.HIGHEST_PROTOCOL))
    table = back.results[0].figures
    assert isinstance(table, FigureTable)
    assert columns(table) == columns(partial.results[0].figures)


# -- text kept as bytes -------------------------------------------------------------------------

_LINE_TEXT = st.text(st.sampled_from("ab,;\"' \t\r\nĐệà\ufeff\x0b\u2028\x85"), max_size=60)


@given(text=_LINE_TEXT, bom=st.booleans(), block=st.integers(1, 8))
def test_bytes_decoded_a_block_at_a_time_give_the_lines_of_the_whole_text(
        text: str, bom: bool, block: int) -> None:
    raw = (codecs.BOM_UTF8 if bom else b"") + text.encode()
    kept = source._Utf8.of(raw, block)
    whole = raw.decode("utf-8-sig")
    if kept is None:  # a break of another kind, or a blank first block
        first = next(source._Utf8._decoded(raw, 3 if raw.startswith(codecs.BOM_UTF8) else 0,
                                            block), "")
        assert source._OTHER_BREAKS.search(whole) is not None or not first.strip()
        return
    assert list(kept.lines(block)) == list(source._lines(whole))
    assert source._dialect(kept.head) == source._dialect(whole)


@pytest.mark.parametrize("raw", [
    b"a,b\n\x0bc,d\n", "a,b\nc\u2028d\n".encode(), b"a,b\n\xff,d\n",
    "a,b\n".encode("utf-16"), b"\n\n\n", b""])
def test_bytes_that_may_read_otherwise_are_decoded_whole(raw: bytes) -> None:
    assert source._Utf8.of(raw) is None


def test_a_file_with_letters_beyond_latin_1_reads_the_same_from_its_bytes(
        tmp_path: Path, registry: pr.Registry, monkeypatch: pytest.MonkeyPatch) -> None:
    rows = [*ROWS, ("T1.A.4", "tinh", "province", "Q2/2025", "", "", "done", "", "QĐ 9", "")]
    path = write_csv(tmp_path / "f.csv", rows * 5)
    assert source._Utf8.of(path.read_bytes()) is not None
    kept = pr.read_observations(path, registry=registry)
    monkeypatch.setattr(source._Utf8, "of", classmethod(lambda cls, raw, block=0: None))
    whole = pr.read_observations(path, registry=registry)
    assert kept == whole and columns(kept.figures) == columns(whole.figures)
    assert kept.figures.source[-1] == "QĐ 9"


@pytest.mark.parametrize("quote", ["", '"'])
def test_a_cell_too_long_names_its_line_with_or_without_quotes(
        tmp_path: Path, registry: pr.Registry, quote: str) -> None:
    path = tmp_path / "f.csv"
    path.write_text(f"sep=,\nindicator,entity,period,note\nT1.A.1,{quote}xa{quote},Q1/2025,"
                    f"{'n' * (csv.field_size_limit() + 1)}\n", encoding="utf-8")
    with pytest.raises(pr.ReadError, match=r"f\.csv, line 3: field larger than field limit"):
        pr.read_observations(path, registry=registry)


def test_joined_chunks_keep_counts_past_64_bits(tmp_path: Path) -> None:
    big = pr.Observation(indicator="T1.A.1", entity="xa-a", period=Q1, numerator=2 ** 70,
                         denominator=2 ** 71, file="f.csv", row=3)
    small = pr.Observation(indicator="T1.A.1", entity="xa-b", period=Q2, numerator=1,
                           denominator=2, file="f.csv", row=2)
    results = tuple(chunks.ChunkResult(
        chunk=chunks.Chunk(path="f.csv", index=i, count=2, start=0, end=0),
        observations=(o,), issues=(), rows=1) for i, o in enumerate((small, big)))
    joined = chunks.Partial(file="f.csv", count=2, results=results).observations
    assert list(joined) == [small, big] and list(joined.numerator) == [1, 2 ** 70]
