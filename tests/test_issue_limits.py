"""Issues past a limit: counted, every row still named by ranges, the run bounded in memory.

A million duplicate rows are a million issues that say the same thing. A report lists the
first ``max_issues`` of each code and severity in full and keeps the rest as an
:class:`~plan_rules.model.IssueSummary` (a count and the row ranges); conservation still
accounts for every observation through the ranges. The cheap cases run in CI; the million
rows run under the ``slow`` marker, in a subprocess with an address-space limit.
"""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
import textwrap
import time
from datetime import date
from pathlib import Path
from typing import Any

import pytest

import plan_rules as pr
from plan_rules import cli, dataissues
from plan_rules.formats import render_csv, render_markdown, render_text
from plan_rules.html import render_html
from plan_rules.model import IssueSummary
from plan_rules.report import DEFAULT_MAX_ISSUES, IssueLedger

AS_OF = date(2025, 12, 31)
SCHEMA = Path(__file__).parents[1] / "docs" / "report-schema.json"
HEADER = "indicator,entity,level,period,numerator,denominator,value,reported_on,source,note\n"
ROW = "T1.A.1,xa-a,commune,Q1/2025,65,100,,,,\n"


def duplicates(n: int, *, file: str = "f.csv") -> list[pr.Observation]:
    """``n`` copies of one figure, on rows 2 to n + 1 as a reader numbers them."""
    period = pr.Period.parse("Q1/2025")
    return [pr.Observation(indicator="T1.A.1", entity="xa-a", level="commune", period=period,
                           numerator=65, denominator=100, file=file, row=r)
            for r in range(2, n + 2)]


@pytest.fixture(scope="module")
def many(registry: pr.Registry) -> pr.Report:
    """5,000 rows of one figure: 4,999 duplicates, 10 of them listed."""
    return pr.evaluate(duplicates(5000), registry=registry, as_of=AS_OF, max_issues=10)


def reader_issue(code: str, row: int, severity: str = "error") -> pr.DataIssue:
    return pr.DataIssue(code=code, message=pr.Text(vi="số sai", en="bad number"), file="f.csv",
                        row=row, field="value", severity=severity)


# -- the summary --------------------------------------------------------------------------


def test_only_the_first_issues_of_a_code_are_listed(many: pr.Report) -> None:
    assert [i.row for i in many.issues if i.code == "duplicate"] == list(range(2, 12))


def test_the_rest_are_counted_in_a_summary(many: pr.Report) -> None:
    (summary,) = many.issue_summaries
    assert (summary.code, summary.severity, summary.count, summary.listed, summary.omitted) == (
        "duplicate", "error", 4999, 10, 4989)


def test_the_summary_names_every_other_row_as_a_range(many: pr.Report) -> None:
    (summary,) = many.issue_summaries
    assert summary.rows == (("f.csv", ((12, 5000),)),)
    assert summary.observations == ((10, 4998),)


def test_a_summary_says_which_observations_and_rows_it_names(many: pr.Report) -> None:
    (summary,) = many.issue_summaries
    assert [summary.names_observation(i) for i in (9, 10, 4998, 4999)] == [
        False, True, True, False]
    assert [summary.names_row("f.csv", r) for r in (11, 12, 5000, 5001)] == [
        False, True, True, False]
    assert not summary.names_row("other.csv", 12)


def test_conservation_counts_rows_named_only_by_a_summary(registry: pr.Registry,
                                                          many: pr.Report) -> None:
    kept = pr.evaluate(duplicates(5000), registry=registry, as_of=AS_OF, max_issues=0)
    assert many.conservation() == kept.conservation()
    assert many.conservation().holds and many.conservation().reported == 4999


def test_a_summary_does_not_hide_an_observation_that_is_lost() -> None:
    summary = IssueSummary(code="duplicate", severity="error", count=4, listed=1,
                           rows=(("f.csv", ((3, 5),)),), observations=((1, 3),))
    report = pr.Report(findings=(), issues=(), as_of=AS_OF, library_version="0",
                       issue_summaries=(summary,), n_observations=6)
    assert report.conservation().lost == (0, 4, 5)


def test_the_summary_counts_every_issue(many: pr.Report) -> None:
    assert many.summary().issues == 4999
    assert many.issue_count("error") == 4999 and many.issue_count("warning") == 0


