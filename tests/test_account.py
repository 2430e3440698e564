"""The accounting stage on its own: every figure used by a finding or named by an issue
(src/plan_rules/account.py)."""

from __future__ import annotations

from datetime import date
from fractions import Fraction
from pathlib import Path

import plan_rules as pr
from plan_rules.account import account, referenced
from plan_rules.dataissues import IssueSink
from plan_rules.figures import FigureTable
from plan_rules.report import IssueLedger

X1 = pr.Entity(code="X1", level="commune")
AS_OF = date(2025, 6, 30)


def table_of(n: int, *, months: tuple[int, ...] | None = None) -> FigureTable:
    ms = months or tuple(range(1, n + 1))
    return FigureTable.from_observations(
        pr.Observation(indicator="R", entity="X1", level="commune",
                       period=pr.Period.month(2025, m), numerator=1, denominator=2)
        for m in ms)


def finding(**kw: object) -> pr.Finding:
    return pr.Finding(code="R.t", kind="target", verdict=pr.Verdict.MET,
                      message=pr.Text.same("met"), **kw)  # type: ignore[arg-type]


def unused(sink: IssueSink) -> list[tuple[int | None, str]]:
    return [(i.observation, i.message.en) for i in sink.ledger.listed if i.code == "unused"]


def test_a_finding_refers_to_its_used_older_excluded_and_unit_figures() -> None:
    f = finding(observations=(1,), details={"excluded": (2,), "history": (3,)},
                entities=(pr.EntityResult(entity="X1", level="commune",
                                          verdict=pr.Verdict.NOT_APPLICABLE,
                                          observations=(4,)),))
    assert referenced(f) == {1, 2, 3, 4}


def test_a_figure_no_finding_used_is_named_unused_as_a_warning() -> None:
    table = table_of(3)
    sink = IssueSink(table, IssueLedger(None))
    account(table, [finding(observations=(0, 2))], AS_OF, [X1] * 3, sink)
    ((observation, text),) = unused(sink)
    assert observation == 1
    assert "no target uses this figure (period 02/2025, level commune)" in text
    assert sink.ledger.listed[0].severity == "warning"
    assert not sink.blocked


def test_a_figure_after_the_as_of_date_is_named_as_such() -> None:
    table = table_of(2, months=(6, 7))
    sink = IssueSink(table, IssueLedger(None))
    account(table, [finding(observations=(0,))], AS_OF, [X1, X1], sink)
    ((observation, text),) = unused(sink)
    assert observation == 1
    assert "ends after the as-of date 30/06/2025" in text


def test_a_figure_ending_on_the_as_of_date_is_not_said_to_end_after_it() -> None:
    table = table_of(1, months=(6,))
    sink = IssueSink(table, IssueLedger(None))
    account(table, [], AS_OF, [X1], sink)
    ((_, text),) = unused(sink)
    assert "no target uses this figure" in text


def test_a_figure_an_issue_names_already_is_not_named_again() -> None:
    table = table_of(2)
    sink = IssueSink(table, IssueLedger(None))
    sink.issue("duplicate", 1, "trùng", "duplicate", blocking=False)
    account(table, [], AS_OF, [X1, X1], sink)
    assert [(i.code, i.observation) for i in sink.ledger.listed] == [
        ("duplicate", 1), ("unused", 0)]


def test_an_unused_figure_without_a_unit_gives_the_level_of_its_row() -> None:
    table = FigureTable.from_observations([pr.Observation(
        indicator="R", entity="N", level="district", period=pr.Period.month(2025, 1),
        value=Fraction(1, 2))])
    sink = IssueSink(table, IssueLedger(None))
    account(table, [], AS_OF, [None], sink)
    assert "level district" in unused(sink)[0][1]


def test_an_unused_figure_names_its_level_in_vietnamese_in_the_vietnamese_text() -> None:
    table = table_of(3)
    sink = IssueSink(table, IssueLedger(None))
    account(table, [finding(observations=(0, 2))], AS_OF, [X1] * 3, sink)
    [issue] = sink.ledger.listed
    assert "(kỳ 02/2025, cấp xã)" in issue.message.vi


def test_every_figure_is_used_or_named_after_accounting() -> None:
    table = table_of(6)
    sink = IssueSink(table, IssueLedger(None))
    sink.issue("duplicate", 5, "trùng", "duplicate", blocking=False)
    account(table, [finding(observations=(0,), details={"history": (1,)})], AS_OF, [X1] * 6,
            sink)
    named = {i for seen in sink.named.values() for i in seen}
    assert named | {0, 1} == set(range(6))
    assert named.isdisjoint({0, 1})


def test_a_targets_unit_results_cite_only_figures_its_finding_lists() -> None:
    # The accounting reads a target's figures from the finding, not from its results per
    # unit: on the shipped example, every figure a unit result cites is among them.
    example = Path(__file__).parent.parent / "examples" / "hung-yen-2025"
    read = pr.read_observations(example / "figures.csv")
    report = pr.evaluate(read.observations, issues=read.issues, as_of=date(2025, 12, 31),
                         entities=pr.read_entities(example / "entities.csv").entities)
    targets = [f for f in report.findings if f.kind == "target" and len(f.entities)]
    assert targets
    for f in targets:
        cited_by_units = {i for r in f.entities for i in r.observations}
        assert cited_by_units <= referenced(f), f.code
