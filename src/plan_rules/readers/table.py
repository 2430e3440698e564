"""The rows of one file (CSV, JSON or ``.xlsx``) as records keyed by field, with the
header's problems and each row's unreadable cells named once.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import cast

from ..errors import ReadError
from ..model import DataIssue
from .cells import Cell, Number, Unreadable
from .csv import _SEPARATOR_NAMES, _csv_rows, _other_separator
from .header import _KNOWN, INFO_FIELDS, _header_keys, _suggest
from .result import _issue
from .source import (
    _ESCAPED,
    _check_lines,
    _decode_lines,
    _dialect,
    _mostly_utf8_runs,
    _read_bytes,
    _shown,
    _Utf8,
)


class _Table:
    """The rows of one file as records keyed by field, with header problems reported once."""

    def __init__(self, path: Path, wanted: Sequence[str], required: Sequence[str],
                 issues: list[DataIssue], *, lists: bool = False) -> None:
        self.path = path
        self.file = str(path)
        self.wanted = wanted
        self.required = required
        self.issues = issues
        self.total = 0
        #: Give a CSV row whose cells line up with a header naming each column once as its
        #: list of cells, not as a record (see :func:`.rows._read_figures`): the fields are
        #: ``header[n]``.
        self.lists = lists
        self.header: list[str] = []
        #: Whether the text holds bytes that are not UTF-8 (see _decode_lines).
        self.escaped = False

    def records(self) -> Iterator[tuple[int, dict[str, Cell] | list[Cell]] | int]:
        """(row, record) for data rows and the row number alone for blank rows (the record
        as a list of cells only when asked for: :attr:`lists`). The file is read now; the
        rows are given by the table's own iterator (one generator less for each to pass).

        :raises ReadError: as :func:`plan_rules.read_observations`."""
        suffix = self.path.suffix.lower()
        if suffix == ".json":
            return self._json()
        if suffix in (".xls", ".ods", ".numbers"):
            raise ReadError(
                f"{self.file}: {suffix} files are not read; save the sheet as .xlsx or as "
                f"'CSV UTF-8' — không đọc được tệp {suffix}; hãy lưu thành .xlsx hoặc "
                "'CSV UTF-8'", file=self.file)
        rows: Iterable[tuple[int, list[Cell] | None]]
        if suffix in (".xlsx", ".xlsm"):
            from .xlsx import xlsx_rows

            rows, self.total = xlsx_rows(self.path)
            return self._table(rows)
        raw = _read_bytes(self.path)
        utf8 = _Utf8.of(raw)
        text: str | _Utf8
        if utf8 is not None:
            text, self.total = utf8, raw.count(b"\n") + 1
            delimiter, _ = _dialect(utf8.head)
        else:
            text, self.escaped = _decode_lines(self.path, self.issues, raw=raw)
            self.total = text.count("\n") + 1
            _check_lines(text, self.file)  # before _dialect looks at the first line
            delimiter, _ = _dialect(text)
        del raw  # the text, or the bytes it keeps
        rows = cast("Iterator[tuple[int, list[Cell] | None]]",
                    _csv_rows(text, self.file, self.issues))
        return self._table(rows, plain=True, delimiter=delimiter)

    def _json(self) -> Iterator[tuple[int, dict[str, Cell]] | int]:
        from .json import json_records

        text, escaped = _decode_lines(self.path, self.issues, mostly=_mostly_utf8_runs)
        self.total, records = json_records(text, self.file, self.issues, escaped=escaped)
        yield from records

    def _table(self, rows: Iterable[tuple[int, list[Cell] | None]], *, plain: bool = False,
               delimiter: str | None = None,
               ) -> Iterator[tuple[int, dict[str, Cell] | list[Cell]] | int]:
        """Records from rows of cells; ``plain``: every cell is text (a CSV file);
        ``delimiter``: the CSV file's, to tell a row split by another one. A row whose cells
        are None was refused, and named, by the CSV reader."""
        header: list[str] | None = None
        usable = True
        # With every column named once, a record is the header zipped with the cells.
        distinct = as_list = False
        required = 0  # cells a row needs to reach every required column
        width = 0
        escaped = self.escaped
        for item in rows:
            line, cells = item
            if cells is None:
                if header is not None:
                    yield line, {}
                continue
            if as_list and len(cells) == width and not escaped:
                # The steady state of a CSV file, checked first: a row as wide as the
                # header, not blank (its first cell holds more than spaces), is a record,
                # given as it came.
                first = cells[0]
                if first and not first.isspace():  # type: ignore[union-attr]  # text
                    yield item  # type: ignore[misc]  # its cells are not None
                    continue
            texts = cast("list[str]", cells) if plain else [
                c.text if isinstance(c, Number) else c for c in cells]
            joined = "".join(texts)
            if not joined or joined.isspace():
                if header is not None:
                    yield line
                continue
            if header is None:
                if self.escaped and _ESCAPED.search(joined):
                    self.issues.extend(self._undecodable(line, None, texts))
                    texts = [_ESCAPED.sub("\ufffd", t) for t in texts]
                header = self.header = _header_keys(texts, self.file, line)
                usable = self._check_header(header, texts, line)
                distinct = all(header) and len(set(header)) == len(header)
                as_list = plain and distinct and self.lists and usable
                width = len(header)
                required = 1 + max((header.index(f) for f in self.required if f in header),
                                   default=-1)
                continue
            if not usable:
                yield line, {}
                continue
            if self.escaped and _ESCAPED.search(joined):
                self.issues.extend(self._undecodable(line, header, texts))
                yield line, {}
                continue
            if not plain and self._unreadable(line, header, cells):
                yield line, {}
                continue
            if len(cells) > len(header) and (any(t.strip() for t in texts[len(header):])
                                             or self._split_number(header, texts)):
                self.issues.append(self._extra_cells(line, texts, len(header)))
                yield line, {}
                continue
            if delimiter is not None and len(cells) < len(header):
                found = _other_separator(texts, delimiter, len(header), required)
                if found is not None:
                    self.issues.append(self._separator_mismatch(line, texts, delimiter,
                                                                found))
                    yield line, {}
                    continue
            if as_list and len(cells) == len(header):
                yield line, cells
                continue
            if distinct:
                yield line, dict(zip(header, cells, strict=False))
                continue
            record: dict[str, Cell] = {}
            for h, c in zip(header, cells, strict=False):
                if h and h not in record:
                    record[h] = c
            yield line, record
        if header is None:
            self.issues.append(_issue(
                "empty_file", self.file, None, None,
                "tệp trống: cần một dòng tiêu đề và các dòng số liệu",
                "the file is empty: expected a header row and rows of figures",
                expected=", ".join(self.wanted)))

    def _undecodable(self, line: int, header: Sequence[str] | None,
                     texts: Sequence[str]) -> list[DataIssue]:
        """An issue for each cell of a row (of the header: ``header`` None) holding bytes
        that are not UTF-8."""
        found = []
        for n, text in enumerate(texts):
            if not _ESCAPED.search(text):
                continue
            shown = _shown(text)
            if header is None:
                field = f"column {n + 1}"
                vi = (f"tiêu đề cột {n + 1} có byte không phải UTF-8 ('{shown}'); các byte đó "
                      "được đọc là '\ufffd' — hãy gõ lại tiêu đề và lưu tệp dạng 'CSV UTF-8'")
                en = (f"the header of column {n + 1} holds bytes that are not UTF-8 "
                      f"('{shown}'); they are read as '\ufffd' — retype the header and save "
                      "the file as 'CSV UTF-8'")
            else:
                field = (header[n] if n < len(header) else "") or f"column {n + 1}"
                vi = (f"ô '{field}' có byte không phải UTF-8 ('{shown}'), thường do dán từ tệp "
                      "mã khác; dòng không được đọc — hãy gõ lại ô này và lưu tệp dạng "
                      "'CSV UTF-8'")
                en = (f"the '{field}' cell holds bytes that are not UTF-8 ('{shown}'), often "
                      "pasted from a file in another encoding; the row is not read — retype "
                      "the cell and save the file as 'CSV UTF-8'")
            found.append(_issue("bad_encoding", self.file, line, field, vi, en, text=shown,
                                expected="UTF-8 text"))
        return found

    def _separator_mismatch(self, line: int, texts: Sequence[str], delimiter: str,
                            found: str) -> DataIssue:
        vi_found, en_found = _SEPARATOR_NAMES[found]
        vi_used, en_used = _SEPARATOR_NAMES[delimiter]
        return _issue(
            "separator_mismatch", self.file, line, None,
            f"dòng này phân cách các ô bằng {vi_found}, nhưng dòng tiêu đề dùng {vi_used}: "
            "không tách được các ô của dòng — hãy lưu cả tệp với cùng một dấu phân cách",
            f"the row separates its cells with {en_found} but the header with {en_used}, so "
            "its cells cannot be told apart — save the whole file with one separator",
            text=_shown(delimiter.join(texts))[:120],
            expected=f"cells separated by {en_used}, as in the header")

    def _check_header(self, header: list[str], texts: list[str], line: int) -> bool:
        # An entity's name beside its code is explanation, in a figures file too.
        known = set(self.wanted) | set(INFO_FIELDS) | {"name"}
        missing = [f for f in self.required if f not in header]
        for field in missing:
            self.issues.append(_issue(
                "missing_column", self.file, line, field,
                f"thiếu cột '{field}' ở dòng tiêu đề; không đọc được dòng nào của tệp. Các "
                f"cột cần có: {', '.join(self.wanted)} (chấp nhận tên tiếng Việt)",
                f"the header has no '{field}' column, so no row of the file can be read. "
                f"Expected columns: {', '.join(self.wanted)} (Vietnamese names accepted)",
                text=" | ".join(texts), expected=", ".join(self.wanted)))
        seen: dict[str, int] = {}
        twice = False
        for n, (key, text) in enumerate(zip(header, texts, strict=True), start=1):
            if not key:
                continue
            if key in seen and key in self.wanted:
                # "numerator" and "tử số": which column holds the figures is anybody's
                # guess, and a wrong guess reads every row wrong, so none is read.
                twice = True
                first = texts[seen[key] - 1].strip()
                self.issues.append(_issue(
                    "duplicate_column", self.file, line, key,
                    f"cột {seen[key]} ('{first}') và cột {n} ('{text.strip()}') cùng là trường "
                    f"'{key}'; không biết cột nào đúng nên không đọc được dòng nào của tệp — "
                    "hãy xóa hoặc đổi tên một cột",
                    f"columns {seen[key]} ('{first}') and {n} ('{text.strip()}') both name the "
                    f"field '{key}'; which one is meant is unclear, so no row of the "
                    "file is read — delete or rename one of them",
                    text=f"{first} | {text.strip()}", expected="each field in one column"))
                continue
            if key in seen:
                self.issues.append(_issue(
                    "duplicate_column", self.file, line, key,
                    f"cột '{key}' xuất hiện hai lần (cột {seen[key]} và {n}); chỉ dùng cột "
                    f"{seen[key]}, cột {n} bị bỏ qua",
                    f"column '{key}' appears twice (columns {seen[key]} and {n}); column "
                    f"{seen[key]} is used and column {n} is ignored",
                    text=text, expected="each column once", severity="warning"))
                continue
            seen[key] = n
            if key not in known:
                hint = _suggest(key, _KNOWN)
                hint_field = _KNOWN[hint] if hint else None
                self.issues.append(_issue(
                    "unknown_column", self.file, line, text.strip(),
                    f"bỏ qua cột không biết '{text.strip()}'"
                    + (f" (có phải '{hint_field}'?)" if hint_field else ""),
                    f"unknown column '{text.strip()}' is ignored"
                    + (f" (did you mean '{hint_field}'?)" if hint_field else ""),
                    text=text, expected=", ".join(self.wanted), severity="warning"))
        return not missing and not twice

    def _unreadable(self, line: int, header: Sequence[str], cells: Sequence[Cell]) -> bool:
        """Name each :class:`Unreadable` cell of a row; whether there was one."""
        found = False
        for n, cell in enumerate(cells):
            if isinstance(cell, Unreadable):
                field = header[n] if n < len(header) and header[n] else f"column {n + 1}"
                self.issues.append(_issue(cell.code, self.file, line, field, cell.vi, cell.en,
                                          text=str(cell), expected=cell.expected))
                found = True
        return found

    @staticmethod
    def _split_number(header: Sequence[str], texts: Sequence[str]) -> bool:
        """Whether a number column holds digits followed by more digits: ``87,5`` split in
        two by the comma delimiter (the extra cell at the end is then blank)."""
        return any(h in ("numerator", "denominator", "value") and n + 1 < len(texts)
                   and header[n + 1:n + 2] != ["denominator"]
                   and texts[n].strip().isdigit()
                   and re.fullmatch(r"\d{1,3}", texts[n + 1].strip()) is not None
                   for n, h in enumerate(header))

    def _extra_cells(self, line: int, texts: list[str], width: int) -> DataIssue:
        hint_vi = hint_en = ""
        if any(re.fullmatch(r"\d+", t.strip()) for t in texts):
            hint_vi = (" — số có dấu phẩy thập phân (87,5) trong tệp phân cách bằng dấu phẩy "
                       "phải đặt trong ngoặc kép, hoặc lưu tệp với dấu chấm phẩy")
            hint_en = (" — a number with a decimal comma (87,5) in a comma-separated file "
                       "must be quoted, or the file saved with semicolons")
        return _issue(
            "extra_cells", self.file, line, f"column {width + 1}",
            f"dòng có {len(texts)} ô nhưng tiêu đề chỉ có {width} cột{hint_vi}",
            f"the row has {len(texts)} cells but the header has {width} columns{hint_en}",
            text=",".join(texts)[:120], expected=f"{width} cells")
