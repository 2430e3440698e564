"""Records from a JSON file of figures or entities, every one read or named by an issue,
whatever the file holds.

A JSON file is a list of records, or an object holding one under ``observations``,
``figures``, ``entities`` or ``records``. Each record becomes a record of field → cell for the
row reader (:mod:`plan_rules.readers`), or is named by a data issue:

* a field given twice, by the same key or by a key and its alias (``numerator`` and
  ``tử số``): ``duplicate_key``, naming every key, since which value is meant is unknown;
* a number no figure can be (``1e99999999``, a 5,000-digit integer, ``NaN``): ``bad_number``.
  Number literals reach :func:`plan_rules.numbers.parse_literal` as text, which checks the
  bounds of every figure on the digits and the exponent before it builds anything;
* text that is not Unicode, a lone surrogate escape such as ``"\\ud800"``, which no writer
  can output: ``bad_text``, the text shown escaped;
* a list or an object where a cell is expected: ``bad_cell``; a record that is not an
  object: ``bad_record``.

A file nested deeper than Python's JSON parser follows (it raises ``RecursionError``, which is
caught) or that is not JSON at all is one ``bad_json`` issue for the whole file. Nothing here
recurses over the data, and what an issue quotes of it is at most 80 characters.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from decimal import Decimal
from fractions import Fraction
from json.encoder import encode_basestring as _quoted  # json.dumps of a str, without its setup

from ..model import DataIssue
from ..numbers import MAX_WHOLE_DIGITS, NumberParseError, parse_literal
from .cells import Cell, Number
from .header import header_key
from .result import _issue
from .source import _shown as _bytes_shown

__all__ = ["json_records"]

#: The keys of an object that hold its list of records, in the order they are looked for.
_LIST_KEYS = ("observations", "figures", "entities", "records")

#: The most characters an issue quotes of what the file holds.
_SHOWN = 80

#: The JSON values that are neither numbers, texts, lists nor objects, as JSON writes them.
_LITERALS: dict[object, str] = {None: "null", True: "true", False: "false"}

#: A JSON escape that may stand for half a surrogate pair; only a file with one (or with a
#: surrogate itself) is searched string by string.
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
_SURROGATE = re.compile("[\ud800-\udfff]")
#: A byte that was not UTF-8, kept by the decoder as a surrogate escape.
_BYTE = re.compile("[\udc80-\udcff]")


class _Repeated(dict[str, object]):
    """An object that gives a key more than once: the dict keeps the last value, as JSON's
    own reader would, and ``pairs`` keeps every one, so the record can be refused."""

    def __init__(self, pairs: list[tuple[str, object]]) -> None:
        super().__init__(pairs)
        self.pairs = pairs


def _object(pairs: list[tuple[str, object]]) -> dict[str, object]:
    made = dict(pairs)
    return made if len(made) == len(pairs) else _Repeated(pairs)


def _int(text: str) -> Number | NumberParseError:
    if len(text) <= MAX_WHOLE_DIGITS:  # within the bounds, however it is signed
        value = int(text)
        return Number(Fraction(value), str(value))
    return _number(text)


def _number(text: str) -> Number | NumberParseError:
    """A number literal as a cell, or the reason it is not one (kept in its place in the data,
    and reported on its record: raising would lose every other record of the file)."""
    try:
        value = parse_literal(text)
    except NumberParseError as exc:
        return exc
    # Decimal's text, as before: "1.3e2" is shown "1.3E+2" (at most 200 characters).
    return Number(value, str(Decimal(text)))


def _constant(text: str) -> NumberParseError:
    return NumberParseError(text, "a finite number")


def _escaped(text: str) -> str:
    """``text`` with any lone surrogate written as its escape, ``\\ud800``: writable."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def _shown(value: object) -> str:
    """What an issue quotes of a JSON value: at most :data:`_SHOWN` characters, numbers as the
    file wrote them, lone surrogates escaped; a deeply nested value is cut off, never walked
    beyond what is shown."""
    parts: list[str] = []
    size = 0

    def put(text: str) -> None:
        nonlocal size
        parts.append(text)
        size += len(text)

    def walk(item: object) -> None:
        # Each level puts at least one character, so the depth walked is at most _SHOWN.
        if size > _SHOWN:
            return
        if isinstance(item, dict):
            put("{")
            pairs = item.pairs if isinstance(item, _Repeated) else item.items()
            for n, (key, inner) in enumerate(pairs):
                if size > _SHOWN:
                    break
                put((", " if n else "") + _quoted(key[:_SHOWN]) + ": ")
                walk(inner)
            put("}")
        elif isinstance(item, list):
            put("[")
            for n, inner in enumerate(item):
                if size > _SHOWN:
                    break
                put(", " if n else "")
                walk(inner)
            put("]")
        elif isinstance(item, Number | NumberParseError):
            put(item.text[:_SHOWN])
        elif isinstance(item, str):
            put(_quoted(item[:_SHOWN]))
        else:
            put(_LITERALS.get(item, "?"))

    walk(value)
    return _escaped("".join(parts)[:_SHOWN])


