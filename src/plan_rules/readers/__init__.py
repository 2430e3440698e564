"""Reading what people hand in: figures (CSV, JSON, ``.xlsx``) and entities, every row accounted
for.

One row per figure, long format, the same columns in every format. Files are read the way
people really save them: UTF-8 with or without a byte-order mark (UTF-16, and Windows-1258 with a
warning; a UTF-8 file with a few lines that are not stays UTF-8, those lines named), commas,
semicolons or tabs, Vietnamese number style (``1.234``, ``87,5``, ``87,5%``),
blank lines, stray spaces, Excel serial dates, headers in English or Vietnamese (with or without
diacritics, in any order, with the template's explanatory columns). Each data row becomes an
:class:`~plan_rules.Observation` or is named by a :class:`~plan_rules.DataIssue` giving the file,
row, field, the text found and what was expected, in Vietnamese and English; a row with no figure
at all is named by a warning. Nothing is dropped silently: a quote left open costs only the
row it is on (the rows it swallowed are read again), a row saved with another separator than
its header is an error, and a header or a line too long for any table
(:data:`MAX_COLUMNS`, :data:`MAX_LINE`) is a :class:`~plan_rules.ReadError`, found in bounded
time and memory.

The package's modules, each importing only those above it in this list:

* :mod:`.result` — what a reader gives back (:class:`ReadResult`) and its data issues;
* :mod:`.cells` — what a reader hands the row parser (:class:`Number`, :class:`Unreadable`);
* :mod:`.header` — the formats' columns, header aliases and level names;
* :mod:`.dates` — dates as people and spreadsheets write them;
* :mod:`.source` — a file's bytes as text and lines: encoding, delimiter, long lines;
* :mod:`.csv` — delimited text into records, quotes left open;
* :mod:`.json` and :mod:`.xlsx` — records from a JSON file, rows from a workbook;
* :mod:`.table` — the rows of one file, whatever its format, as records keyed by field;
* :mod:`.rows` — records into the figure table (the row parser), and the pure reader;
* :mod:`.entities` — an entities file;
* :mod:`.columnar` — the pyarrow reader (``engine="pyarrow"``).

This module only chooses the reader and gives the public names; nothing below imports it.
"""

from __future__ import annotations

import os

from ..registry import Registry
from .cells import Number, Unreadable
from .dates import excel_date, parse_date
from .entities import read_entities
from .header import ENTITY_FIELDS, FIELDS, INFO_FIELDS, LEVEL_ALIASES, MAX_COLUMNS, header_key
from .header import level_key as level_key
from .result import FILE_ISSUES, ProgressCallback, ReadResult
from .rows import _DONE as _DONE  # the milestone words, which benchmarks/polars_full.py reads
from .rows import _NOT_DONE as _NOT_DONE
from .rows import read_pure
from .source import MAX_LINE

__all__ = [
    "ENTITY_FIELDS",
    "FIELDS",
    "FILE_ISSUES",
    "INFO_FIELDS",
    "LEVEL_ALIASES",
    "MAX_COLUMNS",
    "MAX_LINE",
    "Number",
    "ProgressCallback",
    "ReadResult",
    "Unreadable",
    "excel_date",
    "header_key",
    "level_key",
    "parse_date",
    "read_entities",
    "read_observations",
]


def read_observations(path: str | os.PathLike[str], *, registry: Registry | None = None,
                      progress: ProgressCallback | None = None,
                      engine: str = "python") -> ReadResult:
    """Read a figures file (``.csv``, ``.tsv``/``.txt``, ``.json``, ``.xlsx`` with the
    ``xlsx`` extra).

    :param registry: used to read each ``value`` as its indicator's kind needs (a bare
        ``87,5`` is 87.5% for a rate, 87.5 for a count) and to match indicator codes whatever
        their case; default: the installed plugins.
    :param progress: called as ``progress(rows_done, rows_total)`` every few thousand rows.
    :param engine: ``"python"``, or ``"pyarrow"`` to parse delimited text with pyarrow (the
        ``columnar`` extra; same result, see :mod:`plan_rules.columnar`).
    :raises ReadError: the file cannot be opened at all (missing, unreadable, a format that is
        not read); every problem with its content is a data issue instead.
    :raises ImportError: ``engine="pyarrow"`` without pyarrow installed.
    """
    if engine == "python":
        return read_pure(path, registry=registry, progress=progress)
    if engine != "pyarrow":
        raise ValueError(f"engine must be 'python' or 'pyarrow', not {engine!r}")
    from .columnar import read_observations as read_with_pyarrow

    return read_with_pyarrow(path, registry=registry, progress=progress)