def test_the_default_limit_is_a_hundred_of_each_code(registry: pr.Registry) -> None:
    report = pr.evaluate(duplicates(250), registry=registry, as_of=AS_OF)
    assert DEFAULT_MAX_ISSUES == 100
    assert len(report.issues) == 100 and report.issue_summaries[0].count == 249


@pytest.mark.parametrize("limit", [None, 0])
def test_no_limit_lists_every_issue(registry: pr.Registry, limit: int | None) -> None:
    report = pr.evaluate(duplicates(300), registry=registry, as_of=AS_OF, max_issues=limit)
    assert len(report.issues) == 299 and report.issue_summaries == ()


@pytest.mark.parametrize("limit", [-1, 1.5, True, "10"])
def test_a_limit_that_is_not_a_whole_number_is_refused(registry: pr.Registry,
                                                       limit: object) -> None:
    with pytest.raises(ValueError, match="max_issues"):
        pr.evaluate(duplicates(3), registry=registry, as_of=AS_OF,
                    max_issues=limit)  # type: ignore[arg-type]


def test_issues_past_the_limit_are_never_built(registry: pr.Registry,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    built = []
    original = pr.DataIssue

    def counting(**fields: object) -> pr.DataIssue:
        built.append(fields["code"])
        return original(**fields)  # type: ignore[arg-type]

    monkeypatch.setattr(dataissues, "DataIssue", counting)
    pr.evaluate(duplicates(2000), registry=registry, as_of=AS_OF, max_issues=5)
    assert built.count("duplicate") == 5


def test_issues_given_by_a_reader_are_limited_too(registry: pr.Registry) -> None:
    given = [reader_issue("bad_number", r) for r in range(2, 52)]
    report = pr.evaluate([], registry=registry, as_of=AS_OF, issues=given, max_issues=5)
    assert [i.row for i in report.issues] == [2, 3, 4, 5, 6]
    assert report.issue_summaries[0].rows == (("f.csv", ((7, 51),)),)
    assert report.issue_summaries[0].observations == ()


def test_each_severity_of_a_code_has_its_own_limit(registry: pr.Registry) -> None:
    given = [reader_issue("odd", r, "warning") for r in range(2, 12)] + [
        reader_issue("odd", 50, "error")]
    report = pr.evaluate([], registry=registry, as_of=AS_OF, issues=given, max_issues=3)
    assert [(i.row, i.severity) for i in report.issues] == [
        (2, "warning"), (3, "warning"), (4, "warning"), (50, "error")]
    assert [(s.severity, s.count) for s in report.issue_summaries] == [("warning", 10)]


def test_rows_out_of_order_become_ranges_in_order() -> None:
    ledger = IssueLedger(1)
    for row in (1, 9, 3, 4, 10, 5, 20):  # the first is listed in full
        ledger.add(reader_issue("bad_number", row))
    (summary,) = ledger.summaries()
    assert summary.rows == (("f.csv", ((3, 5), (9, 10), (20, 20))),)


def test_a_summary_knows_the_rows_it_names() -> None:
    summary = IssueSummary(code="x", severity="error", count=9, listed=1,
                           rows=(("f.csv", ((3, 5), (9, 10))),))
    named = [r for r in range(1, 12) if summary.names_row("f.csv", r)]
    assert named == [3, 4, 5, 9, 10]
    assert not summary.names_row("other.csv", 4)


def test_a_report_names_rows_listed_or_summarised(many: pr.Report) -> None:
    assert many.names_row("f.csv", 2) and many.names_row("f.csv", 4000)
    assert not many.names_row("f.csv", 5001)  # the row kept, used by the targets
    assert not many.names_row("other.csv", 4000)


def test_an_issue_counted_without_being_listed_is_summarised() -> None:
    ledger = IssueLedger(5)
    ledger.note("odd", "warning", file="f.csv", row=3, observation=None)
    (summary,) = ledger.summaries()
    assert (summary.count, summary.listed, summary.rows) == (1, 0, (("f.csv", ((3, 3),)),))


def test_ranges_out_of_order_are_refused() -> None:
    with pytest.raises(ValueError, match="in order"):
        IssueSummary(code="x", severity="error", count=3, listed=1, observations=((5, 6), (1, 2)))


def test_the_summary_reads_as_rows_of_a_file_in_both_languages(many: pr.Report) -> None:
    message = many.issue_summaries[0].message()
    assert message.en == ("4,989 more 'duplicate' issues (4,999 in all) are not listed one by "
                          "one: rows 12–5,000 of f.csv")
    assert message.vi == ("Còn 4.989 vấn đề 'duplicate' khác (tổng cộng 4.999) không được liệt "
                          "kê từng vấn đề: dòng 12–5.000 của tệp f.csv")


def test_one_issue_not_listed_on_one_row_is_said_in_the_singular_in_english() -> None:
    summary = IssueSummary(code="duplicate", severity="error", count=2, listed=1,
                           rows=(("f.csv", ((5, 5),)),))
    assert summary.message().en == ("1 more 'duplicate' issue (2 in all) is not listed: row 5 "
                                    "of f.csv")


def test_one_more_range_is_said_in_the_singular_in_english() -> None:
    summary = IssueSummary(code="x", severity="error", count=5, listed=1,
                           rows=(("f.csv", ((2, 2), (4, 4))),))
    assert summary.where("en", limit=1) == "rows 2 and 1 more range of f.csv"


def test_a_long_list_of_ranges_is_cut_in_the_message_and_says_how_many_more() -> None:
    spans = tuple((n, n) for n in range(2, 200, 2))
    summary = IssueSummary(code="x", severity="error", count=100, listed=1,
                           rows=(("f.csv", spans),))
    assert summary.where("en", limit=3) == "rows 2, 4, 6 and 96 more ranges of f.csv"
    assert summary.where("en").count(",") == 98


# -- the JSON form ------------------------------------------------------------------------


def test_the_json_lists_only_the_limit_and_the_summary(many: pr.Report) -> None:
    data = json.loads(many.to_json())
    assert len(data["issues"]) == 10
    assert data["summary"]["issues"] == 4999
    (summary,) = data["issue_summaries"]
    assert summary["rows"] == [{"file": "f.csv", "ranges": [[12, 5000]]}]
    assert summary["count"] == 4999 and summary["listed"] == 10


def test_a_summarised_report_matches_the_documented_schema(many: pr.Report) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    jsonschema.validate(json.loads(many.to_json()), json.loads(SCHEMA.read_text()))


def test_a_summarised_report_declares_the_latest_schema(many: pr.Report) -> None:
    assert many.to_dict()["schema_version"] == pr.report.LATEST_SCHEMA_VERSION


def test_a_report_under_the_limit_is_written_as_before(registry: pr.Registry) -> None:
    data = pr.evaluate(duplicates(3), registry=registry, as_of=AS_OF).to_dict()
    assert data["schema_version"] == pr.report.SCHEMA_VERSION
    assert "issue_summaries" not in data
    assert list(data)[-2:] == ["issues", "sources"]


def test_summaries_read_back_from_json(many: pr.Report) -> None:
    again = pr.Report.from_json(many.to_json())
    assert again.issue_summaries == many.issue_summaries
    assert again.to_dict() == many.to_dict()
    assert again.conservation() == many.conservation()


def test_a_report_of_schema_1_1_still_reads(registry: pr.Registry) -> None:
    data = pr.evaluate(duplicates(3), registry=registry, as_of=AS_OF).to_dict()
    data["schema_version"] = "1.1"
    data["areas"] = {code: name for areas in data["areas"].values()
                     for code, name in areas.items()}  # as 1.x named them
    again = pr.Report.from_dict(data)
    assert again.issue_summaries == () and len(again.issues) == 2


def test_the_json_of_many_issues_grows_only_with_the_rows(registry: pr.Registry) -> None:
    small = pr.evaluate(duplicates(2000), registry=registry, as_of=AS_OF, max_issues=10)
    large = pr.evaluate(duplicates(4000), registry=registry, as_of=AS_OF, max_issues=10)

    def issues_part(report: pr.Report) -> int:
        data = report.to_dict()
        return len(json.dumps([data["issues"], data["issue_summaries"]]))

    # A duplicate costs a few hundred bytes when listed; past the limit, nothing.
    assert abs(issues_part(large) - issues_part(small)) < 20


# -- the writers and the command ----------------------------------------------------------


def test_the_text_report_has_a_summary_line(many: pr.Report) -> None:
    text = render_text(many, "en")
    assert "Data issues (4999)" in text
    assert "  error duplicate: 4,989 more 'duplicate' issues" in text
    assert "data issues 4999" in text


def test_the_markdown_report_has_a_summary_line(many: pr.Report) -> None:
    text = render_markdown(many, "vi")
    assert "- duplicate: Còn 4.989 vấn đề 'duplicate' khác" in text


def test_the_html_report_has_a_summary_line(many: pr.Report) -> None:
    page = render_html(many, "en")
    assert '<p class="sev-error" data-issue-summary="duplicate">4,989 more' in page


def test_the_csv_report_has_a_summary_row(many: pr.Report) -> None:
    table = list(csv.DictReader(io.StringIO(render_csv(many, "en").lstrip("\ufeff"))))
    (row,) = [r for r in table if r["record"] == "issue_summary"]
    assert (row["code"], row["file"], row["row"], row["severity"]) == (
        "duplicate", "f.csv", "12–5000", "error")
    assert row["message"].startswith("4,989 more 'duplicate' issues")


def test_a_report_of_summaries_alone_does_not_say_there_are_no_issues() -> None:
    summary = IssueSummary(code="duplicate", severity="error", count=3, listed=0,
                           rows=(("f.csv", ((2, 4),)),))
    report = pr.Report(findings=(), issues=(), as_of=AS_OF, library_version="0",
                       issue_summaries=(summary,))
    for text in (render_text(report, "en"), render_markdown(report, "en"),
                 render_html(report, "en")):
        assert "No data issues" not in text and "rows 2–4 of f.csv" in text


@pytest.fixture
def sample_cli(monkeypatch: pytest.MonkeyPatch, registry: pr.Registry) -> None:
    monkeypatch.setattr(cli, "load_registry", lambda strict=None: registry)


@pytest.mark.usefixtures("sample_cli")
@pytest.mark.parametrize("command", ["evaluate", "validate"])
def test_max_issues_option_limits_the_listing(tmp_path: Path, command: str,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    figures = tmp_path / "f.csv"
    figures.write_text(HEADER + ROW * 50, encoding="utf-8")
    code = cli.main([command, str(figures), "--as-of", "2025-12-31", "--max-issues", "3",
                     "-f", "json"])
    data = json.loads(capsys.readouterr().out)
    assert code == (1 if command == "validate" else 0)
    assert len(data["issues"]) == 3 and data["issue_summaries"][0]["count"] == 49


@pytest.mark.usefixtures("sample_cli")
def test_max_issues_zero_lists_every_issue(tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    figures = tmp_path / "f.csv"
    figures.write_text(HEADER + ROW * 150, encoding="utf-8")
    cli.main(["validate", str(figures), "--max-issues", "0", "-f", "json"])
    data = json.loads(capsys.readouterr().out)
    assert len(data["issues"]) == 149 and "issue_summaries" not in data


@pytest.mark.usefixtures("sample_cli")
@pytest.mark.parametrize("value", ["-1", "x", "1.5"])
def test_a_bad_max_issues_exits_2_with_a_message(tmp_path: Path, value: str,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    figures = tmp_path / "f.csv"
    figures.write_text(HEADER + ROW, encoding="utf-8")
    with pytest.raises(SystemExit) as exit_:
        cli.main(["validate", str(figures), "--max-issues", value])
    assert exit_.value.code == 2
    assert "--max-issues takes a whole number" in capsys.readouterr().err


@pytest.mark.usefixtures("sample_cli")
def test_fail_on_issues_still_fails_when_errors_are_summarised(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    figures = tmp_path / "f.csv"
    figures.write_text(HEADER + ROW * 20, encoding="utf-8")
    assert cli.main(["evaluate", str(figures), "--max-issues", "1", "--fail-on", "issues",
                     "-f", "json"]) == 1


# -- a million duplicates, bounded -------------------------------------------------------

_LIMITED = textwrap.dedent("""
    import resource, sys
    limit = int(sys.argv.pop(1))
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    from plan_rules import cli
    code = cli.main(sys.argv[1:])
    # VmHWM, in kB: ru_maxrss would carry the parent's high-water mark across exec.
    hwm = open("/proc/self/status").read().split("VmHWM:")[1].split()[0]
    print("peak", hwm, file=sys.stderr)
    sys.exit(code)
""")


def _evaluate_limited(figures: Path, report: Path, what: str) -> Any:
    """``plan-rules evaluate -f json`` in a process of at most 2 GiB of address space (the
    fixed runs peak below 0.9 GB); the time and peak memory are printed (``pytest -s``)."""
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-c", _LIMITED, str(2 << 30), "evaluate", str(figures), "--as-of",
         "2025-12-31", "-f", "json", "-o", str(report)],
        capture_output=True, text=True, timeout=600, env={**os.environ, "LANG": "C.UTF-8"})
    elapsed = time.monotonic() - started
    assert done.returncode == 0, done.stderr
    peak = int(done.stderr.rsplit("peak ", 1)[1]) // 1024
    print(f"{what}: {elapsed:.1f} s, peak {peak} MB, JSON {report.stat().st_size / 1e6:.1f} MB")
    return json.loads(report.read_text(encoding="utf-8"))


def _million(tmp_path: Path, row: str) -> Path:
    figures = tmp_path / "figures.csv"
    with figures.open("w", encoding="utf-8") as out:
        out.write(HEADER)
        out.writelines([row] * 1_000_000)
    return figures


@pytest.mark.slow
def test_a_million_duplicate_rows_make_a_small_report_in_bounded_memory(
        tmp_path: Path) -> None:
    """Before: 38 s, 5.9 GB peak, a 625 MB JSON (MemoryError under a 4 GiB limit)."""
    figures = _million(tmp_path, "HY25.PS.3,hung-yen,province,Q4/2025,70,100,,,,\n")
    data = _evaluate_limited(figures, tmp_path / "out.json", "1,000,000 duplicate rows")
    # The issues take a few kilobytes; the rest grows with the rows, not with the issues
    # (the sources, [file, row] of each row, and a check citing every figure it read).
    assert len(json.dumps([data["issues"], data["issue_summaries"]])) < 100_000
    (summary,) = data["issue_summaries"]
    assert summary["count"] == 999_999 and len(data["issues"]) == 100
    assert summary["rows"] == [{"file": str(figures), "ranges": [[102, 1_000_000]]}]


@pytest.mark.slow
def test_a_million_unreadable_numbers_make_a_small_report_in_bounded_memory(
        tmp_path: Path) -> None:
    """Before: 75 s, 4.4 GB peak, a 433 MB JSON."""
    figures = _million(tmp_path, "HY25.PS.3,hung-yen,province,Q4/2025,abc,100,,,,\n")
    data = _evaluate_limited(figures, tmp_path / "out.json", "1,000,000 unreadable numbers")
    (summary,) = data["issue_summaries"]
    assert (summary["code"], summary["count"]) == ("bad_number", 1_000_000)
    assert summary["rows"] == [{"file": str(figures), "ranges": [[102, 1_000_001]]}]


def test_a_file_name_in_a_summary_line_cannot_drive_the_terminal() -> None:
    summary = IssueSummary(code="duplicate", severity="error", count=3, listed=0,
                           rows=(("\x1b]0;owned\x07f.csv", ((2, 4),)),))
    report = pr.Report(findings=(), issues=(), as_of=AS_OF, library_version="0",
                       issue_summaries=(summary,))
    assert "\x1b" not in render_text(report, "en")


def test_the_issues_listed_past_a_limit_are_the_first_by_row_whatever_the_input_order(
        registry: pr.Registry) -> None:
    rows = [pr.Observation(indicator="T1.A.1", entity=f"xa-{r}", level="commune",
                           period=pr.Period.parse("Q1/2025"), numerator=7, denominator=5,
                           file="f.csv", row=r) for r in range(2, 8)]
    for order in (rows, rows[::-1]):
        report = pr.evaluate(order, registry=registry, as_of=AS_OF, max_issues=2)
        assert [i.row for i in report.issues if i.code == "numerator_exceeds_denominator"] == [
            2, 3]
        (summary,) = [s for s in report.issue_summaries
                      if s.code == "numerator_exceeds_denominator"]
        assert (summary.count, summary.listed, summary.rows) == (6, 2, (("f.csv", ((4, 7),)),))


def test_a_ledger_at_its_limit_wants_only_an_issue_before_its_last_by_row() -> None:
    ledger = IssueLedger(1)
    ledger.add(reader_issue("bad_number", 5))
    assert not ledger.wants("bad_number", "error", file="f.csv", row=6)
    assert ledger.wants("bad_number", "error", file="f.csv", row=3)