def _pairs_shown(pairs: Iterable[tuple[str, object]]) -> str:
    return _escaped(", ".join(f"{_quoted(k[:_SHOWN])}: {_shown(v)}" for k, v in pairs)[:_SHOWN])


def json_records(text: str, file: str, issues: list[DataIssue], *, escaped: bool = False,
                 ) -> tuple[int, Iterator[tuple[int, dict[str, Cell]]]]:
    """The records of a JSON file's ``text``: how many there are, and each as (its number
    from 1, its fields), a record that cannot be read as ``{}`` after its issues are added to
    ``issues``. A file that is not a list of records adds one ``bad_json`` issue and has
    none. ``escaped``: the text keeps bytes that were not UTF-8 as surrogate escapes
    (U+DC80–U+DCFF); a record holding one is named by ``bad_encoding``."""
    try:
        data = json.loads(text, object_pairs_hook=_object, parse_int=_int,
                          parse_float=_number, parse_constant=_constant)
    except json.JSONDecodeError as exc:
        issues.append(_issue(
            "bad_json", file, exc.lineno, None,
            f"không phải JSON hợp lệ (dòng {exc.lineno}, cột {exc.colno}): {exc.msg}",
            f"not valid JSON (line {exc.lineno}, column {exc.colno}): {exc.msg}",
            expected="a JSON list of records"))
        return 0, iter(())
    except RecursionError:
        issues.append(_issue(
            "bad_json", file, None, None,
            "tệp JSON lồng nhau quá sâu để đọc được (danh sách hoặc đối tượng lồng trong nhau "
            "quá nhiều tầng); một tệp số liệu chỉ cần ba tầng",
            "the JSON is nested too deeply to be read (lists or objects within each other, "
            "more levels than Python's JSON reader follows); a figures file needs three",
            expected="a JSON list of records"))
        return 0, iter(())
    if isinstance(data, dict):
        repeated = [k for k in _LIST_KEYS if isinstance(data, _Repeated)
                    and sum(key == k for key, _ in data.pairs) > 1]
        if repeated:
            issues.append(_issue(
                "bad_json", file, 1, None,
                f"khóa '{repeated[0]}' có hai lần trong tệp: không biết dùng danh sách nào",
                f"the key '{repeated[0]}' is given more than once: which list is meant is "
                "unknown", text=repeated[0], expected="a JSON list of records"))
            return 0, iter(())
        data = next((data[k] for k in _LIST_KEYS if k in data), data)
    if not isinstance(data, list):
        kind = ("number" if isinstance(data, Number | NumberParseError)
                else "dict" if isinstance(data, dict) else type(data).__name__)
        issues.append(_issue(
            "bad_json", file, 1, None,
            "tệp JSON phải là một danh sách bản ghi (hoặc có khóa 'observations')",
            "a JSON file must hold a list of records (or an 'observations' key)",
            text=kind, expected="a JSON list of records"))
        return 0, iter(())
    # A decoder that kept undecodable bytes as surrogates would put them in the text itself.
    surrogates = (_SURROGATE_ESCAPE.search(text) is not None
                  or (not text.isascii() and _SURROGATE.search(text) is not None))
    return len(data), _records(data, file, issues, surrogates, escaped)


