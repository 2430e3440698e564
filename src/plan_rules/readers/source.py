"""A file's bytes as text and lines: its encoding (UTF-8, UTF-16, Windows-1258; bytes that
are not UTF-8 kept as escapes for the rows to name), its delimiter and ``sep=`` line, its
lines split as a CSV file's, and lines too long for any table (:data:`MAX_LINE`).
"""

from __future__ import annotations

import codecs
import itertools
import re
import unicodedata
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import AnyStr

from ..errors import ReadError
from ..model import DataIssue
from .result import _issue

__all__ = ["MAX_LINE"]


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise ReadError(
            f"cannot read {path}: {exc.strerror or exc} — không đọc được tệp {path}",
            file=str(path)) from exc


def _utf16(raw: bytes, path: Path) -> str | None:
    """The text of a file with a UTF-16 byte-order mark; None for any other file."""
    if not raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return None
    try:
        return raw.decode("utf-16")
    except UnicodeDecodeError as exc:
        raise ReadError(
            f"{path} starts as UTF-16 text but breaks off at byte {exc.start} (a truncated "
            f"or damaged file) — tệp {path} là UTF-16 nhưng bị cắt hoặc hỏng ở byte "
            f"{exc.start}", file=str(path)) from exc


def _decode_lines(path: Path, issues: list[DataIssue], *,
                  mostly: Callable[[bytes], bool] | None = None,
                  raw: bytes | None = None) -> tuple[str, bool]:
    """A file's text, and whether some of its lines hold bytes that are not UTF-8.

    A file whose non-ASCII lines are mostly UTF-8 is UTF-8 (a line pasted from an older file
    must not turn every ``hoàn thành`` of the others into mojibake): its bad bytes are kept as
    surrogate escapes (U+DC80–U+DCFF, which UTF-8 text never holds), for the table (or the
    JSON reader) to name on their rows. Only a file whose non-ASCII lines are mostly not
    UTF-8 is read whole as Windows-1258, with the ``encoding`` warning. ``mostly`` judges
    that instead of counting lines (a JSON file is often one line). ``raw``: the file's
    bytes, already read."""
    raw = _read_bytes(path) if raw is None else raw
    text = _utf16(raw, path)
    if text is not None:
        return text, False
    try:
        return raw.decode("utf-8-sig"), False
    except UnicodeDecodeError as exc:
        if (mostly or _mostly_utf8)(raw):
            return raw.decode("utf-8-sig", errors="surrogateescape"), True
        issues.append(_encoding_issue(str(path), exc.start))
        return _windows_1258(raw), False


_HIGH_BYTE = re.compile(rb"[\x80-\xff]")


def _mostly_utf8(raw: bytes) -> bool:
    """Whether at least as many of the lines holding non-ASCII bytes are UTF-8 as are not.
    One pass: each search starts after the line the previous one found."""
    good = bad = position = 0
    while (m := _HIGH_BYTE.search(raw, position)) is not None:
        start = raw.rfind(b"\n", 0, m.start()) + 1
        end = raw.find(b"\n", m.start())
        end = len(raw) if end < 0 else end
        try:
            raw[start:end].decode("utf-8")
        except UnicodeDecodeError:
            bad += 1
        else:
            good += 1
        position = end + 1
    return good >= bad


_HIGH_RUN = re.compile(rb"[\x80-\xff]+")


def _mostly_utf8_runs(raw: bytes) -> bool:
    """Whether at least as many of the runs of non-ASCII bytes are UTF-8 as are not: for a
    file whose lines say nothing (JSON)."""
    good = bad = 0
    for m in _HIGH_RUN.finditer(raw):
        try:
            m[0].decode("utf-8")
        except UnicodeDecodeError:
            bad += 1
        else:
            good += 1
    return good >= bad


#: The surrogate escapes that stand for bytes that are not UTF-8 (see :func:`_decode_lines`).
_ESCAPED = re.compile("[\udc80-\udcff]")


