"""Specification of the streamed JSON report: ``Report.write_json`` writes ``to_json``'s text
character for character without holding it, sources come from a figure table's columns, and
the command line streams its JSON report with every safeguard of a whole one."""

from __future__ import annotations

import argparse
import io
import json
import stat
import sys
from datetime import date
from fractions import Fraction
from pathlib import Path
from typing import Any

import attrs
import pytest

import plan_rules as pr
from cli_support import run
from plan_rules import cli
from plan_rules import report as report_module
from plan_rules.builtin import render_json
from plan_rules.errors import WriteError
from plan_rules.figures import FigureTable
from plan_rules.report import DEFAULT_MAX_ISSUES
from plan_rules.writers import stream_atomically, write_atomically

ROOT = Path(__file__).parent.parent
EXAMPLE = ROOT / "examples" / "hung-yen-2025"
PLAN_200 = ["builtin", "plan200", "plan200-infrastructure", "plan200-internal-it",
            "plan200-public-services", "plan200-digital-economy", "plan200-security-training"]


@pytest.fixture(scope="module")
def plan_200() -> pr.Registry:
    return pr.load_registry(allow=PLAN_200)


def example(registry: pr.Registry, max_issues: int = DEFAULT_MAX_ISSUES) -> pr.Report:
    read = pr.read_observations(EXAMPLE / "figures.csv", registry=registry)
    ents = pr.read_entities(EXAMPLE / "entities.csv")
    return pr.evaluate(read.observations, registry=registry, issues=read.issues,
                       entities=ents.entities, as_of=date(2025, 12, 31), max_issues=max_issues)


@pytest.fixture(scope="module")
def example_report(plan_200: pr.Registry) -> pr.Report:
    return example(plan_200)


@pytest.fixture(scope="module")
def summarised_report(plan_200: pr.Registry) -> pr.Report:
    """The example with one issue of each code listed, the rest summarised."""
    report = example(plan_200, max_issues=1)
    assert report.issue_summaries
    return report


class Pieces:
    """A text sink keeping each piece it is given."""

    def __init__(self) -> None:
        self.pieces: list[str] = []

    def write(self, text: str, /) -> int:
        self.pieces.append(text)
        return len(text)

    @property
    def text(self) -> str:
        return "".join(self.pieces)


def streamed(report: pr.Report, **options: Any) -> str:
    sink = Pieces()
    report.write_json(sink, **options)
    return sink.text


@pytest.fixture
def small_pieces(monkeypatch: pytest.MonkeyPatch) -> None:
    """Pieces of two or three items, so that every list of the example crosses pieces."""
    monkeypatch.setattr(report_module, "_ENTITIES_PER_PIECE", 2)
    monkeypatch.setattr(report_module, "_ISSUES_PER_PIECE", 2)
    monkeypatch.setattr(report_module, "_SOURCES_PER_PIECE", 3)
    monkeypatch.setattr(report_module, "_DETAILS_PER_PIECE", 2)


# -- the same text -------------------------------------------------------------------------


@pytest.mark.parametrize("indent", [None, 2])
@pytest.mark.parametrize("run_info", [False, True])
def test_write_json_writes_to_jsons_text(example_report: pr.Report, indent: int | None,
                                         run_info: bool) -> None:
    assert streamed(example_report, indent=indent, run=run_info) == example_report.to_json(
        indent=indent, run=run_info)


@pytest.mark.parametrize("indent", [None, 2])
@pytest.mark.parametrize("run_info", [False, True])
def test_write_json_writes_to_jsons_text_with_issue_summaries(
        summarised_report: pr.Report, indent: int | None, run_info: bool) -> None:
    assert streamed(summarised_report, indent=indent, run=run_info) == \
        summarised_report.to_json(indent=indent, run=run_info)


@pytest.mark.parametrize("indent", [None, 2, 0])
@pytest.mark.usefixtures("small_pieces")
def test_write_json_joins_pieces_as_one_list_would_be_written(
        summarised_report: pr.Report, indent: int | None) -> None:
    assert streamed(summarised_report, indent=indent) == summarised_report.to_json(
        indent=indent)


@pytest.mark.parametrize("indent", [None, 2])
def test_write_json_writes_empty_lists_as_json_does(indent: int | None) -> None:
    empty = pr.Report(findings=(), issues=(), as_of=date(2025, 12, 31), library_version="0")
    assert streamed(empty, indent=indent) == empty.to_json(indent=indent)


