"""Checks run in parts: each chunk keeps what a check needs of its figures (a small part,
merged in any order), the rows of the units whose figures break a rule travel as rows, and
the findings are those of one pass — without the rows of every figure the check reads."""

from __future__ import annotations

import csv
import io
import itertools
import pickle
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import plan_rules as pr
from plan_rules.chunks import plan_chunks
from plan_rules.partials import (
    Evaluated,
    combine_chunk,
    evaluate_in_chunks,
    finish,
    merge,
    merge_all,
)
from test_partials import write

AS_OF = date(2025, 12, 31)

PROPERTY = settings(max_examples=15, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow])

UNITS = ("xa-a", "xa-b", "xa-c", "so-a")
ENTITIES = tuple(pr.Entity(code=u, level="department" if u.startswith("so") else "commune")
                 for u in UNITS)
PERIODS = ("Q4/2024", "01/2025", "02/2025", "03/2025", "Q2/2025", "Q3/2025", "10/2025",
           "11/2025", "12/2025", "01/2026")
#: The indicators the Plan 200 checks read: IIT-1 and PS-3 (numerator ≤ denominator), PS-2
#: (the same, and its denominator ≤ PS-1's of the unit and period).
CHECKED = ("HY25.IIT.1", "HY25.PS.1", "HY25.PS.2", "HY25.PS.3")
HEADER = ["indicator", "entity", "level", "period", "numerator", "denominator", "value",
          "reported_on", "source", "note"]


@pytest.fixture(scope="module")
def plan200() -> pr.Registry:
    return pr.load_registry()


def with_plan200(plugin: object, *, strict: bool = False) -> pr.Registry:
    """Plan 200's plugins, the library's own, and ``plugin``."""
    from plan_rules import builtin
    from test_plan200 import AREA_MODULES, plan

    return pr.load_registry(plugins=[builtin, plan, *AREA_MODULES, plugin],
                            entry_points=False, strict=strict)


def row(indicator: str, unit: str, period: str, numerator: int, denominator: int) -> list[str]:
    return [indicator, unit, "", period, str(numerator), str(denominator), "", "", "", ""]


def clean_rows() -> Iterator[list[str]]:
    """Every unit's figures of every checked indicator, none breaking a rule."""
    for period, unit in itertools.product(PERIODS, UNITS):
        yield row("HY25.PS.1", unit, period, 90, 120)
        yield row("HY25.PS.2", unit, period, 60, 100)
        yield row("HY25.PS.3", unit, period, 300, 400)
        yield row("HY25.IIT.1", unit, period, 950, 1000)


_ROW = st.one_of(
    st.builds(lambda ind, u, p, n, d: row(ind, u, p, n, d), st.sampled_from(CHECKED),
              st.sampled_from(UNITS), st.sampled_from(PERIODS), st.integers(0, 130),
              st.integers(1, 130)),
    st.builds(lambda u, p, v: ["HY25.PS.2", u, "", p, "", "", v, "", "", ""],
              st.sampled_from(UNITS), st.sampled_from(PERIODS), st.sampled_from(["60%", "95%"])),
)


@st.composite
def files(draw: st.DrawFn) -> bytes:
    """Plan 200 figures of the checked indicators: figures that break the rules or not,
    percentages only, PS-1 and PS-2 of a unit and period far apart (in different chunks),
    rows repeated (duplicates, in one chunk or two)."""
    rows = draw(st.lists(_ROW, min_size=1, max_size=50))
    for _ in range(draw(st.integers(0, 3))):
        if rows:
            rows.insert(draw(st.integers(0, len(rows))), rows[draw(st.integers(0, len(rows) - 1))])
    return to_csv(rows)


def to_csv(rows: Any) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER)
    writer.writerows(rows)
    return out.getvalue().encode()


def one_pass(path: Path, registry: pr.Registry) -> pr.Report:
    read = pr.read_observations(path, registry=registry)
    return pr.evaluate(read.observations, registry=registry, entities=ENTITIES,
                       issues=read.issues, as_of=AS_OF)


def in_chunks(path: Path, n: int, registry: pr.Registry) -> Evaluated:
    return evaluate_in_chunks(path, n, as_of=AS_OF, entities=ENTITIES, registry=registry)


def check_fields(finding: pr.Finding) -> tuple[Any, ...]:
    """What a check's finding says, but the positions it cites."""
    details = dict(finding.details)
    if "violations" in details:
        details["violations"] = [{k: v for k, v in x.items() if k != "observation"}
                                 for x in details["violations"]]
    return finding.verdict, finding.message, details


