"""What a reader gives back (:class:`ReadResult`), the data issues it names rows with, and
how it accounts for every row.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import cast

import attrs

from ..figures import FigureTable
from ..model import DataIssue, Entity, Observation, Text

__all__ = ["FILE_ISSUES", "ProgressCallback", "ReadResult"]


#: Issue codes that concern a whole file: as errors, they account for every row of it (a
#: ``duplicate_column`` warning, about a column that is ignored anyway, does not).
FILE_ISSUES = frozenset({"missing_column", "empty_file", "bad_json", "duplicate_column"})

#: Called as ``progress(done, total)`` while a large file is read.
ProgressCallback = Callable[[int, int], None]


def _as_table(observations: Iterable[Observation]) -> FigureTable:
    """The figures as a table (one is kept as it is; anything else is put into one)."""
    return FigureTable.from_observations(observations)


@attrs.frozen(kw_only=True)
class ReadResult:
    """What a reader produced: observations (or entities), data issues, and the rows it saw.

    ``observations`` is a :class:`~plan_rules.figures.FigureTable`, the columns the reader
    filled (observations given as any other sequence are put into one): a sequence of
    :class:`~plan_rules.Observation` built on demand, equal to the tuple of them.
    """

    observations: Sequence[Observation] = attrs.field(converter=_as_table)
    issues: tuple[DataIssue, ...]
    rows: int
    blank_rows: int = 0
    entities: tuple[Entity, ...] = ()
    unaccounted: tuple[int, ...] = ()

    @property
    def accounted(self) -> bool:
        """Every data row became an observation or an entity, or is named by an issue."""
        return not self.unaccounted

    @property
    def figures(self) -> FigureTable:
        """The observations as the columns the reader filled, in row order."""
        return cast("FigureTable", self.observations)


def _issue(code: str, file: str, row: int | None, field: str | None, vi: str, en: str,
           text: str | None = None, expected: str | None = None,
           severity: str = "error") -> DataIssue:
    return DataIssue(code=code, message=Text(vi=vi, en=en), file=file, row=row, field=field,
                     text=text, expected=expected, severity=severity)


def _unaccounted(lines: Sequence[int], made: set[int | None],
                 issues: Sequence[DataIssue]) -> tuple[int, ...]:
    """The data rows that produced nothing and that no issue names (none, if all is well)."""
    if any(i.code in FILE_ISSUES and i.severity == "error" for i in issues):
        return ()
    named = {i.row for i in issues}
    return tuple(n for n in lines if n not in made and n not in named)