def _records(items: list[object], file: str, issues: list[DataIssue],
             surrogates: bool, escaped: bool) -> Iterator[tuple[int, dict[str, Cell]]]:
    # A file repeats its keys on every record: fold each key once.
    fields: dict[str, str] = {}
    for n, item in enumerate(items, start=1):
        # Let go of each parsed record once read: the file's records are not all held twice,
        # as parsed JSON and as cells and issues, at the peak.
        items[n - 1] = None
        if not isinstance(item, dict) or not item:
            issues.append(_issue(
                "bad_record", file, n, None,
                f"bản ghi {n} phải là một đối tượng JSON có các trường số liệu",
                f"record {n} must be a JSON object with the figure fields",
                text=_shown(item), expected="an object with the figure fields"))
            yield n, {}
            continue
        record: dict[str, Cell] = {}
        given: set[str] = set()
        repeated: list[str] = []
        bad = False
        pairs = item.pairs if isinstance(item, _Repeated) else item.items()
        for key, value in pairs:
            field = fields.get(key)
            if field is None:
                field = fields[key] = header_key(key)
            if field in given:
                if field not in repeated:
                    repeated.append(field)
                continue
            given.add(field)
            if surrogates and _SURROGATE.search(key):
                issues.append(_bad_text(file, n, _escaped(key), key, is_key=True,
                                        escaped=escaped))
                bad = True
                continue
            if isinstance(value, str):
                if surrogates and not value.isascii() and _SURROGATE.search(value):
                    issues.append(_bad_text(file, n, field, value, is_key=False,
                                            escaped=escaped))
                    bad = True
                    continue
                record[field] = value
            elif isinstance(value, Number):
                record[field] = value
            elif value is None:
                record[field] = ""
            elif isinstance(value, bool):
                record[field] = "true" if value else "false"
            elif isinstance(value, NumberParseError):
                issues.append(_issue("bad_number", file, n, field, value.message_vi,
                                     value.message, text=value.text, expected=value.expected))
                bad = True
            else:
                issues.append(_issue(
                    "bad_cell", file, n, field,
                    f"trường '{_escaped(key)}' phải là chữ hoặc số, không phải danh sách/đối "
                    "tượng",
                    f"field '{_escaped(key)}' must be text or a number, not a list or an object",
                    text=_shown(value), expected="text or a number"))
                bad = True
        for field in repeated:
            # Every key that gave the field, the first one included.
            issues.append(_repeated(file, n, field,
                                    [(k, v) for k, v in pairs if fields[k] == field]))
            bad = True
        yield n, ({} if bad else record)


def _repeated(file: str, n: int, field: str, given: list[tuple[str, object]]) -> DataIssue:
    field = _escaped(field)
    names = [_escaped(k) for k, _ in given]
    times_en = "twice" if len(given) == 2 else f"{len(given)} times"
    times_vi = "hai lần" if len(given) == 2 else f"{len(given)} lần"
    if len(set(names)) == 1:
        what_vi = f"bản ghi {n} ghi khóa '{names[0]}' {times_vi}"
        what_en = f"record {n} gives the key '{names[0]}' {times_en}"
    else:
        listed = ", ".join(f"'{k}'" for k in names[:-1]) + f" và '{names[-1]}'"
        what_vi = f"bản ghi {n} ghi trường '{field}' {times_vi}, dưới các khóa {listed}"
        what_en = (f"record {n} gives the field '{field}' {times_en}, as "
                   + listed.replace(" và ", " and "))
    return _issue(
        "duplicate_key", file, n, field,
        f"{what_vi}; không biết giá trị nào đúng nên bản ghi không được đọc",
        f"{what_en}; which value is meant is unknown, so the record is not read",
        text=_pairs_shown(given), expected="each field once")


def _bad_text(file: str, n: int, field: str, text: str, *, is_key: bool,
              escaped: bool = False) -> DataIssue:
    """A key or value that no report can be written with: a lone surrogate (``bad_text``), or,
    in a file whose bytes were not all UTF-8 (``escaped``), those bytes (``bad_encoding``,
    shown as ``\\xNN``)."""
    where_vi = f"tên trường '{field}'" if is_key else f"trường '{field}'"
    where_en = f"the key '{field}'" if is_key else f"field '{field}'"
    if escaped and _BYTE.search(text):
        shown = _escaped(_bytes_shown(text))[:_SHOWN]
        return _issue(
            "bad_encoding", file, n, field,
            f"{where_vi} có byte không phải UTF-8 ('{shown}'), thường do dán từ tệp mã khác; "
            "bản ghi không được đọc — hãy gõ lại và lưu tệp dạng UTF-8",
            f"{where_en} holds bytes that are not UTF-8 ('{shown}'), often pasted from a file "
            "in another encoding; the record is not read — retype it and save the file as UTF-8",
            text=shown, expected="UTF-8 text")
    char = _escaped(_SURROGATE.findall(text)[0])
    return _issue(
        "bad_text", file, n, field,
        f"{where_vi} có ký tự không hợp lệ ({char}, một nửa cặp UTF-16 đứng riêng) mà không "
        "báo cáo nào ghi ra được; bản ghi không được đọc",
        f"{where_en} holds a character that is not text ({char}, half of a UTF-16 surrogate "
        "pair on its own), which no report can be written with; the record is not read",
        text=_escaped(text)[:_SHOWN], expected="text of Unicode characters")
