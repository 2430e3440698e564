"""Mergeable partials: each chunk read, validated and combined into a small summary; the
summaries merged in any grouping and order; the report made once from the merged summary,
with the findings a one-pass evaluation gives."""

from __future__ import annotations

import csv
import io
import pickle
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import plan_rules as pr
from plan_rules.chunks import plan_chunks
from plan_rules.partials import (
    Evaluated,
    PartialAggregate,
    combine_chunk,
    evaluate_in_chunks,
    finish,
    merge,
    merge_all,
)
from test_chunks import Figures, figure_files

ROOT = Path(__file__).resolve().parents[1]
AS_OF = date(2025, 12, 31)

#: Small budgets: each example reads, combines and evaluates a file up to eight times.
PROPERTY = settings(max_examples=10, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow])

#: The units of the generated files, described (a district ceased mid-2025 among them).
ENTITIES = (
    pr.Entity(code="c1", level="commune"), pr.Entity(code="c2", level="commune"),
    pr.Entity(code="c3", level="commune"), pr.Entity(code="hy", level="province"),
    pr.Entity(code="d1", level="district", valid_to=date(2025, 6, 30)),
)

_PERIODS = ["01/2025", "02/2025", "03/2025", "04/2025", "05/2025", "06/2025", "07/2025",
            "08/2025", "09/2025", "10/2025", "11/2025", "12/2025", "Q1/2025", "Q2/2025",
            "Q3/2025", "Q4/2025", "2025", "12/2024", "Q4/2024", "01/2026", "Q1/2026"]

#: Rows of the sample plan's indicators, mostly good, some not: percentages only, zero
#: denominators, numerators above denominators, unknown units and indicators, levels that
#: disagree, months that overlap quarters, reports dated or not (ties for the latest
#: snapshot), figures before and after every window.
_ROW = st.one_of(
    st.builds(lambda e, p, n, d: ["T1.A.1", e, "", p, str(n), str(n + d), "", "", "", ""],
              st.sampled_from(["c1", "c2", "c3", "d1", "c9"]), st.sampled_from(_PERIODS),
              st.integers(0, 90), st.integers(0, 30)),
    st.builds(lambda e, p, n, d: ["T1.A.1", e, "commune", p, str(n), str(d), "", "", "", ""],
              st.sampled_from(["c1", "c2"]), st.sampled_from(_PERIODS), st.integers(0, 9),
              st.integers(0, 9)),
    st.builds(lambda p, v: ["T1.A.1", "c3", "", p, "", "", v, "", "", ""],
              st.sampled_from(_PERIODS), st.sampled_from(["87,5%", "60%"])),
    st.builds(lambda p, v, r: ["T1.A.2", "hy", "province", p, "", "", v, r, "", ""],
              st.sampled_from(_PERIODS), st.sampled_from(["87,5%", "100%", "0,95", "50%"]),
              st.sampled_from(["", "", "10/04/2025", "31/12/2025"])),
    st.builds(lambda p, n, d: ["T1.A.2", "hy", "", p, str(n), str(n + d), "", "", "", ""],
              st.sampled_from(_PERIODS), st.integers(0, 50), st.integers(0, 50)),
    st.builds(lambda p, v: ["T1.A.3", "hy", "province", p, "", "", v, "", "", ""],
              st.sampled_from(_PERIODS), st.sampled_from(["131", "90", "130"])),
    st.builds(lambda p, v: ["T1.A.4", "hy", "province", p, "", "", v, "",
                            "QĐ 12/QĐ-UBND" if v == "hoàn thành" else "", ""],
              st.sampled_from(_PERIODS), st.sampled_from(["hoàn thành", "chưa", "1"])),
    st.just(["T9.Z.9", "c1", "commune", "Q1/2025", "1", "2", "", "", "", ""]),
    st.just(["T1.A.1", "c1", "district", "Q1/2025", "1", "2", "", "", "", ""]),
)


