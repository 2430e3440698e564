"""Specification of the ``plan-rules`` command: template → fill → evaluate works with no
editing, every command's exit code is the documented one, and docs/cli.md's examples are
real."""

from __future__ import annotations

import csv
import doctest
import io
import json
import os
import re
import shlex
from collections.abc import Iterator
from pathlib import Path

import attrs
import pytest

import plan_rules as pr
from cli_support import run
from plan_rules import cli
from plan_rules.terminal import Progress

ROOT = Path(__file__).parent.parent
EXAMPLE = ROOT / "examples" / "hung-yen-2025"

ENTITIES = """code,name,level,groups,parent,valid_from,valid_to
hy,Tỉnh Hưng Yên,province,,,,
c1,Xã Tân Hưng,commune,,hy,,
c2,Phường Hiến Nam,commune,,hy,,
d1,Huyện Kim Động,district,,hy,,30/06/2025
"""

FIGURES = """indicator,entity,level,period,numerator,denominator,value,reported_on,source,note
T1.A.1,c1,commune,Q4/2025,90,100,,,,
T1.A.1,c2,commune,Q4/2025,95,100,,,,
T1.A.2,hy,province,Q4/2025,,,100%,,,
T1.A.3,hy,province,Q4/2025,,,131,,,
T1.A.4,hy,province,Q4/2025,,,done,,QĐ 12/QĐ-UBND,
"""


@pytest.fixture(autouse=True)
def sample_registry(cli_on_sample_plan: pr.Registry) -> pr.Registry:
    """The command line sees the sample plan instead of the installed plugins."""
    return cli_on_sample_plan


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "figures.csv").write_text(FIGURES, encoding="utf-8")
    (tmp_path / "entities.csv").write_text(ENTITIES, encoding="utf-8")
    return tmp_path


# -- template → fill → evaluate ---------------------------------------------------------------

FILL = {  # (indicator, entity) → the cells a person types
    ("T1.A.1", "c1"): {"numerator": "1.234", "denominator": "2.000"},
    ("T1.A.1", "c2"): {"numerator": "650", "denominator": "700"},
    ("T1.A.2", "hy"): {"value": "87,5%"},
    ("T1.A.3", "hy"): {"value": "131"},
    ("T1.A.4", "hy"): {"value": "hoàn thành", "source": "Quyết định 12/QĐ-UBND"},
}
KEYS = {"en": ("indicator", "entity"), "vi": ("Chỉ tiêu", "Đơn vị")}
COLUMN = {"en": {k: k for k in ("numerator", "denominator", "value", "source")},
          "vi": {"numerator": "Tử số", "denominator": "Mẫu số", "value": "Giá trị",
                 "source": "Nguồn"}}


def check_filled_report(capsys: pytest.CaptureFixture[str], sheet: Path, folder: Path) -> None:
    code, out, err = run(capsys, "evaluate", str(sheet), "--entities",
                         str(folder / "entities.csv"), "--as-of", "2025-12-31", "--format",
                         "json", "--fail-on", "issues")
    assert code == 0, err
    report = pr.Report.from_json(out)
    assert [i for i in report.issues if i.severity == "error"] == []
    verdicts = {f.code: f.verdict.value for f in report.target_findings()}
    assert verdicts["T1.A.3.province"] == "met"
    assert verdicts["T1.A.4.province"] == "met"
    assert verdicts["T1.A.2.province"] == "not_met"  # 87.5% < 100%
    assert report.finding("T1.A.1.pooled").statistics.numerator == 1234 + 650  # type: ignore[union-attr]


@pytest.mark.parametrize("lang", ["en", "vi"])
def test_template_fill_evaluate_round_trip_in_csv(capsys: pytest.CaptureFixture[str],
                                                  folder: Path, lang: str) -> None:
    sheet = folder / f"sheet-{lang}.csv"
    code, _, err = run(capsys, "template", "--entities", str(folder / "entities.csv"),
                       "--period", "Q4/2025", "--lang", lang, "--output", str(sheet))
    assert code == 0, err
    raw = sheet.read_text(encoding="utf-8")
    assert raw.startswith("\ufeff")
    delimiter = ";" if lang == "vi" else ","
    rows = list(csv.DictReader(io.StringIO(raw.lstrip("\ufeff")), delimiter=delimiter))
    key = KEYS[lang]
    assert {(r[key[0]], r[key[1]]) for r in rows} == set(FILL)  # no district after 30/6
    for r in rows:  # what a person does: type figures into the empty cells, nothing else
        for column, value in FILL[r[key[0]], r[key[1]]].items():
            r[COLUMN[lang][column]] = value
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), delimiter=delimiter,
                            lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    sheet.write_text("\ufeff" + buffer.getvalue(), encoding="utf-8")
    check_filled_report(capsys, sheet, folder)