def _shown(text: str) -> str:
    """Text fit for a report: bytes that were not UTF-8 shown as ``\\xNN``."""
    if not _ESCAPED.search(text):
        return text
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def _encoding_issue(file: str, position: int) -> DataIssue:
    """The warning for a file that is not UTF-8; ``position`` is where decoding failed."""
    return _issue(
        "encoding", file, None, None,
        f"tệp không phải UTF-8 (byte {position}); đã đọc theo bảng mã Windows-1258 — "
        "hãy kiểm tra dấu tiếng Việt và lưu lại dưới dạng 'CSV UTF-8'",
        f"the file is not UTF-8 (byte {position}); it was read as Windows-1258 "
        "(Vietnamese) — check the diacritics, and save it as 'CSV UTF-8'",
        expected="UTF-8 text", severity="warning")


def _windows_1258(raw: bytes) -> str:
    """Bytes that are not UTF-8, read as Windows-1258 (Vietnamese), composed (NFC)."""
    return unicodedata.normalize("NFC", raw.decode("cp1258", errors="replace"))


def _delimiter(line: str) -> str:
    """The delimiter of a header line: the most frequent of ``;``, ``,`` and tab outside
    quotes (a Vietnamese-locale spreadsheet saves with ``;``)."""
    unquoted = re.sub(r'"[^"]*"', "", line)
    counts = {d: unquoted.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: (counts[d], d == ","))
    return best if counts[best] else ","


def _dialect(text: str) -> tuple[str, int]:
    """The delimiter of a table and how many lines come before its content: the first
    non-blank line is Excel's ``sep=;`` hint (skipped, with the blank lines before it) or
    the header, whose delimiter :func:`_delimiter` finds. Only that line is looked at, however
    many blank lines come first."""
    index = position = 0
    while True:
        end = text.find("\n", position)
        line = text[position:] if end < 0 else text[position:end]
        if line.strip() or end < 0:
            break
        index, position = index + 1, end + 1
    m = re.fullmatch(r"\s*sep=(.)\s*", line)
    if m:
        return m[1], index + 1
    return _delimiter(line), 0


#: Line breaks ``str.splitlines`` knows but a CSV file (read with ``newline=""``) does not.
_OTHER_BREAKS = re.compile("[\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+")


def _lines(text: str, block: int = 1 << 20) -> Iterator[str]:
    """The lines of ``text`` with their ends, split as ``io.StringIO(text, newline="")``
    splits them (at ``\\n``, ``\\r\\n`` and ``\\r``), without its copy of the whole text
    at four bytes a character: read a block of about ``block`` characters at a time."""
    if _OTHER_BREAKS.search(text):
        return map(re.Match.group, _LINE.finditer(text))
    return itertools.chain.from_iterable(_line_blocks(text, block))


def _line_blocks(text: str, block: int) -> Iterator[list[str]]:
    start, size = 0, len(text)
    while start < size:
        end = text.find("\n", start + block)
        end = size if end < 0 else end + 1
        yield text[start:end].splitlines(keepends=True)
        start = end


#: The line breaks :data:`_OTHER_BREAKS` names, in UTF-8, by their first byte.
_OTHER_BREAK_BYTES: dict[bytes, tuple[bytes, ...]] = {}
for _char in "\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029":
    _OTHER_BREAK_BYTES.setdefault(_char.encode()[:1], ())
    _OTHER_BREAK_BYTES[_char.encode()[:1]] += (_char.encode(),)


def _other_breaks(raw: bytes) -> bool:
    """Whether UTF-8 bytes hold a line break of :data:`_OTHER_BREAKS`. Each is looked for
    by itself, a longer one only where its first byte is found at all: on the national
    benchmark file, five single bytes and two first bytes take 0.04 s, where one regular
    expression of the eight takes 0.25 s and a search for each of them 0.2 s."""
    return any(raw.find(first) >= 0 and any(raw.find(whole) >= 0 for whole in wholes)
               for first, wholes in _OTHER_BREAK_BYTES.items())