@st.composite
def plan_files(draw: st.DrawFn) -> bytes:
    """A figures file of the sample plan: mostly summarisable figures, awkward ones mixed in,
    rows repeated (duplicates, in the same chunk or in two)."""
    rows = draw(st.lists(_ROW, min_size=0, max_size=60))
    for _ in range(draw(st.integers(0, 4))):
        if rows:
            rows.insert(draw(st.integers(0, len(rows))), rows[draw(st.integers(0, len(rows) - 1))])
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["indicator", "entity", "level", "period", "numerator", "denominator",
                     "value", "reported_on", "source", "note"])
    writer.writerows(rows)
    return out.getvalue().encode()


def write(tmp_path: Path, data: bytes) -> Path:
    path = tmp_path / "figures.csv"
    path.write_bytes(data)
    return path


def partials_of(path: Path, n: int, registry: pr.Registry) -> list[PartialAggregate]:
    return [combine_chunk(c, as_of=AS_OF, entities=ENTITIES, registry=registry)
            for c in plan_chunks(path, n)]


def one_pass(path: Path, registry: pr.Registry) -> pr.Report:
    read = pr.read_observations(path, registry=registry)
    return pr.evaluate(read.observations, registry=registry, entities=ENTITIES,
                       issues=read.issues, as_of=AS_OF)


#: A finding's fields that cite figures by position: provenance, which differs (the compact
#: table's positions); what they cite is checked by :meth:`Evaluated.rows` instead.
_PROVENANCE = {"observations", "details"}
_UNIT_PROVENANCE = {"observations", "periods"}


def comparable(report: pr.Report) -> list[dict[str, Any]]:
    """Every field of every finding (as the JSON report gives it) but its provenance, units'
    results included: verdict, observed, statistics, gaps, history, progress, messages."""
    out = []
    for finding in report.to_dict()["findings"]:
        fields = {k: v for k, v in finding.items() if k not in _PROVENANCE | {"entities"}}
        fields["entities"] = [{k: v for k, v in r.items() if k not in _UNIT_PROVENANCE}
                              for r in finding.get("entities") or ()]
        out.append(fields)
    return out


def assert_same_findings(evaluated: Evaluated, report: pr.Report) -> None:
    assert comparable(evaluated.report) == comparable(report)


# -- merging -----------------------------------------------------------------------------------


@PROPERTY
@given(data=plan_files(), n=st.integers(2, 8), choice=st.data())
def test_merge_is_associative_and_commutative(
        registry: pr.Registry, tmp_path: Path, data: bytes, n: int,
        choice: st.DataObject) -> None:
    parts = partials_of(write(tmp_path, data), n, registry)
    expected = merge_all(parts).content()
    shuffled = choice.draw(st.permutations(parts))
    while len(shuffled) > 1:  # a random tree: any two neighbours merged, in either order
        k = choice.draw(st.integers(0, len(shuffled) - 2))
        a, b = shuffled[k], shuffled[k + 1]
        shuffled[k:k + 2] = [merge(b, a) if choice.draw(st.booleans()) else merge(a, b)]
    assert shuffled[0].content() == expected


@PROPERTY
@given(data=plan_files(), n=st.integers(1, 8))
def test_partials_survive_pickling(registry: pr.Registry, tmp_path: Path, data: bytes,
                                   n: int) -> None:
    for p in partials_of(write(tmp_path, data), n, registry):
        assert pickle.loads(pickle.dumps(p)).content() == p.content()


@PROPERTY
@given(data=plan_files(), n=st.integers(1, 8))
def test_every_figure_is_summarised_kept_or_read_again_and_the_counts_add_up(
        registry: pr.Registry, tmp_path: Path, data: bytes, n: int) -> None:
    path = write(tmp_path, data)
    parts = partials_of(path, n, registry)
    for p in parts:
        assert p.given == p.summarised + p.kept + p.to_read_again
    merged = merge_all(parts)
    assert merged.given == merged.summarised + merged.kept + merged.to_read_again
    assert merged.given == sum(p.given for p in parts)
    read = pr.read_observations(path, registry=registry)
    if not merged.open_ends and not merged.whole:
        assert merged.given == len(read.observations)
        assert merged.read == read.rows