@pytest.mark.parametrize("lang", ["en", "vi"])
def test_template_fill_evaluate_round_trip_in_xlsx(capsys: pytest.CaptureFixture[str],
                                                   folder: Path, lang: str) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    sheet = folder / "sheet.xlsx"
    code, _, err = run(capsys, "template", "--entities", str(folder / "entities.csv"),
                       "--period", "Q4/2025", "--lang", lang, "-o", str(sheet))
    assert code == 0, err
    wb = openpyxl.load_workbook(sheet)
    ws = wb.worksheets[0]
    header = [c.value for c in ws[1]]
    assert ws["D2"].number_format == "@"  # the period column stays text
    assert len(wb.worksheets) == 2  # the guide
    key = KEYS[lang]
    for row in ws.iter_rows(min_row=2):
        cells = dict(zip(header, row, strict=True))
        for column, value in FILL[cells[key[0]].value, cells[key[1]].value].items():
            # numbers typed into a spreadsheet are stored as numbers
            typed: object = value
            if column in ("numerator", "denominator"):
                typed = int(value.replace(".", ""))
            cells[COLUMN[lang][column]].value = typed
    wb.save(sheet)
    check_filled_report(capsys, sheet, folder)


def test_template_for_a_level_lists_the_indicators_measured_there(
        capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "template", "--level", "commune", "--period", "Q4/2025")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out.lstrip("\ufeff"))))
    assert [(r["indicator"], r["entity"], r["level"], r["period"]) for r in rows] == [
        ("T1.A.1", "", "commune", "Q4/2025")]
    assert rows[0]["numerator_counts"] == "dossiers"
    assert "≥ 65% (pooled" in rows[0]["target"]


def test_template_for_named_entities(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "template", "--level", "commune", "--entity", "c9",
                       "--period", "Q4/2025")
    assert code == 0
    assert '\n"T1.A.1","c9","commune","Q4/2025",' in out


def test_template_needs_to_know_whom_it_is_for(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "template", "--period", "Q4/2025")
    assert code == cli.EXIT_ERROR
    assert "--level" in err and "--entities" in err


def test_template_for_a_period_no_target_measures_is_refused(
        capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "template", "--level", "commune", "--period", "Q1/2031")
    assert code == cli.EXIT_ERROR
    assert "Q1/2031" in err


# -- evaluate and its exit codes --------------------------------------------------------------


def test_evaluate_a_folder_prints_the_text_report(capsys: pytest.CaptureFixture[str],
                                                  folder: Path) -> None:
    code, out, _ = run(capsys, "evaluate", str(folder), "--as-of", "2025-12-31")
    assert code == cli.EXIT_OK
    assert "Target evaluation report" in out and "T1.A.1.pooled" in out
    assert "\x1b[" not in out  # not a TTY: no colour


def test_fail_on_not_met_exits_1_when_a_target_is_not_met(
        capsys: pytest.CaptureFixture[str], folder: Path) -> None:
    assert run(capsys, "evaluate", str(folder), "--as-of", "2025-12-31",
               "--fail-on", "not_met")[0] == cli.EXIT_OK
    figures = folder / "figures.csv"
    figures.write_text(FIGURES.replace("T1.A.3,hy,province,Q4/2025,,,131",
                                       "T1.A.3,hy,province,Q4/2025,,,129"), encoding="utf-8")
    assert run(capsys, "evaluate", str(folder), "--as-of", "2025-12-31",
               "--fail-on", "not_met")[0] == cli.EXIT_FAIL_ON


