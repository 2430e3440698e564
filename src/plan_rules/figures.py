"""The figures between reading and evaluation, as columns: the table every stage reads.

A national file has over a million figures; one object per figure costs more memory and
time than the evaluation itself. So a reader appends each figure's parts to columns:
indicator, unit, level, period, file as small integer codes into a dictionary of the
distinct values (a dozen periods and a few thousand units repeat over a million rows),
counts as 64-bit integers, and the rarer parts (a percentage, a report date, the evidence, a
note) as plain lists. :class:`Observation` stays the friendly public type: the table is a
sequence of them, each built when it is asked for.

Counts the readers give are below 10^18, so they fit a signed 64-bit column. Observations
built in code may hold larger whole numbers; then that column is kept as a list of Python
integers, never truncated.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, MutableSequence, Sequence
from datetime import date
from fractions import Fraction
from typing import Any, overload

from .lazy import LazySequence
from .model import Observation
from .periods import Period

__all__ = ["Codes", "FigureTable"]

#: Where a count column has no figure (a percentage-only rate, a count, a milestone).
NONE = -1

#: The columns most figures leave empty, kept as lists with None where absent: a reader
#: fills them at the end from the few figures that have them.
RARE = ("value", "precision", "reported_on", "source", "note")


class Codes:
    """A dictionary of distinct values, each with a small integer code in order of arrival."""

    __slots__ = ("_code", "values")

    def __init__(self, values: Iterable[Any] = ()) -> None:
        self.values: list[Any] = []
        self._code: dict[Any, int] = {}
        for value in values:
            self.code(value)

    def code(self, value: Any) -> int:
        """The code of ``value``, given one if it is new."""
        found = self._code.get(value)
        if found is None:
            found = self._code[value] = len(self.values)
            self.values.append(value)
        return found

    def get(self, value: Any) -> int | None:
        """The code of ``value``, or None if it was never seen."""
        return self._code.get(value)

    def __len__(self) -> int:
        return len(self.values)


def _counts(values: list[int]) -> MutableSequence[int]:
    """A 64-bit column, or the list itself where a value would not fit (no figure lost)."""
    try:
        return array("q", values)
    except OverflowError:
        return values


def _rows(rows: list[Any]) -> MutableSequence[Any]:
    """A 64-bit column of row numbers (:data:`NONE` for none); or, where an observation made
    in code holds something else as its row (a negative number, a text), the rows as given,
    None for none."""
    if all(r is None or (type(r) is int and 0 <= r < 1 << 63) for r in rows):
        return array("q", (NONE if r is None else r for r in rows))
    return rows


class _ReadOnly(Sequence[Any]):
    """A list shown without the means to change it, and without copying it."""

    __slots__ = ("_items",)

    def __init__(self, items: Sequence[Any]) -> None:
        self._items = items

    def __len__(self) -> int:
        return len(self._items)

    @overload
    def __getitem__(self, index: int) -> Any: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[Any]: ...

    def __getitem__(self, index: int | slice) -> Any:
        return self._items[index] if isinstance(index, int) else tuple(self._items[index])


class FigureTable(LazySequence[Observation]):
    """Reported figures as columns, position ``i`` of every column being the ``i``-th figure.

    Codes (``indicator``, ``entity``, ``level``, ``period``, ``file``) index the dictionaries
    ``indicators``, ``entities``, ``levels``, ``periods`` and ``files``. ``numerator`` and
    ``denominator`` hold :data:`NONE` where the figure gives no counts, ``row`` where it
    names no row. ``value`` (exact), its published ``precision``, ``reported_on``, ``source``
    and ``note`` are lists with None where absent.

    Indexing and iterating give :class:`Observation` objects, built on demand; the stages of
    the evaluation read the columns.

    ``engine`` says how validation and each unit's series are worked out: ``"python"``
    (the default), or ``"pyarrow"`` (the columnar reader's tables; set it on any table to
    ask for it), which runs them vectorised when pyarrow can be imported and the counts fit
    64 bits, with the same result.
    """

    #: The count (or row) of a figure that gives none: counts are never negative.
    NONE = NONE

    __slots__ = (
        "denominator", "engine", "entities", "entity", "file", "files", "indicator",
        "indicators", "level", "levels", "note", "numerator", "period", "periods", "precision",
        "reported_on", "row", "source", "value",
    )

    def __init__(self) -> None:
        self.indicators = Codes()
        self.entities = Codes()
        self.levels = Codes()
        self.periods = Codes()
        self.files = Codes()
        self.indicator: MutableSequence[int] = array("i")
        self.entity: MutableSequence[int] = array("i")
        self.level: MutableSequence[int] = array("i")
        self.period: MutableSequence[int] = array("i")
        self.file: MutableSequence[int] = array("i")
        self.numerator: MutableSequence[int] = array("q")
        self.denominator: MutableSequence[int] = array("q")
        self.row: MutableSequence[int] = array("q")
        self.value: list[Fraction | None] = []
        self.precision: list[Fraction | None] = []
        self.reported_on: list[date | None] = []
        self.source: list[str | None] = []
        self.note: list[str | None] = []
        self.engine: str = "python"

    @classmethod
    def from_observations(cls, observations: Iterable[Observation]) -> FigureTable:
        """The table of ``observations``, in their order (a table is returned as it is)."""
        if isinstance(observations, FigureTable):
            return observations
        table = cls()
        ind, ent, lev, per, fil = (table.indicators.code, table.entities.code,
                                   table.levels.code, table.periods.code, table.files.code)
        nums: list[int] = []
        dens: list[int] = []
        rows: list[int] = []
        for o in observations:
            table.indicator.append(ind(o.indicator))
            table.entity.append(ent(o.entity))
            table.level.append(lev(o.level))
            table.period.append(per(o.period))
            table.file.append(fil(o.file))
            nums.append(NONE if o.numerator is None else o.numerator)
            dens.append(NONE if o.denominator is None else o.denominator)
            rows.append(o.row)  # type: ignore[arg-type]
            table.value.append(o.value)
            table.precision.append(o.precision)
            table.reported_on.append(o.reported_on)
            table.source.append(o.source)
            table.note.append(o.note)
        table.numerator, table.denominator = _counts(nums), _counts(dens)
        table.row = _rows(rows)
        return table

    def read_only(self) -> FigureTable:
        """The same figures in columns that cannot be changed (read-only memory views and
        tuples), sharing this table's memory where it can: what a plugin's check is shown."""
        view = FigureTable()
        for name in ("indicators", "entities", "levels", "periods", "files"):
            codes = Codes()
            codes.values = tuple(getattr(self, name).values)  # type: ignore[assignment]
            codes._code = dict(getattr(self, name)._code)
            setattr(view, name, codes)
        for name in ("indicator", "entity", "level", "period", "file", "numerator",
                     "denominator", "row"):
            column = getattr(self, name)
            setattr(view, name, memoryview(column).toreadonly() if isinstance(column, array)
                    else tuple(column))
        for name in RARE:
            setattr(view, name, _ReadOnly(getattr(self, name)))
        return view

    # -- one figure ------------------------------------------------------------------------

    def observation(self, i: int) -> Observation:
        """The figure at position ``i`` as an :class:`Observation`."""
        num, den, row = self.numerator[i], self.denominator[i], self.row_at(i)
        obs = object.__new__(Observation)
        # The parts were checked when the table was built: the validators need not run again.
        put = object.__setattr__
        put(obs, "indicator", self.indicators.values[self.indicator[i]])
        put(obs, "entity", self.entities.values[self.entity[i]])
        put(obs, "period", self.periods.values[self.period[i]])
        put(obs, "level", self.levels.values[self.level[i]])
        put(obs, "numerator", None if num == NONE else num)
        put(obs, "denominator", None if den == NONE else den)
        put(obs, "value", self.value[i])
        put(obs, "precision", self.precision[i])
        put(obs, "reported_on", self.reported_on[i])
        put(obs, "source", self.source[i])
        put(obs, "note", self.note[i])
        put(obs, "file", self.files.values[self.file[i]])
        put(obs, "row", row)
        return obs

    def period_of(self, i: int) -> Period:
        """The period of the figure at ``i``."""
        period: Period = self.periods.values[self.period[i]]
        return period

    def where(self, i: int) -> str:
        """``file:row`` of the figure at ``i`` (or what is known of it), for messages."""
        file, row = self.files.values[self.file[i]], self.row_at(i)
        if file is None:
            return f"row {row}" if row is not None else "(given in code)"
        return f"{file}:{row}" if row is not None else str(file)

    def source_of(self, i: int) -> tuple[str | None, int | None]:
        """File and row of the figure at ``i``."""
        return self.files.values[self.file[i]], self.row_at(i)

    def row_at(self, i: int) -> int | None:
        """The row the figure at ``i`` was read from, None if it names none."""
        row: int | None = self.row[i]
        return None if row is None or (row == NONE and isinstance(self.row, array
                                                                   | memoryview)) else row

    def rows(self, start: int, stop: int) -> list[int | None]:
        """The rows of the figures from ``start`` to ``stop``, None where one names none."""
        if isinstance(self.row, array | memoryview):
            return [None if r == NONE else r for r in self.row[start:stop]]
        return list(self.row[start:stop])

    # -- the sequence of observations ------------------------------------------------------

    def __len__(self) -> int:
        return len(self.indicator)

    def _item(self, index: int) -> Observation:
        return self.observation(index)

    def __repr__(self) -> str:
        return f"<FigureTable of {len(self)} figures>"