def test_merging_refuses_partials_of_other_files_or_the_same_chunk(
        registry: pr.Registry, tmp_path: Path) -> None:
    path = write(tmp_path, b"indicator,entity,level,period,numerator,denominator\n"
                 + b"T1.A.1,c1,commune,01/2025,1,2\n" * 4)
    a, _b = partials_of(path, 2, registry)
    with pytest.raises(ValueError, match="both"):
        merge(a, a)
    other = combine_chunk(plan_chunks(path, 2)[1], as_of=date(2024, 12, 31),
                          entities=ENTITIES, registry=registry)
    with pytest.raises(ValueError, match="different"):
        merge(a, other)
    with pytest.raises(ValueError, match="missing"):
        finish(a, registry=registry, entities=ENTITIES)


# -- the report, once --------------------------------------------------------------------------


def evaluated_in_chunks(path: Path, n: int, registry: pr.Registry) -> Evaluated:
    return evaluate_in_chunks(path, n, as_of=AS_OF, entities=ENTITIES, registry=registry)


@PROPERTY
@given(data=plan_files(), n=st.integers(1, 8))
def test_merged_partials_give_the_one_pass_findings(
        registry: pr.Registry, tmp_path: Path, data: bytes, n: int) -> None:
    path = write(tmp_path, data)
    assert_same_findings(evaluated_in_chunks(path, n, registry), one_pass(path, registry))


@PROPERTY
@given(figures=figure_files(), n=st.integers(1, 8))
def test_hostile_files_give_the_one_pass_findings(
        registry: pr.Registry, tmp_path: Path, figures: Figures, n: int) -> None:
    path = write(tmp_path, figures.data)
    assert_same_findings(evaluated_in_chunks(path, n, registry), one_pass(path, registry))


@PROPERTY
@given(data=plan_files(), n=st.integers(1, 8))
def test_the_rows_behind_a_finding_are_exactly_those_one_pass_cites(
        registry: pr.Registry, tmp_path: Path, data: bytes, n: int) -> None:
    path = write(tmp_path, data)
    evaluated = evaluated_in_chunks(path, n, registry)
    report = one_pass(path, registry)
    table = report.observations
    for mine, theirs in zip(evaluated.report.findings, report.findings, strict=True):
        assert evaluated.rows(mine.observations, registry=registry) == {
            table.row_at(i) for i in theirs.observations}


def test_a_unit_summarised_in_most_chunks_stands_for_its_rows(registry: pr.Registry,
                                                              tmp_path: Path) -> None:
    lines = [f"T1.A.1,c{u},commune,{m:02d}/2025,{m},{10 + m}" for m in range(1, 13)
             for u in (1, 2, 3)]
    path = write(tmp_path, ("indicator,entity,level,period,numerator,denominator\n"
                            + "\n".join(lines) + "\n").encode())
    evaluated = evaluate_in_chunks(path, 3, as_of=AS_OF, entities=ENTITIES,
                                   registry=registry)
    # Three units, four quarters: twelve figures stand for the 36 rows.
    assert len(evaluated.table) == 12
    assert evaluated.given == 36
    assert_same_findings(evaluated, one_pass(path, registry))
    pooled = next(f for f in evaluated.report.findings if f.code == "T1.A.1.pooled")
    assert pooled.statistics.n_observations == 36


def test_a_duplicate_in_another_chunk_is_named_as_one_pass_names_it(
        registry: pr.Registry, tmp_path: Path) -> None:
    lines = [f"T1.A.1,c1,commune,{m:02d}/2025,{m},20" for m in range(1, 13)]
    # March again, at the end, another figure and no report date: neither is used.
    lines.append("T1.A.1,c1,commune,03/2025,19,20")
    path = write(tmp_path, ("indicator,entity,level,period,numerator,denominator\n"
                            + "\n".join(lines) + "\n").encode())
    evaluated = evaluate_in_chunks(path, 4, as_of=AS_OF, entities=ENTITIES,
                                   registry=registry)
    report = one_pass(path, registry)
    assert_same_findings(evaluated, report)
    named = ("duplicate", "conflicting_duplicates")
    duplicates = [(i.code, i.row, i.message.en) for i in evaluated.report.issues
                  if i.code in named]
    assert duplicates == [(i.code, i.row, i.message.en) for i in report.issues
                          if i.code in named]
    assert [(code, row) for code, row, _ in duplicates] == [
        ("conflicting_duplicates", 4), ("conflicting_duplicates", 14)]