def test_write_json_defaults_to_to_jsons_defaults(example_report: pr.Report) -> None:
    assert streamed(example_report) == example_report.to_json()


def test_write_json_to_a_path_writes_to_jsons_bytes(example_report: pr.Report,
                                                    tmp_path: Path) -> None:
    out = tmp_path / "report.json"
    example_report.write_json(out, indent=None)
    assert out.read_bytes() == example_report.to_json(indent=None).encode("utf-8")


def test_write_json_to_a_path_escapes_lone_surrogates_as_a_whole_report_is(
        registry: pr.Registry, tmp_path: Path) -> None:
    obs = pr.Observation(indicator="T1.A.1", entity="c1", period=pr.Period.parse("Q4/2025"),
                         numerator=1, denominator=2, note="\udfff", file="f\ud800.csv",
                         row=2)
    report = pr.evaluate([obs], registry=registry, as_of=date(2025, 12, 31))
    whole, piecewise = tmp_path / "whole.json", tmp_path / "streamed.json"
    write_atomically(whole, report.to_json())
    report.write_json(piecewise)
    assert piecewise.read_bytes() == whole.read_bytes()
    assert json.loads(piecewise.read_text(encoding="utf-8"))["sources"] == [["f\ud800.csv", 2]]


# -- never the whole text ------------------------------------------------------------------


@pytest.fixture
def wide_report(example_report: pr.Report) -> pr.Report:
    """The example with a target of 5,000 unit results, a check listing 5,000 violations in
    its details, and 50,000 sources."""
    finding = next(f for f in example_report.findings if f.entities)
    wide = attrs.evolve(finding, entities=finding.entities[:1] * 5_000)
    check = next(f for f in example_report.findings if f.kind == "check")
    listing = attrs.evolve(check, details={
        "violations": [{"observation": i, "ratio": Fraction(i, 3)} for i in range(5_000)],
        7: "a key that is no string"})
    return attrs.evolve(example_report, findings=(wide, listing),
                        sources=(("figures.csv", 2),) * 100_000, n_observations=100_000)


@pytest.mark.parametrize("indent", [None, 2])
def test_write_json_gives_the_text_in_pieces_none_near_the_whole(
        wide_report: pr.Report, indent: int | None) -> None:
    sink = Pieces()
    wide_report.write_json(sink, indent=indent)
    assert sink.text == wide_report.to_json(indent=indent)
    assert max(map(len, sink.pieces)) < len(sink.text) // 10


@pytest.mark.parametrize(("mark", "most"), [
    ('"gap_units": ', report_module._ENTITIES_PER_PIECE),
    ('"ratio": ', report_module._DETAILS_PER_PIECE),
    ('"figures.csv"', report_module._SOURCES_PER_PIECE)])
def test_write_json_writes_unit_results_details_and_sources_a_bounded_number_at_a_time(
        wide_report: pr.Report, mark: str, most: int) -> None:
    sink = Pieces()
    wide_report.write_json(sink, indent=None)
    assert max(piece.count(mark) for piece in sink.pieces) == most


def test_write_json_makes_each_finding_after_the_one_before_is_written(
        example_report: pr.Report, monkeypatch: pytest.MonkeyPatch) -> None:
    sink = Pieces()
    written_when_made: list[int] = []
    make = report_module._finding_dict

    def counted(finding: pr.Finding, **options: Any) -> dict[str, Any]:
        written_when_made.append(len(sink.text))
        return make(finding, **options)

    monkeypatch.setattr(report_module, "_finding_dict", counted)
    example_report.write_json(sink)
    assert len(written_when_made) == len(example_report.findings)
    assert written_when_made == sorted(set(written_when_made))


# -- sources from columns ------------------------------------------------------------------


@pytest.fixture
def table_report(example_report: pr.Report, monkeypatch: pytest.MonkeyPatch) -> pr.Report:
    """The example over a figure table that refuses to build an observation."""
    table = FigureTable.from_observations(example_report.observations)

    def refused(self: FigureTable, i: int) -> pr.Observation:
        raise AssertionError(f"observation {i} was built")

    monkeypatch.setattr(FigureTable, "observation", refused)
    return attrs.evolve(example_report, observations=table)


