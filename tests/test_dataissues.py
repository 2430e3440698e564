"""The data-issue sink on its own: one place where every stage names what is wrong with a
figure (src/plan_rules/dataissues.py)."""

from __future__ import annotations

import plan_rules as pr
from plan_rules.dataissues import IssueSink
from plan_rules.figures import FigureTable
from plan_rules.report import IssueLedger


def sink_of(max_issues: int | None = None) -> IssueSink:
    table = FigureTable.from_observations([
        pr.Observation(indicator="R", entity="X1", level="commune",
                       period=pr.Period.month(2025, m), numerator=1, denominator=2,
                       file="data.csv", row=m + 1)
        for m in (1, 2, 3)])
    return IssueSink(table, IssueLedger(max_issues))


def test_an_issue_carries_the_figures_file_row_indicator_and_unit() -> None:
    sink = sink_of()
    sink.issue("duplicate", 1, "trùng", "duplicate", field="period", text="02/2025",
               expected="one figure")
    (issue,) = sink.ledger.listed
    assert (issue.code, issue.file, issue.row, issue.indicator, issue.entity) == (
        "duplicate", "data.csv", 3, "R", "X1")
    assert (issue.observation, issue.field, issue.text, issue.expected) == (
        1, "period", "02/2025", "one figure")
    assert issue.message == pr.Text(vi="trùng", en="duplicate")


def test_only_the_first_issue_of_a_code_per_figure_is_kept() -> None:
    sink = sink_of()
    sink.issue("duplicate", 1, "một", "first")
    sink.issue("duplicate", 1, "hai", "second")
    assert [i.message.en for i in sink.ledger.listed] == ["first"]


def test_issues_of_other_codes_or_other_figures_are_all_kept() -> None:
    sink = sink_of()
    sink.issue("duplicate", 1, "a", "a")
    sink.issue("unused", 1, "b", "b", blocking=False, severity="warning")
    sink.issue("duplicate", 2, "c", "c")
    assert [(i.code, i.observation) for i in sink.ledger.listed] == [
        ("duplicate", 1), ("unused", 1), ("duplicate", 2)]


def test_a_blocking_issue_blocks_its_figure_and_its_indicator_and_unit() -> None:
    sink = sink_of()
    sink.issue("rate_above_one", 0, "x", "x")
    assert sink.blocked == {0}
    assert sink.blocked_by == {("R", "X1"): [0]}
    assert sink.blocks_indicator("R")
    assert not sink.blocks_indicator("OTHER")


def test_a_non_blocking_issue_blocks_nothing() -> None:
    sink = sink_of()
    sink.issue("covered_period", 0, "x", "x", blocking=False, severity="warning")
    assert sink.blocked == set()
    assert not sink.blocks_indicator("R")
    assert sink.ledger.listed[0].severity == "warning"


def test_an_issue_of_no_figure_names_no_row_and_blocks_nothing() -> None:
    sink = sink_of()
    sink.issue("broken", None, "x", "x")
    sink.issue("broken", None, "y", "y")
    (issue,) = sink.ledger.listed
    assert (issue.file, issue.row, issue.observation, issue.indicator) == (None, None, None,
                                                                           None)
    assert sink.blocked == set()


def test_the_sink_knows_which_figures_an_issue_names() -> None:
    sink = sink_of()
    sink.issue("duplicate", 2, "x", "x", blocking=False)
    assert sink.names(2)
    assert not sink.names(0)


def test_issues_past_the_ledgers_limit_are_counted_by_their_rows_not_listed() -> None:
    sink = sink_of(max_issues=1)
    for i in range(3):
        sink.issue("duplicate", i, "x", "x")
    assert [i.observation for i in sink.ledger.listed] == [0]
    (summary,) = sink.ledger.summaries()
    assert (summary.code, summary.count, summary.listed) == ("duplicate", 3, 1)
    assert summary.names_row("data.csv", 3) and summary.names_row("data.csv", 4)
    # Still one per figure, and still blocking, past the limit.
    assert sink.blocked == {0, 1, 2}
    sink.issue("duplicate", 2, "x", "x")
    assert sink.ledger.summaries()[0].count == 3