def test_fail_on_issues_exits_1_only_with_a_data_error(capsys: pytest.CaptureFixture[str],
                                                       folder: Path) -> None:
    assert run(capsys, "evaluate", str(folder), "--as-of", "2025-12-31",
               "--fail-on", "issues")[0] == cli.EXIT_OK
    bad = folder / "figures.csv"
    bad.write_text(FIGURES + "T1.A.1,c1,commune,Quý 5/2025,1,2,,,,\n", encoding="utf-8")
    assert run(capsys, "evaluate", str(folder), "--as-of", "2025-12-31",
               "--fail-on", "not_met,issues")[0] == cli.EXIT_FAIL_ON


def test_fail_on_refuses_an_unknown_word(capsys: pytest.CaptureFixture[str],
                                         folder: Path) -> None:
    with pytest.raises(SystemExit) as exc:
        cli.main(["evaluate", str(folder), "--fail-on", "warnings"])
    assert exc.value.code == cli.EXIT_ERROR


@pytest.mark.parametrize(("suffix", "starts"), [(".html", "<!DOCTYPE html>"),
                                                 (".json", "{"), (".md", "# "),
                                                 (".csv", '\ufeff"record",')])
def test_output_suffix_picks_the_format_and_is_written_atomically(
        capsys: pytest.CaptureFixture[str], folder: Path, suffix: str, starts: str) -> None:
    out = folder / f"report{suffix}"
    code, stdout, err = run(capsys, "evaluate", str(folder), "--as-of", "2025-12-31",
                            "--output", str(out))
    assert code == 0 and stdout == ""
    assert out.read_text(encoding="utf-8").startswith(starts)
    assert f"wrote {out}" in err
    # The checks (score and rank targets among them) are counted beside the targets.
    assert re.search(r"; [1-9][0-9]* checks; [0-9]+ data issues\)", err), err
    assert [p.name for p in folder.iterdir() if p.name.startswith(".")] == []  # no temp left


def test_an_unknown_format_is_an_error_naming_the_choices(
        capsys: pytest.CaptureFixture[str], folder: Path) -> None:
    code, _, err = run(capsys, "evaluate", str(folder), "--format", "pdf")
    assert code == cli.EXIT_ERROR
    assert "html" in err and "markdown" in err


def test_a_missing_file_is_an_error_in_both_languages(capsys: pytest.CaptureFixture[str],
                                                      tmp_path: Path) -> None:
    code, _, err = run(capsys, "evaluate", str(tmp_path / "nope.csv"))
    assert code == cli.EXIT_ERROR
    assert "no such file" in err and "không có tệp" in err


def test_a_bad_as_of_date_is_a_usage_error(capsys: pytest.CaptureFixture[str],
                                           folder: Path) -> None:
    with pytest.raises(SystemExit) as exc:
        cli.main(["evaluate", str(folder), "--as-of", "sometime"])
    assert exc.value.code == cli.EXIT_ERROR


def test_lang_vi_writes_vietnamese(capsys: pytest.CaptureFixture[str], folder: Path) -> None:
    code, out, _ = run(capsys, "evaluate", str(folder), "--as-of", "2025-12-31", "--lang", "vi")
    assert code == 0
    assert "Báo cáo đánh giá thực hiện chỉ tiêu" in out and "đạt" in out


def test_default_language_follows_the_environment() -> None:
    assert cli.default_lang({"PLAN_RULES_LANG": "vi"}) == "vi"
    assert cli.default_lang({"LANG": "vi_VN.UTF-8"}) == "vi"
    assert cli.default_lang({"LANG": "en_US.UTF-8"}) == "en"
    assert cli.default_lang({}) == "en"


# -- validate ---------------------------------------------------------------------------------


def test_validate_clean_figures_exits_0(capsys: pytest.CaptureFixture[str],
                                        folder: Path) -> None:
    code, out, _ = run(capsys, "validate", str(folder), "--as-of", "2025-12-31")
    assert code == cli.EXIT_OK
    assert "Data validation" in out and "T1.A.1.pooled" not in out