def test_source_reads_a_figure_tables_columns(example_report: pr.Report,
                                              table_report: pr.Report) -> None:
    n = example_report.n_observations
    assert [table_report.source(i) for i in range(n)] == [
        example_report.source(i) for i in range(n)]


def test_to_json_reads_sources_from_a_figure_tables_columns(
        example_report: pr.Report, table_report: pr.Report) -> None:
    assert table_report.to_json() == example_report.to_json()


@pytest.mark.parametrize("indent", [None, 2])
def test_write_json_reads_sources_from_a_figure_tables_columns(
        example_report: pr.Report, table_report: pr.Report, indent: int | None) -> None:
    assert streamed(table_report, indent=indent) == example_report.to_json(indent=indent)


def test_a_figure_table_without_file_or_row_gives_none_for_both(
        example_report: pr.Report) -> None:
    bare = pr.Observation(indicator="x", entity="e", period=pr.Period.parse("Q4/2025"),
                          value=Fraction(1))
    report = attrs.evolve(example_report, observations=FigureTable.from_observations([bare]),
                          n_observations=1)
    assert report.source(0) == (None, None)
    assert json.loads(streamed(report))["sources"] == [[None, None]]


# -- the atomic write ----------------------------------------------------------------------


def test_stream_atomically_refuses_a_read_only_file_before_writing(tmp_path: Path) -> None:
    out = tmp_path / "report.json"
    out.write_text("old", encoding="utf-8")
    out.chmod(0o444)
    called: list[bool] = []
    with pytest.raises(WriteError, match="read-only"):
        stream_atomically(out, lambda sink: called.append(True))
    assert (called, out.read_text(encoding="utf-8")) == ([], "old")
    assert stat.S_IMODE(out.stat().st_mode) == 0o444


def test_write_json_failing_half_way_leaves_the_file_as_it_was(
        example_report: pr.Report, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    out = tmp_path / "report.json"
    out.write_text("the previous report\n", encoding="utf-8")
    made: list[pr.Finding] = []
    make = report_module._finding_dict

    def failing(finding: pr.Finding, **options: Any) -> dict[str, Any]:
        made.append(finding)
        if len(made) == 3:
            raise RuntimeError("ran out of ink")
        return make(finding, **options)

    monkeypatch.setattr(report_module, "_finding_dict", failing)
    with pytest.raises(RuntimeError, match="ink"):
        example_report.write_json(out)
    assert out.read_text(encoding="utf-8") == "the previous report\n"
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]


# -- the command line ----------------------------------------------------------------------


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    for name in ("figures.csv", "entities.csv"):
        (tmp_path / name).write_bytes((EXAMPLE / name).read_bytes())
    return tmp_path


@pytest.fixture
def unrendered(monkeypatch: pytest.MonkeyPatch, plan_200: pr.Registry) -> pr.Registry:
    """Plan 200 with a JSON writer that may stream but not render."""

    def refused(report: pr.Report, lang: str) -> str:
        raise AssertionError("the whole report was rendered")

    writers = dict(plan_200.writers)
    writers["json"] = attrs.evolve(writers["json"], render=refused)
    registry = attrs.evolve(plan_200, writers=writers)
    monkeypatch.setattr(cli, "load_registry", lambda strict=None: registry)
    return registry


def whole_json(folder: Path, registry: pr.Registry) -> str:
    read = pr.read_observations(folder / "figures.csv", registry=registry)
    ents = pr.read_entities(folder / "entities.csv")
    return render_json(pr.evaluate(read.observations, registry=registry, issues=read.issues,
                                   entities=ents.entities, as_of=date(2025, 12, 31)))


def test_the_command_line_streams_a_json_report_to_a_file(
        capsys: pytest.CaptureFixture[str], folder: Path, unrendered: pr.Registry,
        plan_200: pr.Registry) -> None:
    out = folder / "report.json"
    code, _, err = run(capsys, "evaluate", str(folder / "figures.csv"), "--entities",
                       str(folder / "entities.csv"), "--as-of", "2025-12-31", "-o", str(out))
    assert code == cli.EXIT_OK, err
    assert out.read_text(encoding="utf-8") == whole_json(folder, plan_200)


def test_the_command_line_streams_a_json_report_to_standard_output(
        capsys: pytest.CaptureFixture[str], folder: Path, unrendered: pr.Registry,
        plan_200: pr.Registry) -> None:
    code, out, err = run(capsys, "evaluate", str(folder / "figures.csv"), "--entities",
                         str(folder / "entities.csv"), "--as-of", "2025-12-31", "-f", "json")
    assert code == cli.EXIT_OK, err
    assert out == whole_json(folder, plan_200)


