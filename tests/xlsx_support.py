"""Hand-built ``.xlsx`` workbooks for the hostile-input tests.

A workbook is a zip of XML parts; these helpers write the parts themselves, so a test can put
into a sheet exactly what Excel never would (a NaN number, a shared string that does not exist,
a dimension of a million rows, a part that lies about its size).
"""

from __future__ import annotations

import struct
import zipfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from xml.sax.saxutils import escape

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml"

HEADER = ("indicator", "entity", "level", "period", "numerator", "denominator", "value",
          "reported_on", "source", "note")

SHEET = "xl/worksheets/sheet1.xml"
STRINGS = "xl/sharedStrings.xml"


def column(index: int) -> str:
    """The letters of a 1-based column number (1 → A, 27 → AA)."""
    letters = ""
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def text_cell(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{escape(text)}</t></is></c>'


def raw_cell(ref: str, value: str, kind: str = "n") -> str:
    """A cell holding ``value`` as written in the XML: ``kind`` ``n`` (number), ``s`` (index
    into the shared strings), ``b``, ``str``..."""
    kind_attr = "" if kind == "n" else f' t="{kind}"'
    return f'<c r="{ref}"{kind_attr}><v>{escape(value)}</v></c>'


def row_xml(number: int, cells: Sequence[str | int | None]) -> str:
    """A ``<row>`` of text cells (``str``), number cells (``int``) and gaps (None)."""
    parts = []
    for n, cell in enumerate(cells, start=1):
        ref = f"{column(n)}{number}"
        if isinstance(cell, int):
            parts.append(raw_cell(ref, str(cell)))
        elif cell is not None:
            parts.append(text_cell(ref, cell))
    return f'<row r="{number}">{"".join(parts)}</row>'


def sheet_xml(rows: Sequence[str], dimension: str | None = None) -> str:
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="{MAIN}">'
            f'{dim}<sheetData>{"".join(rows)}</sheetData></worksheet>')


def strings_xml(strings: Sequence[str]) -> str:
    items = "".join(f"<si><t>{escape(s)}</t></si>" for s in strings)
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<sst xmlns="{MAIN}" count="{len(strings)}" '
            f'uniqueCount="{len(strings)}">{items}</sst>')


def parts(sheet: str, strings: Sequence[str] = ()) -> dict[str, bytes]:
    """The parts of a one-sheet workbook holding ``sheet`` (and a shared-string table)."""
    overrides = (f'<Override PartName="/xl/workbook.xml" ContentType="{_CT}.sheet.main+xml"/>'
                 f'<Override PartName="/{SHEET}" ContentType="{_CT}.worksheet+xml"/>')
    rels = (f'<Relationship Id="rId1" Type="{_REL}/worksheet" '
            'Target="worksheets/sheet1.xml"/>')
    files = {
        "xl/workbook.xml": (f'<workbook xmlns="{MAIN}" xmlns:r="{_REL}"><sheets>'
                            '<sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'),
        SHEET: sheet,
    }
    if strings:
        overrides += f'<Override PartName="/{STRINGS}" ContentType="{_CT}.sharedStrings+xml"/>'
        rels += (f'<Relationship Id="rId2" Type="{_REL}/sharedStrings" '
                 'Target="sharedStrings.xml"/>')
        files[STRINGS] = strings_xml(strings)
    files["[Content_Types].xml"] = (
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
        f"{overrides}</Types>")
    files["_rels/.rels"] = (f'<Relationships xmlns="{_PKG_REL}"><Relationship Id="rId1" '
                            f'Type="{_REL}/officeDocument" Target="xl/workbook.xml"/>'
                            "</Relationships>")
    files["xl/_rels/workbook.xml.rels"] = (f'<Relationships xmlns="{_PKG_REL}">{rels}'
                                           "</Relationships>")
    return {name: text.encode("utf-8") for name, text in files.items()}


def write_workbook(path: Path, files: Mapping[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return path


def workbook(path: Path, rows: Sequence[Sequence[str | int | None]], *,
             dimension: str | None = None) -> Path:
    """A workbook whose first row is the figures header and then ``rows`` (rows 2, 3...)."""
    xml = [row_xml(1, HEADER)] + [row_xml(n, r) for n, r in enumerate(rows, start=2)]
    return write_workbook(path, parts(sheet_xml(xml, dimension)))


def lie_about_size(path: Path, member: str, declared: int) -> None:
    """Rewrite the uncompressed size ``member`` declares, in its local header and in the
    central directory, to ``declared`` (the data and its checksum are left as they are)."""
    data = bytearray(path.read_bytes())
    name = member.encode()
    for signature, size_at in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        start = 0
        while (at := data.find(signature, start)) >= 0:
            start = at + 4
            name_at = at + (30 if signature == b"PK\x03\x04" else 46)
            length = struct.unpack_from("<H", data, at + (26 if name_at - at == 30 else 28))[0]
            if bytes(data[name_at:name_at + length]) == name:
                struct.pack_into("<I", data, at + size_at, declared)
    path.write_bytes(bytes(data))