def assert_same_checks(evaluated: Evaluated, report: pr.Report, registry: pr.Registry) -> None:
    rows = {i: o.row for i, o in enumerate(report.observations)}
    mine = {f.code: f for f in evaluated.report.findings if f.code.startswith("HY25.")
            and f.kind == "check"}
    theirs = {f.code: f for f in report.findings if f.code.startswith("HY25.")
              and f.kind == "check"}
    assert mine.keys() == theirs.keys() == {"HY25.IIT.C1", "HY25.PS.C1", "HY25.PS.C2",
                                            "HY25.PS.C3"}
    for code, finding in mine.items():
        assert check_fields(finding) == check_fields(theirs[code]), code
        if finding.verdict is pr.Verdict.NOT_MET:
            # The figures that break a rule, and those they were compared with, are rows.
            assert evaluated.rows(finding.observations, registry=registry) == {
                rows[i] for i in theirs[code].observations}, code


@PROPERTY
@given(data=files(), n=st.integers(1, 6))
def test_checks_run_in_parts_give_the_one_pass_findings(
        plan200: pr.Registry, tmp_path: Path, data: bytes, n: int) -> None:
    path = write(tmp_path, data)
    assert_same_checks(in_chunks(path, n, plan200), one_pass(path, plan200), plan200)


@PROPERTY
@given(data=files(), n=st.integers(2, 6), choice=st.data())
def test_the_checks_parts_merge_in_any_grouping_and_order(
        plan200: pr.Registry, tmp_path: Path, data: bytes, n: int,
        choice: st.DataObject) -> None:
    parts = [combine_chunk(c, as_of=AS_OF, entities=ENTITIES, registry=plan200)
             for c in plan_chunks(write(tmp_path, data), n)]
    assume(len(parts) > 1)
    shuffled = choice.draw(st.permutations(parts))
    cut = choice.draw(st.integers(1, len(parts) - 1))
    left, right = merge_all(shuffled[:cut]), merge_all(shuffled[cut:])
    expected = merge_all(parts).content()
    assert merge(left, right).content() == expected
    assert merge(right, left).content() == expected
    assert pickle.loads(pickle.dumps(merge(left, right))).content() == expected


def test_figures_that_break_no_rule_travel_as_summaries_not_rows(
        plan200: pr.Registry, tmp_path: Path) -> None:
    path = write(tmp_path, to_csv(clean_rows()))
    evaluated = in_chunks(path, 3, plan200)
    assert evaluated.partial.kept == 0
    assert evaluated.given == len(PERIODS) * len(UNITS) * len(CHECKED)
    assert_same_checks(evaluated, one_pass(path, plan200), plan200)
    met = {f.code: f for f in evaluated.report.findings if f.kind == "check"}
    # Every figure with counts up to the as-of date was checked: the nine periods of 2024
    # and 2025 (January 2026 is after the as-of date), of each of the four units.
    assert met["HY25.PS.C1"].verdict is pr.Verdict.MET
    assert met["HY25.PS.C1"].message.en == (
        "All 36 figures satisfy: dossiers handled fully online ≤ dossiers of procedures "
        "offered fully online.")


def test_only_the_unit_whose_figure_breaks_a_rule_travels_as_rows(
        plan200: pr.Registry, tmp_path: Path) -> None:
    rows = list(clean_rows())
    rows.append(row("HY25.PS.2", "xa-b", "Q4/2024", 60, 130))  # PS-2 130 > PS-1 120
    rows.remove(row("HY25.PS.2", "xa-b", "Q4/2024", 60, 100))
    path = write(tmp_path, to_csv(rows))
    evaluated = in_chunks(path, 4, plan200)
    # The unit's figures of the four indicators the checks read, and nothing else.
    assert evaluated.partial.kept + evaluated.partial.to_read_again == len(PERIODS) * 4
    report = one_pass(path, plan200)
    assert_same_checks(evaluated, report, plan200)
    c3 = next(f for f in evaluated.report.findings if f.code == "HY25.PS.C3")
    assert c3.verdict is pr.Verdict.NOT_MET
    assert "PS-2 130 > PS-1 120" in c3.message.en


def test_a_period_given_twice_in_two_chunks_is_decided_on_its_rows(
        plan200: pr.Registry, tmp_path: Path) -> None:
    rows = list(clean_rows())
    rows.append(row("HY25.PS.1", "xa-c", "03/2025", 90, 99))  # at the end: another chunk
    path = write(tmp_path, to_csv(rows))
    for n in (2, 3, 5):
        assert_same_checks(in_chunks(path, n, plan200), one_pass(path, plan200), plan200)