class _Utf8:
    """The text of a UTF-8 file kept as its bytes, its lines decoded a block at a time.

    A few Vietnamese letters beyond Latin-1 (an ``Đ`` in a province's evidence) make Python
    hold a whole decoded text at two bytes a character: the national benchmark file's
    61 MiB of bytes as 122 MiB of text, the largest part of what reading it held. Its
    bytes are only kept when they read exactly as the whole text would (:meth:`of`)."""

    __slots__ = ("head", "raw", "start")

    def __init__(self, raw: bytes, start: int, head: str) -> None:
        self.raw, self.start, self.head = raw, start, head

    @classmethod
    def of(cls, raw: bytes, block: int = 1 << 20) -> _Utf8 | None:
        """``raw`` as lines decoded a block at a time, or None unless that gives exactly
        the lines of its whole text: UTF-8 (with or without a byte-order mark) throughout,
        no line break but those of a CSV file, no line longer than :data:`MAX_LINE` bytes
        (so none longer in characters), and the first block not blank (it holds the line
        :func:`_dialect` reads, given as :attr:`head`)."""
        if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return None
        if _other_breaks(raw) or _long_line(
                raw, (b"\n", b"\r"), MAX_LINE) is not None:
            return None
        start = len(codecs.BOM_UTF8) if raw.startswith(codecs.BOM_UTF8) else 0
        head: str | None = None
        try:
            for text in cls._decoded(raw, start, block):
                head = text if head is None else head
        except UnicodeDecodeError:
            return None
        if not head or not head.strip():
            return None
        return cls(raw, start, head)

    @staticmethod
    def _decoded(raw: bytes, start: int, block: int) -> Iterator[str]:
        """The text of ``raw`` from ``start``, a block of whole lines at a time (a line
        feed is the byte 0x0A and nothing else in UTF-8, so each block decodes alone)."""
        size = len(raw)
        while start < size:
            end = raw.find(b"\n", start + block)
            end = size if end < 0 else end + 1
            yield raw[start:end].decode("utf-8")
            start = end

    def lines(self, block: int = 1 << 20) -> Iterator[str]:
        """The lines with their ends, as :func:`_lines` splits the whole text."""
        return itertools.chain.from_iterable(
            text.splitlines(keepends=True) for text in self._decoded(self.raw, self.start,
                                                                     block))


#: The longest line read, in characters: a row of the widest sensible table, each cell as long
#: as Python's CSV reader takes, is far shorter. A longer line (a file without line ends, a
#: 200 MB "header") is a ReadError, found before anything is split or parsed.
MAX_LINE = 1 << 21


def _long_line(text: AnyStr, breaks: tuple[AnyStr, AnyStr], bound: int) -> int | None:
    """Where the first line (ended by either of ``breaks``) longer than ``bound`` starts, or
    None. Nothing is split or copied: each step looks back from ``bound`` past the last line
    end found, so the whole text is looked at about once."""
    position, size = 0, len(text)
    while size - position > bound:
        end = position + bound + 1
        cut = max(text.rfind(breaks[0], position, end), text.rfind(breaks[1], position, end))
        if cut < 0:
            return position
        position = cut + 1
    return None


def _check_lines(text: str, file: str) -> None:
    """:raises ReadError: a line of ``text`` is longer than :data:`MAX_LINE`."""
    at = _long_line(text, ("\n", "\r"), MAX_LINE)
    if at is None:
        return
    line = text.count("\n", 0, at) + text.count("\r", 0, at) - text.count("\r\n", 0, at) + 1
    raise ReadError(
        f"{file}, line {line}: a line of more than {MAX_LINE:,} characters, which no table "
        "of figures has (a file without line ends, or not a CSV file) — "
        f"{file}, dòng {line}: một dòng dài hơn {MAX_LINE:,} ký tự, không phải bảng số liệu",
        file=file)
