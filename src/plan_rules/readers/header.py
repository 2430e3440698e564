"""The columns of the formats and the headers that name them: aliases in Vietnamese and
English (with or without diacritics), level names, and the header row's keys.
"""

from __future__ import annotations

import difflib
import functools
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence

from ..errors import ReadError

__all__ = ["ENTITY_FIELDS", "FIELDS", "INFO_FIELDS", "LEVEL_ALIASES", "MAX_COLUMNS",
           "header_key", "level_key"]


#: The columns of the figures format, in order.
FIELDS = ("indicator", "entity", "level", "period", "numerator", "denominator", "value",
          "reported_on", "source", "note")

#: The columns of the entities format, in order.
ENTITY_FIELDS = ("code", "name", "level", "groups", "parent", "valid_from", "valid_to")

#: Explanatory columns the fill-in template adds; readers accept and ignore them.
INFO_FIELDS = ("indicator_name", "entity_name", "target", "unit", "numerator_counts",
               "denominator_counts", "how_to_fill")

#: Header aliases, keyed by the folded form (see :func:`header_key`): Vietnamese names, with
#: or without diacritics, and a few common English variants.
_ALIAS_WORDS: Mapping[str, Sequence[str]] = {
    "indicator": ("chỉ tiêu", "mã chỉ tiêu", "indicator code", "indicator_code"),
    "entity": ("đơn vị", "mã đơn vị", "entity code", "entity_code", "unit code"),
    "level": ("cấp", "cấp đơn vị"),
    "period": ("kỳ báo cáo", "kỳ", "reporting period"),
    "numerator": ("tử số",),
    "denominator": ("mẫu số",),
    "value": ("giá trị", "số liệu", "kết quả"),
    "reported_on": ("ngày báo cáo", "reported on", "report date"),
    "source": ("nguồn", "căn cứ", "nguồn số liệu", "evidence"),
    "note": ("ghi chú", "notes"),
    "code": ("mã",),
    "name": ("tên", "tên đơn vị"),
    "groups": ("nhóm", "group"),
    "parent": ("đơn vị cấp trên", "cấp trên"),
    "valid_from": ("hiệu lực từ", "từ ngày", "valid from"),
    "valid_to": ("hiệu lực đến", "đến ngày", "valid to"),
    "indicator_name": ("tên chỉ tiêu", "indicator name"),
    "entity_name": ("entity name",),
    "target": ("mục tiêu", "chỉ tiêu kế hoạch"),
    "unit": ("đơn vị tính", "đvt"),
    "numerator_counts": ("tử số đếm", "numerator counts"),
    "denominator_counts": ("mẫu số đếm", "denominator counts"),
    "how_to_fill": ("cách điền", "how to fill", "hướng dẫn"),
}

#: Level names as Vietnamese reports write them, mapped to the levels plugins use.
LEVEL_ALIASES: Mapping[str, str] = {
    "tỉnh": "province", "cấp tỉnh": "province", "toàn tỉnh": "province",
    "sở": "department", "sở, ngành": "department", "sở ngành": "department",
    "cơ quan cấp tỉnh": "department",
    "huyện": "district", "cấp huyện": "district",
    "xã": "commune", "cấp xã": "commune", "phường": "commune", "xã, phường": "commune",
    # The plugins' own names, in any case: "Province" and "COMMUNE" are not new levels.
    "province": "province", "department": "department", "district": "district",
    "commune": "commune",
}


def _fold(text: str) -> str:
    """Case-folded, spaces collapsed, ``_``/``-`` as spaces, diacritics removed (``đ`` → d)."""
    text = unicodedata.normalize("NFC", text).replace("\ufeff", "").strip().casefold()
    text = text.replace("đ", "d")
    text = "".join(c for c in unicodedata.normalize("NFD", text)
                   if not unicodedata.combining(c))
    return " ".join(re.sub(r"[_\-]+", " ", text).split())


_KNOWN: dict[str, str] = {}
for _field in (*FIELDS, *ENTITY_FIELDS, *INFO_FIELDS):
    _KNOWN[_fold(_field)] = _field
for _field, _words in _ALIAS_WORDS.items():
    for _word in _words:
        _KNOWN.setdefault(_fold(_word), _field)
_LEVELS = {_fold(k): v for k, v in LEVEL_ALIASES.items()}


def header_key(header: str) -> str:
    """The field a header names: ``"Tử số"``, ``"tu so"``, ``"Numerator (tử số)"`` and
    ``" numerator *"`` all name ``numerator``; an unknown header is returned folded."""
    folded = _fold(header).rstrip("*: ").strip()
    if folded in _KNOWN:
        return _KNOWN[folded]
    # "Tử số (numerator)": either part may be the name.
    m = re.fullmatch(r"(.*?)\s*[(\[](.*?)[)\]]\s*", folded)
    if m:
        for part in (m[1], m[2]):
            if part.strip() in _KNOWN:
                return _KNOWN[part.strip()]
    return folded


#: Levels already spelt as plugins name them, which the fast path takes as they are.
_CANONICAL_LEVELS = frozenset({"province", "department", "district", "commune"})


@functools.lru_cache(maxsize=1024)
def level_key(level: str) -> str:
    """A level as plugins name it: ``"Cấp xã"`` and ``"xa"`` are ``commune``; other levels
    are kept as written (the set of levels is open)."""
    return _LEVELS.get(_fold(level), level.strip())


def _suggest(word: str, choices: Iterable[str]) -> str | None:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.75)
    return close[0] if close else None


#: The most columns a header may name (the fill-in template has 17); past them, a ReadError.
MAX_COLUMNS = 1000


def _header_keys(texts: Sequence[str], file: str, line: int) -> list[str]:
    """The fields a header's cells name (:func:`header_key`), blank cells at the end as "".

    :raises ReadError: the header names more than :data:`MAX_COLUMNS` columns.
    """
    width = len(texts)
    while width and not texts[width - 1].strip():
        width -= 1
    if width > MAX_COLUMNS:
        raise ReadError(
            f"{file}, line {line}: the header has {width:,} columns; a figures file has at "
            f"most {MAX_COLUMNS:,} — {file}, dòng {line}: dòng tiêu đề có {width:,} cột; tệp "
            f"số liệu có tối đa {MAX_COLUMNS:,} cột", file=file)
    return [header_key(t) for t in texts[:width]] + [""] * (len(texts) - width)