def failing_stream(report: pr.Report, lang: str, sink: Any) -> None:
    sink.write('{"half": ')
    raise RuntimeError("ran out of ink")


@pytest.fixture
def broken_stream(monkeypatch: pytest.MonkeyPatch, plan_200: pr.Registry) -> None:
    writers = dict(plan_200.writers)
    writers["broken"] = pr.Writer(name="broken", description="fails", suffix=".txt",
                                  render=render_json, stream=failing_stream,
                                  plugin="ink-plugin")
    registry = attrs.evolve(plan_200, writers=writers)
    monkeypatch.setattr(cli, "load_registry", lambda strict=None: registry)


@pytest.mark.usefixtures("broken_stream")
def test_a_stream_failing_half_way_is_named_and_leaves_the_file_as_it_was(
        capsys: pytest.CaptureFixture[str], folder: Path) -> None:
    out = folder / "report.txt"
    out.write_text("the previous report\n", encoding="utf-8")
    code, _, err = run(capsys, "evaluate", str(folder), "--as-of", "2025-12-31", "-f",
                       "broken", "-o", str(out))
    assert code == cli.EXIT_ERROR
    assert "ink-plugin" in err and "ran out of ink" in err and "nothing was written" in err
    assert out.read_text(encoding="utf-8") == "the previous report\n"
    assert not [p for p in folder.iterdir() if p.name.endswith(".tmp")]


@pytest.mark.usefixtures("broken_stream")
def test_a_stream_failing_half_way_on_standard_output_says_the_output_is_incomplete(
        capsys: pytest.CaptureFixture[str], folder: Path) -> None:
    code, out, err = run(capsys, "evaluate", str(folder), "--as-of", "2025-12-31", "-f",
                         "broken")
    assert code == cli.EXIT_ERROR
    assert out == '{"half": '
    assert "ink-plugin" in err and "the output stops where it failed" in err


def test_a_failing_output_is_not_blamed_on_the_streaming_writer(
        monkeypatch: pytest.MonkeyPatch, example_report: pr.Report,
        plan_200: pr.Registry) -> None:
    class Full(io.StringIO):
        def write(self, text: str, /) -> int:
            raise OSError(28, "No space left on device")

    monkeypatch.setattr(sys, "stdout", Full())
    args = argparse.Namespace(output=None, lang="en")
    with pytest.raises(OSError, match="No space left"):
        cli._stream(args, "json", plan_200.writers["json"], example_report)


def streamed_to_terminal(pieces: list[str]) -> str:
    out = io.StringIO()
    sink = cli._Sink(out, terminal=True)
    for piece in pieces:
        sink.write(piece)
    sink.close()
    return out.getvalue()


def test_a_terminal_is_shown_a_crlf_split_between_pieces_as_one_line_break() -> None:
    assert streamed_to_terminal(["a\r", "\nb"]) == streamed_to_terminal(["a\r\nb"]) == "a\nb"


def test_a_terminal_is_shown_control_characters_of_a_stream_as_escapes() -> None:
    assert streamed_to_terminal(["\x1b[2J", "x\r"]) == "\\x1b[2Jx\\x0d"



def test_the_command_line_evaluates_the_figures_as_the_reader_gave_them(
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, folder: Path,
        plan_200: pr.Registry) -> None:
    # A figure table handed on as it is: a list made of it would build an object per row.
    read = pr.read_observations(folder / "figures.csv", registry=plan_200)
    table = FigureTable.from_observations(read.observations)
    given: list[object] = []
    evaluate = cli.evaluate

    def seen(observations: object, **options: Any) -> pr.Report:
        given.append(observations)
        return evaluate(observations, **options)

    monkeypatch.setattr(cli, "load_registry", lambda strict=None: plan_200)
    monkeypatch.setattr(cli, "read_observations", lambda *a, **k: attrs.evolve(
        read, observations=table))
    monkeypatch.setattr(cli, "evaluate", seen)
    assert run(capsys, "evaluate", str(folder / "figures.csv"), "--as-of", "2025-12-31",
               "-f", "json")[0] == cli.EXIT_OK
    assert len(given) == 1 and given[0] is table