def test_validate_lists_data_issues_and_exits_1(capsys: pytest.CaptureFixture[str],
                                                folder: Path) -> None:
    (folder / "figures.csv").write_text(
        FIGURES + "T1.A.1,c1,commune,Q3/2025,12a,100,,,,\nT1.A.9,c1,commune,Q3/2025,1,2,,,,\n",
        encoding="utf-8")
    code, out, _ = run(capsys, "validate", str(folder), "--as-of", "2025-12-31", "-f", "json")
    assert code == cli.EXIT_FAIL_ON
    issues = json.loads(out)["issues"]
    assert {(i["code"], i["row"], i["field"]) for i in issues} >= {
        ("bad_number", 7, "numerator"), ("unknown_indicator", 8, "indicator")}
    assert json.loads(out)["findings"] == []


# -- indicators, explain, plugins -------------------------------------------------------------


def test_indicators_filter_by_area_and_level(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "indicators", "--level", "province")
    assert code == 0
    assert "T1.A.2.province" in out and "T1.A.1.pooled" not in out
    code, out, _ = run(capsys, "indicators", "--area", "B")
    assert out.strip() == ""


def test_indicators_as_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "indicators", "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert [i["code"] for i in data] == ["T1.A.1", "T1.A.2", "T1.A.3", "T1.A.4"]
    assert data[0]["targets"][0]["threshold"] in ("4/5", "13/20", "3/5", "1/2")


def test_explain_a_target(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "explain", "T1.A.1.district", "--lang", "en")
    assert code == 0
    assert re.search(r"Requires\s+at least 80% \(exactly: >= 4/5\)", out)
    assert re.search(r"Aggregation\s+pooled", out)
    assert re.search(r"Valid\s+… – 30/06/2025; after 30/06/2025: closed — judged once on its "
                     r"window to 30/06/2025, final, no pace judged", out)
    assert re.search(r"Clause\s+B1: “100% hồ sơ”", out)


def test_explain_in_vietnamese(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "explain", "t1.a.4.province", "--lang", "vi")
    assert code == 0
    assert re.search(r"Yêu cầu\s+đã hoàn thành", out)


def test_explain_an_unknown_code_suggests_close_ones(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "explain", "T1.A.1.poled")
    assert code == cli.EXIT_ERROR
    assert "did you mean T1.A.1.pooled" in err


def test_plugins_lists_what_each_plugin_contributed(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "plugins", "--format", "json")
    assert code == 0
    names = {p["name"]: p for p in json.loads(out)["plugins"]}
    assert names["plan_rules.builtin"]["contributions"]["writers"] == [
        "text", "markdown", "csv", "html", "json"]


# -- progress -----------------------------------------------------------------------------------