def test_figures_compared_across_chunks_are_paired_when_merged(
        plan200: pr.Registry, tmp_path: Path) -> None:
    ps1 = [r for r in clean_rows() if r[0] == "HY25.PS.1"]
    others = [r for r in clean_rows() if r[0] != "HY25.PS.1"]
    # PS-1 first, PS-2 last: each unit and period's two figures in different chunks, and
    # one PS-2 figure that breaks the rule only against its PS-1 figure.
    others.remove(row("HY25.PS.2", "so-a", "Q3/2025", 60, 100))
    others.append(row("HY25.PS.2", "so-a", "Q3/2025", 60, 121))
    path = write(tmp_path, to_csv(ps1 + others))
    report = one_pass(path, plan200)
    for n in (2, 4):
        evaluated = in_chunks(path, n, plan200)
        assert_same_checks(evaluated, report, plan200)
        c3 = next(f for f in evaluated.report.findings if f.code == "HY25.PS.C3")
        assert c3.message.en.startswith("1 of 36 figures break")
        assert "PS-2 121 > PS-1 120" in c3.message.en


def _failing_part(ctx: pr.CheckContext) -> Any:
    raise RuntimeError("no part for you")


class _Plugin:
    """A plugin whose check fails in its parts (and would pass in one pass)."""

    @pr.hookimpl
    def plan_rules_checks(self) -> list[pr.Check]:
        return [pr.Check(code="ZZ.C1", name=pr.Text(vi="Thử", en="Try"),
                         indicators=("HY25.PS.1",), run=lambda ctx: iter(()),
                         in_parts=pr.InParts(part=_failing_part,
                                             finish=lambda part, ctx: []))]


def test_a_part_that_raises_is_the_checks_error_naming_its_plugin(
        plan200: pr.Registry, tmp_path: Path) -> None:
    registry = with_plan200(_Plugin())
    assert registry.problems == ()
    path = write(tmp_path, to_csv(clean_rows()))
    evaluated = in_chunks(path, 2, registry)
    error = next(f for f in evaluated.report.findings if f.code == "ZZ.C1")
    assert error.verdict is pr.Verdict.ERROR
    assert error.details == {"exception": "RuntimeError", "error": "no part for you"}
    assert error.plugin == registry.checks["ZZ.C1"].plugin
    assert f"Check ZZ.C1 (plugin {error.plugin}) raised RuntimeError: no part for you" == (
        error.message.en)


def test_in_strict_mode_a_part_that_raises_stops_the_evaluation(tmp_path: Path) -> None:
    registry = with_plan200(_Plugin(), strict=True)
    path = write(tmp_path, to_csv(clean_rows()))
    with pytest.raises(pr.CheckError, match=r"check 'ZZ.C1' .* raised: no part for you"):
        in_chunks(path, 2, registry)


def test_a_check_whose_parts_the_chunks_lack_is_an_error_not_a_wrong_count(
        plan200: pr.Registry, tmp_path: Path) -> None:
    path = write(tmp_path, to_csv(clean_rows()))
    # The chunks read without the check (a registry of other plugins), finished with it.
    parts = [combine_chunk(c, as_of=AS_OF, entities=ENTITIES, registry=with_plan200(_Plugin()))
             for c in plan_chunks(path, 2)]
    evaluated = finish(merge_all(parts), registry=with_plan200(_Late()), entities=ENTITIES)
    error = next(f for f in evaluated.report.findings if f.code == "ZZ.C3")
    assert error.verdict is pr.Verdict.ERROR
    assert error.details["exception"] == "LookupError"


class _Late:
    """A plugin whose check runs in parts, absent where the chunks were read."""

    @pr.hookimpl
    def plan_rules_checks(self) -> list[pr.Check]:
        return [pr.Check(code="ZZ.C3", name=pr.Text(vi="Muộn", en="Late"),
                         indicators=("HY25.PS.1",), run=lambda ctx: iter(()),
                         in_parts=pr.InParts(part=lambda ctx: None,
                                             finish=lambda part, ctx: []))]


def test_a_check_without_a_form_in_parts_still_sees_every_row(
        plan200: pr.Registry, tmp_path: Path) -> None:
    seen: list[int] = []

    class Counting:
        @pr.hookimpl
        def plan_rules_checks(self) -> list[pr.Check]:
            def run(ctx: pr.CheckContext) -> Iterator[pr.Finding]:
                seen.append(len(ctx.positions("HY25.PS.3")))
                return iter(())
            return [pr.Check(code="ZZ.C2", name=pr.Text(vi="Đếm", en="Count"),
                             indicators=("HY25.PS.3",), run=run)]

    registry = with_plan200(Counting())
    assert registry.problems == ()
    path = write(tmp_path, to_csv(clean_rows()))
    in_chunks(path, 3, registry)
    assert seen == [len(PERIODS[:-1]) * len(UNITS)]