def test_the_example_gives_the_one_pass_findings(tmp_path: Path) -> None:
    registry = pr.load_registry()
    example = ROOT / "examples" / "hung-yen-2025"
    entities = pr.read_entities(example / "entities.csv").entities
    read = pr.read_observations(example / "figures.csv", registry=registry)
    report = pr.evaluate(read.observations, registry=registry, entities=entities,
                         issues=read.issues, as_of=AS_OF)
    for n in (1, 2, 5):
        evaluated = evaluate_in_chunks(example / "figures.csv", n, as_of=AS_OF,
                                       entities=entities, registry=registry)
        assert_same_findings(evaluated, report)


def test_a_snapshot_is_the_latest_by_the_combine_order_in_a_chunk_and_across(
        registry: pr.Registry, tmp_path: Path) -> None:
    # One quarter's class: the months, then the quarter, which ends with December and is
    # longer, so it stands (in one chunk); cut between the months, the last month stands.
    header = "indicator,entity,level,period,numerator,denominator,value,reported_on\n"
    months = ["T1.A.2,hy,province,10/2025,,,50%,", "T1.A.2,hy,province,11/2025,,,60%,",
              "T1.A.2,hy,province,12/2025,,,100%,"]
    for lines, cuts in (([*months, "T1.A.2,hy,province,Q4/2025,,,90%,31/12/2025"], (1,)),
                        (months, (1, 2, 3))):
        path = write(tmp_path, (header + "\n".join(lines) + "\n").encode())
        report = one_pass(path, registry)
        for n in cuts:
            evaluated = evaluate_in_chunks(path, n, as_of=AS_OF, entities=ENTITIES,
                                           registry=registry)
            assert len(evaluated.table) == 1  # one class, one figure standing for it
            assert_same_findings(evaluated, report)


def test_the_years_before_the_window_give_the_one_pass_history_in_chunks(
        registry: pr.Registry, tmp_path: Path) -> None:
    # 2023 and 2024 by quarter, then 2025's months: each year before the window is a point
    # of every target's history, as in one pass, whatever the cut.
    lines = [f"T1.A.1,c{u},commune,Q{q}/{y},{q + u + (y - 2023) * 5},{20 + u}"
             for y in (2023, 2024) for q in (1, 2, 3, 4) for u in (1, 2, 3)]
    # And years older than the history keeps (window.HISTORY_YEARS): unused in both.
    lines += [f"T1.A.1,c{u},commune,{y},{u + y - 2015},{40 + u}" for y in (2019, 2020, 2021)
              for u in (1, 2)]
    lines += [f"T1.A.1,c{u},commune,{m:02d}/2025,{10 + m},{20 + u}" for m in range(1, 7)
              for u in (1, 2, 3)]
    lines += [f"T1.A.2,hy,province,Q4/{y},{50 + y - 2023},100" for y in (2023, 2024)]
    lines += ["T1.A.2,hy,province,Q2/2025,60,100"]
    path = write(tmp_path, ("indicator,entity,level,period,numerator,denominator\n"
                            + "\n".join(lines) + "\n").encode())
    report = one_pass(path, registry)
    pooled = report.finding("T1.A.1.pooled")
    assert [p.on for p in pooled.history][:2] == [date(2023, 12, 31), date(2024, 12, 31)]
    assert {i.text for i in report.issues if i.code == "unused"} == {"2019", "2020", "2021"}
    for n in (1, 2, 3, 7):
        evaluated = evaluate_in_chunks(path, n, as_of=AS_OF, entities=ENTITIES,
                                       registry=registry)
        assert_same_findings(evaluated, report)
        for mine, theirs in zip(evaluated.report.findings, report.findings, strict=True):
            assert evaluated.rows(mine.details.get("history", ()), registry=registry) == {
                report.observations.row_at(i) for i in theirs.details.get("history", ())}