class FakeTTY(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_is_drawn_only_on_a_tty_and_only_for_large_inputs() -> None:
    quiet = io.StringIO()
    p = Progress("reading", stream=quiet, minimum=10)
    p(5, 100)
    p.close()
    assert quiet.getvalue() == ""
    tty = FakeTTY()
    small = Progress("reading", stream=tty, minimum=1000)
    small(5, 100)
    assert tty.getvalue() == ""
    big = Progress("reading", stream=tty, minimum=10)
    big(100, 100)
    assert "100%" in tty.getvalue() and "100/100" in tty.getvalue()
    big.close()
    assert tty.getvalue().endswith("\r\x1b[2K")


# -- docs/cli.md --------------------------------------------------------------------------------


def doc_examples() -> Iterator[tuple[str, str, int]]:
    """(command, expected output, exit code) for every ``$ plan-rules`` line of docs/cli.md."""
    text = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    for block in re.findall(r"```console\n(.*?)```", text, re.S):
        for chunk in re.split(r"^(?=\$ )", block, flags=re.M):
            if not chunk.startswith("$ "):
                continue
            command, _, rest = chunk.partition("\n")
            status = re.search(r"^\[exit (\d+)\]\n?\Z", rest, re.M)
            code = int(status[1]) if status else 0
            expected = rest[:status.start()] if status else rest
            yield command[2:], expected, code


DOC_EXAMPLES = list(doc_examples()) if (ROOT / "docs" / "cli.md").exists() else []


@pytest.mark.skipif(not (EXAMPLE / "figures.csv").exists(),
                    reason="the Hưng Yên example data is not in this tree")
@pytest.mark.parametrize(("command", "expected", "status"), DOC_EXAMPLES,
                         ids=[c for c, _, _ in DOC_EXAMPLES])
def test_docs_cli_examples_are_real(capsys: pytest.CaptureFixture[str],
                                    monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                    command: str, expected: str, status: int) -> None:
    monkeypatch.setattr(cli, "load_registry", pr.load_registry)
    monkeypatch.chdir(tmp_path)
    os.symlink(ROOT / "examples", tmp_path / "examples")
    args = shlex.split(command)
    assert args[0] == "plan-rules"
    code, out, err = run(capsys, *args[1:])
    got = (out + err).lstrip("\ufeff")  # a CSV on stdout starts with a byte-order mark
    checker = doctest.OutputChecker()
    flags = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
    assert checker.check_output(expected, got, flags), checker.output_difference(
        doctest.Example(command, expected), got, flags)
    assert code == status, got


def test_docs_cli_has_examples_of_every_command() -> None:
    commands = {shlex.split(c)[1] for c, _, _ in DOC_EXAMPLES}
    assert commands >= {"evaluate", "validate", "template", "indicators", "explain", "plugins"}



def test_an_output_that_cannot_be_written_is_an_error_not_a_traceback(
        capsys: pytest.CaptureFixture[str], folder: Path) -> None:
    code, _, err = run(capsys, "evaluate", str(folder), "-o", str(folder / "no" / "r.html"))
    assert code == cli.EXIT_ERROR
    assert "could not write" in err


def test_a_written_report_is_readable_by_others(capsys: pytest.CaptureFixture[str],
                                                folder: Path) -> None:
    out = folder / "report.html"
    old = os.umask(0o022)
    try:
        assert run(capsys, "evaluate", str(folder), "-o", str(out))[0] == 0
    finally:
        os.umask(old)
    assert out.stat().st_mode & 0o777 == 0o644


def test_a_writer_that_fails_half_way_is_named_and_leaves_no_file(
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
        registry: pr.Registry, folder: Path) -> None:
    def broken(report: pr.Report, lang: str) -> str:
        raise RuntimeError("ran out of ink")
    writers = dict(registry.writers)
    writers["broken"] = pr.Writer(name="broken", description="fails", suffix=".txt",
                                  render=broken, plugin="ink-plugin")
    faulty = attrs.evolve(registry, writers=writers)
    monkeypatch.setattr(cli, "load_registry", lambda strict=None: faulty)
    target = folder / "report.txt"
    target.write_text("the previous report\n", encoding="utf-8")
    code, _, err = run(capsys, "evaluate", str(folder), "--as-of", "2025-12-31",
                       "--format", "broken", "--output", str(target))
    assert code == 2
    assert "broken" in err and "ink-plugin" in err and "ran out of ink" in err
    assert target.read_text(encoding="utf-8") == "the previous report\n"
    assert [p.name for p in folder.iterdir() if p.name.startswith(".report")] == []


def test_an_internal_error_exits_2_with_a_message_and_no_traceback(
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*_: object) -> int:
        raise ValueError("\x1b[2Jsomething broke")

    monkeypatch.setattr(cli, "cmd_plugins", broken)
    monkeypatch.delenv("PLAN_RULES_TRACEBACK", raising=False)
    code, _, err = run(capsys, "plugins")
    assert code == cli.EXIT_ERROR
    assert "internal error" in err and "ValueError" in err and "\\x1b[2J" in err
    assert "Traceback" not in err and "\x1b" not in err


def test_an_internal_error_shows_its_traceback_when_asked(
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*_: object) -> int:
        raise ValueError("something broke")

    monkeypatch.setattr(cli, "cmd_plugins", broken)
    monkeypatch.setenv("PLAN_RULES_TRACEBACK", "1")
    code, _, err = run(capsys, "plugins")
    assert code == cli.EXIT_ERROR and "Traceback" in err



def test_an_unknown_plan_exits_2_naming_the_plans_loaded(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "f.csv"
    path.write_text(FIGURES, encoding="utf-8")
    code, _, err = run(capsys, "evaluate", str(path), "--plan", "NOPE", "--lang", "en")
    assert code == 2
    assert "no loaded plugin contributes plan 'NOPE'; loaded plans: T1" in err
